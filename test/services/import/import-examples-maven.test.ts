// The Maven CRM example mappings in examples/ import the real public datasets (../shared/data, see
// test/helpers/real-data.ts) cleanly, with counts matching the raw files.
import path from 'node:path';
import { tableCounts } from '../../../src/db/repositories/stats';
import { importFile } from '../../../src/services/import/import-file';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { describeWithData, realDataPath } from '../../helpers/real-data';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DATA = realDataPath();
const EX = path.join(ROOT, 'examples');

describeWithData([['crm_maven', 'sales_pipeline.csv']], 'Maven CRM example mappings on the real files', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase('sqlite');
  });
  afterEach(async () => t.cleanup());

  const maven = [
    ['accounts', 'accounts.csv', 'accounts.map.json'],
    ['products', 'products.csv', 'products.map.json'],
    ['reps', 'sales_teams.csv', 'reps.map.json'],
    ['opportunities', 'sales_pipeline.csv', 'opportunities.map.json'],
  ] as const;

  test('Maven CRM: 85 accounts, 7 products, 35 reps, 8,800 opportunities; a second import changes nothing', async () => {
    for (const [kind, f, m] of maven) {
      const r = await importFile(t.db, { kind, file: path.join(DATA, 'crm_maven', f), mappingPath: path.join(EX, 'crm_maven', m) });
      expect(r.rejected).toBe(0);
    }
    const c = await tableCounts(t.db.sql);
    expect([c.account, c.product, c.rep, c.opportunity]).toEqual([85, 7, 35, 8800]);
    const byOutcome = await t.db.sql.all<{ outcome: string; n: number }>(
      'SELECT outcome, COUNT(*) AS n FROM opportunity GROUP BY outcome ORDER BY outcome',
    );
    expect(byOutcome.map((r) => [r.outcome, Number(r.n)])).toEqual([
      ['lost', 2473],
      ['open', 2089],
      ['won', 4238],
    ]);
    // "GTXPro" in the pipeline is the product "GTX Pro"; the "technolgy" typo is fixed.
    const gtxPro = await t.db.prisma.product.findUniqueOrThrow({
      where: { externalId: 'GTX Pro' },
      include: { _count: { select: { opportunities: true } } },
    });
    expect(gtxPro._count.opportunities).toBe(1480);
    expect(await t.db.prisma.account.count({ where: { industry: 'technolgy' } })).toBe(0);
    expect(await t.db.prisma.account.count({ where: { industry: 'technology' } })).toBe(12);
    // Open deals without an account keep no account rather than failing.
    expect(await t.db.prisma.opportunity.count({ where: { accountId: null } })).toBe(1425);

    for (const [kind, f, m] of maven) {
      const r = await importFile(t.db, { kind, file: path.join(DATA, 'crm_maven', f), mappingPath: path.join(EX, 'crm_maven', m) });
      expect([r.inserted, r.updated]).toEqual([0, 0]);
    }

    // Stage history from the dates: 8,300 engaged (all but the 500 Prospecting), 6,711 closed.
    const pipeline = path.join(DATA, 'crm_maven', 'sales_pipeline.csv');
    const engaged = await importFile(t.db, {
      kind: 'stage-changes',
      file: pipeline,
      mappingPath: path.join(EX, 'crm_maven', 'stage-changes-engaged.map.json'),
    });
    const closed = await importFile(t.db, {
      kind: 'stage-changes',
      file: pipeline,
      mappingPath: path.join(EX, 'crm_maven', 'stage-changes-closed.map.json'),
    });
    expect([engaged.inserted, engaged.filtered, closed.inserted, closed.filtered]).toEqual([8300, 500, 6711, 2089]);
  });
});
