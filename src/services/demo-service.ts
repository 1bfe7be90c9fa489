// Loads the seeded demo company (src/domain/demo) into the database through the one canonical write
// path (upsertRecords), so demo data obeys exactly the rules imported data does, and a second load
// with the same seed and as-of date finds every record unchanged.
import type { Database } from '../db/database';
import { productAttributes } from '../db/repositories/products';
import { crmRecordCount } from '../db/repositories/stats';
import { AppError } from '../errors';
import { generateDemoData, demoRecordCount, type DemoOptions } from '../domain/demo';
import type { EntityKind } from '../domain/records';
import type { WriteCounts } from './import/record-tables';
import { upsertRecords } from './import/upsert-records';

export interface DemoLoadOptions extends Partial<DemoOptions> {
  /** Load even over data that is not this same demo company (records with the same external ids are overwritten). */
  force?: boolean;
  /** Called as records are written: done so far out of total. */
  onProgress?: (done: number, total: number) => void;
}

export interface DemoLoadResult {
  seed: number;
  accounts: number;
  months: number;
  /** The history spans [from, asOf). */
  from: Date;
  asOf: Date;
  /** Records generated per kind. */
  records: Record<EntityKind, number>;
  /** What the write did per kind (all `unchanged` on a repeated load). */
  written: Record<string, WriteCounts>;
  /** Summary of the generated company, for the CLI and logs. */
  summary: { customers: number; churned: number; openDeals: number; wonDeals: number; lostDeals: number; winRate: number };
}

/** Midnight UTC today: the default as-of, so open deals sit in the current and next quarters. */
export function todayUtc(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** The demo dataset key stored with the demo products, or null when there is none. */
export async function loadedDemoKey(db: Database): Promise<string | null> {
  const attributes = await productAttributes(db.sql, 'PRD-01');
  const key =
    attributes && typeof attributes === 'object' && !Array.isArray(attributes)
      ? (attributes as Record<string, unknown>).demo_dataset
      : undefined;
  return typeof key === 'string' ? key : null;
}

/**
 * Generates the demo company and writes it through upsertRecords. Loading the same dataset again
 * changes nothing. Over any other data (another seed or as-of date, or real CRM data) it refuses
 * with CONFLICT unless `force`: the demo's external ids (ACC-0001, OPP-000001...) would overwrite
 * records of the same ids and leave a mix of two companies.
 */
export async function loadDemoData(db: Database, opts: DemoLoadOptions = {}): Promise<DemoLoadResult> {
  const dataset = generateDemoData({ seed: opts.seed, accounts: opts.accounts, months: opts.months, asOf: opts.asOf ?? todayUtc() });
  if (!opts.force && !(await isDatabaseEmpty(db))) {
    const loaded = await loadedDemoKey(db);
    if (loaded !== dataset.key) {
      const what = loaded ? `another demo company (${loaded})` : 'data that is not demo data';
      throw new AppError(
        'CONFLICT',
        `The database already holds ${what}; loading the demo company (${dataset.key}) would overwrite records with the same external ids and mix the two. Use an empty database, repeat the same options, or force it (--force on the command line).`,
        [
          {
            path: ['demo'],
            value: loaded ?? undefined,
            problem: loaded ? 'another demo company is loaded' : 'the database holds other data',
          },
        ],
      );
    }
  }
  const { perKind, total } = demoRecordCount(dataset.records);
  const written = await upsertRecords(db, dataset.records, {
    onProgress: opts.onProgress ? (done) => opts.onProgress!(done, total) : undefined,
  });
  const opps = dataset.records.opportunities;
  const won = opps.filter((o) => o.outcome === 'won').length;
  const lost = opps.filter((o) => o.outcome === 'lost').length;
  return {
    seed: dataset.seed,
    accounts: dataset.accounts,
    months: dataset.months,
    from: dataset.from,
    asOf: dataset.asOf,
    records: perKind,
    written,
    summary: {
      customers: dataset.records.accounts.filter((a) => a.acquiredAt).length,
      churned: dataset.records.accounts.filter((a) => a.status === 'churned').length,
      openDeals: opps.length - won - lost,
      wonDeals: won,
      lostDeals: lost,
      winRate: won + lost ? Math.round((won / (won + lost)) * 1000) / 1000 : 0,
    },
  };
}

/** Whether the database holds no CRM data yet (no accounts and no opportunities). */
export async function isDatabaseEmpty(db: Database): Promise<boolean> {
  return (await crmRecordCount(db.sql)) === 0;
}

/**
 * Loads the demo company only into an empty database (no accounts and no opportunities), so
 * `npm start` on a fresh clone has data to show and never touches a database holding real data.
 * Resolves to true when it loaded; `onLoaded` receives the load result.
 */
export async function ensureDemoData(
  db: Database,
  opts: DemoLoadOptions & { onLoaded?: (result: DemoLoadResult) => void } = {},
): Promise<boolean> {
  if (!(await isDatabaseEmpty(db))) return false;
  const result = await loadDemoData(db, opts);
  opts.onLoaded?.(result);
  return true;
}
