// Issue #16's targets, measured the way docs/forecasts.md reports them: `forecast backtest` over
// the last 9-12 months, each period forecast as of its first day with no later data, on the demo
// company and on the Maven CRM export. The forecast the service presents (`primary`, a key of
// `metrics`) must have P10-P90 coverage between 70% and 90% and a MAPE no worse than the best
// single method's. The blend behind it is rolling-origin: each period's weights and interval come
// from earlier periods only, so its record here is out of sample.
import path from 'node:path';
import { BLENDED_METHODS, type MethodKey } from '../../src/domain/forecast/backtest';
import { loadDemoData } from '../../src/services/demo-service';
import { backtestForecasts, type BacktestReport } from '../../src/services/forecast/forecast-service';
import { importFile } from '../../src/services/import/import-file';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { describeWithData, realDataPath } from '../helpers/real-data';

const SEED = 42;
console.log(`backtest targets: backtest seed ${SEED}`);

function expectTargets(r: BacktestReport, periods: number) {
  expect(r.periods).toHaveLength(periods);
  const primary = r.metrics[r.primary];
  expect(primary).toBeDefined();
  expect(primary.periods).toBe(periods);
  expect(primary.coverage).not.toBeNull();
  expect(primary.coverage as number).toBeGreaterThanOrEqual(0.7);
  expect(primary.coverage as number).toBeLessThanOrEqual(0.9);
  const singles = BLENDED_METHODS.map((m: MethodKey) => r.metrics[m].mape).filter((v): v is number => v !== null);
  expect(primary.mape as number).toBeLessThanOrEqual(Math.min(...singles) + 1e-9);
  // Printed so that a run shows the table docs/forecasts.md quotes.
  console.log(
    Object.entries(r.metrics)
      .map(([k, m]) => `${k}: MAPE ${m.mape?.toFixed(1) ?? '—'}%, coverage ${m.intervals ? `${m.covered}/${m.intervals}` : '—'}`)
      .join('\n'),
  );
}

describe('backtest targets on the demo company (seed 42, 500 accounts, 24 months as of 2026-11-23)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    await loadDemoData(t.db, { seed: 42, accounts: 500, months: 24, asOf: new Date('2026-11-23T00:00:00Z') });
  }, 300_000);
  afterAll(async () => t?.cleanup());

  it('the primary forecast covers 70-90% of the 12 months and misses no more than the best single method', async () => {
    const r = await backtestForecasts(t.db, {
      from: new Date('2025-11-01T00:00:00Z'),
      to: new Date('2026-11-01T00:00:00Z'),
      period: 'month',
      sims: 1000,
      seed: SEED,
      now: new Date('2026-11-23T00:00:00Z'),
    });
    expectTargets(r, 12);
    expect(r.warmUp.length).toBeGreaterThan(0);
    expect(r.selection.reason).toMatch(/^The blend/);
  }, 300_000);
});

describeWithData([['crm_maven', 'sales_pipeline.csv']], 'backtest targets on the Maven CRM export (2017-04 to 2017-12)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    const ex = path.resolve(__dirname, '..', '..', 'examples', 'crm_maven');
    const steps = [
      ['accounts', 'accounts.csv', 'accounts.map.json'],
      ['products', 'products.csv', 'products.map.json'],
      ['reps', 'sales_teams.csv', 'reps.map.json'],
      ['opportunities', 'sales_pipeline.csv', 'opportunities.map.json'],
      ['stage-changes', 'sales_pipeline.csv', 'stage-changes-engaged.map.json'],
      ['stage-changes', 'sales_pipeline.csv', 'stage-changes-closed.map.json'],
    ] as const;
    // examples/crm_maven/import.sh, in process.
    for (const [kind, file, map] of steps)
      await importFile(t.db, { kind, file: realDataPath('crm_maven', file), mappingPath: path.join(ex, map) });
  }, 300_000);
  afterAll(async () => t?.cleanup());

  it('the primary forecast covers 70-90% of the 9 months and misses no more than the best single method', async () => {
    const r = await backtestForecasts(t.db, {
      from: new Date('2017-04-01T00:00:00Z'),
      to: new Date('2018-01-01T00:00:00Z'),
      period: 'month',
      sims: 500,
      seed: SEED,
    });
    expectTargets(r, 9);
    // Open deals carry neither an expected close date nor a forecast category: not provided, not 0.
    expect(r.metrics.stageWeighted.periods).toBe(0);
    expect(r.metrics.commitCall.periods).toBe(0);
    expect(r.periods.every((p) => p.stageWeighted === null && p.commitCall === null)).toBe(true);
    // Monte Carlo alone now widens its range with the period effect (1 month of 9 covered before #16).
    expect(r.metrics.monteCarlo.covered).toBeGreaterThanOrEqual(5);
  }, 300_000);
});
