// Mounts a contract route on a router: checks the scope, validates params, query and body with the
// route's zod schemas (every bad field reported at once, 400), then calls a thin handler and sends
// what it returns with the route's success status. Mounted definitions are collected so the
// OpenAPI document lists exactly what the app serves.
import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { FAIL, fastParser } from '../contracts/fast-parse';
import { textIssues } from '../contracts/input-rules';
import type { RouteDef } from '../contracts/route';
import { AppError, detailsFromZod, type ErrorDetail } from '../errors';
import { scopeProblem } from './auth';

type Out<S> = S extends z.ZodTypeAny ? z.output<S> : undefined;

export interface Input<R extends RouteDef> {
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: Out<R['body']>;
  req: Request;
  res: Response;
}

export type Mount = <R extends RouteDef>(def: R, handler: (input: Input<R>) => Promise<unknown> | unknown) => void;

function prefixed(where: string, issues: z.core.$ZodIssue[]): ErrorDetail[] {
  return detailsFromZod(issues).map((d) => ({ ...d, path: [where, ...(d.path ?? [])] }));
}

/**
 * One part of a request (params, query or body) against its schema. The text rule is checked on
 * the raw input first, keys and undeclared fields included (src/contracts/input-rules.ts); zod's
 * own details for the same fields are then left out.
 */
function checkPart(schema: z.ZodTypeAny, raw: unknown, where: 'params' | 'query' | null, details: ErrorDetail[]): unknown {
  const base = where ? [where] : [];
  const text = textIssues(raw, base);
  // Valid input takes the compiled path (src/contracts/fast-parse.ts); anything else gets zod's verdict and details.
  if (!text.length) {
    const fast = fastParser(schema);
    if (fast) {
      const out = fast(raw);
      if (out !== FAIL) return out;
    }
  }
  const r = schema.safeParse(raw);
  const zodDetails = r.success ? [] : where ? prefixed(where, r.error.issues) : detailsFromZod(r.error.issues);
  if (!text.length && r.success) return r.data;
  const seen = new Set(text.map((t) => t.path.join('\u0000')));
  details.push(...text, ...zodDetails.filter((d) => !seen.has((d.path ?? []).join('\u0000'))));
  return undefined;
}

export function validateInput(def: RouteDef, req: Request): { params: unknown; query: unknown; body: unknown } {
  const details: ErrorDetail[] = [];
  let params: unknown;
  let query: unknown;
  let body: unknown;
  if (def.params) params = checkPart(def.params, req.params, 'params', details);
  if (def.query) query = checkPart(def.query, req.query ?? {}, 'query', details);
  // A /v1 route without options: any query parameter is unknown (as a misspelt one is elsewhere).
  // Only a URL with a query string is parsed for them (the scoring call has none).
  else if (def.scope && req.url.includes('?') && req.query && typeof req.query === 'object')
    for (const k of Object.keys(req.query)) details.push({ path: ['query', k], problem: `unknown query parameter "${k}"` });
  if (def.body) {
    if (req.body === undefined) {
      details.push({ path: [], problem: 'a JSON body is required (send Content-Type: application/json)' });
    } else {
      // Body paths are unprefixed: ["deals", 0, "amount"] points straight into what was sent.
      body = checkPart(def.body, req.body, null, details);
    }
  }
  if (details.length) {
    const fields = [...new Set(details.map((d) => (d.path ?? []).join('.') || '(body)'))];
    throw new AppError(
      'INVALID_INPUT',
      `Invalid request: ${fields.slice(0, 5).join(', ')}${fields.length > 5 ? ` and ${fields.length - 5} more` : ''}`,
      details.slice(0, 200),
    );
  }
  return { params, query, body };
}

/**
 * Routes without parameters, by "METHOD /path", for dispatch by one map lookup in the last
 * pre-route middleware instead of the router's walk over every route layer. A miss (other case, a
 * trailing slash, HEAD, a path with parameters) goes on to the router, which matches exactly as
 * before, so this only ever takes a route the router would have taken.
 */
export class StaticRoutes {
  private readonly byKey = new Map<string, RequestHandler>();
  private readonly withParams: Array<{ method: string; re: RegExp }> = [];

  add(def: RouteDef, handler: RequestHandler) {
    const method = def.method.toUpperCase();
    if (def.path.includes(':')) {
      this.withParams.push({
        method,
        re: new RegExp(`^${def.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`, 'i'),
      });
      return;
    }
    // A parameterised route mounted earlier that also matches this path wins in the router: leave
    // such a path to the router.
    if (this.withParams.some((r) => r.method === method && r.re.test(def.path))) return;
    const key = `${method} ${def.path}`;
    if (!this.byKey.has(key)) this.byKey.set(key, handler);
  }

  /** The last pre-route middleware: the route's handler for a static path, else on to the router. */
  dispatch(): RequestHandler {
    return (req, res, next) => {
      const handler = this.byKey.get(`${req.method} ${pathOf(req)}`);
      return handler ? handler(req, res, next) : next();
    };
  }
}

/** The path of a request without its query; req.path (parseurl) only for absolute-form URLs. */
export function pathOf(req: Request): string {
  const url = req.url;
  if (url.charCodeAt(0) !== 47 /* / */) return req.path;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export function makeMount(router: Pick<Router, RouteDef['method']>, mounted: RouteDef[], statics?: StaticRoutes): Mount {
  return (def, handler) => {
    mounted.push(def);
    for (const part of [def.params, def.query, def.body]) if (part) fastParser(part); // compiled now, not on the first request
    const status = def.status ?? 200;
    const send = (req: Request, res: Response, result: unknown) => {
      if (!res.headersSent) sendJson(req, res, status, result);
    };
    // One handler per route (scope, validation, the work, the answer). A synchronous handler (inline
    // scoring) is answered in the same tick: no promise and no extra route layer per request.
    const routeHandler = (req: Request, res: Response, next: NextFunction) => {
      try {
        const denied = def.scope ? scopeProblem(def.scope, req, res) : null;
        if (denied) return next(denied);
        const { params, query, body } = validateInput(def, req);
        const result = handler({ params, query, body, req, res } as Input<typeof def>);
        if (result instanceof Promise) return result.then((r) => send(req, res, r), next);
        send(req, res, result);
      } catch (e) {
        next(e);
      }
    };
    router[def.method](def.path, routeHandler);
    statics?.add(def, routeHandler);
  };
}

/**
 * An answer already serialised, with its ETag: what a route returns for answers it serves many
 * times over (cached forecasts), so each request skips serialising and hashing the same body.
 */
export class PreparedJson {
  readonly etag: string;
  constructor(readonly body: string) {
    this.etag = `W/"${Buffer.byteLength(body).toString(16)}-${crypto.createHash('sha1').update(body).digest('base64').slice(0, 27)}"`;
  }
}

/**
 * GET (and HEAD) answers go through Express (ETag and conditional requests for clients that cache
 * despite no-store). Other methods are never conditional, so their JSON is written directly: no
 * ETag hash of a body no client will revalidate, on the path every scoring call takes.
 */
function sendJson(req: Request, res: Response, status: number, result: unknown) {
  if (result instanceof PreparedJson) {
    // Express answers 304 to a matching If-None-Match from the ETag set here.
    res.setHeader('ETag', result.etag);
    res.status(status).type('application/json; charset=utf-8').send(result.body);
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD' || result === undefined) {
    res.status(status).json(result);
    return;
  }
  const body = JSON.stringify(result);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
