// CPU-heavy requests in the server's worker pool (issue 12): answers equal to the event loop's,
// repeated identical forecasts from the cache until any process changes the data, a saturated pool
// refusing at once with 503 SERVER_BUSY and Retry-After, a request past its budget cancelled with
// 503 TIME_BUDGET_EXCEEDED, and the server answering everyone else throughout.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { Config } from '../../src/config';
import * as backtestService from '../../src/services/forecast/backtest-service';
import { startServer, type ServerHandle } from '../../src/http/server';
import { DAY_MS } from '../../src/math/time';
import { type DemoCompany, demoCompany } from '../helpers/demo-server';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'salescast.js');

let demo: DemoCompany;
beforeAll(async () => {
  demo = await demoCompany({ trained: false, accounts: 80, months: 18 });
});
afterAll(async () => demo.cleanup());

async function serve(overrides: Partial<Config> = {}, workers = true): Promise<ServerHandle> {
  return startServer(
    {
      ...demo.config,
      PORT: 0,
      HOST: '127.0.0.1',
      SALESCAST_AUTH_DISABLED: true,
      RATE_LIMIT_PER_MINUTE: 100_000,
      SHUTDOWN_GRACE_SECONDS: 2,
      LOG_LEVEL: 'silent',
      ...overrides,
    },
    demo.tdb.db,
    { logger: pino({ level: 'silent' }), handleSignals: false, trainers: {}, workers },
  );
}

/** The parts of the answers these tests read. */
interface Answer {
  error: { code: string; message: string };
  openPipeline: { amount: number };
  total: unknown;
  primary?: { method: string; record: { periods: number } } | null;
  primaryNote?: string;
}

async function get(base: string, pathname: string) {
  const res = await fetch(`${base}${pathname}`);
  return {
    status: res.status,
    cache: res.headers.get('cache-status'),
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Answer,
  };
}

const inlineDeal = (i: number) => ({
  stage: ['Qualification', 'Proposal', 'Negotiation'][i % 3],
  amount: 10_000 + i,
  createdAt: new Date(Date.now() - 40 * DAY_MS).toISOString().slice(0, 10),
  expectedCloseAt: new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10),
  source: 'web',
});

