// Training/serving parity for churn: the probability a training run reports for a held-out
// customer at an observation date is what the customer scores API serves for that customer as of
// that date (1e-9), by stored id and, for a table without dates, inline with what the CRM holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { combineModels, customerPart } from '../../../src/http/model-holder';
import { openModelRegistry } from '../../../src/services/models/model-registry';
import { CustomerScoring } from '../../../src/services/customers/score-customers';
import { trainChurnModel } from '../../../src/services/customers/train-churn-model';
import { loadDemoData } from '../../../src/services/demo-service';
import { bearer, harness, type Harness } from '../../http/helpers';

const SEED = 23;
const AS_OF = new Date('2026-10-01T00:00:00Z');

let h: Harness;
let modelsDir: string;
let models: ReturnType<typeof combineModels>;

beforeAll(async () => {
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-churn-parity-'));
  const base = await harness();
  await loadDemoData(base.tdb.db, { seed: SEED, accounts: 300, months: 24, asOf: AS_OF });
  const customers = new CustomerScoring(base.tdb.db, { modelsDir });
  models = combineModels([customerPart(customers)]);
  h = await harness({ tdb: base.tdb, services: { registry: openModelRegistry(base.tdb.db, modelsDir), customers, models } });
});
afterAll(async () => {
  await h.close();
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

test(`the churn probabilities training reports are those served by stored id as of each observation date (seed ${SEED})`, async () => {
  const trained = await trainChurnModel(h.tdb.db, { asOf: AS_OF, modelsDir, seed: SEED, promote: 'always' });
  expect(trained.promoted).toBe(true);
  await models.refresh();
  const ext = new Map(
    (await h.tdb.db.sql.all<{ id: number; external_id: string }>('SELECT id, external_id FROM account')).map((r) => [
      Number(r.id),
      r.external_id,
    ]),
  );
  // Every held-out customer who churned in its window, and as many who stayed.
  const churned = trained.heldOut.filter((e) => e.churned === 1);
  const stayed = trained.heldOut.filter((e) => e.churned === 0).slice(0, churned.length);
  expect(churned.length).toBeGreaterThan(3);
  for (const e of [...churned, ...stayed]) {
    const res = await request(h.app)
      .post('/v1/customers/scores')
      .set(bearer(h.keys.read))
      .send({ ids: [ext.get(e.accountId)], asOf: e.at })
      .expect(200);
    const [s] = res.body.scores;
    expect(s.churnProbability).not.toBeNull();
    expect(Math.abs(s.churnProbability - e.churnProbability)).toBeLessThan(1e-9);
  }
});
