// upsertRecords and the file import on a real database; shared by the SQLite run (test/services/import/import.test.ts)
// and the PostgreSQL run (test/postgres/import.pg.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableCounts } from '../../src/db/repositories/stats';
import type { Dialect } from '../../src/db/sql';
import { AppError } from '../../src/errors';
import type { RecordBatches } from '../../src/services/import/upsert-records';
import { upsertRecords, validateRecords } from '../../src/services/import/upsert-records';
import { importFile } from '../../src/services/import/import-file';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const d = (s: string) => new Date(`${s}T00:00:00.000Z`);

function company(): RecordBatches {
  return {
    campaigns: [{ externalId: 'C-1', name: 'Spring webinar', cost: 1200, attributes: null }],
    accounts: [
      {
        externalId: 'A-1',
        name: 'Acme',
        segment: 'SMB',
        status: 'active',
        acquisitionCampaignId: 'C-1',
        attributes: { tier: 'gold', seats: 12 },
      },
      { externalId: 'A-2', name: 'Globex', status: 'churned', churnedAt: d('2024-06-01'), acquiredAt: d('2023-01-01') },
    ],
    products: [{ externalId: 'P-1', name: 'Widget', listPrice: 100, unitCost: 40 }],
    reps: [{ externalId: 'R-1', name: 'Rita', team: 'East' }],
    opportunities: [
      {
        externalId: 'O-1',
        accountId: 'A-1',
        productId: 'P-1',
        repId: 'R-1',
        campaignId: 'C-1',
        amount: 5000,
        discount: 0.1,
        stage: 'Won',
        outcome: 'won',
        createdAt: d('2024-01-10'),
        closedAt: d('2024-02-01'),
      },
      { externalId: 'O-2', accountId: 'A-2', amount: 800, discount: 0, stage: 'Proposal', outcome: 'open', createdAt: d('2024-03-01') },
    ],
    'stage-changes': [
      { opportunityId: 'O-1', fromStage: null, toStage: 'Qualification', changedAt: d('2024-01-10') },
      { opportunityId: 'O-1', fromStage: 'Qualification', toStage: 'Won', amount: 5000, changedAt: d('2024-02-01') },
    ],
    activities: [
      { accountId: 'A-1', opportunityId: 'O-1', repId: 'R-1', type: 'call', occurredAt: d('2024-01-12'), cost: 5 },
      // Two identical calls on one day are two activities, not one.
      { accountId: 'A-1', opportunityId: 'O-1', repId: 'R-1', type: 'call', occurredAt: d('2024-01-12'), cost: 5 },
    ],
    orders: [
      {
        accountId: 'A-1',
        productId: 'P-1',
        opportunityId: 'O-1',
        orderedAt: d('2024-02-02'),
        revenue: 4500,
        costOfGoods: 1800,
        quantity: 50,
        discount: 500,
      },
    ],
    'service-costs': [{ accountId: 'A-1', incurredAt: d('2024-03-01'), kind: 'support', amount: 120 }],
  } as RecordBatches;
}

function validated(batches: RecordBatches): RecordBatches {
  const out: Record<string, unknown[]> = {};
  for (const [kind, rows] of Object.entries(batches)) {
    const { valid, errors } = validateRecords(kind as never, rows as unknown[]);
    if (errors.length) throw new Error(`fixture invalid: ${JSON.stringify(errors)}`);
    out[kind] = valid;
  }
  return out as RecordBatches;
}