describe('with the default pool', () => {
  let handle: ServerHandle;
  beforeAll(async () => {
    handle = await serve();
  });
  afterAll(async () => handle.close());

  test('a forecast is cached by data version: hits until another process imports, identical requests share one run', async () => {
    const q = '/v1/forecasts?sims=300&seed=3';
    const first = await get(handle.url, q);
    expect(first.status).toBe(200);
    expect(first.cache).toMatch(/fwd=miss/);
    const again = await get(handle.url, q);
    expect(again.cache).toBe('salescast; hit');
    expect(again.body).toEqual(first.body);

    const together = await Promise.all([1, 2, 3].map(() => get(handle.url, '/v1/forecasts?sims=300&seed=4')));
    expect(together.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(together.filter((r) => /fwd=miss/.test(r.cache ?? ''))).toHaveLength(1);
    expect(new Set(together.map((r) => JSON.stringify(r.body.total))).size).toBe(1);

    // A second process (the CLI) imports a large open deal closing this quarter.
    const file = path.join(demo.modelsDir, 'big-deal.json');
    const today = Date.now();
    fs.writeFileSync(
      file,
      JSON.stringify([
        {
          externalId: 'BIG-1',
          stage: 'Negotiation',
          amount: 5_000_000,
          createdAt: new Date(today - 20 * DAY_MS).toISOString().slice(0, 10),
          expectedCloseAt: new Date(today + 5 * DAY_MS).toISOString().slice(0, 10),
        },
      ]),
    );
    execFileSync(process.execPath, [CLI, 'import', 'opportunities', file], {
      env: { ...process.env, DATABASE_URL: demo.tdb.url },
      stdio: 'pipe',
    });
    const after = await get(handle.url, q);
    expect(after.cache).toMatch(/fwd=miss/);
    expect(after.body.openPipeline.amount).toBeCloseTo(first.body.openPipeline.amount + 5_000_000, 0);
  });

  test("the live forecast's primary-method backtest runs in a worker thread, not on the event loop", async () => {
    // The backtest that names the primary method (#16) costs more than the forecast itself; a spy
    // in this thread sees only calls made on the event loop (with `workers: false` it sees one).
    const spy = jest.spyOn(backtestService, 'backtestForecasts');
    try {
      const r = await get(handle.url, '/v1/forecasts?sims=300&seed=11');
      expect(r.status).toBe(200);
      expect(r.cache).toMatch(/fwd=miss/);
      expect(r.body.primary?.record.periods).toBeGreaterThan(0);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test('reports in the pool (campaign effect, Pareto, funnel) answer as the event loop does', async () => {
    const inline = await serve({}, false);
    try {
      for (const q of ['/v1/reports/campaign-effect', '/v1/reports/pareto', '/v1/reports/funnel?by=source']) {
        const [pooled, local] = await Promise.all([get(handle.url, q), get(inline.url, q)]);
        expect(pooled.status).toBe(200);
        expect(pooled.body).toEqual(local.body);
      }
    } finally {
      await inline.close();
    }
  });

  test('large batches are scored in the pool with the same answers as the event loop', async () => {
    const deals = Array.from({ length: 600 }, (_, i) => inlineDeal(i));
    const asOf = new Date().toISOString();
    const post = (body: unknown) =>
      fetch(`${handle.url}/v1/deals/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const big = await post({ deals, asOf });
    expect(big.status).toBe(200);
    const scores = ((await big.json()) as { scores: { winProbability: number; factors: unknown[] }[] }).scores;
    expect(scores).toHaveLength(600);
    const small = (await (await post({ deals: deals.slice(0, 3), asOf })).json()) as { scores: unknown[] };
    expect(scores.slice(0, 3)).toEqual(small.scores);
  });

  test("a pooled inline batch honours each deal's own asOf and the explain flag exactly as the event loop does", async () => {
    // Every other deal as it stood 10-29 days ago (after its creation); the rest as of the request.
    const deals = Array.from({ length: 600 }, (_, i) =>
      i % 2
        ? { ...inlineDeal(i), asOf: new Date(Date.now() - (10 + (i % 20)) * DAY_MS).toISOString() }
        : { ...inlineDeal(i), asOf: undefined },
    );
    const asOf = new Date().toISOString();
    const post = async (body: unknown) => {
      const res = await fetch(`${handle.url}/v1/deals/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { scores: { scoredAt: string; factors: unknown[] }[] }).scores;
    };
    for (const explain of [true, false]) {
      const pooled = await post({ deals, asOf, explain }); // over POOLED_INLINE_DEALS: the worker pool
      const local = [
        ...(await post({ deals: deals.slice(0, 300), asOf, explain })),
        ...(await post({ deals: deals.slice(300), asOf, explain })),
      ];
      expect(pooled).toEqual(local);
      expect(pooled[1].scoredAt).toBe(deals[1].asOf);
      expect(pooled[0].scoredAt).toBe(asOf);
      if (!explain) expect(pooled.every((s) => s.factors.length === 0)).toBe(true);
    }
  });
});

describe('a saturated pool', () => {
  test('one thread and no queue: the others are refused at once with 503 SERVER_BUSY and Retry-After; /health answers; the pool recovers', async () => {
    const handle = await serve({ WORKER_THREADS: 1, WORKER_QUEUE_LENGTH: 0 });
    try {
      const burst = Promise.all([11, 12, 13, 14].map((seed) => get(handle.url, `/v1/forecasts?sims=2000&seed=${seed}`)));
      const health = await get(handle.url, '/health');
      expect(health.status).toBe(200);
      const answers = await burst;
      const refused = answers.filter((a) => a.status === 503);
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
      for (const r of refused) {
        expect(r.body.error.code).toBe('SERVER_BUSY');
        expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(r.body.error.message).toMatch(/capacity/);
      }
      expect((await get(handle.url, '/v1/forecasts?sims=300&seed=15')).status).toBe(200);
    } finally {
      await handle.close();
    }
  });

  test('a request past its time budget is cancelled: 503 TIME_BUDGET_EXCEEDED with Retry-After', async () => {
    const handle = await serve({ REQUEST_BUDGET_SECONDS: 0.001 });
    try {
      const r = await get(handle.url, '/v1/forecasts?sims=300&seed=21');
      expect(r).toMatchObject({ status: 503, body: { error: { code: 'TIME_BUDGET_EXCEEDED' } } });
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.body.error.message).toMatch(/REQUEST_BUDGET_SECONDS/);
      expect((await get(handle.url, '/health')).status).toBe(200);
    } finally {
      await handle.close();
    }
  });
});
