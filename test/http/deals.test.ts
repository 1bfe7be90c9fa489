// Deal scores over HTTP on demo data: inline deals scored in memory, stored deals by external id
// (one and a batch), the stored-score list, readiness, and hot reload of a newly promoted model.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DealScore, ScoresResponse, listScoresRoute, scoreBatchRoute, scoreOneRoute } from '../../src/contracts/deals';
import { ReadyResponse } from '../../src/contracts/health';
import { combineModels, winPart } from '../../src/http/model-holder';
import { loadDemoData } from '../../src/services/demo-service';
import { scoreOpenDeals, WinScoring } from '../../src/services/win/score-deals';
import { trainWinModel } from '../../src/services/win/train-win-model';
import { bearer, detailPaths, expectError, expectSchema, harness, type Harness } from './helpers';

let h: Harness;
let win: WinScoring;
let modelsDir: string;
let openIds: string[];

const deal = {
  externalId: 'crm-draft-1',
  stage: 'Proposal',
  amount: 12000,
  createdAt: '2025-01-10',
  expectedCloseAt: '2025-03-31',
  source: 'web',
  account: { segment: 'enterprise', region: 'EU' },
  activities: [{ type: 'call', occurredAt: '2025-02-01T10:00:00Z' }],
};

beforeAll(async () => {
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-http-models-'));
  const base = await harness();
  await loadDemoData(base.tdb.db, { seed: 11, accounts: 120, months: 18 });
  win = new WinScoring(base.tdb.db, { modelsDir });
  const models = combineModels([winPart(win)]);
  await models.refresh();
  h = await harness({ tdb: base.tdb, services: { win, models } });
  openIds = (
    await h.tdb.db.sql.all<{ external_id: string }>("SELECT external_id FROM opportunity WHERE outcome = 'open' ORDER BY id LIMIT 5")
  ).map((r) => r.external_id);
});
afterAll(async () => {
  await h.close();
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

const post = (p: string, body: unknown, key = h.keys.read) =>
  request(h.app)
    .post(p)
    .set(bearer(key))
    .send(body as object);

describe('scoring deals', () => {
  test('an inline deal is scored with factors, model version and the baseline said so when no model is trained', async () => {
    const res = await post('/v1/deals/score', { deals: [deal, { stage: 'Qualify', createdAt: '2025-02-01' }] }).expect(200);
    expectSchema(ScoresResponse, res.body);
    expect(res.body.scores).toHaveLength(2);
    const [s] = res.body.scores;
    expect(s.externalId).toBe('crm-draft-1');
    expect(s.winProbability).toBeGreaterThan(0);
    expect(s.winProbability).toBeLessThan(1);
    expect(s.fallback).toBe(true);
    expect(s.fallbackReason).toMatch(/baseline|stage/i);
    expect(res.body.currency).toBe('USD');
  });

  test('inline deals are validated field by field', async () => {
    const err = expectError(
      await post('/v1/deals/score', {
        deals: [
          { amount: -5, createdAt: 'last tuesday' },
          { stage: 'X', createdAt: '2025-01-01', colour: 'red' },
        ],
      }),
      400,
      'INVALID_INPUT',
    );
    expect(detailPaths(err)).toEqual(expect.arrayContaining(['deals.0.stage', 'deals.0.amount', 'deals.0.createdAt', 'deals.1.colour']));
    expect(detailPaths(expectError(await post('/v1/deals/score', { deals: [] }), 400, 'INVALID_INPUT'))).toContain('deals');
    expect(detailPaths(expectError(await post('/v1/deals/score', { deal }), 400, 'INVALID_INPUT'))).toEqual(
      expect.arrayContaining(['deals']),
    );
    expect(detailPaths(expectError(await post('/v1/deals/score', { deals: [deal], currency: 'EUR' }), 400, 'INVALID_INPUT'))).toContain(
      'currency',
    );
    expectError(
      await request(h.app).post('/v1/deals/score').set(bearer(h.keys.read)).set('Content-Type', 'text/plain').send('stage=Won'),
      400,
      'INVALID_INPUT',
    );
  });

  test('a stored deal is scored by its external id; an unknown one is a 404', async () => {
    const res = await request(h.app).get(`/v1/deals/${openIds[0]}/score`).set(bearer(h.keys.read)).expect(200);
    expectSchema(scoreOneRoute.response, res.body);
    expect(res.body.score.externalId).toBe(openIds[0]);
    expectError(await request(h.app).get('/v1/deals/no-such-deal/score').set(bearer(h.keys.read)), 404, 'NOT_FOUND');
    expect(
      detailPaths(
        expectError(await request(h.app).get(`/v1/deals/${openIds[0]}/score?asOf=soon`).set(bearer(h.keys.read)), 400, 'INVALID_INPUT'),
      ),
    ).toContain('query.asOf');
  });

  test('a batch of ids is scored together; unknown ids are listed, not fatal', async () => {
    const res = await post('/v1/deals/scores', { ids: [...openIds, 'ghost'] }).expect(200);
    expectSchema(scoreBatchRoute.response, res.body);
    expect(res.body.scores.map((s: { externalId: string }) => s.externalId).sort()).toEqual([...openIds].sort());
    expect(res.body.missing).toEqual(['ghost']);
    expect(detailPaths(expectError(await post('/v1/deals/scores', { ids: [] }), 400, 'INVALID_INPUT'))).toContain('ids');
    expect(detailPaths(expectError(await post('/v1/deals/scores', { ids: [42] }), 400, 'INVALID_INPUT'))).toContain('ids.0');
  });

  test('as of a date before a deal existed, the batch lists it as missing and the single route says why (was a 404 naming an internal id)', async () => {
    const batch = await post('/v1/deals/scores', { ids: openIds, asOf: '2000-01-01' }).expect(200);
    expect({ scores: batch.body.scores, missing: [...batch.body.missing].sort() }).toEqual({ scores: [], missing: [...openIds].sort() });
    const one = expectError(
      await request(h.app).get(`/v1/deals/${openIds[0]}/score?asOf=2000-01-01`).set(bearer(h.keys.read)),
      404,
      'NOT_FOUND',
    );
    expect(one.message).toBe(`No deal with external id "${openIds[0]}" as of 2000-01-01T00:00:00.000Z: it was created later`);
  });

  test('stored scores of open deals list sorted and paginated, amounts with currency', async () => {
    await scoreOpenDeals(h.tdb.db, { scoring: win });
    const res = await request(h.app).get('/v1/deals/scores?limit=5&sort=-winProbability').set(bearer(h.keys.read)).expect(200);
    expectSchema(listScoresRoute.response, res.body);
    expect(res.body.items).toHaveLength(5);
    const p = res.body.items.map((i: { winProbability: number }) => i.winProbability);
    expect([...p].sort((a, b) => b - a)).toEqual(p);
    expect(res.body.items[0].amount.currency).toBe('USD');
    expect(res.body.items[0].topFactor).toEqual(expect.objectContaining({ text: expect.any(String) }));
    expect(res.body.page.total).toBeGreaterThan(5);
    expect(
      detailPaths(expectError(await request(h.app).get('/v1/deals/scores?sort=colour').set(bearer(h.keys.read)), 400, 'INVALID_INPUT')),
    ).toContain('query.sort');
  });

  test('readiness reports the baseline fallback, then the promoted model after a hot reload', async () => {
    const before = await request(h.app).get('/ready').expect(200);
    expectSchema(ReadyResponse, before.body);
    expect(before.body.models).toEqual([expect.objectContaining({ name: 'win', state: 'fallback', version: null })]);

    // A retraining job (here in-process; in production a cron in another process) promotes v1 ...
    const trained = await trainWinModel(h.tdb.db, { modelsDir, algorithm: 'logistic', promote: 'always', minWon: 10, minLost: 10 });
    expect(trained.promoted).toBe(true);
    // ... the server keeps serving the baseline until it refreshes, and never fails meanwhile.
    const during = await post('/v1/deals/score', { deals: [deal] }).expect(200);
    expect(during.body.scores[0].fallback).toBe(true);
    await win.refresh();
    const after = await post('/v1/deals/score', { deals: [deal] }).expect(200);
    expectSchema(DealScore, after.body.scores[0]);
    expect(after.body.scores[0]).toMatchObject({ fallback: false, modelVersion: trained.version });
    expect(after.body.scores[0].factors.length).toBeGreaterThan(0);
    // Bulk callers can leave the factors out; the probability is the same.
    const lean = await post('/v1/deals/score', { deals: [deal], explain: false, asOf: after.body.asOf }).expect(200);
    const full = await post('/v1/deals/score', { deals: [deal], asOf: after.body.asOf }).expect(200);
    expect(lean.body.scores[0].factors).toEqual([]);
    expect(lean.body.scores[0].winProbability).toBeCloseTo(full.body.scores[0].winProbability, 12);
    const ready = await request(h.app).get('/ready').expect(200);
    expect(ready.body.models[0]).toMatchObject({ name: 'win', state: 'loaded', version: trained.version });
  });

  test('scores need a key with scores:read', async () => {
    expectError(
      await request(h.app)
        .post('/v1/deals/score')
        .send({ deals: [deal] }),
      401,
      'UNAUTHENTICATED',
    );
    expectError(await post('/v1/deals/score', { deals: [deal] }, h.keys.write), 403, 'FORBIDDEN');
    expectError(await request(h.app).get(`/v1/deals/${openIds[0]}/score`), 401, 'UNAUTHENTICATED');
    expectError(await request(h.app).get(`/v1/deals/${openIds[0]}/score`).set(bearer(h.keys.admin)), 403, 'FORBIDDEN');
    expectError(await post('/v1/deals/scores', { ids: openIds }, h.keys.admin), 403, 'FORBIDDEN');
    expectError(await request(h.app).get('/v1/deals/scores').set(bearer(h.keys.write)), 403, 'FORBIDDEN');
  });
});
