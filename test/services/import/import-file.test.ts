// The file import as an operator meets it: formats, mappings, and every kind of bad input giving a
// clear error that names row, column and value, with nothing half written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableCounts } from '../../../src/db/repositories/stats';
import { AppError } from '../../../src/errors';
import { importFile, type ImportFileOptions } from '../../../src/services/import/import-file';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'import');
let t: TestDatabase;
let dir: string;

beforeEach(async () => {
  t = await createTestDatabase('sqlite');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-import-file-'));
});
afterEach(async () => {
  await t.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string | Buffer): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}
const run = (opts: ImportFileOptions) => importFile(t.db, opts);
async function failure(opts: ImportFileOptions): Promise<AppError> {
  try {
    await run(opts);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the import to fail');
}
const counts = () => tableCounts(t.db.sql);

async function seedParents() {
  await run({ kind: 'accounts', file: file('acc.csv', 'external_id,name\nA-1,Acme\nA-2,Globex\n') });
  await run({ kind: 'products', file: file('prd.csv', 'external_id,name,list_price,unit_cost\nP-1,Widget,100,40\n') });
  await run({ kind: 'reps', file: file('rep.csv', 'external_id,name,team\nR-1,Rita,East\n') });
}

describe('happy paths, one per kind', () => {
  test('campaigns, accounts, products and reps import from plain CSV with snake_case headers', async () => {
    expect(
      await run({
        kind: 'campaigns',
        file: file('c.csv', 'external_id,name,channel,cost,started_at,ended_at\nC-1,Webinar,events,1500,2024-01-01,2024-01-31\n'),
      }),
    ).toMatchObject({ inserted: 1 });
    expect(
      await run({
        kind: 'accounts',
        file: file('a.csv', 'external_id,name,acquisition_campaign_id,status,churned_at\nA-1,Acme,C-1,churned,2024-05-01\n'),
      }),
    ).toMatchObject({ inserted: 1 });
    await seedParents();
    const acme = await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' }, include: { acquisitionCampaign: true } });
    expect(acme.status).toBe('active'); // the second import of A-1 (seedParents) set it back: upsert replaces the record
    expect((await counts()).campaign).toBe(1);
    expect((await counts()).product).toBe(1);
    expect((await counts()).rep).toBe(1);
  });

  test('opportunities, stage changes, activities, orders and service costs import and reference their parents', async () => {
    await seedParents();
    expect(
      await run({
        kind: 'opportunities',
        file: file(
          'o.csv',
          'external_id,account_id,product_id,rep_id,amount,discount,stage,outcome,created_at,expected_close_at,closed_at,forecast_category\nO-1,A-1,P-1,R-1,1000,0.1,Won,won,2024-01-01,2024-02-01,2024-02-03,closed\nO-2,A-2,,,500,0,Proposal,open,2024-03-01,,,pipeline\n',
        ),
      }),
    ).toMatchObject({ inserted: 2 });
    expect(
      await run({
        kind: 'stage-changes',
        file: file('s.csv', 'opportunity_id,from_stage,to_stage,changed_at\nO-1,,New,2024-01-01\nO-1,New,Won,2024-02-03\n'),
      }),
    ).toMatchObject({ inserted: 2 });
    expect(
      await run({
        kind: 'activities',
        file: file(
          'ac.csv',
          'account_id,opportunity_id,rep_id,type,occurred_at,duration_minutes,cost\nA-1,O-1,R-1,meeting,2024-01-05T10:00:00Z,30,12.5\n',
        ),
      }),
    ).toMatchObject({ inserted: 1 });
    expect(
      await run({
        kind: 'orders',
        file: file(
          'or.csv',
          'account_id,product_id,opportunity_id,ordered_at,revenue,cost_of_goods,quantity\nA-1,P-1,O-1,2024-02-04,900,360,9\n',
        ),
      }),
    ).toMatchObject({ inserted: 1 });
    expect(
      await run({ kind: 'service-costs', file: file('sc.csv', 'account_id,incurred_at,kind,amount\nA-1,2024-03-01,support,80\n') }),
    ).toMatchObject({ inserted: 1 });
    const o1 = await t.db.prisma.opportunity.findUniqueOrThrow({
      where: { externalId: 'O-1' },
      include: { stageChanges: true, activities: true, orders: true },
    });
    expect(o1.stageChanges.map((s) => s.toStage).sort()).toEqual(['New', 'Won']);
    expect(o1.activities[0].durationMinutes).toBe(30);
    expect(o1.orders[0].revenue).toBe(900);
    // Derived external ids make re-importing rows without ids idempotent too.
    expect(await run({ kind: 'stage-changes', file: path.join(dir, 's.csv') })).toMatchObject({ inserted: 0, unchanged: 2 });
  });

  test('JSON arrays and JSON Lines import with nested attributes', async () => {
    const json = file('a.json', JSON.stringify([{ externalId: 'J-1', name: 'Json Co', attributes: { tier: 'gold' }, extra: 7 }]));
    expect(await run({ kind: 'accounts', file: json })).toMatchObject({ inserted: 1 });
    const jsonl = file('a.jsonl', '{"externalId":"L-1","name":"Lines Co","employees":40}\n\n{"externalId":"L-2","name":"More Co"}\n');
    expect(await run({ kind: 'accounts', file: jsonl })).toMatchObject({ inserted: 2 });
    const j1 = await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'J-1' } });
    expect(j1.attributes).toEqual({ tier: 'gold', extra: 7 });
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'L-1' } })).employees).toBe(40);
  });

  test('a BOM, CRLF line endings, semicolons and quoted fields with delimiters and newlines are handled', async () => {
    const text = '\uFEFFexternal_id;name;industry\r\nA-1;"Acme; Europe";"multi\r\nline"\r\nA-2;"Quote ""Co""";retail\r\n';
    expect(await run({ kind: 'accounts', file: file('a.csv', text) })).toMatchObject({ read: 2, inserted: 2 });
    const a1 = await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' } });
    expect(a1.name).toBe('Acme; Europe');
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-2' } })).name).toBe('Quote "Co"');
  });

  test('tab-separated and whitespace-separated files are detected from the header line', async () => {
    expect(await run({ kind: 'accounts', file: file('a.tsv', 'external_id\tname\nA-1\tAcme Corp\n') })).toMatchObject({ inserted: 1 });
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' } })).name).toBe('Acme Corp');
    const res = await run({
      kind: 'accounts',
      file: path.join(FIX, 'whitespace.txt'),
      mapping: {
        fields: {
          externalId: 'customer_id',
          name: { template: 'Customer {customer_id}' },
          acquiredAt: { column: 'date', format: 'YYYYMMDD' },
        },
        duplicates: 'first',
        attributes: 'ignore',
      },
    });
    expect(res).toMatchObject({ read: 4, inserted: 2, skippedDuplicates: 2 });
    const c1 = await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: '00001' } });
    expect(c1.acquiredAt?.toISOString()).toBe('1997-01-01T00:00:00.000Z');
  });

  test('--delimiter overrides detection (a pipe-separated file whose names contain commas)', async () => {
    const f = file('a.txt', 'external_id|name\nA-1|Acme, Inc.\n');
    expect(await run({ kind: 'accounts', file: f, delimiter: '|' })).toMatchObject({ inserted: 1 });
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' } })).name).toBe('Acme, Inc.');
    expect((await failure({ kind: 'accounts', file: f, delimiter: '||' })).message).toMatch(/single character/);
  });

  test('a file without a header maps columns by position', async () => {
    const f = file('nohead.csv', 'A-1,Acme,SMB\nA-2,Globex,Enterprise\n');
    const res = await run({
      kind: 'accounts',
      file: f,
      mapping: {
        format: { header: false, columns: ['id', 'company', 'seg'] },
        fields: { externalId: 'id', name: 'company', segment: 'seg' },
      },
    });
    expect(res).toMatchObject({ read: 2, inserted: 2 });
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-2' } })).segment).toBe('Enterprise');
  });
});

