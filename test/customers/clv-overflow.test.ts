// A CLV model whose BG/NBD expectations overflow for some customers (a hypergeometric series that
// refuses to return a wrong number) must not fail the scoring of every customer: the customers it
// cannot figure get a note saying so. The demo data below fitted such a model (a = 1448, b = 162754)
// and every customer route answered 500.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scoreAndStoreCustomers } from '../../src/services/customers/score-customers';
import { trainClvModel } from '../../src/services/customers/train-clv-model';
import { loadDemoData } from '../../src/services/demo-service';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
let modelsDir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-clv-overflow-'));
});
afterAll(async () => {
  await t.cleanup();
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

test('every customer is scored or says why its CLV figures are missing; the batch never fails', async () => {
  await loadDemoData(t.db, { seed: 3, accounts: 40, months: 18 });
  await trainClvModel(t.db, { modelsDir, promote: 'always' });
  const r = await scoreAndStoreCustomers(t.db, { modelsDir });
  expect(r.stored).toBe(40);
  const rows = await t.db.sql.all<{ p_alive: number | null }>('SELECT p_alive FROM customer_score');
  expect(rows).toHaveLength(40);
});
