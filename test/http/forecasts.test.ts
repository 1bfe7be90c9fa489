// Forecasts over HTTP on demo data: the pipeline forecast with its bands and breakdowns,
// deterministic per seed; backtests and run-rate; bad periods and options are 400s naming them.
import request from 'supertest';

// ml-regression pulls in ESM-only helpers (is-any-array, ml-array-rescale) that Node 20 loads at
// runtime (require(esm)) but Jest's module system cannot; give Jest CommonJS equivalents.
jest.mock('is-any-array', () => ({
  isAnyArray: (v: unknown) => {
    const tag = Object.prototype.toString.call(v);
    return tag.endsWith('Array]') && !tag.includes('Big');
  },
}));
jest.mock('ml-array-rescale', () => ({ __esModule: true, default: (a: number[]) => a }));
jest.mock('ml-regression', () => ({
  SimpleLinearRegression: jest.requireActual('ml-regression-simple-linear').SimpleLinearRegression,
  MultivariateLinearRegression: jest.requireActual('ml-regression-multivariate-linear').default ?? jest.requireActual('ml-regression-multivariate-linear'),
}));
import { BacktestResponse, ForecastResponse, RunRateResponse } from '../../src/contracts/forecasts';
import { loadDemoData } from '../../src/services/demo-service';
import { bearer, detailPaths, expectError, expectSchema, harness, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  const base = await harness();
  await loadDemoData(base.tdb.db, { seed: 9, accounts: 100, months: 18 });
  h = base;
});
afterAll(async () => h.close());

const get = (p: string, key = h.keys.read) => request(h.app).get(p).set(bearer(key));

describe('forecasts', () => {
  test('the quarter forecast has P10 <= P50 <= P90, breakdowns, currency, and is deterministic per seed', async () => {
    const res = await get('/v1/forecasts?sims=500&seed=1&by=rep,segment').expect(200);
    expectSchema(ForecastResponse, res.body);
    const t = res.body.total;
    expect(t.p10).toBeLessThanOrEqual(t.p50);
    expect(t.p50).toBeLessThanOrEqual(t.p90);
    expect(Object.keys(res.body.breakdown).sort()).toEqual(['rep', 'segment']);
    expect(res.body.currency).toBe('USD');
    const again = await get('/v1/forecasts?sims=500&seed=1&by=rep,segment').expect(200);
    expect(again.body.total).toEqual(res.body.total);
  });

  test('a named month and a custom range are accepted', async () => {
    const month = new Date().toISOString().slice(0, 7);
    expect((await get(`/v1/forecasts?period=${month}&sims=200`).expect(200)).body.period.label).toContain(month.slice(0, 4));
    await get('/v1/forecasts?from=2025-01-01&to=2025-01-31&sims=200').expect(200);
  });

  test('backtest and run-rate answer in their documented shapes', async () => {
    const bt = await get('/v1/forecasts/backtest?sims=200&period=quarter').expect(200);
    expectSchema(BacktestResponse, bt.body);
    expect(bt.body.periods.length).toBeGreaterThan(0);
    const rr = await get('/v1/forecasts/run-rate?horizon=3').expect(200);
    expectSchema(RunRateResponse, rr.body);
    expect(rr.body.months).toHaveLength(3);
  });

  test('bad periods and options are 400s naming them', async () => {
    expect(detailPaths(expectError(await get('/v1/forecasts?period=next-quarter'), 400, 'INVALID_INPUT'))).toContain('query.period');
    expect(detailPaths(expectError(await get('/v1/forecasts?sims=5'), 400, 'INVALID_INPUT'))).toContain('query.sims');
    expect(detailPaths(expectError(await get('/v1/forecasts?by=planet'), 400, 'INVALID_INPUT'))).toContain('query.by');
    expect(detailPaths(expectError(await get('/v1/forecasts?scorer=magic'), 400, 'INVALID_INPUT'))).toContain('query.scorer');
    expectError(await get('/v1/forecasts?from=2025-01-01'), 400, 'INVALID_INPUT');
    expect(detailPaths(expectError(await get('/v1/forecasts/backtest?period=decade'), 400, 'INVALID_INPUT'))).toContain('query.period');
    expectError(await get('/v1/forecasts/backtest?from=2025-06-01&to=2025-01-01'), 400, 'INVALID_INPUT');
    expect(detailPaths(expectError(await get('/v1/forecasts/run-rate?horizon=0'), 400, 'INVALID_INPUT'))).toContain('query.horizon');
  });

  test('forecasts need scores:read', async () => {
    for (const p of ['/v1/forecasts', '/v1/forecasts/backtest', '/v1/forecasts/run-rate']) {
      expectError(await request(h.app).get(p), 401, 'UNAUTHENTICATED');
      expectError(await get(p, h.keys.write), 403, 'FORBIDDEN');
    }
  });
});
