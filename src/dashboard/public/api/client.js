// @ts-check
// The API client: one typed call per route. Paths, query strings, bodies and answers are typed
// from the server's OpenAPI document (src/dashboard/openapi.d.ts, `npm run dashboard:types`), so a
// route, parameter or field the server renames fails `npm run typecheck` instead of showing "—".
// Requests carry the user's key; a 401 asks for one and retries once.
import { askForKey, forgetKey, storedKey } from './key-prompt.js';

/** @typedef {import('../../api-types').GetPath} GetPath */
/** @typedef {import('../../api-types').PostPath} PostPath */
/** @typedef {import('../../api-types').ErrorBody} ErrorBody */

/** An answer other than success, with the API's error body. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {ErrorBody | null} body
   * @param {string} path
   */
  constructor(status, body, path) {
    super(body?.error.message ?? `HTTP ${status} from ${path}`);
    this.status = status;
    this.code = body?.error.code ?? 'HTTP_ERROR';
    this.requestId = body?.error.requestId ?? null;
    this.details = body?.error.details ?? [];
    this.path = path;
  }
}

/**
 * @param {unknown} body
 * @returns {body is ErrorBody}
 */
const isErrorBody = (body) =>
  typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' && body.error !== null;

/**
 * @param {string} path with its parameters filled in
 * @param {Record<string, string | number | boolean | undefined>} query
 * @param {{ method: 'GET' | 'POST', body?: unknown }} init
 * @param {boolean} [retried]
 * @returns {Promise<unknown>}
 */
async function request(path, query, init, retried = false) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const key = storedKey();
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method,
    headers,
    credentials: 'omit',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = await res.json().catch(() => null);
  if (res.status === 401 && !retried) {
    if (key) forgetKey();
    await askForKey(key ? 'That key was not accepted. Check it and try again.' : null);
    return request(path, query, init, true);
  }
  if (!res.ok) throw new ApiError(res.status, isErrorBody(body) ? body : null, path);
  return body;
}

/**
 * A route's path with its `{name}` parameters filled in.
 * @param {string} route
 * @param {Record<string, string | number>} params
 */
const fillPath = (route, params) =>
  route.replace(/\{(\w+)\}/g, (_, name) => {
    if (!(name in params)) throw new Error(`${route}: no value for {${name}}`);
    return encodeURIComponent(String(params[name]));
  });

/**
 * GET a route. The answer is the route's documented success body.
 * @template {GetPath} P
 * @param {P} route
 * @param {{ params?: import('../../api-types').GetParams<P>, query?: import('../../api-types').GetQuery<P> }} [opts]
 * @returns {Promise<import('../../api-types').GetResult<P>>}
 */
export async function get(route, opts = {}) {
  const params = /** @type {Record<string, string | number>} */ (opts.params ?? {});
  const query = /** @type {Record<string, string | number | boolean | undefined>} */ (opts.query ?? {});
  return /** @type {import('../../api-types').GetResult<P>} */ (await request(fillPath(route, params), query, { method: 'GET' }));
}

/**
 * POST a JSON body to a route. The answer is the route's documented success body.
 * @template {PostPath} P
 * @param {P} route
 * @param {import('../../api-types').PostBody<P>} body
 * @returns {Promise<import('../../api-types').PostResult<P>>}
 */
export async function post(route, body) {
  return /** @type {import('../../api-types').PostResult<P>} */ (await request(route, {}, { method: 'POST', body }));
}
