// Security headers: the API's set on every JSON response (answers, errors, 404s, the OpenAPI
// document); helmet's defaults, recorded once, on pages.
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { API_SECURITY_HEADERS, apiSecurityHeaders, pageSecurityHeaders } from '../../src/http/security-headers';
import { bearer, harness, type Harness } from './helpers';

function headersFrom(...mws: express.RequestHandler[]) {
  const app = express();
  app.disable('x-powered-by');
  app.use(...mws);
  app.post('/x', (_req, res) => res.status(201).json({ ok: true }));
  return request(app)
    .post('/x')
    .then((res) => {
      const h: Record<string, unknown> = { ...res.headers };
      for (const k of ['date', 'etag', 'connection', 'keep-alive', 'content-type', 'content-length']) delete h[k];
      return h;
    });
}

test('the page set is exactly what helmet() sets with its defaults', async () => {
  const expected = await headersFrom(helmet());
  expect(expected['content-security-policy']).toContain("default-src 'self'");
  expect(await headersFrom(pageSecurityHeaders())).toEqual(expected);
  // Pages are served after the API set: helmet's values win where both name a header, and the
  // API's no-store stays (the dashboard router sets its own caching).
  expect(await headersFrom(apiSecurityHeaders(), pageSecurityHeaders())).toEqual({ ...expected, 'cache-control': 'no-store' });
});

test('the API set is the OWASP REST list, with a CSP that allows nothing', async () => {
  const got = await headersFrom(apiSecurityHeaders());
  expect(got).toEqual(Object.fromEntries(API_SECURITY_HEADERS.map(([k, v]) => [k.toLowerCase(), v])));
  expect(got['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(got['x-content-type-options']).toBe('nosniff');
});

describe('every JSON answer of the app carries the API set, and only pages carry the page set', () => {
  const PAGE_ONLY = ['cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'x-dns-prefetch-control'];
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => h.close());

  function expectApiHeaders(res: request.Response, what: string) {
    const got = { what, type: String(res.headers['content-type']).split(';')[0] } as Record<string, unknown>;
    const want = { what, type: 'application/json' } as Record<string, unknown>;
    for (const [k, v] of API_SECURITY_HEADERS) {
      got[k] = res.headers[k.toLowerCase()];
      want[k] = v;
    }
    for (const k of PAGE_ONLY) {
      got[k] = res.headers[k];
      want[k] = undefined;
    }
    expect(got).toEqual(want);
  }

  test('every route in the OpenAPI document (answered or refused), unknown /v1 routes, unknown assets and the document itself', async () => {
    const doc = await request(h.app).get('/openapi.json').expect(200);
    expectApiHeaders(doc, 'GET /openapi.json');
    const ops = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => ({ method: m, path: p.replace(/\{[^}]+\}/g, '1') })),
    );
    expect(ops.length).toBeGreaterThan(30);
    for (const { method, path } of ops) {
      const req = (request(h.app) as unknown as Record<string, (p: string) => request.Test>)[method](path).set(bearer(h.keys.all));
      expectApiHeaders(await (method === 'get' || method === 'delete' ? req : req.send({})), `${method.toUpperCase()} ${path}`);
    }
    for (const p of ['/v1/nope', '/v1/deals/1/nope', '/nope', '/dashboard/nope.js', '/docs/nope'])
      expectApiHeaders(await request(h.app).get(p), `GET ${p}`);
    expectApiHeaders(
      await request(h.app).post('/v1/deals/score').set(bearer(h.keys.all)).set('Content-Type', 'application/json').send('{"bad'),
      'malformed JSON',
    );
    expectApiHeaders(await request(h.app).get('/v1/deals/scores'), 'no key');
  });

  test('the docs page and the dashboard keep the page set', async () => {
    for (const p of ['/docs', '/']) {
      const res = await request(h.app).get(p).expect(200);
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['content-type']).toMatch(/text\/html/);
    }
  });
});
