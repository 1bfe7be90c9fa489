// The example mappings in examples/ import the real public datasets (../shared/data, see
// test/helpers/real-data.ts) cleanly, with counts matching the raw files.
import fs from 'node:fs';
import path from 'node:path';
import { importFile } from '../../../src/services/import/import-file';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { describeWithData, realDataPath } from '../../helpers/real-data';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DATA = realDataPath();
const DATASET_FILES = [
  ['telco_churn', 'Telco-Customer-Churn.csv'],
  ['cdnow', 'CDNOW_master.txt'],
  ['olist_marketing_funnel', 'olist_marketing_qualified_leads_dataset.csv'],
];
const EX = path.join(ROOT, 'examples');

describeWithData(DATASET_FILES, 'example mappings on the real datasets', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase('sqlite');
  });
  afterEach(async () => t.cleanup());

  test('Telco churn: 7,043 accounts, 1,869 churned, the 11 blank TotalCharges become null attributes', async () => {
    const r = await importFile(t.db, {
      kind: 'accounts',
      file: path.join(DATA, 'telco_churn', 'Telco-Customer-Churn.csv'),
      mappingPath: path.join(EX, 'telco_churn', 'accounts.map.json'),
    });
    expect(r).toMatchObject({ read: 7043, inserted: 7043, rejected: 0 });
    expect(await t.db.prisma.account.count({ where: { status: 'churned' } })).toBe(1869);
    const blank = await t.db.sql.all<{ n: number }>(
      "SELECT COUNT(*) AS n FROM account WHERE json_extract(attributes, '$.TotalCharges') IS NULL",
    );
    expect(Number(blank[0].n)).toBe(11);
  });

  test('CDNOW: 23,570 customers acquired on their first purchase and 69,659 orders, idempotent', async () => {
    const file = path.join(DATA, 'cdnow', 'CDNOW_master.txt');
    expect(await importFile(t.db, { kind: 'accounts', file, mappingPath: path.join(EX, 'cdnow', 'accounts.map.json') })).toMatchObject({
      inserted: 23570,
      rejected: 0,
    });
    expect(await importFile(t.db, { kind: 'orders', file, mappingPath: path.join(EX, 'cdnow', 'orders.map.json') })).toMatchObject({
      inserted: 69659,
      rejected: 0,
    });
    expect(await importFile(t.db, { kind: 'orders', file, mappingPath: path.join(EX, 'cdnow', 'orders.map.json') })).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 69659,
    });
    const first = await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: '00001' } });
    expect(first.acquiredAt?.toISOString()).toBe('1997-01-01T00:00:00.000Z');
  });

  test('Olist funnel: 8,000 leads, the 842 closed deals joined as won, the one won before first contact rejected', async () => {
    const rejected = path.join(t.url.replace(/^file:/, '').replace(/test\.db$/, ''), 'olist-rejected.csv');
    const r = await importFile(t.db, {
      kind: 'opportunities',
      file: path.join(DATA, 'olist_marketing_funnel', 'olist_marketing_qualified_leads_dataset.csv'),
      mappingPath: path.join(EX, 'olist_marketing_funnel', 'opportunities.map.json'),
      skipInvalid: rejected,
    });
    expect(r).toMatchObject({ read: 8000, inserted: 7999, rejected: 1 });
    expect(await t.db.prisma.opportunity.count({ where: { outcome: 'won' } })).toBe(841);
    expect(fs.readFileSync(rejected, 'utf8')).toMatch(/b91cf8812365f50ff4bda4bcd6206b05.*closedAt must not be before createdAt/);
  });
});
