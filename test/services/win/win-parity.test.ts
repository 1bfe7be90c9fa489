// Training/serving parity: the probability a training run reports for a held-out snapshot (a closed
// deal as it stood at moment t) is the probability the API serves for that deal at t, whether it is
// asked by stored id (`GET /v1/deals/:id/score?asOf=t`) or sent inline over HTTP as it stood at t
// (with its own `asOf`), to 1e-9 — for every estimator: logistic, MLP, and the stage baseline that
// serves when no model is promoted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { combineModels, winPart } from '../../../src/http/model-holder';
import { openModelRegistry } from '../../../src/services/models/model-registry';
import { loadDemoData } from '../../../src/services/demo-service';
import { loadDeals } from '../../../src/services/deals/load-deals';
import { WinScoring } from '../../../src/services/win/score-deals';
import { trainWinModel, type TrainWinResult } from '../../../src/services/win/train-win-model';
import type { Deal } from '../../../src/domain/deal-timeline/deal';
import { bearer, harness, type Harness } from '../../http/helpers';

const SEED = 29;
const AS_OF = new Date('2026-10-01T00:00:00Z');
const SMALL_MLP = { hidden: [8], maxEpochs: 4 };
const iso = (t: number) => new Date(t).toISOString();

let h: Harness;
let win: WinScoring;
let modelsDir: string;
let models: ReturnType<typeof combineModels>;

beforeAll(async () => {
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-parity-'));
  const base = await harness();
  await loadDemoData(base.tdb.db, { seed: SEED, accounts: 100, months: 20, asOf: AS_OF });
  win = new WinScoring(base.tdb.db, { modelsDir });
  models = combineModels([winPart(win)]);
  h = await harness({ tdb: base.tdb, services: { win, models } });
});
afterAll(async () => {
  await h.close();
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

/**
 * The deal as a CRM frontend held it at t: its state then, its history up to t, scored as of t.
 * What the database does not record stays left out (not provided), what it records as none is sent
 * as null or [] (docs/win-model.md "Missing is not zero").
 */
function inlineAsItStood(d: Deal, t: number) {
  const defined = <T>(v: T | undefined) => v !== undefined;
  const body: Record<string, unknown> = {
    externalId: d.externalId ?? undefined,
    stage: d.stage,
    amount: d.amount,
    createdAt: iso(d.createdAt),
    expectedCloseAt: d.expectedCloseAt == null ? null : iso(d.expectedCloseAt),
    asOf: iso(t),
  };
  if (d.discount != null) body.discount = d.discount;
  for (const k of ['source', 'product', 'productFamily', 'campaign', 'campaignChannel', 'rep', 'team', 'attributes'] as const)
    if (defined(d[k])) body[k] = d[k];
  // The account as a frontend knows it: its external id and profile (not the database id).
  if (d.account === null) body.account = null;
  else if (d.account) {
    const { id: _id, ...profile } = d.account as typeof d.account & { id?: number };
    body.account = profile;
  }
  if (d.stageChanges)
    body.stageChanges = d.stageChanges.map((c) => ({
      fromStage: c.fromStage ?? null,
      toStage: c.toStage,
      amount: c.amount ?? null,
      expectedCloseAt: c.expectedCloseAt == null ? null : iso(c.expectedCloseAt),
      changedAt: iso(c.at),
    }));
  if (d.activities) body.activities = d.activities.map((a) => ({ type: a.type, occurredAt: iso(a.at) }));
  return body;
}

/** Every 7th held-out snapshot (about 30), each scored three ways; the served ones must equal training's. */
async function expectParity(trained: TrainWinResult, which: 'winProbability' | 'baselineProbability', fallback: boolean) {
  await models.refresh();
  const sample = trained.heldOut.filter((_, i) => i % 7 === 0).slice(0, 30);
  expect(sample.length).toBeGreaterThan(10);
  const inline = [];
  for (const s of sample) {
    const byId = await request(h.app)
      .get(`/v1/deals/${encodeURIComponent(s.externalId!)}/score`)
      .query({ asOf: s.at })
      .set(bearer(h.keys.read))
      .expect(200);
    expect(byId.body.score.fallback).toBe(fallback);
    expect(Math.abs(byId.body.score.winProbability - s[which])).toBeLessThan(1e-9);
    const [asItStood] = await loadDeals(h.tdb.db, { opportunityIds: [s.opportunityId!], asOf: new Date(s.at) });
    inline.push(inlineAsItStood(asItStood, Date.parse(s.at)));
  }
  // One request, each deal with its own asOf; the request-level asOf (now) applies to none of them.
  const res = await request(h.app).post('/v1/deals/score').set(bearer(h.keys.read)).send({ deals: inline, explain: false }).expect(200);
  res.body.scores.forEach((score: { winProbability: number; fallback: boolean; scoredAt: string }, i: number) => {
    expect(score.fallback).toBe(fallback);
    expect(score.scoredAt).toBe(sample[i].at);
    expect(Math.abs(score.winProbability - sample[i][which])).toBeLessThan(1e-9);
  });
}

describe(`training/serving parity on demo data (seed ${SEED})`, () => {
  test('baseline: with no model promoted, the stage baseline served is the one training reported', async () => {
    const trained = await trainWinModel(h.tdb.db, { asOf: AS_OF, modelsDir, seed: SEED, algorithm: 'logistic', promote: 'never' });
    expect(trained.promoted).toBe(false);
    await expectParity(trained, 'baselineProbability', true);
    // The reason names the refused version and both sets of metrics.
    const [s] = win.scoreInline([{ stage: 'Proposal', createdAt: '2026-09-01' }], AS_OF);
    expect(s.fallbackReason).toMatch(
      new RegExp(`win v${trained.version} was not promoted.*stage baseline trained with v${trained.version}`),
    );
    // The registry says so too, with the baseline's own metrics next to the refused candidate's.
    const shown = await request(h.app).get('/v1/models/win').set(bearer(h.keys.read)).expect(200);
    expect(shown.body.active).toBeNull();
    expect(shown.body.fallback).toMatchObject({
      version: trained.version,
      decision: expect.stringMatching(/not promoted \(--promote never\)/),
      baseline: { auc: trained.baseline.auc, logLoss: trained.baseline.logLoss },
      candidate: { auc: trained.candidate.auc, logLoss: trained.candidate.logLoss },
    });
    expect(shown.body.fallback.reason).toMatch(/stage baseline trained with it \(fallback: true\)/);
  });

  test('logistic: the promoted model serves what its training run reported', async () => {
    const trained = await trainWinModel(h.tdb.db, { asOf: AS_OF, modelsDir, seed: SEED, algorithm: 'logistic', promote: 'always' });
    expect(trained.promoted).toBe(true);
    await expectParity(trained, 'winProbability', false);
  });

  test('MLP: the promoted model serves what its training run reported', async () => {
    const trained = await trainWinModel(h.tdb.db, {
      asOf: AS_OF,
      modelsDir,
      seed: SEED,
      algorithm: 'mlp',
      mlp: SMALL_MLP,
      promote: 'always',
    });
    expect(trained.promoted).toBe(true);
    expect((await openModelRegistry(h.tdb.db, modelsDir).active('win'))?.algorithm).toBe('mlp');
    await expectParity(trained, 'winProbability', false);
  });
});
