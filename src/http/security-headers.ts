// Security headers, set with one loop per response from lists worked out once at start-up.
//
// JSON responses (the API) carry the set the OWASP REST Security Cheat Sheet recommends for APIs:
// no caching of (sensitive) answers, a CSP that allows nothing and no framing, HSTS, nosniff, and
// no framing for old browsers. The headers that only mean something for an HTML document a
// browser renders (COOP, CORP, Origin-Agent-Cluster, referrer policy, DNS prefetch, ...) are left
// to pages: the docs page and the dashboard get helmet's full defaults. The API answers every scoring call, and its old per-request helmet()
// (thirteen nested middleware and ~700 bytes of headers) cost a measurable share of throughput.
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

type HeaderList = ReadonlyArray<readonly [string, string]>;

export const API_SECURITY_HEADERS: HeaderList = [
  ['Cache-Control', 'no-store'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

function setAll(headers: HeaderList): RequestHandler {
  return (_req, res, next) => {
    for (let i = 0; i < headers.length; i++) res.setHeader(headers[i][0], headers[i][1]);
    next();
  };
}

/** The API's headers, for every response (pages add theirs on top). */
export function apiSecurityHeaders(): RequestHandler {
  return setAll(API_SECURITY_HEADERS);
}

/** helmet's defaults, recorded once from helmet itself; null if helmet computes one from the request. */
function recordHelmet(): Array<[string, string]> | null {
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
    helmet()(probe, recorder, () => {
      done = true;
    });
  } catch {
    dependsOnRequest = true;
  }
  return dependsOnRequest || !done ? null : headers;
}

/**
 * helmet's defaults for HTML pages, recorded once from helmet itself. If helmet ever computes a
 * header from the request (or is not synchronous), it runs per request instead.
 */
export function pageSecurityHeaders(): RequestHandler {
  const headers = recordHelmet();
  return headers ? setAll(headers) : helmet();
}

let pageOnlyNames: Set<string> | null = null;

/**
 * Makes a response that is about to carry JSON (an error, a 404) carry exactly the API's set, even
 * when a page route (docs, dashboard) had already set the page headers before it failed or fell
 * through: a JSON answer must not say it is a page (COOP, CORP, a page CSP, SAMEORIGIN framing...).
 */
export function useApiHeaders(res: Response): void {
  if (!pageOnlyNames) {
    const api = new Set(API_SECURITY_HEADERS.map(([name]) => name.toLowerCase()));
    const page = (recordHelmet() ?? []).map(([name]) => name.toLowerCase());
    // The dashboard's own page headers (src/dashboard/router.ts) are helmet's names too.
    pageOnlyNames = new Set(page.filter((name) => !api.has(name)));
  }
  for (const name of res.getHeaderNames()) if (pageOnlyNames.has(name)) res.removeHeader(name);
  for (const [name, value] of API_SECURITY_HEADERS) res.setHeader(name, value);
}
