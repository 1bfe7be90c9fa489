// Rate limits shared by API replicas on one database (RATE_LIMIT_STORE=database), on SQLite and
// (test:pg) PostgreSQL: two apps on the same database share one budget per key once their counts
// are exchanged, a replica that cannot reach the database keeps limiting on its own counts and
// sends them later, and ended windows are forgotten.
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { createApiKey } from '../../src/services/api-keys/api-keys';
import { SharedRateCounts } from '../../src/services/rate-limits/shared-rate-counts';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { bearer, expectError } from './helpers';

let t: TestDatabase;
let key: string;
beforeEach(async () => {
  t = await createTestDatabase();
  key = (await createApiKey(t.db, { name: 'crm', scopes: 'scores:read' })).key;
});
afterEach(async () => t.cleanup());

// The middle of a clock minute, so no window ends during a test.
let now = Math.floor(Date.now() / 60_000) * 60_000 + 20_000;
const clock = () => now;

function replica(counts: SharedRateCounts) {
  return createApp({
    db: t.db,
    logger: pino({ level: 'silent' }),
    rateCounts: counts,
    config: { RATE_LIMIT_PER_MINUTE: 10, SALESCAST_AUTH_DISABLED: false },
  });
}

const call = (app: ReturnType<typeof createApp>) => request(app).get('/v1/models').set(bearer(key));
const remaining = (res: request.Response) => Number(/remaining=(\d+)/.exec(res.headers.ratelimit)?.[1]);

test('two replicas share one budget per key once they exchange counts', async () => {
  const countsA = new SharedRateCounts(t.db, { clock });
  const countsB = new SharedRateCounts(t.db, { clock });
  const a = replica(countsA);
  const b = replica(countsB);
  for (let i = 0; i < 6; i++) await call(a).expect(200);
  await countsA.sync();
  // B has seen none of these itself, but knows A's six after its own first exchange.
  const first = await call(b).expect(200);
  expect(remaining(first)).toBe(9); // B counts only its own until it exchanges
  await countsB.sync(); // sends 1, reads back 7
  expect(remaining(await call(b).expect(200))).toBe(2); // 8 of 10
  await call(b).expect(200); // 9
  await call(b).expect(200); // 10
  const refused = await call(b);
  expectError(refused, 429, 'RATE_LIMITED');
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  // Without sharing, each replica would have allowed 10: together they allowed exactly the limit.
  await countsB.sync();
  await countsA.sync();
  expectError(await call(a), 429, 'RATE_LIMITED');
  const rows = await t.db.sql.all<{ hits: number }>('SELECT hits FROM rate_limit_window');
  expect(rows.map((r) => Number(r.hits))).toEqual([11]);
});

test('a replica whose exchange fails keeps limiting on its own counts and sends them later', async () => {
  const failing = new SharedRateCounts(
    {
      sql: new Proxy(t.db.sql, {
        get: (target, prop, receiver) =>
          prop === 'all' && down ? () => Promise.reject(new Error('connection refused')) : Reflect.get(target, prop, receiver),
      }),
    },
    { clock },
  );
  let down = true;
  const a = replica(failing);
  for (let i = 0; i < 10; i++) await call(a).expect(200);
  await expect(failing.sync()).rejects.toThrow(/connection refused/);
  expectError(await call(a), 429, 'RATE_LIMITED'); // its own 11th
  down = false;
  await failing.sync();
  const rows = await t.db.sql.all<{ hits: number }>('SELECT hits FROM rate_limit_window');
  expect(rows.map((r) => Number(r.hits))).toEqual([11]);
});

test('the next window starts afresh and ended windows are forgotten', async () => {
  const counts = new SharedRateCounts(t.db, { clock });
  const a = replica(counts);
  for (let i = 0; i < 11; i++) await call(a);
  await counts.sync();
  expectError(await call(a), 429, 'RATE_LIMITED');
  now += 60_000; // the next minute
  expect(remaining(await call(a).expect(200))).toBe(9);
  now += 60_000;
  await counts.sync(); // the window two minutes back is cleared from the table
  const rows = await t.db.sql.all<{ hits: number }>('SELECT hits FROM rate_limit_window');
  expect(rows.map((r) => Number(r.hits))).toEqual([1]);
});
