// The precomputed security headers are exactly helmet's, on every response.
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { securityHeaders } from '../../src/http/security-headers';

function headersFrom(mw: express.RequestHandler) {
  const app = express();
  app.disable('x-powered-by');
  app.use(mw);
  app.post('/x', (_req, res) => res.status(201).json({ ok: true }));
  return request(app)
    .post('/x')
    .then((res) => {
      const h: Record<string, unknown> = { ...res.headers };
      for (const k of ['date', 'etag', 'connection', 'keep-alive']) delete h[k];
      return h;
    });
}

test('sets the same headers as helmet() with its defaults', async () => {
  const expected = await headersFrom(helmet());
  expect(expected['content-security-policy']).toContain("default-src 'self'");
  expect(await headersFrom(securityHeaders())).toEqual(expected);
});
