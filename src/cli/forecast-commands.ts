// `salescast forecast …`: the pipeline forecast for a period with intervals and breakdowns, and
// its companions — snapshot, snapshots, changes (waterfall between snapshots), backtest, run-rate
// and what-if. Tables by default, the service result as JSON with --json, the main table as CSV
// with --csv. Every forecast prints its seed so it can be reproduced.
import type { Command } from 'commander';
import { invalidInput } from '../errors';
import { DIMENSIONS, type Dimension } from '../domain/forecast/dimensions';
import type { ScorerChoice } from '../services/forecast/forecast-service';
import { processIo, progressBar, table, withDatabase } from './common';
import { money, printBacktest, printForecast, printRunRate, printWhatIf, toCsv, type OutputOpts } from './forecast-output';

function parseDate(v: string | undefined, name: string): Date | undefined {
  if (v === undefined) return undefined;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(v);
  if (!Number.isFinite(d.getTime()))
    throw invalidInput(`--${name} must be a date (YYYY-MM-DD)`, [{ path: [name], value: v, problem: 'must be a date' }]);
  return d;
}

function parseInt10(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.replace(/_/g, '')))
    throw invalidInput(`--${name} must be an integer`, [{ path: [name], value: v, problem: 'must be an integer' }]);
  return Number(v.replace(/_/g, ''));
}

function parseBy(v: string | undefined): Dimension[] | undefined {
  if (!v) return undefined;
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((b) => !(DIMENSIONS as readonly string[]).includes(b));
  if (bad.length)
    throw invalidInput(`--by must be among ${DIMENSIONS.join(', ')}`, [{ path: ['by'], value: v, problem: `unknown: ${bad.join(', ')}` }]);
  return list as Dimension[];
}

function parseScorer(v: string | undefined): ScorerChoice | undefined {
  if (v === undefined) return undefined;
  if (v !== 'auto' && v !== 'win-model' && v !== 'stage-model')
    throw invalidInput('--scorer must be auto, win-model or stage-model', [{ path: ['scorer'], value: v, problem: 'unknown scorer' }]);
  return v;
}

export function registerForecastCommands(program: Command) {
  const forecast = program
    .command('forecast')
    .description('Pipeline forecasts: `forecast [pipeline]` (default), snapshot, snapshots, changes, backtest, run-rate, what-if');
  // The period forecast is the default subcommand rather than the parent's own action: with
  // options on the parent, commander would read `forecast backtest --from …` as the parent's --from.
  registerPipeline(forecast);
  registerSnapshot(forecast);
  registerSnapshots(forecast);
  registerChanges(forecast);
  registerBacktest(forecast);
  registerRunRate(forecast);
  registerWhatIf(forecast);
}

function registerPipeline(forecast: Command) {
  forecast
    .command('pipeline', { isDefault: true })
    .description('Pipeline forecast for a period (Monte Carlo over deal win and timing) with P10/P50/P90 and breakdowns')
    .option('--period <period>', 'month 2025-07, quarter 2025-Q3 or year 2025 (default: the current quarter)')
    .option('--from <date>', 'custom period start (YYYY-MM-DD), with --to')
    .option('--to <date>', 'custom period end, inclusive (YYYY-MM-DD)')
    .option('--as-of <date>', 'forecast as it would have been made on this date (default: now)')
    .option('--by <dims>', `breakdowns, comma separated: ${DIMENSIONS.join(', ')} (default: all)`)
    .option('--sims <n>', 'number of simulations', '10000')
    .option('--seed <n>', 'random seed (default: SALESCAST_SEED)')
    .option('--scorer <s>', 'auto (deal-win model if active, else stage model), win-model or stage-model', 'auto')
    .option('--json', 'print the result as JSON')
    .option('--csv', 'print the breakdowns as CSV')
    .action(
      async (o: {
        period?: string;
        from?: string;
        to?: string;
        asOf?: string;
        by?: string;
        sims: string;
        seed?: string;
        scorer?: string;
        json?: boolean;
        csv?: boolean;
      }) => {
        const by = parseBy(o.by) ?? [...DIMENSIONS];
        const { forecastPipeline } = await import('../services/forecast/forecast-service');
        await withDatabase(async (db) => {
          const r = await forecastPipeline(db, {
            period: o.period,
            from: parseDate(o.from, 'from'),
            to: parseDate(o.to, 'to'),
            asOf: parseDate(o.asOf, 'as-of'),
            by,
            sims: parseInt10(o.sims, 'sims'),
            seed: parseInt10(o.seed, 'seed'),
            scorer: parseScorer(o.scorer),
          });
          printForecast(processIo, r, by, o);
        });
      },
    );
}

