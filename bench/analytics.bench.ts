// npm run bench:analytics [-- --accounts N --orders N --dialect sqlite|postgresql|both --keep]
// Generates a synthetic CRM (default 100,000 accounts and 10,000,000 order lines, plus deals, stage
// changes, activities and service costs) entirely in SQL (recursive CTE on SQLite, generate_series
// on PostgreSQL), then times every report through the service and, in the same run, the very same
// SQL statements the service issued run straight through the database's own driver
// (better-sqlite3 / pg, no Salescast layer, no JS post-processing). Prints both times and the ratio
// (goal: within 2x). PostgreSQL: SALESCAST_BENCH_PG_URL (default the local server); skipped with a
// message when unreachable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { toPgPlaceholders, toSqlValue, type Dialect } from '../src/db/sql';
import { runReport } from '../src/services/analytics';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : process.argv[i + 1];
}
const ACCOUNTS = Number(arg('accounts', '100000'));
const ORDERS = Number(arg('orders', '10000000'));
const DIALECTS: Dialect[] = arg('dialect', 'both') === 'both' ? ['sqlite', 'postgresql'] : [arg('dialect', 'both') as Dialect];
const KEEP = process.argv.includes('--keep');
const PG_URL = process.env.SALESCAST_BENCH_PG_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
const OPPS = ACCOUNTS * 3;
const CAMPAIGNS = 20;
const REPS = 50;
const PRODUCTS = 20;
for (const [k, v] of Object.entries({ accounts: ACCOUNTS, orders: ORDERS }))
  if (!Number.isInteger(v) || v < 10) throw new Error(`--${k} must be an integer ≥ 10`);

const PERIOD = { from: '2024-01-01', to: '2024-12-31' };
const CASES: { label: string; report: string; input: Record<string, unknown> }[] = [
  { label: 'profitability (top 50, 2024)', report: 'profitability', input: { ...PERIOD, limit: 50 } },
  { label: 'profitability by payback (top 50)', report: 'profitability', input: { ...PERIOD, limit: 50, sort: 'paybackMonths' } },
  { label: 'profitability by segment', report: 'profitability', input: { ...PERIOD, by: 'segment' } },
  { label: 'profitability region=EU by rep', report: 'profitability', input: { ...PERIOD, by: 'rep', filters: { region: 'EU' } } },
  { label: 'pareto (2024)', report: 'pareto', input: PERIOD },
  { label: 'cohorts clients monthly x12', report: 'cohorts', input: { periods: 12 } },
  { label: 'cohorts deals by month', report: 'cohorts', input: { kind: 'deals' } },
  {
    label: 'compare SMB vs Enterprise',
    report: 'compare',
    input: { ...PERIOD, groups: [{ filters: { segment: 'SMB' } }, { filters: { segment: 'Enterprise' } }] },
  },
  { label: 'funnel (7 breakdowns)', report: 'funnel', input: {} },
  { label: 'campaigns', report: 'campaigns', input: {} },
  { label: 'growth by family, quarterly', report: 'growth', input: { by: 'family', period: 'quarter' } },
  { label: 'growth by segment, monthly', report: 'growth', input: { by: 'segment', period: 'month' } },
  { label: 'new vs existing by rep', report: 'new-vs-existing', input: { ...PERIOD, by: 'rep' } },
];

const dayExpr = (d: Dialect, days: string) =>
  d === 'sqlite'
    ? `strftime('%Y-%m-%dT%H:%M:%S.000+00:00', '2022-01-01', '+' || (${days}) || ' days')`
    : `(TIMESTAMP '2022-01-01' + (${days}) * INTERVAL '1 day')`;
const series = (d: Dialect, n: number, body: (i: string) => string) =>
  d === 'sqlite'
    ? `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) ${body('s.i')} FROM s`
    : `${body('s.i')} FROM generate_series(CAST(1 AS BIGINT), ${n}) AS s(i)`;
const div = (d: Dialect, a: string, b: string) => (d === 'sqlite' ? `(${a}) / (${b})` : `((${a}) / (${b}))`); // integer division on both

