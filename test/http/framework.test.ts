// The HTTP framework: request ids, one error body, size limits, JSON errors, security headers,
// CORS allow-list, rate limiting per key, the OpenAPI document and its docs page.
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { loadConfig } from '../../src/config';
import { HealthResponse } from '../../src/contracts/health';
import { testDialect } from '../helpers/db';
import { bearer, expectError, expectSchema, harness, validateOpenApi, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h.close());

describe('a running API', () => {
  test('answers liveness with the database status', async () => {
    const res = await request(h.app).get('/health').expect(200);
    expectSchema(HealthResponse, res.body);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up', dialect: testDialect() });
  });

  test('honours a caller request id and generates one otherwise', async () => {
    const mine = await request(h.app).get('/health').set('x-request-id', 'crm-123');
    expect(mine.headers['x-request-id']).toBe('crm-123');
    const generated = await request(h.app).get('/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await request(h.app).get('/health').set('x-request-id', 'bad id with spaces');
    expect(unsafe.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  test("sends security headers and no x-powered-by: the API set on JSON, helmet's page set on the docs", async () => {
    const res = await request(h.app).get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-powered-by']).toBeUndefined();
    const scored = await request(h.app).post('/v1/deals/score').set(bearer(h.keys.read)).send({ deals: [] });
    expect(scored.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    const docs = await request(h.app).get('/docs');
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
    expect(docs.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(docs.headers['x-powered-by']).toBeUndefined();
  });

  test('allows CORS only for configured origins', async () => {
    const ok = await request(h.app)
      .options('/v1/api-keys')
      .set('Origin', 'https://crm.example.com')
      .set('Access-Control-Request-Method', 'GET');
    expect(ok.headers['access-control-allow-origin']).toBe('https://crm.example.com');
    const no = await request(h.app)
      .options('/v1/api-keys')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'GET');
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('unknown routes answer 404 in the standard error body', async () => {
    const res = await request(h.app).get('/v1/nothing-here').set(bearer(h.keys.all));
    expectError(res, 404, 'NOT_FOUND');
  });

  test('malformed JSON is a 400, not a 500', async () => {
    const res = await request(h.app)
      .post('/v1/api-keys')
      .set(bearer(h.keys.admin))
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expectError(res, 400, 'INVALID_INPUT');
  });

  test('an oversized body is a 413 in the standard error body', async () => {
    const small = await harness({ tdb: h.tdb, config: { BODY_LIMIT: '1kb' } });
    const res = await request(small.app)
      .post('/v1/api-keys')
      .set(bearer(small.keys.admin))
      .send({ name: 'x', scopes: ['admin'], pad: 'y'.repeat(5000) });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('rate limits per API key with 429 and RateLimit headers', async () => {
    const limited = await harness({ tdb: h.tdb, config: { RATE_LIMIT_PER_MINUTE: 3 } });
    for (let i = 0; i < 3; i++) await request(limited.app).get('/v1/api-keys').set(bearer(limited.keys.admin)).expect(200);
    const res = await request(limited.app).get('/v1/api-keys').set(bearer(limited.keys.admin));
    expectError(res, 429, 'RATE_LIMITED');
    expect(res.headers['ratelimit-policy'] ?? res.headers.ratelimit).toBeDefined();
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has its own budget.
    await request(limited.app).get('/v1/api-keys').set(bearer(limited.keys.all)).expect(200);
  });
});

describe('behind a reverse proxy', () => {
  test('unauthenticated callers are told apart by X-Forwarded-For only when the proxy is trusted', async () => {
    const direct = await harness({ tdb: h.tdb, config: { RATE_LIMIT_PER_MINUTE: 1 } });
    await request(direct.app).get('/openapi.json').set('X-Forwarded-For', '203.0.113.1').expect(200);
    // Not trusted: a client cannot pick a fresh address (and budget) by sending the header.
    expectError(await request(direct.app).get('/openapi.json').set('X-Forwarded-For', '203.0.113.2'), 429, 'RATE_LIMITED');

    const proxied = await harness({
      tdb: h.tdb,
      config: { RATE_LIMIT_PER_MINUTE: 1, TRUST_PROXY: loadConfig({ TRUST_PROXY: 'loopback' } as NodeJS.ProcessEnv).TRUST_PROXY },
    });
    await request(proxied.app).get('/openapi.json').set('X-Forwarded-For', '203.0.113.1').expect(200);
    await request(proxied.app).get('/openapi.json').set('X-Forwarded-For', '203.0.113.2').expect(200);
    expectError(await request(proxied.app).get('/openapi.json').set('X-Forwarded-For', '203.0.113.1'), 429, 'RATE_LIMITED');
  });

  test('TRUST_PROXY takes a hop count, true/false or proxy addresses, and names itself when wrong', () => {
    const trust = (v: string) => loadConfig({ TRUST_PROXY: v } as NodeJS.ProcessEnv).TRUST_PROXY;
    expect(loadConfig({} as NodeJS.ProcessEnv).TRUST_PROXY).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('true')).toBe(true);
    expect(trust('loopback, 10.0.0.0/8, fd00::/8, 192.0.2.7')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
    for (const bad of ['proxy.example.com', '10.0.0.0/33', '::1/200', 'loopback,nonsense']) {
      expect(() => trust(bad)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('TRUST_PROXY') }),
      );
    }
  });
});

describe('failures', () => {
  test('an unexpected error is a 500 with the request id and no internals', async () => {
    const broken = {
      ...h.tdb.db,
      sql: {
        ...h.tdb.db.sql,
        all: async () => {
          throw new Error('SQLITE_CORRUPT at /srv/secret/salescast.db');
        },
      },
    } as typeof h.tdb.db;
    const app = createApp({ db: broken, logger: pino({ level: 'silent' }), config: { SALESCAST_AUTH_DISABLED: true } });
    const res = await request(app).get('/v1/deals/scores');
    const err = expectError(res, 500, 'INTERNAL');
    expect(JSON.stringify(res.body)).not.toMatch(/secret|SQLITE|\.ts|at /);
    expect(err.message).toMatch(/request id/);
  });

  test('log lines of a request carry its request id (the error line and the access line)', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const broken = {
      ...h.tdb.db,
      sql: {
        ...h.tdb.db.sql,
        all: async () => {
          throw new Error('boom');
        },
      },
    } as typeof h.tdb.db;
    const app = createApp({ db: broken, logger, config: { SALESCAST_AUTH_DISABLED: true } });
    await request(app).get('/v1/deals/scores').set('x-request-id', 'crm-42').expect(500);
    expect(lines.find((l) => l.msg === 'unhandled error')).toMatchObject({ requestId: 'crm-42', level: 50 });
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({ requestId: 'crm-42', status: 500, path: '/v1/deals/scores' });
  });
});

describe('the contract', () => {
  test('GET /openapi.json is a valid OpenAPI 3.1 document', async () => {
    const res = await request(h.app).get('/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    const result = validateOpenApi(res.body);
    if (!result.valid) throw new Error(JSON.stringify(result.errors, null, 2).slice(0, 3000));
    expect(res.body.paths['/health'].get).toBeDefined();
    expect(res.body.components.schemas.Error).toBeDefined();
  });

  test('GET /docs is a self-contained page (no external scripts)', async () => {
    const res = await request(h.app).get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/html/);
    expect(res.text).not.toMatch(/https?:\/\/(?!.*localhost)/);
    expect(res.text).toContain('/docs/docs.js');
    const js = await request(h.app).get('/docs/docs.js').expect(200);
    expect(js.text).toContain('/openapi.json');
  });
});