function registerSnapshot(forecast: Command) {
  forecast
    .command('snapshot')
    .description('Store the forecast as of now (forecast_snapshot rows + per-deal states) for backtests and change waterfalls')
    .option('--period <period>', 'month, quarter or year (default: the current quarter)')
    .option(
      '--as-of <date>',
      'backfill: the forecast as it would have been made on this date, rebuilt from the deal history (default: now)',
    )
    .option('--sims <n>', 'number of simulations', '10000')
    .option('--seed <n>', 'random seed (default: SALESCAST_SEED)')
    .option('--scorer <s>', 'auto, win-model or stage-model', 'auto')
    .option('--json', 'print the result as JSON')
    .action(async (o: { period?: string; asOf?: string; sims: string; seed?: string; scorer?: string; json?: boolean }) => {
      const { takeForecastSnapshot } = await import('../services/forecast/snapshot-service');
      await withDatabase(async (db) => {
        const r = await takeForecastSnapshot(db, {
          period: o.period,
          asOf: parseDate(o.asOf, 'as-of'),
          sims: parseInt10(o.sims, 'sims'),
          seed: parseInt10(o.seed, 'seed'),
          scorer: parseScorer(o.scorer),
          by: [...DIMENSIONS],
        });
        if (o.json)
          return processIo.out(
            JSON.stringify(
              {
                snapshotId: r.snapshotId,
                rows: r.rows,
                deals: r.deals,
                period: r.report.period,
                total: r.report.total,
                seed: r.report.seed,
              },
              null,
              2,
            ),
          );
        processIo.out(
          `Snapshot ${r.snapshotId} stored: ${r.report.period.label} as of ${r.report.asOf.slice(0, 10)}, expected ${money(r.report.total.expected)?.toLocaleString('en-US')} (P10 ${money(r.report.total.p10)?.toLocaleString('en-US')}, P90 ${money(r.report.total.p90)?.toLocaleString('en-US')}), ${r.rows} forecast rows, ${r.deals} deals, seed ${r.report.seed}.`,
        );
      });
    });
}

function registerSnapshots(forecast: Command) {
  forecast
    .command('snapshots')
    .description('List stored forecast snapshots, latest as-of first')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print as JSON')
    .option('--csv', 'print as CSV')
    .action(async (o: { limit: string } & OutputOpts) => {
      const { listForecastSnapshots } = await import('../services/forecast/snapshot-service');
      await withDatabase(async (db) => {
        const list = await listForecastSnapshots(db, { limit: parseInt10(o.limit, 'limit') });
        if (o.json) return processIo.out(JSON.stringify(list, null, 2));
        const rows = list.map((s) => ({
          id: s.id,
          as_of: s.asOf.slice(0, 16).replace('T', ' '),
          taken_at: s.takenAt.slice(0, 16).replace('T', ' '),
          period: s.period,
          won: money(s.wonToDate),
          expected: money(s.expected),
          p10: money(s.p10),
          p90: money(s.p90),
          deals: s.deals,
        }));
        processIo.out(o.csv ? toCsv(rows) : table(rows));
      });
    });
}