/** The generator: one INSERT ... SELECT per table; returns [table, sql] in dependency order. */
function generators(d: Dialect): [string, string][] {
  const ins = (table: string, cols: string, n: number, select: (i: string) => string): [string, string] => {
    const q = series(d, n, (i) => `SELECT ${select(i)}`);
    return [
      table,
      d === 'sqlite'
        ? `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) INSERT INTO ${table} (${cols}) ${q.replace(/^WITH RECURSIVE s\(i\) AS \(.*?\) /, '')}`
        : `INSERT INTO ${table} (${cols}) ${q}`,
    ];
  };
  const now = d === 'sqlite' ? `'2026-01-01T00:00:00.000+00:00'` : `TIMESTAMP '2026-01-01'`;
  const acqDay = (a: string) => `(${a}) % 1000`;
  const oppDay = (o: string) => `(${o}) % 1000`;
  return [
    ins(
      'campaign',
      'external_id, name, channel, cost, updated_at',
      CAMPAIGNS,
      (i) =>
        `'C' || ${i}, 'Campaign ' || ${i}, CASE ${i} % 3 WHEN 0 THEN 'email' WHEN 1 THEN 'events' ELSE 'web' END, 1000 + (${i} * 977) % 50000, ${now}`,
    ),
    ins(
      'rep',
      'external_id, name, team, region, updated_at',
      REPS,
      (i) =>
        `'R' || ${i}, 'Rep ' || ${i}, 'Team ' || (${i} % 5), CASE ${i} % 4 WHEN 0 THEN 'North' WHEN 1 THEN 'South' WHEN 2 THEN 'East' ELSE 'West' END, ${now}`,
    ),
    ins(
      'product',
      'external_id, name, family, list_price, updated_at',
      PRODUCTS,
      (i) => `'P' || ${i}, 'Product ' || ${i}, 'F' || (${i} % 4), 100 + ${i} * 10, ${now}`,
    ),
    ins(
      'account',
      'external_id, name, segment, region, acquired_at, acquisition_campaign_id, acquisition_cost, status, churned_at, attributes, updated_at',
      ACCOUNTS,
      (i) =>
        `'A' || ${i}, 'Account ' || ${i}, CASE ${i} % 3 WHEN 0 THEN 'SMB' WHEN 1 THEN 'Mid-Market' ELSE 'Enterprise' END,
         CASE ${i} % 4 WHEN 0 THEN 'EU' WHEN 1 THEN 'US' WHEN 2 THEN 'APAC' ELSE 'LATAM' END, ${dayExpr(d, acqDay(i))},
         CASE WHEN ${i} % 5 = 0 THEN 1 + ${i} % ${CAMPAIGNS} END, CASE WHEN ${i} % 7 = 0 THEN 200 + ${i} % 3000 END,
         CASE WHEN ${i} % 10 = 0 THEN 'churned' ELSE 'active' END, CASE WHEN ${i} % 10 = 0 THEN ${dayExpr(d, `${acqDay(i)} + 400`)} END,
         ${d === 'sqlite' ? `'{"tier":"' || CASE ${i} % 2 WHEN 0 THEN 'gold' ELSE 'silver' END || '"}'` : `jsonb_build_object('tier', CASE ${i} % 2 WHEN 0 THEN 'gold' ELSE 'silver' END)`}, ${now}`,
    ),
    ins(
      'opportunity',
      'external_id, account_id, product_id, rep_id, campaign_id, amount, stage, outcome, created_at, closed_at, source, updated_at',
      OPPS,
      (i) =>
        `'D' || ${i}, 1 + ${i} % ${ACCOUNTS}, 1 + ${i} % ${PRODUCTS}, 1 + (${i} * 7) % ${REPS}, CASE WHEN ${i} % 4 = 0 THEN 1 + ${i} % ${CAMPAIGNS} END,
         500 + (${i} * 37) % 20000,
         CASE WHEN ${i} % 10 < 3 THEN 'Closed Won' WHEN ${i} % 10 < 8 THEN 'Closed Lost' WHEN ${i} % 3 = 0 THEN 'Qualify' WHEN ${i} % 3 = 1 THEN 'Proposal' ELSE 'Negotiation' END,
         CASE WHEN ${i} % 10 < 3 THEN 'won' WHEN ${i} % 10 < 8 THEN 'lost' ELSE 'open' END,
         ${dayExpr(d, oppDay(i))}, CASE WHEN ${i} % 10 < 8 THEN ${dayExpr(d, `${oppDay(i)} + 10 + ${i} % 60`)} END,
         CASE ${i} % 4 WHEN 0 THEN 'web' WHEN 1 THEN 'event' WHEN 2 THEN 'referral' ELSE 'outbound' END, ${now}`,
    ),
    ins('stage_change', 'external_id, opportunity_id, from_stage, to_stage, changed_at', OPPS * 2, (i) => {
      const o = div(d, `${i} + 1`, '2');
      return `'S' || ${i}, ${o}, CASE WHEN ${i} % 2 = 1 THEN NULL ELSE 'Qualify' END, CASE WHEN ${i} % 2 = 1 THEN 'Qualify' ELSE 'Proposal' END,
              ${dayExpr(d, `${oppDay(o)} + CASE WHEN ${i} % 2 = 1 THEN 0 ELSE 5 END`)}`;
    }),
    ins(
      'activity',
      'external_id, account_id, opportunity_id, type, occurred_at, cost',
      ACCOUNTS * 3,
      (i) =>
        `'T' || ${i}, CASE WHEN ${i} % 2 = 0 THEN 1 + ${i} % ${ACCOUNTS} END, CASE WHEN ${i} % 2 = 1 THEN 1 + ${i} % ${OPPS} END, 'call', ${dayExpr(d, `${i} % 1700`)}, 10 + ${i} % 50`,
    ),
    ins(
      'service_cost',
      'external_id, account_id, incurred_at, kind, amount',
      ACCOUNTS * 2,
      (i) =>
        `'V' || ${i}, 1 + ${i} % ${ACCOUNTS}, ${dayExpr(d, `${i} % 1700`)}, CASE WHEN ${i} % 5 = 0 THEN 'discount' ELSE 'support' END, 20 + ${i} % 200`,
    ),
    ins('orders', 'external_id, account_id, product_id, ordered_at, revenue, cost_of_goods, quantity, discount', ORDERS, (i) => {
      const a = `(1 + (${i} * 7919) % ${ACCOUNTS})`;
      return `'O' || ${i}, ${a}, 1 + ${i} % ${PRODUCTS}, ${dayExpr(d, `${acqDay(a)} + ${i} % 730`)}, 50 + (${i} * 31) % 950, (50 + (${i} * 31) % 950) * 0.6, 1, CASE WHEN ${i} % 10 = 0 THEN 5 ELSE 0 END`;
    }),
  ];
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

/** Drops the indexes of the big tables before the bulk load and rebuilds them after (much faster). */
async function withIndexesRebuilt(db: Database, tables: string[], load: () => Promise<void>) {
  const idx =
    db.dialect === 'sqlite'
      ? await db.sql.all<{ name: string; sql: string }>(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`,
          tables,
        )
      : await db.sql.all<{ name: string; sql: string }>(
          `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = 'public' AND tablename IN (${tables.map(() => '?').join(', ')}) AND indexname NOT LIKE '%_pkey'`,
          tables,
        );
  for (const i of idx) await db.sql.exec(`DROP INDEX "${i.name}"`);
  await load();
  for (const i of idx) await db.sql.exec(i.sql);
}

async function generate(db: Database) {
  const t0 = process.hrtime.bigint();
  const gens = generators(db.dialect);
  await withIndexesRebuilt(db, ['orders', 'activity', 'service_cost', 'stage_change', 'opportunity'], async () => {
    for (const [table, sql] of gens) {
      const t = process.hrtime.bigint();
      // Foreign-key checks off for the bulk load only: the generated references are consistent by
      // construction, and per-row FK triggers would dominate the load time on PostgreSQL.
      if (db.dialect === 'sqlite') await db.sql.exec(`PRAGMA foreign_keys = OFF; BEGIN; ${sql}; COMMIT; PRAGMA foreign_keys = ON;`);
      else
        await db.sql.transaction(async (tx) => {
          await tx.exec('SET LOCAL session_replication_role = replica');
          await tx.exec(sql);
        });
      process.stdout.write(`  ${table.padEnd(13)} ${fmt(ms(t))}\n`);
    }
  });
  await db.sql.exec(db.dialect === 'sqlite' ? 'ANALYZE' : 'ANALYZE');
  console.log(`  generated + indexed + analyzed in ${fmt(ms(t0))}`);
}

/** A Database whose SQL runner records every statement it runs (to replay them directly). */
function recording(db: Database) {
  const log: { sql: string; params: unknown[] }[] = [];
  const sql = Object.create(db.sql);
  sql.all = (q: string, p: unknown[] = []) => {
    log.push({ sql: q, params: p });
    return db.sql.all(q, p);
  };
  return { db: { ...db, sql } as Database, log };
}

async function benchDialect(dialect: Dialect) {
  let url: string;
  let dropPg: (() => Promise<void>) | null = null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-bench-analytics-'));
  if (dialect === 'sqlite') url = `file:${path.join(dir, 'bench.db')}`;
  else {
    const admin = new pg.Client({ connectionString: PG_URL });
    try {
      await admin.connect();
    } catch (e) {
      console.log(`\nPostgreSQL: skipped (cannot connect to ${PG_URL.replace(/:[^:@/]*@/, ':***@')}: ${(e as Error).message})`);
      return;
    }
    const name = `salescast_bench_analytics_${process.pid}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    dropPg = async () => {
      const a = new pg.Client({ connectionString: PG_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    };
  }
  console.log(
    `\n== ${dialect}: ${ACCOUNTS.toLocaleString()} accounts, ${ORDERS.toLocaleString()} order lines, ${OPPS.toLocaleString()} deals`,
  );
  await migrate(url);
  const db = openDatabase(url);
  const direct =
    dialect === 'sqlite'
      ? (() => {
          const conn = new BetterSqlite3(url.replace(/^file:/, ''), { readonly: true });
          return {
            run: async (q: string, p: unknown[]) => void conn.prepare(q).all(...p.map((v) => toSqlValue(v, 'sqlite'))),
            close: async () => conn.close(),
          };
        })()
      : await (async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          return {
            run: async (q: string, p: unknown[]) =>
              void (await c.query(
                toPgPlaceholders(q),
                p.map((v) => toSqlValue(v, 'postgresql')),
              )),
            close: () => c.end(),
          };
        })();
  try {
    await generate(db);
    const rows: string[][] = [];
    for (const c of CASES) {
      const rec = recording(db);
      const t0 = process.hrtime.bigint();
      await runReport(rec.db, c.report, c.input);
      const service = ms(t0);
      const t1 = process.hrtime.bigint();
      for (const s of rec.log) {
        const t = process.hrtime.bigint();
        await direct.run(s.sql, s.params);
        if (process.env.BENCH_VERBOSE) console.log(`      ${fmt(ms(t)).padStart(9)}  ${s.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
      const raw = ms(t1);
      rows.push([c.label, fmt(service), fmt(raw), `${(service / raw).toFixed(2)}x`, String(rec.log.length)]);
      console.log(
        `  ${c.label.padEnd(32)} service ${fmt(service).padStart(9)}   direct ${fmt(raw).padStart(9)}   ratio ${(service / raw).toFixed(2)}x   (${rec.log.length} statements)`,
      );
    }
  } finally {
    await direct.close();
    await db.close();
    if (!KEEP) {
      fs.rmSync(dir, { recursive: true, force: true });
      if (dropPg) await dropPg();
    } else console.log(`  kept: ${url}`);
  }
}

(async () => {
  console.log(`analytics bench: each report through the service vs. the same SQL straight through the driver (goal ≤ 2x)`);
  for (const d of DIALECTS) await benchDialect(d);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
