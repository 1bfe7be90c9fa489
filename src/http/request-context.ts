// Request ids and access logs. A caller's x-request-id is honoured (so a CRM can correlate its own
// logs) when it is short and printable; otherwise one is generated. Every log line of a request
// carries it, and it is echoed in the response header and in error bodies.
import crypto from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { accessLogger } from './logger';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CHILD = Symbol('salescast.requestLogger');

type WithChild = Request & { [CHILD]?: Logger };

/**
 * Installs `req.log` (a child logger carrying the request id, built on first use: most requests
 * only write the access line) on the app's request prototype, and returns the middleware that
 * assigns request ids and writes one access log line per response. Defining `log` once on the
 * prototype instead of on every request keeps request objects in their fast shape.
 */
export function requestContext(app: Express, logger: Logger): RequestHandler {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: WithChild) {
      return (this[CHILD] ??= logger.child({ requestId: this.res?.locals.requestId }));
    },
    set(this: WithChild, v: Logger) {
      this[CHILD] = v;
    },
  });
  const access = accessLogger(logger);
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const url = req.originalUrl;
      const q = url.indexOf('?');
      access({
        requestId,
        method: req.method,
        path: q < 0 ? url : url.slice(0, q),
        status: res.statusCode,
        ms: Math.round(ms * 100) / 100,
        key: req.identity?.keyName,
      });
    });
    next();
  };
}
