// Security headers: helmet's defaults, worked out once at start-up and then set with one loop per
// response. helmet() runs thirteen nested middleware per request to set the same constant values;
// on the scoring path that nesting cost a measurable share of the throughput. If helmet ever
// computes a header from the request (or is not synchronous), it is used per request as before.
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export function securityHeaders(): RequestHandler {
  const perRequest = helmet();
  const headers: Array<[string, string]> = [];
  let dependsOnRequest = false;
  let done = false;
  const probe = new Proxy({} as Request, {
    get(_t, prop) {
      dependsOnRequest = true;
      return prop === 'headers' ? {} : undefined;
    },
  });
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
      return recorder;
    },
    removeHeader() {
      return undefined;
    },
  } as unknown as Response;
  try {
    perRequest(probe, recorder, () => {
      done = true;
    });
  } catch {
    dependsOnRequest = true;
  }
  if (dependsOnRequest || !done) return perRequest;
  return (_req, res, next) => {
    for (let i = 0; i < headers.length; i++) res.setHeader(headers[i][0], headers[i][1]);
    next();
  };
}