describe('mapping features', () => {
  test('renames, value maps, one column feeding two fields, constants, defaults, date formats, multiply, coalesce', async () => {
    await seedParents();
    const f = file(
      'pipe.csv',
      'id,agent,acct,deal_stage,engage,closed,value,alt_value\n' +
        'X1,R-1,A-1,Won,20-10-2016,01-03-2017,1054,\n' +
        'X2,R-1,,Engaging,21-10-2016,,,250\n' +
        'X3,R-1,A-2,Prospecting,,,,\n',
    );
    const mapping = {
      kind: 'opportunities',
      dateFormat: 'DD-MM-YYYY',
      fields: {
        externalId: 'id',
        repId: 'agent',
        accountId: 'acct',
        stage: { column: 'deal_stage', values: { Engaging: 'Engaged' } },
        outcome: { column: 'deal_stage', values: { Won: 'won', Lost: 'lost', Engaging: 'open', Prospecting: 'open' } },
        createdAt: { column: 'engage', default: '2017-12-31' },
        closedAt: 'closed',
        amount: { columns: ['value', 'alt_value'], multiply: 2 },
        source: { value: 'crm-export' },
      },
      attributes: 'ignore',
    };
    expect(await run({ kind: 'opportunities', file: f, mapping })).toMatchObject({ inserted: 3 });
    const rows = await t.db.prisma.opportunity.findMany({ orderBy: { externalId: 'asc' }, include: { account: true } });
    expect(
      rows.map((r) => [
        r.externalId,
        r.stage,
        r.outcome,
        r.amount,
        r.source,
        r.createdAt.toISOString().slice(0, 10),
        r.closedAt?.toISOString().slice(0, 10) ?? null,
        r.account?.externalId ?? null,
      ]),
    ).toEqual([
      ['X1', 'Won', 'won', 2108, 'crm-export', '2016-10-20', '2017-03-01', 'A-1'],
      ['X2', 'Engaged', 'open', 500, 'crm-export', '2016-10-21', null, null],
      ['X3', 'Prospecting', 'open', 0, 'crm-export', '2017-12-31', null, 'A-2'],
    ]);
  });

  test('unknown columns go to custom attributes (numbers as numbers, ids with leading zeros as text), or are ignored', async () => {
    const f = file('a.csv', 'external_id,name,plan,seats,zip,blank\nA-1,Acme,gold,12,02139,\n');
    await run({ kind: 'accounts', file: f });
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' } })).attributes).toEqual({
      plan: 'gold',
      seats: 12,
      zip: '02139',
      blank: null,
    });
    await run({ kind: 'accounts', file: f, mapping: { attributes: 'ignore' } });
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' } })).attributes).toBeNull();
    await run({ kind: 'accounts', file: f, mapping: { attributes: ['plan'], fields: { 'attributes.headcount': 'seats' } } });
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' } })).attributes).toEqual({
      plan: 'gold',
      headcount: 12,
    });
  });

  test('"where" imports only the matching rows and counts the others as filtered', async () => {
    const f = file('a.csv', 'external_id,name,kind,closed\nA-1,Acme,customer,x\nA-2,Beta,prospect,x\nA-3,Gamma,customer,\n');
    const res = await run({ kind: 'accounts', file: f, mapping: { where: { kind: ['customer'], closed: 'nonempty' } } });
    expect(res).toMatchObject({ read: 3, inserted: 1, filtered: 2 });
    expect((await failure({ kind: 'accounts', file: f, mapping: { where: { status: 'empty' } } })).details[0]).toMatchObject({
      column: 'status',
      problem: expect.stringMatching(/"where"/),
    });
  });

  test('an external id built from a template of columns keeps re-imports idempotent', async () => {
    const f = file('a.csv', 'region,number,name\nEU,7,Acme EU\nUS,7,Acme US\n');
    const mapping = { fields: { externalId: { template: '{region}-{number}' } } };
    expect(await run({ kind: 'accounts', file: f, mapping })).toMatchObject({ inserted: 2 });
    expect(await run({ kind: 'accounts', file: f, mapping })).toMatchObject({ inserted: 0, unchanged: 2 });
    expect(await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'US-7' } })).toMatchObject({ name: 'Acme US' });
  });

  test('a join adds the columns of a lookup file (Olist leads + closed deals)', async () => {
    file('deals.csv', 'mql_id,won_date,segment\nL2,05-02-2018 10:30,pets\n');
    const leads = file('leads.csv', 'mql_id,first_contact_date,origin\r\nL1,01-02-2018,social\r\nL2,02-02-2018,search\r\n');
    const mapping = {
      join: { file: 'deals.csv', on: 'mql_id' },
      fields: {
        externalId: 'mql_id',
        createdAt: { column: 'first_contact_date', format: 'DD-MM-YYYY' },
        closedAt: { column: 'won_date', format: 'DD-MM-YYYY HH:mm' },
        outcome: { column: 'won_date', values: { '': 'open', '*': 'won' } },
        stage: { column: 'won_date', values: { '': 'MQL', '*': 'Won' } },
        source: 'origin',
      },
    };
    expect(await run({ kind: 'opportunities', file: leads, mapping })).toMatchObject({ inserted: 2 });
    const l2 = await t.db.prisma.opportunity.findUniqueOrThrow({ where: { externalId: 'L2' } });
    expect(l2).toMatchObject({ outcome: 'won', stage: 'Won', source: 'search', attributes: { segment: 'pets' } });
    expect(l2.closedAt?.toISOString()).toBe('2018-02-05T10:30:00.000Z');
    expect(await t.db.prisma.opportunity.findUniqueOrThrow({ where: { externalId: 'L1' } })).toMatchObject({
      outcome: 'open',
      stage: 'MQL',
      closedAt: null,
    });
  });

  test('a mapping with mistakes is refused before any row is read, naming each bad key', async () => {
    const f = file('a.csv', 'id,name\nA-1,Acme\n');
    const err = await failure({
      kind: 'accounts',
      file: f,
      mapping: { fields: { externalID: 'id', acquiredAt: { column: 'x', format: 'DD/MM' } }, attributes: 'everything', colour: 1 },
    });
    expect(err.message).toMatch(/mapping .* not valid/);
    const text = JSON.stringify(err.details);
    expect(text).toMatch(/attributes/);
    expect(text).toMatch(/colour/);
    const err2 = await failure({
      kind: 'accounts',
      file: f,
      mapping: { fields: { externalID: 'id', acquiredAt: { column: 'x', format: 'DD/MM' } } },
    });
    expect(err2.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['fields', 'externalID'], problem: expect.stringMatching(/did you mean "externalId"/) }),
        expect.objectContaining({ path: ['fields', 'acquiredAt', 'format'], problem: expect.stringMatching(/YYYY/) }),
      ]),
    );
    const err3 = await failure({ kind: 'accounts', file: f, mapping: { kind: 'reps' } });
    expect(err3.details[0].problem).toMatch(/for reps, not accounts/);
  });

  test('a mapping file path that is not JSON is a clear error', async () => {
    const m = file('bad.json', '{ "fields": ');
    const err = await failure({ kind: 'accounts', file: file('a.csv', 'external_id,name\nA,B\n'), mappingPath: m });
    expect(err.message).toMatch(/not valid JSON/);
  });
});

