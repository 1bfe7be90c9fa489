// End to end on the demo company: train churn and clv through the services, store customer scores,
// score an inline customer, and check the SQL repeat-buying summary against the pure one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { loadDemoData } from '../../src/services/demo-service';
import { trainChurnModel } from '../../src/services/customers/train-churn-model';
import { trainClvModel } from '../../src/services/customers/train-clv-model';
import { CustomerScoring, scoreAndStoreCustomers, scoreCustomers } from '../../src/services/customers/score-customers';
import { loadCustomerSummaries } from '../../src/services/customers/customer-summaries';
import { loadCustomerHistories } from '../../src/services/customers/load-customers';
import { summarizeOrders } from '../../src/domain/features/customer-summary';

const SEED = 11;
const AS_OF = new Date('2026-10-01T00:00:00Z');

describe('customer models on the demo company', () => {
  let t: TestDatabase;
  let modelsDir: string;
  beforeAll(async () => {
    console.log(`demo seed ${SEED}`);
    t = await createTestDatabase();
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-models-'));
    // 600 accounts: enough churners in the latest window for the promotion rule's bootstrap
    // interval to tell the model from the recency baseline (at 400 it cannot, and says so).
    await loadDemoData(t.db, { seed: SEED, accounts: 600, months: 24, asOf: AS_OF });
  });
  afterAll(async () => {
    await t.cleanup();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  test('with no model trained, scoring says so instead of failing', async () => {
    const r = await scoreCustomers(t.db, { modelsDir, asOf: AS_OF });
    expect(r.churnModel).toBeNull();
    expect(r.scores[0].notes.join(' ')).toMatch(/no churn model is active/);
  });

  test('the churn model beats the recency-only baseline on the later window and is calibrated', async () => {
    const r = await trainChurnModel(t.db, { asOf: AS_OF, modelsDir, seed: SEED });
    const { test: m, baseline } = r.metrics;
    console.log(`churn: AUC ${m.auc} vs recency ${baseline.auc}, log loss ${m.logLoss} vs ${baseline.logLoss}, ECE ${m.ece}`);
    expect(r.metrics.evaluation).toBe('time-split');
    expect(baseline.kind).toMatch(/recency/);
    expect(m.auc!).toBeGreaterThan(baseline.auc! + 0.01);
    expect(m.logLoss).toBeLessThan(baseline.logLoss);
    expect(m.ece).toBeLessThan(0.05);
    expect(r.promoted).toBe(true);
    expect(r.promotion?.comparisons[0]).toMatchObject({ against: 'baseline', beats: true });
    expect(r.metrics.features.names).toEqual(
      expect.arrayContaining(['daysSinceLastOrder', 'orderTrend', 'activityTrend', 'serviceCostTrend', 'openDeals']),
    );
  });

  test('the clv model fits BG/NBD and Gamma-Gamma and predicts the holdout better than a constant rate', async () => {
    const r = await trainClvModel(t.db, { asOf: AS_OF, calibrationEnd: new Date('2026-04-01T00:00:00Z'), timeUnit: 'week', modelsDir });
    const p = r.bgNbd.params;
    for (const v of [p.r, p.alpha, p.a, p.b]) expect(Number.isFinite(v) && v > 0).toBe(true);
    expect(r.bgNbd.converged).toBe(true);
    expect(r.gammaGamma?.params).toEqual({ p: expect.any(Number), q: expect.any(Number), gamma: expect.any(Number) });
    expect(r.holdout).toMatchObject({ predictedRepeatPurchases: expect.any(Number), actualRepeatPurchases: expect.any(Number) });
    console.log(
      `clv holdout: predicted ${r.holdout!.predictedRepeatPurchases} vs actual ${r.holdout!.actualRepeatPurchases}; MAE ${r.holdout!.mae} vs naive ${r.holdout!.naiveMae}`,
    );
    expect(Math.abs(r.holdout!.predictedRepeatPurchases / r.holdout!.actualRepeatPurchases - 1)).toBeLessThan(0.35);
    expect(r.holdout!.correlation!).toBeGreaterThan(0.5);
    expect(r.promoted).toBe(true);
  });

  test('score customers stores one row per account with churn, P(alive), CLV, RFM and the model versions', async () => {
    const r = await scoreAndStoreCustomers(t.db, { modelsDir, asOf: AS_OF });
    expect(r.stored).toBe(600);
    expect(r.withChurn).toBeGreaterThan(100);
    expect(r.withClv).toBeGreaterThan(100);
    const rows = await t.db.sql.all<Record<string, unknown>>('SELECT * FROM customer_score');
    expect(rows).toHaveLength(600);
    const scored = rows.find((x) => x.churn_probability !== null && x.clv !== null)!;
    expect(Number(scored.churn_model_version_id)).toBe(r.churnModel!.id);
    expect(Number(scored.clv_model_version_id)).toBe(r.clvModel!.id);
    expect(Number(scored.p_alive)).toBeGreaterThan(0);
    expect(String(scored.rfm_score)).toMatch(/^[1-5]{3}$/);
    const factors = typeof scored.factors === 'string' ? JSON.parse(scored.factors) : scored.factors;
    expect(factors.factors.length).toBeGreaterThan(0);
    // A second run replaces the rows rather than piling them up.
    await scoreAndStoreCustomers(t.db, { modelsDir, asOf: AS_OF });
    expect((await t.db.sql.all('SELECT id FROM customer_score')).length).toBe(600);
  });

  test('an inline customer is scored against the stored population without being written', async () => {
    // As the HTTP server does: the active models held in memory, refreshed once.
    const scoring = new CustomerScoring(t.db, { modelsDir });
    const refreshed = await scoring.refresh();
    expect(refreshed.map((x) => x.outcome)).toEqual(['loaded', 'loaded']);
    const r = await scoreCustomers(t.db, {
      scoring,
      asOf: AS_OF,
      inline: [
        {
          externalId: 'new-prospect',
          segment: 'SMB',
          acquiredAt: '2025-01-10',
          attributes: { plan: 'never-seen-plan' },
          orders: [
            { orderedAt: '2025-02-01', revenue: 1200 },
            { orderedAt: '2025-06-01', revenue: 900 },
          ],
        },
      ],
    });
    const s = r.scores[0];
    expect(s.accountId).toBeNull();
    expect(s.churnProbability).toBeGreaterThan(0);
    expect(s.pAlive).toBeGreaterThan(0);
    expect(s.pAlive).toBeLessThanOrEqual(1);
    expect(s.rfm?.segment).toEqual(expect.any(String));
    expect((await t.db.sql.all("SELECT id FROM account WHERE external_id = 'new-prospect'")).length).toBe(0);
  });

  test('the SQL repeat-buying summary equals the pure one', async () => {
    const end = new Date('2026-03-15T12:00:00Z');
    const sql = await loadCustomerSummaries(t.db, { calibrationEnd: end, timeUnit: 'day' });
    const histories = await loadCustomerHistories(t.db);
    const byId = new Map(histories.map((h) => [h.accountId, h]));
    expect(sql.length).toBeGreaterThan(100);
    for (const s of sql.slice(0, 60)) {
      const pure = summarizeOrders(
        byId.get(s.accountId)!.orders!.map((o) => ({ orderedAt: new Date(o.at), revenue: o.revenue })),
        end,
        'day',
      )!;
      expect(s.frequency).toBe(pure.frequency);
      expect(s.recency).toBeCloseTo(pure.recency, 9);
      expect(s.T).toBeCloseTo(pure.T, 9);
      expect(s.monetaryValue).toBeCloseTo(pure.monetaryValue, 6);
    }
  });
});