async function caught(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

export function importSuite(dialect: Dialect) {
  describe(`import on ${dialect}`, () => {
    let t: TestDatabase;
    beforeEach(async () => {
      t = await createTestDatabase(dialect);
    });
    afterEach(async () => t.cleanup());

    test('a whole company of every kind is written in one call, references resolved within the call', async () => {
      const res = await upsertRecords(t.db, validated(company()));
      expect(res).toEqual({
        campaigns: { inserted: 1, updated: 0, unchanged: 0 },
        accounts: { inserted: 2, updated: 0, unchanged: 0 },
        products: { inserted: 1, updated: 0, unchanged: 0 },
        reps: { inserted: 1, updated: 0, unchanged: 0 },
        opportunities: { inserted: 2, updated: 0, unchanged: 0 },
        'stage-changes': { inserted: 2, updated: 0, unchanged: 0 },
        activities: { inserted: 2, updated: 0, unchanged: 0 },
        orders: { inserted: 1, updated: 0, unchanged: 0 },
        'service-costs': { inserted: 1, updated: 0, unchanged: 0 },
      });
      const opp = await t.db.prisma.opportunity.findUniqueOrThrow({
        where: { externalId: 'O-1' },
        include: { account: true, product: true, rep: true, campaign: true },
      });
      expect(opp.account?.externalId).toBe('A-1');
      expect(opp.product?.externalId).toBe('P-1');
      expect(opp.rep?.externalId).toBe('R-1');
      expect(opp.campaign?.externalId).toBe('C-1');
      expect(opp.closedAt?.toISOString()).toBe('2024-02-01T00:00:00.000Z');
      expect(opp.discount).toBeCloseTo(0.1);
      const acme = await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' }, include: { acquisitionCampaign: true } });
      expect(acme.attributes).toEqual({ tier: 'gold', seats: 12 });
      expect(acme.acquisitionCampaign?.externalId).toBe('C-1');
      const counts = await tableCounts(t.db.sql);
      expect(counts.activity).toBe(2);
    });

    test('calling again with the same records changes nothing and says so', async () => {
      await upsertRecords(t.db, validated(company()));
      const before = await t.db.sql.all('SELECT external_id, updated_at FROM opportunity ORDER BY external_id');
      const again = await upsertRecords(t.db, validated(company()));
      for (const c of Object.values(again)) expect(c.inserted + c.updated).toBe(0);
      expect(again.activities.unchanged).toBe(2);
      expect(again.opportunities.unchanged).toBe(2);
      expect(await t.db.sql.all('SELECT external_id, updated_at FROM opportunity ORDER BY external_id')).toEqual(before);
    });

    test('a changed field updates only that record', async () => {
      await upsertRecords(t.db, validated(company()));
      const changed = validated({
        opportunities: [...company().opportunities!.slice(0, 1), { ...company().opportunities![1], stage: 'Negotiation' }],
      });
      const res = await upsertRecords(t.db, changed);
      expect(res.opportunities).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
      const o2 = await t.db.prisma.opportunity.findUniqueOrThrow({ where: { externalId: 'O-2' } });
      expect(o2.stage).toBe('Negotiation');
    });

    test('an unknown reference names row, column and value, and nothing of the call is written', async () => {
      const batches = company();
      batches.orders = [
        ...batches.orders!,
        { accountId: 'A-404', orderedAt: d('2024-02-02'), revenue: 10, costOfGoods: 0, quantity: 1, discount: 0 },
      ];
      const err = await caught(upsertRecords(t.db, validated(batches)));
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.details).toEqual([
        expect.objectContaining({ row: 2, column: 'accountId', value: 'A-404', path: ['orders', 1, 'accountId'] }),
      ]);
      expect(err.details[0].problem).toMatch(/does not exist/);
      const counts = await tableCounts(t.db.sql);
      expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    });

    test('two records with one external id in a call is an error naming both rows', async () => {
      const err = await caught(
        upsertRecords(
          t.db,
          validated({
            reps: [
              { externalId: 'R-1', name: 'Rita' },
              { externalId: 'R-2', name: 'Rob' },
              { externalId: 'R-1', name: 'Rita again' },
            ],
          } as RecordBatches),
        ),
      );
      expect(err.details).toEqual([expect.objectContaining({ row: 3, column: 'externalId', value: 'R-1' })]);
      expect(err.details[0].problem).toMatch(/row 1/);
      expect((await tableCounts(t.db.sql)).rep).toBe(0);
    });

    test('references resolve against what is already in the database', async () => {
      await upsertRecords(t.db, validated({ campaigns: company().campaigns, accounts: company().accounts } as RecordBatches));
      const res = await upsertRecords(
        t.db,
        validated({ 'service-costs': [{ accountId: 'A-2', incurredAt: d('2024-05-01'), kind: 'delivery', amount: 30 }] } as RecordBatches),
      );
      expect(res['service-costs'].inserted).toBe(1);
    });

    test('a campaign target list is keyed by campaign and account: a repeat is a duplicate, a re-import updates', async () => {
      await upsertRecords(t.db, validated({ campaigns: company().campaigns, accounts: company().accounts } as RecordBatches));
      const targets = [
        { campaignId: 'C-1', accountId: 'A-1', targetedAt: d('2024-04-01') },
        { campaignId: 'C-1', accountId: 'A-2' },
      ];
      expect((await upsertRecords(t.db, validated({ 'campaign-targets': targets } as RecordBatches)))['campaign-targets']).toEqual({
        inserted: 2,
        updated: 0,
        unchanged: 0,
      });
      // The same pair with a new date is the same target, updated; the list is not doubled.
      const moved = [{ ...targets[0], targetedAt: d('2024-04-03') }, targets[1]];
      expect((await upsertRecords(t.db, validated({ 'campaign-targets': moved } as RecordBatches)))['campaign-targets']).toEqual({
        inserted: 0,
        updated: 1,
        unchanged: 1,
      });
      expect((await tableCounts(t.db.sql)).campaign_target).toBe(2);
      const twice = await caught(
        upsertRecords(t.db, validated({ 'campaign-targets': [targets[1], targets[0], targets[1]] } as RecordBatches)),
      );
      expect(twice.details).toEqual([expect.objectContaining({ row: 3, column: 'externalId' })]);
      const unknown = await caught(
        upsertRecords(t.db, validated({ 'campaign-targets': [{ campaignId: 'C-404', accountId: 'A-1' }] } as RecordBatches)),
      );
      expect(unknown.details).toEqual([expect.objectContaining({ row: 1, column: 'campaignId', value: 'C-404' })]);
    });

    test('validateRecords reports every bad field with its row and value', () => {
      const { valid, errors } = validateRecords('opportunities', [
        { externalId: 'ok', stage: 'Open', createdAt: d('2024-01-01') },
        { externalId: 'neg', stage: 'Open', createdAt: d('2024-01-01'), amount: -5 },
        { externalId: 'nodate', stage: 'Open' },
      ]);
      expect(valid).toHaveLength(1);
      expect(errors).toEqual([
        expect.objectContaining({ row: 2, column: 'amount', value: -5, problem: expect.stringMatching(/negative/) }),
        expect.objectContaining({ row: 3, column: 'createdAt', problem: 'createdAt is required' }),
      ]);
    });

    describe('importing a file', () => {
      let dir: string;
      beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-import-suite-'));
      });
      afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
      const file = (name: string, text: string) => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, text);
        return f;
      };

      test('a CSV imports, and importing it again changes nothing', async () => {
        const f = file(
          'accounts.csv',
          'external_id,name,segment,acquired_at,plan\nA-1,Acme,SMB,2024-01-02,gold\nA-2,"Globex, Inc.",Enterprise,2023-05-06,silver\n',
        );
        const first = await importFile(t.db, { kind: 'accounts', file: f });
        expect(first).toMatchObject({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
        const second = await importFile(t.db, { kind: 'accounts', file: f });
        expect(second).toMatchObject({ read: 2, inserted: 0, updated: 0, unchanged: 2 });
        const g = await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-2' } });
        expect(g).toMatchObject({ name: 'Globex, Inc.', segment: 'Enterprise', attributes: { plan: 'silver' } });
      });

      test('one bad row among many: an error listing it and nothing written (all or nothing)', async () => {
        const rows = Array.from({ length: 5000 }, (_, i) => `A-${i},Account ${i},${i === 4321 ? '-3' : '10'}`);
        const f = file('accounts.csv', `external_id,name,employees\n${rows.join('\n')}\n`);
        const err = await caught(importFile(t.db, { kind: 'accounts', file: f }));
        expect(err.message).toMatch(/1 of 5,000 rows .* invalid.*nothing was imported/);
        expect(err.details).toEqual([expect.objectContaining({ row: 4323, column: 'employees', value: '-3' })]);
        expect((await tableCounts(t.db.sql)).account).toBe(0);
      });

      test('duplicates far apart in a file (new ids and ids already stored) name both rows', async () => {
        await importFile(t.db, { kind: 'accounts', file: file('a.csv', 'external_id,name\nA-1,Acme\n') });
        const rows = Array.from({ length: 4500 }, (_, i) => `B-${i},Account ${i}`);
        rows[3] = 'A-1,Acme';
        rows[4100] = 'B-7,Again';
        rows[4400] = 'A-1,Acme again';
        const err = await caught(importFile(t.db, { kind: 'accounts', file: file('big.csv', `external_id,name\n${rows.join('\n')}\n`) }));
        expect(err.details.map((d) => [d.row, d.value, d.problem])).toEqual([
          [4102, 'B-7', 'duplicate external id: row 9 has the same externalId'],
          [4402, 'A-1', 'duplicate external id: row 5 has the same externalId'],
        ]);
        expect((await tableCounts(t.db.sql)).account).toBe(1);
      });

      test('an opportunity file naming an account that does not exist is rejected with row and value', async () => {
        await importFile(t.db, { kind: 'accounts', file: file('a.csv', 'external_id,name\nA-1,Acme\n') });
        const f = file('o.csv', 'external_id,account_id,stage,created_at\nO-1,A-1,New,2024-01-01\nO-2,A-9,New,2024-01-01\n');
        const err = await caught(importFile(t.db, { kind: 'opportunities', file: f }));
        expect(err.details).toEqual([expect.objectContaining({ row: 3, column: 'accountId', value: 'A-9' })]);
        expect((await tableCounts(t.db.sql)).opportunity).toBe(0);
      });
    });
  });
}
