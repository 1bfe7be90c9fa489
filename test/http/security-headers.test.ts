// Security headers: the API's set on JSON responses; helmet's defaults, recorded once, on pages.
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { API_SECURITY_HEADERS, apiSecurityHeaders, pageSecurityHeaders } from '../../src/http/security-headers';

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
