// `salescast demo`: load the seeded demo company. Same seed and --as-of → same records, so running
// it twice changes nothing; --if-empty makes it safe to put in start-up scripts.
import type { Command } from 'commander';
import { AppError } from '../errors';
import { DEMO_DEFAULTS } from '../domain/demo/defaults';
import type { DemoLoadResult } from '../services/demo-service';
import { processIo, progressBar, table, withDatabase } from './common';

interface DemoCliOptions {
  seed?: string;
  accounts: string;
  months: string;
  asOf?: string;
  ifEmpty?: boolean;
  force?: boolean;
  json?: boolean;
}

function integerOption(name: string, raw: string): number {
  if (!/^-?\d+$/.test(raw.trim()))
    throw new AppError('INVALID_INPUT', `--${name} must be an integer (got "${raw}")`, [
      { path: [name], value: raw, problem: 'must be an integer' },
    ]);
  return Number(raw);
}

export function parseAsOf(raw: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  // Round trip so that 2025-02-30 is refused instead of rolling over into March.
  if (!d || d.toISOString().slice(0, 10) !== raw.trim())
    throw new AppError('INVALID_INPUT', `--as-of must be a date as YYYY-MM-DD (got "${raw}")`, [
      { path: ['asOf'], value: raw, problem: 'must be a valid date as YYYY-MM-DD' },
    ]);
  return d;
}

export function registerDemoCommands(program: Command) {
  program
    .command('demo')
    .description(
      'Load a seeded synthetic B2B company: reps in teams, products with margins, campaigns, accounts, deals with stage histories, activities, orders, service costs and churn, with signal a model can learn (see docs/demo.md). Re-running with the same seed and --as-of changes nothing; over other data it refuses (exit 5) unless --force.',
    )
    .option('--seed <n>', `random seed (default: SALESCAST_SEED, else ${DEMO_DEFAULTS.seed})`)
    .option('--accounts <n>', 'number of accounts', String(DEMO_DEFAULTS.accounts))
    .option('--months <n>', 'months of history before --as-of', String(DEMO_DEFAULTS.months))
    .option('--as-of <date>', 'end of the history, YYYY-MM-DD (default: today, UTC); open deals close after it')
    .option('--if-empty', 'load only when the database has no accounts and no opportunities')
    .option('--force', 'load even over other data (records with the same external ids are overwritten)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: DemoCliOptions) => {
      const { isDatabaseEmpty, loadDemoData, todayUtc } = await import('../services/demo-service');
      await withDatabase(async (db, config) => {
        const seed = opts.seed !== undefined ? integerOption('seed', opts.seed) : config.SALESCAST_SEED;
        const accounts = integerOption('accounts', opts.accounts);
        const months = integerOption('months', opts.months);
        const asOf = opts.asOf !== undefined ? parseAsOf(opts.asOf) : todayUtc();
        let empty: boolean;
        try {
          empty = await isDatabaseEmpty(db);
        } catch (e) {
          throw new AppError(
            'NOT_READY',
            `The database has no Salescast tables yet: run \`npx salescast migrate\` first (${e instanceof Error ? e.message : String(e)})`,
            [],
            { cause: e },
          );
        }
        if (opts.ifEmpty && !empty) {
          if (opts.json) processIo.out(JSON.stringify({ loaded: false, reason: 'the database already holds accounts or opportunities' }));
          else processIo.out('The database already holds accounts or opportunities: demo data not loaded (--if-empty).');
          return;
        }
        // The total is known only once the company is generated, so the bar starts with the first write.
        let bar: ReturnType<typeof progressBar> | undefined;
        const onProgress = opts.json
          ? undefined
          : (done: number, total: number) => {
              bar ??= progressBar(processIo, 'writing demo records', total);
              bar.update(done);
            };
        const result = await loadDemoData(db, { seed, accounts, months, asOf, force: opts.force, onProgress });
        bar?.done();
        if (opts.json) processIo.out(JSON.stringify({ loaded: true, ...result }, null, 2));
        else processIo.out(formatResult(result));
      });
    });
}

function formatResult(r: DemoLoadResult): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const rows = Object.entries(r.records).map(([kind, n]) => ({
    kind,
    records: n,
    ...(r.written[kind] ?? { inserted: 0, updated: 0, unchanged: 0 }),
  }));
  const s = r.summary;
  return [
    `Demo company (seed ${r.seed}, ${r.accounts} accounts, history ${day(r.from)} to ${day(r.asOf)}):`,
    table(rows, ['kind', 'records', 'inserted', 'updated', 'unchanged']),
    `${s.customers} customers (${s.churned} churned); ${s.wonDeals + s.lostDeals + s.openDeals} opportunities: ${s.wonDeals} won, ${s.lostDeals} lost, ${s.openDeals} open (win rate ${(s.winRate * 100).toFixed(1)}%).`,
  ].join('\n');
}