describe('bad input: a clear error and nothing written', () => {
  const header = 'external_id,account_id,amount,stage,outcome,created_at,closed_at\n';
  beforeEach(seedParents);

  test.each([
    [
      'a bad date',
      'O-1,A-1,10,Won,won,2024-02-30,2024-03-01',
      { column: 'created_at', value: '2024-02-30', problem: expect.stringMatching(/valid date/) },
    ],
    ['a date in the wrong format', 'O-1,A-1,10,Won,won,01/02/2024,2024-03-01', { column: 'created_at', value: '01/02/2024' }],
    [
      'a negative amount',
      'O-1,A-1,-10,Won,won,2024-02-01,2024-03-01',
      { column: 'amount', value: '-10', problem: expect.stringMatching(/negative/) },
    ],
    [
      'a wrong type',
      'O-1,A-1,ten,Won,won,2024-02-01,2024-03-01',
      { column: 'amount', value: 'ten', problem: expect.stringMatching(/must be a number/) },
    ],
    ['an unknown enum value', 'O-1,A-1,10,Won,victory,2024-02-01,2024-03-01', { column: 'outcome', value: 'victory' }],
    [
      'an unknown reference',
      'O-1,A-404,10,Won,won,2024-02-01,2024-03-01',
      { column: 'accountId', value: 'A-404', problem: expect.stringMatching(/does not exist/) },
    ],
    ['an empty required value', 'O-1,A-1,10,,won,2024-02-01,2024-03-01', { column: 'stage', problem: expect.stringMatching(/required/) }],
    [
      'a won deal without a close date',
      'O-1,A-1,10,Won,won,2024-02-01,',
      { column: 'closed_at', problem: expect.stringMatching(/required when outcome is "won"/) },
    ],
    ['a short (truncated) row', 'O-1,A-1,10,Won', { problem: expect.stringMatching(/4 value\(s\) but the header has 7/) }],
  ])('%s names the row, column and value', async (_name, badRow, detail) => {
    const f = file('o.csv', `${header}O-0,A-1,5,New,open,2024-01-01,\n${badRow}\n`);
    const err = await failure({ kind: 'opportunities', file: f });
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details).toEqual([expect.objectContaining({ row: 3, ...detail })]);
    expect(err.message).toMatch(/nothing was imported/);
    expect((await counts()).opportunity).toBe(0);
  });

  test('row numbers are file lines, counting blank lines and line breaks inside quoted fields', async () => {
    const f = file('a.csv', 'external_id,name,employees\r\nA-1,"two\r\nlines",1\r\n\r\nA-2,ok,2\r\nA-3,bad,-1\r\n');
    const err = await failure({ kind: 'accounts', file: f });
    expect(err.details).toEqual([expect.objectContaining({ row: 6, column: 'employees', value: '-1' })]);
  });

  test('duplicate external ids in a file are an error naming both rows', async () => {
    const f = file('o.csv', `${header}O-1,A-1,5,New,open,2024-01-01,\nO-2,A-1,5,New,open,2024-01-01,\nO-1,A-1,7,New,open,2024-01-01,\n`);
    const err = await failure({ kind: 'opportunities', file: f });
    expect(err.details).toEqual([
      expect.objectContaining({ row: 4, column: 'externalId', value: 'O-1', problem: expect.stringMatching(/row 2/) }),
    ]);
    expect((await counts()).opportunity).toBe(0);
  });

  test('duplicates far apart in a big file, and duplicates of ids already in the database, are caught too', async () => {
    const rows = Array.from({ length: 4500 }, (_, i) => `B-${i},Account ${i}`);
    rows[4200] = 'B-10,Again';
    rows[5] = 'A-1,Acme'; // already in the database: the first occurrence updates it...
    rows[4300] = 'A-1,Acme again'; // ...the second is a duplicate within the file
    const err = await failure({ kind: 'accounts', file: file('big.csv', `external_id,name\n${rows.join('\n')}\n`) });
    expect(err.details).toEqual([
      expect.objectContaining({ row: 4202, value: 'B-10', problem: expect.stringMatching(/row 12 has the same/) }),
      expect.objectContaining({ row: 4302, value: 'A-1', problem: expect.stringMatching(/row 7 has the same/) }),
    ]);
    const again = file('again.csv', 'external_id,name\nA-1,Acme\nA-2,Globex\nA-1,Acme twice\n');
    const err2 = await failure({ kind: 'accounts', file: again });
    expect(err2.details).toEqual([expect.objectContaining({ row: 4, value: 'A-1', problem: expect.stringMatching(/row 2 has the same/) })]);
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' } })).name).toBe('Acme');
  });

  test('missing required columns are reported up front from the header', async () => {
    const f = file('o.csv', 'external_id,amount\nO-1,5\n');
    const err = await failure({ kind: 'opportunities', file: f });
    expect(err.message).toMatch(/columns opportunities need/);
    expect(err.details.map((d) => d.column).sort()).toEqual(['createdAt', 'stage']);
    const err2 = await failure({ kind: 'opportunities', file: f, mapping: { fields: { stage: 'deal_stage', createdAt: 'created_at' } } });
    expect(err2.details.map((d) => d.column).sort()).toEqual(['created_at', 'deal_stage']);
  });

  test('an empty file, a header without rows, and a missing file are clear errors', async () => {
    expect((await failure({ kind: 'accounts', file: file('empty.csv', '') })).message).toMatch(/empty/);
    expect((await failure({ kind: 'accounts', file: file('blank.csv', '\n\n  \n') })).message).toMatch(/empty/);
    expect((await failure({ kind: 'accounts', file: file('head.csv', 'external_id,name\n') })).message).toMatch(/no data rows/);
    expect((await failure({ kind: 'accounts', file: path.join(dir, 'nope.csv') })).code).toBe('NOT_FOUND');
  });

  test('a truncated file (a quote never closed) is a clear error and nothing is written', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `A-${i},Account ${i}`).join('\n');
    const err = await failure({ kind: 'accounts', file: file('trunc.csv', `external_id,name\n${rows}\nA-x,"Unfinished`) });
    expect(err.message).toMatch(/never closed/);
    expect(err.details[0].row).toBeGreaterThan(3000);
    expect((await counts()).account).toBe(2); // the two seeded accounts only
  });

  test('a truncated JSON array and a bad JSON line are clear errors', async () => {
    expect((await failure({ kind: 'accounts', file: file('a.json', '[{"externalId":"A","name":"B"},{"externalId"') })).message).toMatch(
      /not valid JSON/,
    );
    const err = await failure({ kind: 'accounts', file: file('a.jsonl', '{"externalId":"J-1","name":"ok"}\n{"externalId":"J-2","na') });
    expect(err.details).toEqual([expect.objectContaining({ row: 2, problem: expect.stringMatching(/not valid JSON/) })]);
    expect((await failure({ kind: 'accounts', file: file('o.json', '{"externalId":"A"}') })).message).toMatch(/array of objects/);
  });

  test('all problems are counted; the report lists them with rows', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `O-${i},A-1,-1,New,open,2024-01-01,`).join('\n');
    const err = await failure({ kind: 'opportunities', file: file('o.csv', `${header + rows}\n`) });
    expect(err.message).toMatch(/120 of 120 rows/);
    expect(err.details).toHaveLength(120);
    expect(err.details[119]).toMatchObject({ row: 121, column: 'amount' });
  });
});