function registerChanges(forecast: Command) {
  forecast
    .command('changes')
    .description('Pipeline changes between two snapshots as a waterfall: new, pulled in, pushed out, won, lost, amount changes')
    .option('--from <id>', 'earlier snapshot id (default: the second latest)')
    .option('--to <id>', 'later snapshot id (default: the latest)')
    .option('--deals', 'list every changed deal')
    .option('--json', 'print as JSON')
    .option('--csv', 'print the changed deals as CSV')
    .action(async (o: { from?: string; to?: string; deals?: boolean } & OutputOpts) => {
      const { compareForecastSnapshots, dealLabels } = await import('../services/forecast/snapshot-service');
      await withDatabase(async (db) => {
        const w = await compareForecastSnapshots(db, { from: parseInt10(o.from, 'from'), to: parseInt10(o.to, 'to') });
        const labels = await dealLabels(
          db,
          w.changes.map((c) => c.opportunityId),
        );
        const named = w.changes.map((c) => ({
          ...c,
          externalId: labels.get(c.opportunityId)?.externalId ?? null,
          name: labels.get(c.opportunityId)?.name ?? null,
        }));
        if (o.json) return processIo.out(JSON.stringify({ ...w, changes: named }, null, 2));
        const dealRows = named.map((c) => ({
          deal: c.externalId ?? String(c.opportunityId),
          name: c.name ?? '',
          change: c.kind,
          delta: money(c.delta),
          from_amount: money(c.from?.amount),
          to_amount: money(c.to?.amount),
          from_close: c.from?.expectedCloseAt ? new Date(c.from.expectedCloseAt).toISOString().slice(0, 10) : '',
          to_close: c.to?.expectedCloseAt ? new Date(c.to.expectedCloseAt).toISOString().slice(0, 10) : '',
        }));
        if (o.csv) return processIo.out(toCsv(dealRows));
        processIo.out(
          `Pipeline expected to close in ${w.from.period} (${w.window.start.slice(0, 10)} to ${w.window.end.slice(0, 10)}), snapshot ${w.from.id} (as of ${w.from.asOf.slice(0, 16).replace('T', ' ')}) → ${w.to.id} (as of ${w.to.asOf.slice(0, 16).replace('T', ' ')})`,
        );
        let running = w.start;
        const rows: Record<string, unknown>[] = [{ step: 'start', deals: null, amount: money(w.start), running: money(w.start) }];
        for (const s of w.steps) {
          running += s.amount;
          rows.push({ step: s.kind.replace('_', ' '), deals: s.deals, amount: money(s.amount), running: money(running) });
        }
        rows.push({ step: 'end', deals: null, amount: money(w.end), running: money(w.end) });
        processIo.out(table(rows));
        if (o.deals) {
          processIo.out('');
          processIo.out(table(dealRows));
        }
      });
    });
}

function registerBacktest(forecast: Command) {
  forecast
    .command('backtest')
    .description(
      "Replay history as of each period start (no later data) and compare Monte Carlo, stage-weighted, the reps' call and run-rate forecasts with actual bookings",
    )
    .option('--from <date>', 'first period start (default: 12 periods before --to)')
    .option('--to <date>', 'end of the last period (default: start of the current period)')
    .option('--period <kind>', 'month, quarter or year', 'month')
    .option('--sims <n>', 'simulations per period', '2000')
    .option('--seed <n>', 'random seed (default: SALESCAST_SEED)')
    .option('--scorer <s>', 'stage-model (default) or win-model (retrained in memory as of each period: slower)', 'stage-model')
    .option('--json', 'print as JSON')
    .option('--csv', 'print the per-period table as CSV')
    .action(async (o: { from?: string; to?: string; period: string; sims: string; seed?: string; scorer: string } & OutputOpts) => {
      if (!['month', 'quarter', 'year'].includes(o.period))
        throw invalidInput('--period must be month, quarter or year', [
          { path: ['period'], value: o.period, problem: 'unknown period kind' },
        ]);
      const scorer = o.scorer;
      if (scorer !== 'stage-model' && scorer !== 'win-model')
        throw invalidInput('--scorer must be stage-model or win-model', [{ path: ['scorer'], value: o.scorer, problem: 'unknown scorer' }]);
      const { backtestForecasts } = await import('../services/forecast/forecast-service');
      await withDatabase(async (db) => {
        const bar = progressBar(processIo, 'backtest');
        const r = await backtestForecasts(db, {
          from: parseDate(o.from, 'from'),
          to: parseDate(o.to, 'to'),
          period: o.period as 'month',
          sims: parseInt10(o.sims, 'sims'),
          seed: parseInt10(o.seed, 'seed'),
          scorer,
          onProgress: (d) => bar.update(d),
        });
        bar.done();
        printBacktest(processIo, r, o);
      });
    });
}

