// The forecast services end to end on a small demo company in a temporary database: the period
// forecast, snapshots and their change waterfall, what-if, backtest and run-rate.
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { loadDemoData } from '../../src/services/demo-service';
import { backtestForecasts, forecastPipeline, forecastRunRates } from '../../src/services/forecast/forecast-service';
import { compareForecastSnapshots, listForecastSnapshots, takeForecastSnapshot } from '../../src/services/forecast/snapshot-service';
import { whatIfForecast } from '../../src/services/forecast/what-if-service';

const SEED = 31;
const AS_OF = new Date('2026-06-15T00:00:00Z');
console.log(`forecast service tests: seed ${SEED}, demo as of ${AS_OF.toISOString()}`);

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await loadDemoData(t.db, { seed: SEED, accounts: 80, months: 15, asOf: AS_OF });
});
afterAll(async () => t?.cleanup());

const opts = { asOf: AS_OF, period: '2026-Q3', sims: 2000, seed: SEED, scorer: 'stage-model' as const };

describe('pipeline forecast service', () => {
  it('gives ordered P10/P50/P90, breakdowns that add up, and the same answer for the same seed', async () => {
    const a = await forecastPipeline(t.db, { ...opts, by: ['rep', 'segment'] });
    const b = await forecastPipeline(t.db, { ...opts, by: ['rep', 'segment'] });
    expect({ ...a, elapsedMs: 0 }).toEqual({ ...b, elapsedMs: 0 });
    expect(a.seed).toBe(SEED);
    expect(a.total.p10).toBeLessThanOrEqual(a.total.p50);
    expect(a.total.p50).toBeLessThanOrEqual(a.total.p90);
    expect(a.openPipeline.deals).toBeGreaterThan(0);
    for (const dim of ['rep', 'segment'] as const) {
      expect(a.breakdown[dim]!.reduce((s, g) => s + g.expected, 0)).toBeCloseTo(a.wonToDate + a.openPipeline.expected, 2);
    }
    expect(a.total.expected).toBeCloseTo(a.wonToDate + a.openPipeline.expected + a.newBusiness.expected, 2);
    const other = await forecastPipeline(t.db, { ...opts, by: [], seed: SEED + 1 });
    expect(other.total.p50).not.toBe(a.total.p50);
  });

  it('names the primary method by its own backtest, with every method, the record and why', async () => {
    const r = await forecastPipeline(t.db, { ...opts, period: '2026-Q2', by: [] });
    const p = r.primary!;
    expect(p).toBeTruthy();
    expect(Object.keys(p.record.metrics)).toContain(p.method);
    expect(p.record.periodKind).toBe('quarter');
    expect(p.record.periods).toBeGreaterThan(0);
    expect(p.p10).toBeLessThanOrEqual(p.expected);
    expect(p.expected).toBeLessThanOrEqual(p.p90);
    // Won to date is known: no method forecasts less than it.
    expect(p.p10).toBeGreaterThanOrEqual(r.wonToDate - 1e-6);
    expect(p.methods.monteCarlo).toEqual({ expected: r.total.expected, p10: r.total.p10, p90: r.total.p90 });
    expect(Object.values(p.weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(p.headline).toMatch(/^This quarter's number is (the blend|Monte Carlo)/);
    expect(p.reason.startsWith(p.headline)).toBe(true);
    expect(r.periodEffects.windows).toBeGreaterThan(0);
    // A custom range has no backtest of its kind: Monte Carlo, and the note says so.
    const custom = await forecastPipeline(t.db, {
      ...opts,
      period: undefined,
      from: new Date('2026-07-01'),
      to: new Date('2026-07-20'),
      by: [],
    });
    expect(custom.primary).toBeNull();
    expect(custom.primaryNote).toMatch(/monthly or quarterly backtests/);
  });

  it('refuses unknown periods, breakdowns and simulation counts with the field named', async () => {
    await expect(forecastPipeline(t.db, { ...opts, period: '2026-Q5' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: [{ path: ['period'] }],
    });
    await expect(forecastPipeline(t.db, { ...opts, by: ['planet' as never] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(forecastPipeline(t.db, { ...opts, sims: 5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: [{ path: ['sims'] }],
    });
  });
});

describe('forecasts as of a past date', () => {
  it('see only what was known then: bookings won before the date, and deals closed since still open', async () => {
    const asOf = new Date('2026-05-01T00:00:00Z');
    const r = await forecastPipeline(t.db, { ...opts, asOf, period: '2026-Q2', by: [] });
    const won = await t.db.sql.all<{ total: number | null }>(
      `SELECT SUM(amount) AS total FROM opportunity WHERE outcome = 'won' AND closed_at >= ? AND closed_at < ?`,
      [new Date('2026-04-01T00:00:00Z'), asOf],
    );
    const wonLater = await t.db.sql.all<{ total: number | null }>(
      `SELECT SUM(amount) AS total FROM opportunity WHERE outcome = 'won' AND closed_at >= ? AND closed_at < ?`,
      [asOf, new Date('2026-07-01T00:00:00Z')],
    );
    expect(Number(wonLater[0].total)).toBeGreaterThan(0); // the test means something only if deals were won after as-of
    expect(r.wonToDate).toBeCloseTo(Number(won[0].total ?? 0), 2);
    const closedSince = await t.db.sql.all<{ n: number }>(`SELECT COUNT(*) AS n FROM opportunity WHERE created_at < ? AND closed_at >= ?`, [
      asOf,
      asOf,
    ]);
    expect(r.openPipeline.deals).toBeGreaterThanOrEqual(Number(closedSince[0].n));
    expect(Number(closedSince[0].n)).toBeGreaterThan(0);
  });
});

describe('snapshots and changes', () => {
  it('stores a snapshot with its deals, and the waterfall between two snapshots adds up', async () => {
    const first = await takeForecastSnapshot(t.db, { ...opts, by: ['rep'], takenAt: new Date('2026-06-15T08:00:00Z') });
    expect(first.deals).toBeGreaterThan(0);
    // Between the snapshots: one deal in the period's pipeline doubles, another is won.
    const open = first.report.openPipeline.deals;
    expect(open).toBeGreaterThan(1);
    const rows = await t.db.sql.all<{ opportunity_id: number; amount: number }>(
      `SELECT opportunity_id, amount FROM forecast_snapshot_deal WHERE snapshot_id = ? AND outcome = 'open' AND expected_close_at >= ? AND expected_close_at < ? ORDER BY opportunity_id LIMIT 2`,
      [first.snapshotId, new Date('2026-07-01T00:00:00Z'), new Date('2026-10-01T00:00:00Z')],
    );
    expect(rows.length).toBe(2);
    const [grown, won] = rows.map((r) => Number(r.opportunity_id));
    await t.db.sql.run(`UPDATE opportunity SET amount = amount * 2 WHERE id = ?`, [grown]);
    await t.db.sql.run(`UPDATE opportunity SET outcome = 'won', stage = 'Closed Won', closed_at = ? WHERE id = ?`, [
      new Date('2026-06-14T00:00:00Z'),
      won,
    ]);
    const second = await takeForecastSnapshot(t.db, { ...opts, by: ['rep'], takenAt: new Date('2026-06-15T09:00:00Z') });

    const list = await listForecastSnapshots(t.db);
    expect(list.map((s) => s.id).slice(0, 2)).toEqual([second.snapshotId, first.snapshotId]);
    const w = await compareForecastSnapshots(t.db);
    expect(w.from.id).toBe(first.snapshotId);
    expect(w.to.id).toBe(second.snapshotId);
    expect(w.start + w.steps.reduce((s, x) => s + x.amount, 0)).toBeCloseTo(w.end, 6);
    const byDeal = new Map(w.changes.map((c) => [c.opportunityId, c]));
    expect(byDeal.get(grown)).toMatchObject({ kind: 'amount_change' });
    expect(byDeal.get(grown)!.delta).toBeCloseTo(Number(rows[0].amount), 6);
    expect(byDeal.get(won)).toMatchObject({ kind: 'won', delta: -Number(rows[1].amount) });
  });
});

describe('what-if', () => {
  it('dropping a deal moves the expected forecast by exactly its expected contribution', async () => {
    const base = await forecastPipeline(t.db, { ...opts, by: [] });
    expect(base.openPipeline.deals).toBeGreaterThan(0);
    const [row] = await t.db.sql.all<{ id: number }>(
      `SELECT id FROM opportunity WHERE outcome = 'open' AND stage = 'Proposal' ORDER BY amount DESC LIMIT 1`,
    );
    const id = Number(row.id);
    const r = await whatIfForecast(t.db, { ...opts, changes: [{ opportunityId: id, drop: true }] });
    expect(r.deals[0].after).toBeNull();
    expect(r.delta.expected).toBeCloseTo(-r.deals[0].before.expectedContribution, 4);
    const up = await whatIfForecast(t.db, { ...opts, changes: [{ opportunityId: id, stage: 'Negotiation' }] });
    expect(up.deals[0].after!.winProbability).toBeGreaterThan(up.deals[0].before.winProbability);
    expect(up.delta.expected).toBeGreaterThan(0);
    await expect(whatIfForecast(t.db, { ...opts, changes: [{ opportunityId: 999_999 }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('backtest and run-rate', () => {
  it('replays three months and scores every method', async () => {
    const r = await backtestForecasts(t.db, {
      from: new Date('2026-02-01'),
      to: new Date('2026-05-01'),
      sims: 500,
      seed: SEED,
      now: AS_OF,
    });
    expect(r.periods.map((p) => p.period)).toEqual(['2026-02', '2026-03', '2026-04']);
    expect(r.metrics.monteCarlo.periods).toBe(3);
    expect(r.metrics.stageWeighted.mae).toBeGreaterThanOrEqual(0);
    // The primary method is a key of metrics; the blend has its own record, from earlier periods only.
    expect(r.primary).toBe('blend');
    expect(r.metrics.blend.periods).toBe(3);
    expect(r.periods.every((p) => p.blend !== null)).toBe(true);
    expect(r.selection.reason).toMatch(/Monte Carlo alone: MAPE/);
  });

  it('forecasts monthly bookings and revenue with intervals', async () => {
    const r = await forecastRunRates(t.db, { asOf: AS_OF, horizon: 3, seed: SEED });
    expect(r.months).toEqual(['2026-06', '2026-07', '2026-08']);
    expect(r.bookings.forecast.mean).toHaveLength(3);
    expect(r.bookings.forecast.lo[80][0]).toBeLessThanOrEqual(r.bookings.forecast.mean[0]);
    expect(r.revenue?.forecast.mean).toHaveLength(3);
  });
});
