// The model registry over HTTP: versions with metrics, promote and rollback with an immediate hot
// reload of the in-memory scorer, refusal of an artifact that does not match the code, admin only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { listModelsRoute, promoteModelRoute, rollbackModelRoute, showModelRoute } from '../../src/contracts/models';
import { combineModels, winPart } from '../../src/http/model-holder';
import { loadDemoData } from '../../src/services/demo-service';
import { WinScoring } from '../../src/services/win/score-deals';
import { trainWinModel } from '../../src/services/win/train-win-model';
import { bearer, detailPaths, expectError, expectSchema, harness, type Harness } from './helpers';

let h: Harness;
let win: WinScoring;
let modelsDir: string;
const deal = { stage: 'Proposal', amount: 5000, createdAt: '2025-01-10' };

beforeAll(async () => {
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-http-models-'));
  const base = await harness();
  await loadDemoData(base.tdb.db, { seed: 5, accounts: 100, months: 18 });
  const opts = { modelsDir, algorithm: 'logistic' as const, minWon: 10, minLost: 10 };
  await trainWinModel(base.tdb.db, { ...opts, promote: 'always' }); // v1 active
  await trainWinModel(base.tdb.db, { ...opts, promote: 'never', seed: 99 }); // v2 candidate
  win = new WinScoring(base.tdb.db, { modelsDir });
  const models = combineModels([winPart(win)]);
  await models.refresh();
  h = await harness({ tdb: base.tdb, services: { win, models } });
});
afterAll(async () => {
  await h.close();
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

const admin = () => bearer(h.keys.all);
const scoreVersion = async () =>
  (
    await request(h.app)
      .post('/v1/deals/score')
      .set(bearer(h.keys.read))
      .send({ deals: [deal] })
      .expect(200)
  ).body.scores[0].modelVersion;

describe('models', () => {
  test('lists versions with metrics, newest first, filtered and paginated', async () => {
    const res = await request(h.app).get('/v1/models?name=win').set(admin()).expect(200);
    expectSchema(listModelsRoute.response, res.body);
    expect(res.body.items.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'candidate'],
      [1, 'active'],
    ]);
    expect(res.body.items[0].metrics).toBeTruthy();
    const active = await request(h.app).get('/v1/models?status=active&limit=1').set(admin()).expect(200);
    expect(active.body.items).toHaveLength(1);
    expect(active.body.page).toMatchObject({ total: 1, nextOffset: null });
  });

  test('shows a model with its active version in full', async () => {
    const res = await request(h.app).get('/v1/models/win').set(admin()).expect(200);
    expectSchema(showModelRoute.response, res.body);
    expect(res.body.active.version).toBe(1);
    expect(res.body.active.meta).toBeTruthy();
    const v2 = await request(h.app).get('/v1/models/win/versions/2').set(admin()).expect(200);
    expect(v2.body.status).toBe('candidate');
    expectError(await request(h.app).get('/v1/models/win/versions/99').set(admin()), 404, 'NOT_FOUND');
  });

  test('promote swaps the served model at once; rollback restores the previous one', async () => {
    expect(await scoreVersion()).toBe(1);
    const promoted = await request(h.app).post('/v1/models/win/promote').set(admin()).send({ version: 2 }).expect(200);
    expectSchema(promoteModelRoute.response, promoted.body);
    expect(promoted.body).toMatchObject({ promoted: { version: 2, status: 'active' }, retired: { version: 1, status: 'retired' } });
    expect(await scoreVersion()).toBe(2);
    const rolled = await request(h.app).post('/v1/models/win/rollback').set(admin()).expect(200);
    expectSchema(rollbackModelRoute.response, rolled.body);
    expect(rolled.body.restored.version).toBe(1);
    expect(await scoreVersion()).toBe(1);
  });

  test('a version whose artifact does not match the code is refused and the active one keeps serving', async () => {
    const bad = await win.registry.register('win', { algorithm: 'logistic', artifact: { kind: 'something-else' } });
    const res = await request(h.app).post('/v1/models/win/promote').set(admin()).send({ version: bad.version });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('SCHEMA_MISMATCH');
    expect(await scoreVersion()).toBe(1);
  });

  test('rolling back with no earlier version is a 422', async () => {
    expectError(await request(h.app).post('/v1/models/churn/rollback').set(admin()), 422, 'UNPROCESSABLE');
  });

  test('rejects bad input with the field named', async () => {
    expect(detailPaths(expectError(await request(h.app).get('/v1/models/banana').set(admin()), 400, 'INVALID_INPUT'))).toContain(
      'params.name',
    );
    expect(
      detailPaths(
        expectError(await request(h.app).post('/v1/models/win/promote').set(admin()).send({ version: 'two' }), 400, 'INVALID_INPUT'),
      ),
    ).toContain('version');
    expect(
      detailPaths(expectError(await request(h.app).post('/v1/models/win/promote').set(admin()).send({}), 400, 'INVALID_INPUT')),
    ).toContain('version');
    expect(detailPaths(expectError(await request(h.app).get('/v1/models?sort=size').set(admin()), 400, 'INVALID_INPUT'))).toContain(
      'query.sort',
    );
    expect(detailPaths(expectError(await request(h.app).get('/v1/models/win/versions/0').set(admin()), 400, 'INVALID_INPUT'))).toContain(
      'params.version',
    );
  });

  test('is admin only', async () => {
    expectError(await request(h.app).get('/v1/models'), 401, 'UNAUTHENTICATED');
    // Reading the registry is a read (dashboards show model health); changing it is admin.
    await request(h.app).get('/v1/models').set(bearer(h.keys.read)).expect(200);
    expectError(await request(h.app).get('/v1/models').set(bearer(h.keys.write)), 403, 'FORBIDDEN');
    expectError(await request(h.app).post('/v1/models/win/promote').set(bearer(h.keys.read)).send({ version: 2 }), 403, 'FORBIDDEN');
    expectError(await request(h.app).post('/v1/models/win/rollback').set(bearer(h.keys.write)), 403, 'FORBIDDEN');
  });
});