describe('--skip-invalid and --dry-run', () => {
  beforeEach(seedParents);

  test('--skip-invalid imports the valid rows and writes the rejected ones with the reason', async () => {
    const f = file(
      'o.csv',
      'external_id,account_id,amount,stage,created_at\nO-1,A-1,5,New,2024-01-01\nO-2,A-9,5,New,2024-01-01\nO-3,A-1,"-1",New,2024-01-01\nO-4,A-2,8,New,2024-01-02\n',
    );
    const rejected = path.join(dir, 'rejected.csv');
    const res = await run({ kind: 'opportunities', file: f, skipInvalid: rejected });
    expect(res).toMatchObject({ read: 4, inserted: 2, rejected: 2, rejectedFile: rejected });
    expect((await t.db.prisma.opportunity.findMany({ orderBy: { externalId: 'asc' } })).map((o) => o.externalId)).toEqual(['O-1', 'O-4']);
    const lines = fs.readFileSync(rejected, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('external_id,account_id,amount,stage,created_at,_row,_reason');
    expect(lines[1]).toMatch(/^O-2,A-9,5,New,2024-01-01,3,"?accountId: .*does not exist/);
    expect(lines[2]).toMatch(/^O-3,A-1,-1,New,2024-01-01,4,.*negative/);
  });

  test('--dry-run validates everything, reports the counts an import would have, and writes nothing', async () => {
    const f = file('o.csv', 'external_id,account_id,stage,created_at\nO-1,A-1,New,2024-01-01\nO-2,A-2,New,2024-01-01\n');
    const dry = await run({ kind: 'opportunities', file: f, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, read: 2, inserted: 2 });
    expect((await counts()).opportunity).toBe(0);
    const bad = file('bad.csv', 'external_id,account_id,stage,created_at\nO-1,A-7,New,2024-01-01\n');
    expect((await failure({ kind: 'opportunities', file: bad, dryRun: true })).details[0]).toMatchObject({ row: 2, value: 'A-7' });
  });
});

describe('the input rules (src/contracts/input-rules.ts) hold for imports as for the API', () => {
  test('NUL, unpaired surrogates and dates outside 1900-2199 are refused naming row, column and value; nothing is written', async () => {
    const before = await counts();
    const csv = file(
      'a.csv',
      'external_id,name,acquired_at,tier\nA-1,Fine,2024-01-01,gold\nA-2,Bad\u0000Name,2024-01-01,gold\nA-3,Old,0000-01-01,gold\nA-4,Future,9999-12-31,gold\nA-5,Tiered,2024-01-01,go\u0000ld\n',
    );
    const err = await failure({ kind: 'accounts', file: csv });
    expect(err.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: 'name', value: 'Bad\u0000Name', problem: expect.stringMatching(/NUL/) }),
        expect.objectContaining({
          row: 4,
          column: 'acquired_at',
          value: '0000-01-01',
          problem: expect.stringMatching(/between 1900-01-01 and 2199-12-31/),
        }),
        expect.objectContaining({ row: 5, column: 'acquired_at', value: '9999-12-31' }),
        expect.objectContaining({ row: 6, column: 'tier', value: 'go\u0000ld', problem: expect.stringMatching(/^attributes\.tier .*NUL/) }),
      ]),
    );
    expect(err.details).toHaveLength(4);
    const json = file(
      'a.json',
      JSON.stringify([
        { externalId: 'J\ud800', name: 'Lone' },
        { externalId: 'J-2', name: 'Fine', attributes: { 'k\u0000': 1 } },
      ]),
    );
    const jerr = await failure({ kind: 'accounts', file: json });
    expect(jerr.details).toEqual([
      expect.objectContaining({ row: 1, column: 'externalId', value: 'J\ud800', problem: expect.stringMatching(/surrogate/) }),
      expect.objectContaining({ row: 2, problem: expect.stringMatching(/^attributes\.k. field name .*NUL/) }),
    ]);
    expect(await counts()).toEqual(before);
  });
});
