// Customer scores over HTTP on demo data: by external id, a batch, inline customers, the stored
// listing; missing models are explained, bad input named, reads need scores:read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  CustomerScoresResponse,
  listCustomerScoresRoute,
  scoreCustomerBatchRoute,
  scoreCustomerRoute,
} from '../../src/contracts/customers';
import { openModelRegistry } from '../../src/services/models/model-registry';
import { loadDemoData } from '../../src/services/demo-service';
import { combineModels, customerPart } from '../../src/http/model-holder';
import type { ModelHolder } from '../../src/http/context';
import { CustomerScoring, scoreAndStoreCustomers } from '../../src/services/customers/score-customers';
import { trainClvModel } from '../../src/services/customers/train-clv-model';
import { bearer, detailPaths, expectError, expectSchema, harness, type Harness } from './helpers';

let h: Harness;
let modelsDir: string;
let accountIds: string[];
let models: ModelHolder;

const inline = {
  externalId: 'crm-cust-1',
  segment: 'smb',
  region: 'EU',
  acquiredAt: '2024-01-01',
  orders: [
    { orderedAt: '2024-02-01', revenue: 1200 },
    { orderedAt: '2024-05-01', revenue: 900 },
  ],
};

beforeAll(async () => {
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-http-cust-'));
  const base = await harness();
  await loadDemoData(base.tdb.db, { seed: 3, accounts: 120, months: 18 });
  // As the server holds them: customer models in memory, refreshed (hot reload) by the holder.
  const customers = new CustomerScoring(base.tdb.db, { modelsDir });
  models = combineModels([customerPart(customers)]);
  await models.refresh();
  h = await harness({ tdb: base.tdb, services: { registry: openModelRegistry(base.tdb.db, modelsDir), customers, models } });
  accountIds = (
    await h.tdb.db.sql.all<{ external_id: string }>(
      'SELECT a.external_id FROM account a WHERE EXISTS (SELECT 1 FROM orders o WHERE o.account_id = a.id) ORDER BY a.id LIMIT 3',
    )
  ).map((r) => r.external_id);
});
afterAll(async () => {
  await h.close();
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

const read = () => bearer(h.keys.read);

describe('customer scores', () => {
  test('without trained models, scores say what is missing and still give the RFM segment', async () => {
    const res = await request(h.app).get(`/v1/customers/${accountIds[0]}/score`).set(read()).expect(200);
    expectSchema(scoreCustomerRoute.response, res.body);
    expect(res.body.score.churnProbability).toBeNull();
    expect(res.body.score.notes.join(' ')).toMatch(/train churn/);
    expect(res.body.score.rfm).toEqual(expect.objectContaining({ segment: expect.any(String) }));
  });

  test('with a CLV model, P(alive), expected purchases and CLV are filled, inline customers too', async () => {
    const trained = await trainClvModel(h.tdb.db, { modelsDir, promote: 'always', minCustomers: 5 });
    expect(trained.version).toBeGreaterThan(0);
    const before = await request(h.app).get('/ready').expect(200);
    expect(before.body.models.find((m: { name: string }) => m.name === 'clv')).toMatchObject({ state: 'none' });
    await models.refresh(); // what the server's poll does after a promotion
    const ready = await request(h.app).get('/ready').expect(200);
    expect(ready.body.models.find((m: { name: string }) => m.name === 'clv')).toMatchObject({ state: 'loaded', version: trained.version });
    const res = await request(h.app)
      .post('/v1/customers/scores')
      .set(read())
      .send({ ids: [...accountIds, 'ghost'] })
      .expect(200);
    expectSchema(scoreCustomerBatchRoute.response, res.body);
    expect(res.body.missing).toEqual(['ghost']);
    expect(res.body.clvModel).toEqual(expect.objectContaining({ version: trained.version }));
    expect(res.body.scores[0].pAlive).toBeGreaterThan(0);
    const one = await request(h.app)
      .post('/v1/customers/score')
      .set(read())
      .send({ customers: [inline] })
      .expect(200);
    expectSchema(CustomerScoresResponse, one.body);
    expect(one.body.scores[0].externalId).toBe('crm-cust-1');
    expect(one.body.scores[0].pAlive).toEqual(expect.any(Number));
  });

  test('stored scores list sorted and paginated with CLV as money', async () => {
    await scoreAndStoreCustomers(h.tdb.db, { modelsDir });
    const res = await request(h.app).get('/v1/customers/scores?sort=-clv&limit=3').set(read()).expect(200);
    expectSchema(listCustomerScoresRoute.response, res.body);
    expect(res.body.items).toHaveLength(3);
    expect(res.body.items[0].clv.currency).toBe('USD');
    expect(res.body.items[0].clv.amount).toBeGreaterThanOrEqual(res.body.items[1].clv.amount);
  });

  test('rejects bad input with the field named; unknown customers are 404', async () => {
    expectError(await request(h.app).get('/v1/customers/nobody/score').set(read()), 404, 'NOT_FOUND');
    const err = expectError(
      await request(h.app)
        .post('/v1/customers/score')
        .set(read())
        .send({ customers: [{ orders: [{ orderedAt: 'never', revenue: -1 }] }] }),
      400,
      'INVALID_INPUT',
    );
    expect(detailPaths(err)).toEqual(expect.arrayContaining(['customers.0.orders.0.orderedAt', 'customers.0.orders.0.revenue']));
    expect(
      detailPaths(expectError(await request(h.app).post('/v1/customers/score').set(read()).send({ customers: [] }), 400, 'INVALID_INPUT')),
    ).toContain('customers');
    expect(
      detailPaths(expectError(await request(h.app).post('/v1/customers/scores').set(read()).send({ ids: 'A1' }), 400, 'INVALID_INPUT')),
    ).toContain('ids');
    expect(
      detailPaths(expectError(await request(h.app).get('/v1/customers/scores?sort=height').set(read()), 400, 'INVALID_INPUT')),
    ).toContain('query.sort');
  });

  test('reads need scores:read', async () => {
    expectError(await request(h.app).get(`/v1/customers/${accountIds[0]}/score`), 401, 'UNAUTHENTICATED');
    expectError(await request(h.app).get(`/v1/customers/${accountIds[0]}/score`).set(bearer(h.keys.write)), 403, 'FORBIDDEN');
    expectError(
      await request(h.app)
        .post('/v1/customers/score')
        .set(bearer(h.keys.admin))
        .send({ customers: [inline] }),
      403,
      'FORBIDDEN',
    );
    expectError(await request(h.app).get('/v1/customers/scores'), 401, 'UNAUTHENTICATED');
  });
});