function registerRunRate(forecast: Command) {
  forecast
    .command('run-rate')
    .description(
      'Run-rate forecast of monthly bookings and revenue (trend + seasonality / Holt-Winters) with 80% and 95% intervals, and the driver regression',
    )
    .option('--horizon <months>', 'months ahead', '12')
    .option('--seed <n>', 'random seed for simulated intervals (default: SALESCAST_SEED)')
    .option('--json', 'print as JSON')
    .option('--csv', 'print the forecast table as CSV')
    .action(async (o: { horizon: string; seed?: string } & OutputOpts) => {
      const { forecastRunRates } = await import('../services/forecast/forecast-service');
      await withDatabase(async (db) => {
        const r = await forecastRunRates(db, { horizon: parseInt10(o.horizon, 'horizon'), seed: parseInt10(o.seed, 'seed') });
        printRunRate(processIo, r, o);
      });
    });
}

function registerWhatIf(forecast: Command) {
  forecast
    .command('what-if')
    .description('Change a deal (stage, amount, close date, activities) or drop it, and see its new score and the forecast delta')
    .requiredOption('--deal <id>', 'opportunity id')
    .option('--stage <stage>', 'new stage')
    .option('--amount <n>', 'new amount')
    .option('--close-date <date>', 'new expected close date (YYYY-MM-DD)')
    .option('--activities <n>', 'activities logged now (count)')
    .option('--activity-type <type>', 'type of those activities', 'meeting')
    .option('--drop', 'remove the deal from the pipeline')
    .option('--period <period>', 'month, quarter or year (default: the current quarter)')
    .option('--sims <n>', 'number of simulations', '10000')
    .option('--seed <n>', 'random seed (default: SALESCAST_SEED)')
    .option('--scorer <s>', 'auto, win-model or stage-model', 'auto')
    .option('--json', 'print as JSON')
    .action(
      async (o: {
        deal: string;
        stage?: string;
        amount?: string;
        closeDate?: string;
        activities?: string;
        activityType: string;
        drop?: boolean;
        period?: string;
        sims: string;
        seed?: string;
        scorer?: string;
        json?: boolean;
      }) => {
        const amount = o.amount === undefined ? undefined : Number(o.amount);
        if (amount !== undefined && !(amount >= 0))
          throw invalidInput('--amount must be a non-negative number', [
            { path: ['amount'], value: o.amount, problem: 'must be a non-negative number' },
          ]);
        const activities = parseInt10(o.activities, 'activities');
        const { whatIfForecast } = await import('../services/forecast/what-if-service');
        await withDatabase(async (db) => {
          const r = await whatIfForecast(db, {
            period: o.period,
            sims: parseInt10(o.sims, 'sims'),
            seed: parseInt10(o.seed, 'seed'),
            scorer: parseScorer(o.scorer),
            changes: [
              {
                opportunityId: parseInt10(o.deal, 'deal')!,
                stage: o.stage,
                amount,
                expectedCloseAt: parseDate(o.closeDate, 'close-date'),
                addActivities: activities ? { count: activities, type: o.activityType } : undefined,
                drop: o.drop,
              },
            ],
          });
          printWhatIf(processIo, r, o);
        });
      },
    );
}
