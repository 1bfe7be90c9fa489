// `salescast train win`: the deal-win retraining job (safe from cron: it writes a new immutable
// registry version and promotes it in one transaction while servers keep serving the old one).
// `train` is a shared parent: other model families (churn, clv) add their own subcommands.
import type { Command } from 'commander';
import { invalidInput } from '../errors';
import type { TrainWinResult } from '../services/win/train-win-model';
import { parseAsOf, processIo, progressBar, table, withDatabase } from './common';

const f = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '' : v.toFixed(digits));

export function summaryRows(r: Omit<TrainWinResult, 'scorer' | 'heldOut'>) {
  const row = (model: string, m: { auc: number | null; logLoss: number; brier: number; ece: number; n: number } | null | undefined) => ({
    model,
    auc: m ? f(m.auc) : 'n/a',
    'log loss': m ? f(m.logLoss, 4) : 'n/a',
    brier: m ? f(m.brier, 4) : 'n/a',
    ece: m ? f(m.ece) : 'n/a',
    'test snapshots': m?.n ?? '',
  });
  return [
    row(`candidate ${r.algorithm}${r.version ? ` v${r.version}` : ''}`, r.candidate),
    ...(r.active ? [row(`active ${r.active.algorithm} v${r.active.version}`, r.active.metrics)] : []),
    row('baseline (stage win rate, same labels)', r.baseline),
  ];
}

export function registerTrainCommands(program: Command) {
  const train =
    program.commands.find((c) => c.name() === 'train') ?? program.command('train').description('Train a model: win, churn or clv');
  train
    .command('win')
    .description(
      'Train the deal-win model on closed deals (time split), compare it with the active model and the stage baseline, register it and promote it if it wins',
    )
    .option('--as-of <date>', 'train on what was known at this date (default: now)')
    .option('--promote <mode>', 'auto (only if it beats the active model and the baseline), never, always', 'auto')
    .option('--algorithm <name>', 'logistic, mlp or both (time-ordered cross-validation picks one)', 'both')
    .option('--lost-after-days <n>', 'count open deals idle for this many days as lost (lead funnels that never record losses)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { asOf?: string; promote: string; algorithm: string; lostAfterDays?: string; json?: boolean }) => {
      const lostAfterDays = opts.lostAfterDays === undefined ? undefined : Number(opts.lostAfterDays);
      if (lostAfterDays !== undefined && !(Number.isInteger(lostAfterDays) && lostAfterDays > 0))
        throw invalidInput(`--lost-after-days must be a positive whole number of days (got "${opts.lostAfterDays}")`, [
          { path: ['lost-after-days'], value: opts.lostAfterDays, problem: 'must be a positive integer' },
        ]);
      if (!['auto', 'never', 'always'].includes(opts.promote))
        throw invalidInput(`--promote must be auto, never or always (got "${opts.promote}")`, [
          { path: ['promote'], value: opts.promote, problem: 'must be auto, never or always' },
        ]);
      if (!['logistic', 'mlp', 'both'].includes(opts.algorithm))
        throw invalidInput(`--algorithm must be logistic, mlp or both (got "${opts.algorithm}")`, [
          { path: ['algorithm'], value: opts.algorithm, problem: 'must be logistic, mlp or both' },
        ]);
      const asOf = parseAsOf(opts.asOf);
      const { trainWinModel } = await import('../services/win/train-win-model');
      await withDatabase(async (db) => {
        let bar: ReturnType<typeof progressBar> | null = null;
        let current = '';
        const result = await trainWinModel(db, {
          asOf,
          promote: opts.promote as 'auto',
          algorithm: opts.algorithm as 'both',
          lostAfterDays,
          onProgress: (stage, fraction, message) => {
            if (opts.json) return;
            if (stage !== current) {
              bar?.done();
              current = stage;
              bar = progressBar(processIo, stage.padEnd(9), 100);
            }
            bar?.update(Math.round(fraction * 100));
            if (message && !processIo.isTTY && fraction >= 1) processIo.err(`${stage}: ${message}`);
          },
        });
        (bar as ReturnType<typeof progressBar> | null)?.done();
        const { scorer: _scorer, heldOut: _heldOut, ...printable } = result;
        if (opts.json) {
          processIo.out(JSON.stringify(printable, null, 2));
          return;
        }
        printWinTraining(result, lostAfterDays);
      });
    });
}

function printWinTraining(result: TrainWinResult, lostAfterDays: number | undefined) {
  const d = result.data;
  processIo.out(
    `Deal-win model trained on ${d.closedDeals.toLocaleString('en-US')} closed deals (${d.won} won, ${d.lost} lost) as of ${d.window.to.slice(0, 10)}, seed ${result.seed}`,
  );
  processIo.out(
    `Snapshots: ${d.examples.train} training window (cross-validated, then refitted on all), ${d.examples.test} held out (deals from ${d.window.testFrom.slice(0, 10)}), scored through the serving path`,
  );
  if (d.staleCountedAsLost)
    processIo.out(`${d.staleCountedAsLost.toLocaleString('en-US')} idle open deals counted as lost (--lost-after-days ${lostAfterDays})`);
  for (const x of d.excludedAttributes) processIo.out(`Left out attribute "${x.key}": ${x.reason}`);
  for (const c of d.lumpedCategoricals)
    processIo.out(
      `${c.feature}: ${c.values.toLocaleString('en-US')} distinct values, ${c.columns} with a column of their own, the rest (${(c.otherShare * 100).toFixed(0)}% of snapshots) as "other"`,
    );
  // Loaded when a report is printed, not when the CLI starts (test/cli/cli-startup.test.ts).
  const { leakageLines, promotionLines, selectionLines } =
    require('../services/models/training-report') as typeof import('../services/models/training-report');
  for (const line of [...selectionLines(result.metrics.selection), ...leakageLines(result.leakage)]) processIo.out(line);
  processIo.out('');
  processIo.out(table(summaryRows(result)));
  const atCreation = result.metrics.testByKind.creation;
  if (atCreation)
    processIo.out(
      `At creation only (${atCreation.model.n} held-out deals as they were created): AUC ${f(atCreation.model.auc)} vs baseline ${f(atCreation.baseline.auc)}, log loss ${f(atCreation.model.logLoss, 4)} vs ${f(atCreation.baseline.logLoss, 4)}`,
    );
  for (const line of promotionLines(result.promotion)) processIo.out(line);
  processIo.out('');
  const t = result.metrics.timing;
  if (t.medianAbsErrorDays !== null)
    processIo.out(
      `Close timing on won test deals: median error ${t.medianAbsErrorDays.toFixed(1)} days` +
        (t.slipRate !== null
          ? `; slip rate ${f(t.slipRate, 2)} vs predicted ${f(t.meanSlipProbability, 2)}`
          : ' (no expected close dates to measure slip)'),
    );
  processIo.out(
    `${result.version ? `Registered win v${result.version}; ` : ''}${result.decision}. (${result.durationSeconds.toFixed(1)} s)`,
  );
}
