// End to end on the demo company: train the deal-win model on a time split, check it beats the
// stage baseline and is calibrated, register and promote it, store a score with reasons for every
// open deal, score inline deals without the database, and fall back to the baseline (saying so)
// when there is no usable model.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { loadDemoData } from '../../../src/services/demo-service';
import { trainWinModel, type TrainWinResult } from '../../../src/services/win/train-win-model';
import { scoreDeals, scoreOpenDeals, WinScoring } from '../../../src/services/win/score-deals';
import { openModelRegistry } from '../../../src/services/models/model-registry';
import { fromSqlJson } from '../../../src/db/sql';

const SEED = 42;
const AS_OF = new Date('2026-10-01T00:00:00Z');
const SMALL_MLP = { hidden: [16], maxEpochs: 6 };

describe(`deal-win model on demo data (seed ${SEED}, as of ${AS_OF.toISOString().slice(0, 10)})`, () => {
  let t: TestDatabase;
  let modelsDir: string;
  let trained: TrainWinResult;

  beforeAll(async () => {
    t = await createTestDatabase();
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-win-'));
    await loadDemoData(t.db, { seed: SEED, accounts: 160, months: 24, asOf: AS_OF });
    trained = await trainWinModel(t.db, { asOf: AS_OF, modelsDir, seed: SEED, mlp: SMALL_MLP });
  });
  afterAll(async () => {
    await t.cleanup();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  test('beats the stage baseline on the later test window, reports calibration, and is promoted', async () => {
    const { candidate, baseline } = trained;
    expect(candidate.auc!).toBeGreaterThan(baseline.auc! + 0.02);
    expect(candidate.logLoss).toBeLessThan(baseline.logLoss);
    expect(candidate.ece).toBeGreaterThanOrEqual(0);
    expect(candidate.ece).toBeLessThan(0.1);
    expect(candidate.reliability).toHaveLength(10);
    expect(new Date(trained.data.window.testFrom).getTime()).toBeGreaterThan(new Date(trained.data.window.from).getTime());
    expect(new Date(trained.data.window.to).getTime()).toBe(AS_OF.getTime());
    // Every candidate was cross-validated in time order; the chosen one was refitted on the whole window.
    const { selection } = trained.metrics;
    expect(new Set(selection.candidates.map((c) => c.algorithm))).toEqual(new Set(['logistic', 'mlp']));
    expect(selection.refit.rows).toBe(trained.data.examples.train);
    expect(selection.folds.length).toBeGreaterThanOrEqual(3);
    expect(trained.leakage.passed).toBe(true);
    expect(trained.promotion.comparisons[0]).toMatchObject({ against: 'baseline', beats: true });
    expect(trained).toMatchObject({ version: 1, promoted: true });
    const info = await openModelRegistry(t.db, modelsDir).get('win');
    expect(info).toMatchObject({ version: 1, status: 'active', algorithm: trained.algorithm });
    expect((info.metrics as { test: { auc: number } }).test.auc).toBeCloseTo(candidate.auc!, 12);
    expect(info.dataTo?.getTime()).toBe(AS_OF.getTime());
  });

  test('every open deal gets a stored score with its model version and reasons', async () => {
    const r = await scoreOpenDeals(t.db, { modelsDir, asOf: AS_OF });
    const open = await t.db.sql.all<{ n: number }>("SELECT COUNT(*) AS n FROM opportunity WHERE outcome = 'open' OR closed_at > ?", [
      AS_OF,
    ]);
    expect(r.scored).toBe(Number(open[0].n));
    expect(r).toMatchObject({ fallback: false, modelVersion: 1 });
    const rows = await t.db.sql.all<{ model_version_id: number; win_probability: number; factors: string; fallback: number }>(
      'SELECT * FROM deal_score',
    );
    expect(rows).toHaveLength(r.scored);
    const mv = await t.db.sql.all<{ id: number }>("SELECT id FROM model_version WHERE name = 'win' AND version = 1");
    for (const row of rows) {
      expect(row.model_version_id).toBe(mv[0].id);
      expect(row.win_probability).toBeGreaterThan(0);
      expect(row.win_probability).toBeLessThan(1);
      expect(Number(row.fallback)).toBe(0);
    }
    const stored = fromSqlJson<{ factors: { feature: string; effect: number; text: string }[] }>(rows[0].factors)!;
    expect(stored.factors.length).toBeGreaterThan(0);
    for (const f of stored.factors) {
      expect(typeof f.feature).toBe('string');
      expect(typeof f.effect).toBe('number');
      expect(f.text.length).toBeGreaterThan(5);
    }
    // Some deal's explanation talks about time in stage the way a rep would read it.
    const texts = r.scores.flatMap((s) => s.factors.map((f) => f.text));
    expect(texts.some((x) => /days in .+; deals that close usually move on within \d+/.test(x) || /activit/.test(x))).toBe(true);
    // A close-month distribution sums to 1 (it is empty for a deal without an expected close date).
    const distributions = r.scores.slice(0, 20).map((s) => s.closeDistribution);
    expect(distributions.filter((d) => d.length > 0).length).toBeGreaterThan(10);
    for (const d of distributions.filter((x) => x.length > 0)) expect(d.reduce((a, c) => a + c.probability, 0)).toBeCloseTo(1, 9);
  });

  test('inline deals are scored from memory, without touching the database', async () => {
    const scoring = new WinScoring(t.db, { modelsDir });
    await scoring.refresh();
    const all = jest.spyOn(t.db.sql, 'all');
    const run = jest.spyOn(t.db.sql, 'run');
    const deal = {
      stage: 'Negotiation',
      amount: 24000,
      discount: 0.05,
      createdAt: '2026-08-01T00:00:00Z',
      expectedCloseAt: '2026-10-20T00:00:00Z',
      source: 'Referral',
      rep: 'a rep the model never saw',
      account: { segment: 'Mid-Market', industry: 'Retail' },
      stageChanges: [
        { toStage: 'Prospecting', changedAt: '2026-08-01T00:00:00Z' },
        { fromStage: 'Prospecting', toStage: 'Negotiation', changedAt: '2026-09-10T00:00:00Z' },
      ],
      activities: [{ type: 'meeting', occurredAt: '2026-09-25T00:00:00Z' }],
    };
    const [fresh, stale] = scoring.scoreInline(
      [deal, { ...deal, activities: [], stageChanges: [{ toStage: 'Negotiation', changedAt: '2026-08-01T00:00:00Z' }] }],
      AS_OF,
    );
    expect(all).not.toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
    all.mockRestore();
    run.mockRestore();
    expect(fresh.modelVersion).toBe(1);
    expect(fresh.fallback).toBe(false);
    expect(fresh.winProbability).toBeGreaterThan(0);
    expect(fresh.factors.find((f) => f.feature === 'daysInStage')?.value ?? 21).toBe(21);
    // Two months stuck in Negotiation with no activity is worse than three weeks with a meeting.
    expect(stale.winProbability).toBeLessThan(fresh.winProbability);
    expect(() => scoring.scoreInline([{ ...deal, createdAt: 'yesterday' }])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    // Sent without an owner: the owner's record is unknown, so it is no reason either way.
    const [ownerless] = scoring.scoreInline([{ ...deal, rep: undefined }], AS_OF);
    expect(ownerless.factors.filter((f) => f.feature.startsWith('rep'))).toEqual([]);
  });

  test('a second run is compared with the active model on the same window; persist:false writes nothing', async () => {
    const before = await openModelRegistry(t.db, modelsDir).list('win');
    const r = await trainWinModel(t.db, { asOf: AS_OF, modelsDir, seed: SEED, persist: false, algorithm: 'logistic' });
    expect(r.version).toBeNull();
    expect(r.active).toMatchObject({ version: 1 });
    // Same data, same seed: the active logistic/mlp winner scores the same snapshots.
    expect(r.active!.metrics!.n).toBe(r.candidate.n);
    // The same data, seed and algorithm as the active winner (when logistic) give the same model:
    // an identical candidate is never promoted.
    if (trained.algorithm === 'logistic')
      expect(r.promotion.comparisons[1]).toMatchObject({ against: 'active', identical: true, beats: false });
    expect(await openModelRegistry(t.db, modelsDir).list('win')).toEqual(before);
    // The in-memory scorer works for past dates (what forecast backtests use).
    const o = r.scorer.outlook({ stage: 'Proposal', amount: 1000, createdAt: Date.parse('2026-09-01'), outcome: 'open' }, AS_OF.getTime());
    expect(o.winProbability).toBeGreaterThan(0);
    expect(o.closeDistribution.length).toBeGreaterThan(0);
  });

  test('a promoted version whose schema does not match the code is refused and the previous model keeps serving', async () => {
    const registry = openModelRegistry(t.db, modelsDir);
    const good = (await registry.readArtifact(await registry.get('win', 1))) as Record<string, unknown>;
    const bad = await registry.register('win', { algorithm: 'logistic', artifact: { ...good, baseSchema: '{"v":0}' } });
    const scoring = new WinScoring(t.db, { modelsDir });
    await scoring.refresh();
    await expect(
      registry.promote('win', bad.version, (a) => new (require('../../../src/services/win/win-scorer').WinScorer)(a)),
    ).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    await registry.promote('win', bad.version); // e.g. promoted by an older binary
    const r = await scoring.refresh();
    expect(r).toMatchObject({ outcome: 'failed', version: bad.version });
    expect(r.error).toMatch(/retrain/);
    const [s] = await scoreDeals(t.db, { scoring, inline: [{ stage: 'Proposal', amount: 1, createdAt: '2026-09-01' }], asOf: AS_OF });
    expect(s.modelVersion).toBe(1);
    await registry.rollback('win');
  });
});

describe('too little history', () => {
  let t: TestDatabase;
  let modelsDir: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-win-'));
    await loadDemoData(t.db, { seed: SEED, accounts: 10, months: 6, asOf: AS_OF }); // 3 won, 14 lost
  });
  afterAll(async () => {
    await t.cleanup();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  test('training refuses and says how many won and lost deals are missing', async () => {
    const err = await trainWinModel(t.db, { asOf: AS_OF, modelsDir, minWon: 500, minLost: 500 }).catch((e) => e);
    expect(err).toMatchObject({ code: 'UNPROCESSABLE' });
    expect(err.message).toMatch(/at least 500 won and 500 lost/);
    expect(err.details.map((d: { path: string[] }) => d.path[0]).sort()).toEqual(['lost', 'won']);
    expect(err.details[0].problem).toMatch(/more\)/);
    expect(await openModelRegistry(t.db, modelsDir).list()).toEqual([]);
  });

  test('scoring falls back to the stage baseline and says so', async () => {
    const r = await scoreOpenDeals(t.db, { modelsDir, asOf: AS_OF });
    expect(r.fallback).toBe(true);
    expect(r.fallbackReason).toMatch(/no deal-win model has been trained/);
    expect(r.modelVersion).toBeNull();
    const rows = await t.db.sql.all<{ fallback: number; model_version_id: number | null }>(
      'SELECT fallback, model_version_id FROM deal_score',
    );
    expect(r.scored).toBeGreaterThan(0);
    expect(rows.length).toBe(r.scored);
    for (const row of rows) expect([Number(row.fallback), row.model_version_id]).toEqual([1, null]);
    expect(r.scores[0].factors[0].text).toMatch(/Baseline/);
  });
});

describe('closed deals of one outcome only', () => {
  let t: TestDatabase;
  let modelsDir: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-win-'));
    await loadDemoData(t.db, { seed: SEED, accounts: 6, months: 6, asOf: AS_OF });
    // A CRM whose closed deals are all lost: the demo's few wins are recorded as losses, so the
    // test does not depend on what the demo generator happens to draw for so small a company.
    await t.db.prisma.opportunity.updateMany({ where: { outcome: 'won' }, data: { outcome: 'lost', stage: 'Closed Lost' } });
    await t.db.prisma.stageChange.updateMany({ where: { toStage: 'Closed Won' }, data: { toStage: 'Closed Lost' } });
    expect(await t.db.prisma.opportunity.count({ where: { outcome: 'won' } })).toBe(0);
  });
  afterAll(async () => {
    await t.cleanup();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  test('no baseline is served (it would say 0% for every deal): scoring is refused with the reason', async () => {
    const err = await scoreOpenDeals(t.db, { modelsDir, asOf: AS_OF }).catch((e) => e);
    expect(err).toMatchObject({ code: 'UNPROCESSABLE' });
    expect(err.message).toMatch(/All \d+ closed deals are lost: a win rate needs both outcomes.*--lost-after-days/);
  });
});
