// The in-memory rate limiter: a one-minute window per caller, draft-7 headers, 429 through the
// standard error body, health probes exempt, expired windows forgotten.
import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../src/http/error-handler';
import { rateLimiter } from '../../src/http/rate-limit';
import '../../src/http/types';
import { expectError } from './helpers';

function app(limit: number, clock: () => number) {
  const a = express();
  a.use((req, res, next) => {
    res.locals.requestId = 'r-1';
    res.setHeader('x-request-id', 'r-1');
    const who = req.headers['x-who'];
    if (typeof who === 'string') req.identity = { keyName: who, prefix: who, scopes: [] };
    next();
  });
  a.use(rateLimiter(limit, clock));
  a.get(['/v1/x', '/health'], (_req, res) => res.json({ ok: true }));
  a.use(errorHandler);
  return a;
}

test('counts per key within a minute, answers 429 with Retry-After, and starts afresh after the window', async () => {
  let now = 1_000_000;
  const a = app(2, () => now);
  const first = await request(a).get('/v1/x').set('x-who', 'k1').expect(200);
  expect(first.headers['ratelimit-policy']).toBe('2;w=60');
  expect(first.headers.ratelimit).toBe('limit=2, remaining=1, reset=60');
  now += 20_000;
  const second = await request(a).get('/v1/x').set('x-who', 'k1').expect(200);
  expect(second.headers.ratelimit).toBe('limit=2, remaining=0, reset=40');
  const third = await request(a).get('/v1/x').set('x-who', 'k1');
  const err = expectError(third, 429, 'RATE_LIMITED');
  expect(third.headers['retry-after']).toBe('40');
  expect(err.message).toMatch(/2 per minute/);
  // Another key, and an unauthenticated caller, have budgets of their own; probes are not counted.
  await request(a).get('/v1/x').set('x-who', 'k2').expect(200);
  await request(a).get('/v1/x').expect(200);
  await request(a).get('/health').set('x-who', 'k1').expect(200);
  now += 40_000; // k1's window ends
  const again = await request(a).get('/v1/x').set('x-who', 'k1').expect(200);
  expect(again.headers.ratelimit).toBe('limit=2, remaining=1, reset=60');
});

test('a caller whose window ended is forgotten, not counted on', async () => {
  let now = 0;
  const a = app(1, () => now);
  await request(a).get('/v1/x').set('x-who', 'k1').expect(200);
  expectError(await request(a).get('/v1/x').set('x-who', 'k1'), 429, 'RATE_LIMITED');
  now += 61_000; // past the window: the next request sweeps and k1 starts from zero
  await request(a).get('/v1/x').set('x-who', 'k2').expect(200);
  await request(a).get('/v1/x').set('x-who', 'k1').expect(200);
});
