// Loading the demo company into a real (temporary, migrated) database: through the import write
// path, idempotent, never over existing data, and from the CLI.
import { Command, CommanderError } from 'commander';
import { processIo, reportError } from '../../src/cli/common';
import { registerDemoCommands } from '../../src/cli/demo-commands';
import { tableCounts } from '../../src/db/repositories/stats';
import { generateDemoData } from '../../src/domain/demo';
import { ensureDemoData, loadDemoData } from '../../src/services/demo-service';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const OPTS = { seed: 42, accounts: 60, months: 12, asOf: new Date('2026-06-15T00:00:00Z') };
const TABLE_OF = {
  campaigns: 'campaign',
  accounts: 'account',
  products: 'product',
  reps: 'rep',
  opportunities: 'opportunity',
  'stage-changes': 'stage_change',
  activities: 'activity',
  orders: 'orders',
  'service-costs': 'service_cost',
} as const;

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await t.cleanup();
});

describe('loadDemoData', () => {
  it('writes every generated record, and a second load with the same seed and as-of changes nothing', async () => {
    const expected = generateDemoData(OPTS).records;
    const first = await loadDemoData(t.db, OPTS);
    const counts = await tableCounts(t.db.sql);
    for (const [kind, table] of Object.entries(TABLE_OF)) {
      expect({ kind, rows: counts[table] }).toEqual({ kind, rows: expected[kind as keyof typeof TABLE_OF].length });
      expect(first.written[kind]).toEqual({ inserted: expected[kind as keyof typeof TABLE_OF].length, updated: 0, unchanged: 0 });
    }
    expect(first.summary.wonDeals + first.summary.lostDeals + first.summary.openDeals).toBe(expected.opportunities.length);

    const second = await loadDemoData(t.db, OPTS);
    for (const kind of Object.keys(TABLE_OF)) expect(second.written[kind]).toMatchObject({ inserted: 0, updated: 0 });
    expect(await tableCounts(t.db.sql)).toEqual(counts);
  });

  it('refuses to mix another demo company or real data into the database, unless forced', async () => {
    await loadDemoData(t.db, OPTS);
    const counts = await tableCounts(t.db.sql);
    await expect(loadDemoData(t.db, { ...OPTS, seed: 43 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/another demo company \(seed=42 accounts=60 months=12 as_of=2026-06-15\)/),
    });
    await expect(loadDemoData(t.db, { ...OPTS, asOf: new Date('2026-06-16') })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await tableCounts(t.db.sql)).toEqual(counts);
    const forced = await loadDemoData(t.db, { ...OPTS, seed: 43, force: true });
    expect(forced.written.accounts.updated).toBeGreaterThan(0);
  });

  it('refuses to write over real CRM data', async () => {
    await t.db.prisma.account.create({ data: { externalId: 'ACC-0001', name: 'A real customer' } });
    await expect(loadDemoData(t.db, OPTS)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/not demo data/) });
    expect((await t.db.prisma.account.findUnique({ where: { externalId: 'ACC-0001' } }))!.name).toBe('A real customer');
  });

  it('stores references and stage histories that read back as generated', async () => {
    await loadDemoData(t.db, OPTS);
    const opp = generateDemoData(OPTS).records.opportunities.find((o) => o.outcome === 'won')!;
    const row = await t.db.prisma.opportunity.findUnique({
      where: { externalId: opp.externalId },
      include: { account: true, rep: true, stageChanges: { orderBy: { changedAt: 'asc' } }, orders: true },
    });
    expect(row!.account!.externalId).toBe(opp.accountId);
    expect(row!.rep!.externalId).toBe(opp.repId);
    expect(row!.amount).toBeCloseTo(opp.amount, 2);
    expect(row!.closedAt!.toISOString()).toBe(opp.closedAt!.toISOString());
    expect(row!.stageChanges[0].fromStage).toBeNull();
    expect(row!.stageChanges[row!.stageChanges.length - 1].toStage).toBe('Closed Won');
    expect(row!.orders).toHaveLength(1);
  });
});

describe('ensureDemoData', () => {
  it('loads into an empty database and reports that it did', async () => {
    let loaded: unknown;
    expect(await ensureDemoData(t.db, { ...OPTS, onLoaded: (r) => (loaded = r) })).toBe(true);
    expect(loaded).toMatchObject({ seed: 42, accounts: 60 });
    expect((await tableCounts(t.db.sql)).account).toBe(60);
  });

  it('leaves a database that already holds accounts alone', async () => {
    await t.db.prisma.account.create({ data: { externalId: 'REAL-1', name: 'A real customer' } });
    expect(await ensureDemoData(t.db, OPTS)).toBe(false);
    const counts = await tableCounts(t.db.sql);
    expect(counts.account).toBe(1);
    expect(counts.opportunity).toBe(0);
  });

  it('leaves a database that holds only opportunities alone', async () => {
    await t.db.prisma.opportunity.create({ data: { externalId: 'REAL-OPP', stage: 'Prospecting', createdAt: new Date('2026-01-01') } });
    expect(await ensureDemoData(t.db, OPTS)).toBe(false);
    expect((await tableCounts(t.db.sql)).account).toBe(0);
  });
});

// The demo command on its own program, with the error handling of src/cli.ts main(): importing the
// whole CLI would make this suite depend on every other command group's modules.
async function runDemoCommand(args: string[]): Promise<number> {
  const program = new Command().exitOverride();
  registerDemoCommands(program);
  try {
    await program.parseAsync(['node', 'salescast', 'demo', ...args]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(e, processIo, args.includes('--json'));
  }
}

describe('salescast demo', () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => {
      err.push(String(s));
      return true;
    });
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    try {
      const code = await runDemoCommand(args);
      return { code, out: out.join(''), err: err.join('') };
    } finally {
      o.mockRestore();
      e.mockRestore();
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  };

  it('loads the requested company, prints JSON on request, and skips a non-empty database with --if-empty', async () => {
    const r = await run(['--seed', '3', '--accounts', '25', '--months', '6', '--as-of', '2026-03-31', '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out);
    expect(body).toMatchObject({ loaded: true, seed: 3, accounts: 25, months: 6, asOf: '2026-03-31T00:00:00.000Z' });
    expect(body.written.accounts.inserted).toBe(25);

    const again = await run(['--if-empty', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ loaded: false });
    expect((await tableCounts(t.db.sql)).account).toBe(25);
  });

  it('prints a table of what it wrote', async () => {
    const r = await run(['--accounts', '10', '--months', '3', '--as-of', '2026-03-31']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/opportunities\s+\d/);
    expect(r.out).toMatch(/win rate/);
  });

  it('refuses bad options with exit code 2 and other data with exit code 5, naming the problem', async () => {
    const bad = await run(['--as-of', '2026-02-30']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--as-of must be a date/);
    await t.db.prisma.account.create({ data: { externalId: 'REAL-1', name: 'A real customer' } });
    const conflict = await run(['--accounts', '10']);
    expect(conflict.code).toBe(5);
    expect(conflict.err).toMatch(/--force/);
    const zero = await run(['--accounts', '0']);
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/accounts/);
    expect((await tableCounts(t.db.sql)).account).toBe(1);
  });
});
