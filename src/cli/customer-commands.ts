// Customer-model commands: `train churn`, `train clv` and `score customers`. `train` and `score` are
// parents shared with the deal-win model (get-or-create), so registration order does not matter.
import type { Command } from 'commander';
import { invalidInput } from '../errors';
import type { TimeUnit } from '../domain/features/customer-summary';
import type { TrainChurnResult } from '../services/customers/train-churn-model';
import type { TrainClvResult } from '../services/customers/train-clv-model';
import type { StoreCustomerScoresResult } from '../services/customers/score-customers';
import { processIo, progressBar, table, withDatabase } from './common';

function parseDate(v: string | undefined, flag: string): Date | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(t))
    throw invalidInput(`${flag} "${v}" is not a date (use YYYY-MM-DD or ISO 8601)`, [
      { path: [flag.replace(/^--/, '')], value: v, problem: 'must be a date' },
    ]);
  return new Date(t);
}

function parseNumber(v: string | undefined, flag: string, check: (n: number) => boolean, rule: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n))
    throw invalidInput(`${flag} must be ${rule} (got "${v}")`, [{ path: [flag.replace(/^--/, '')], value: v, problem: `must be ${rule}` }]);
  return n;
}

function parseChoice<T extends string>(v: string, flag: string, choices: readonly T[]): T {
  if (!choices.includes(v as T))
    throw invalidInput(`${flag} must be ${choices.join(', ')} (got "${v}")`, [
      { path: [flag.replace(/^--/, '')], value: v, problem: `must be one of ${choices.join(', ')}` },
    ]);
  return v as T;
}

const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));

export function registerCustomerCommands(program: Command) {
  const train =
    program.commands.find((c) => c.name() === 'train') ?? program.command('train').description('Train a model: win, churn or clv');
  registerTrainChurn(train);
  registerTrainClv(train);
  const score =
    program.commands.find((c) => c.name() === 'score') ??
    program.command('score').description('Score open deals or customers with the active models');
  registerScoreCustomers(score);
}

function registerTrainChurn(train: Command) {
  train
    .command('churn')
    .description(
      'Train the supervised churn model (labels from account status/churn date, or "no purchase within N days"), compare with a recency-only baseline on the latest window, register it and promote it if it wins',
    )
    .option('--as-of <date>', 'observation date: features use only data before it (default: now, or the day after the last event)')
    .option('--label <mode>', 'auto, status (churned accounts / churn dates) or no-purchase (no order within the window)', 'auto')
    .option('--window <days>', 'churn window after each observation date, in days', '90')
    .option('--algorithm <name>', 'logistic or mlp', 'logistic')
    .option('--promote <mode>', 'auto (only if it beats the baseline and the active model), never, always', 'auto')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { asOf?: string; label: string; window: string; algorithm: string; promote: string; json?: boolean }) => {
      const asOf = parseDate(opts.asOf, '--as-of');
      const label = parseChoice(opts.label, '--label', ['auto', 'status', 'no-purchase'] as const);
      const algorithm = parseChoice(opts.algorithm, '--algorithm', ['logistic', 'mlp'] as const);
      const promote = parseChoice(opts.promote, '--promote', ['auto', 'never', 'always'] as const);
      const windowDays = parseNumber(opts.window, '--window', (n) => Number.isInteger(n) && n >= 1, 'a whole number of days >= 1');
      const { trainChurnModel } = await import('../services/customers/train-churn-model');
      await withDatabase(async (db) => {
        let bar: ReturnType<typeof progressBar> | null = null;
        const r = await trainChurnModel(db, {
          asOf,
          label,
          algorithm,
          promote,
          windowDays,
          onProgress: (_stage, fraction) => {
            if (opts.json) return;
            bar ??= progressBar(processIo, 'training', 100);
            bar.update(Math.round(fraction * 100));
          },
        });
        (bar as ReturnType<typeof progressBar> | null)?.done();
        const { scorer: _s, heldOut: _h, ...printable } = r;
        if (opts.json) {
          processIo.out(JSON.stringify(printable, null, 2));
          return;
        }
        printChurnTraining(r);
      });
    });
}

function registerTrainClv(train: Command) {
  train
    .command('clv')
    .description(
      'Fit BG/NBD (purchase frequency, P(alive)) and Gamma-Gamma (spend) on the orders, check them on a holdout after the calibration end, register them as the clv model',
    )
    .option('--as-of <date>', 'ignore orders on or after this date')
    .option(
      '--calibration-end <date>',
      'last day of the calibration period (inclusive; T is measured to it); later orders are the holdout (default: the last day with orders)',
    )
    .option('--time-unit <unit>', 'day, week or month', 'week')
    .option('--horizon <months>', 'CLV horizon in months', '12')
    .option('--discount-rate <rate>', 'annual discount rate for CLV, e.g. 0.1', '0.1')
    .option('--margin <fraction>', "gross margin for CLV (default: from the orders' cost of goods, else 1)")
    .option('--promote <mode>', 'auto, never, always', 'auto')
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: {
        asOf?: string;
        calibrationEnd?: string;
        timeUnit: string;
        horizon: string;
        discountRate: string;
        margin?: string;
        promote: string;
        json?: boolean;
      }) => {
        const { TIME_UNITS } = await import('../domain/features/customer-summary');
        const timeUnit = parseChoice(opts.timeUnit, '--time-unit', TIME_UNITS) as TimeUnit;
        const promote = parseChoice(opts.promote, '--promote', ['auto', 'never', 'always'] as const);
        const horizonMonths = parseNumber(
          opts.horizon,
          '--horizon',
          (n) => Number.isInteger(n) && n >= 1 && n <= 600,
          'a whole number of months between 1 and 600',
        );
        const annualDiscountRate = parseNumber(opts.discountRate, '--discount-rate', (n) => n > -1 && n < 10, 'a rate such as 0.1');
        const margin = parseNumber(opts.margin, '--margin', (n) => n > 0 && n <= 1, 'a fraction in (0, 1]');
        const { trainClvModel } = await import('../services/customers/train-clv-model');
        await withDatabase(async (db) => {
          const r = await trainClvModel(db, {
            asOf: parseDate(opts.asOf, '--as-of'),
            calibrationEnd: parseDate(opts.calibrationEnd, '--calibration-end'),
            timeUnit,
            horizonMonths,
            annualDiscountRate,
            margin,
            promote,
            onProgress: (stage) => {
              if (!opts.json && processIo.isTTY) process.stderr.write(`\r${stage.padEnd(12)}`);
            },
          });
          if (!opts.json && processIo.isTTY) process.stderr.write(`${'\r'.padEnd(14)}\r`);
          const { artifact: _a, ...printable } = r;
          if (opts.json) {
            processIo.out(JSON.stringify(printable, null, 2));
            return;
          }
          printClvTraining(r);
        });
      },
    );
}

function registerScoreCustomers(score: Command) {
  score
    .command('customers')
    .description(
      'Score every account (churn probability with factors, P(alive), expected purchases, CLV, RFM segment) and store the scores with the model versions',
    )
    .option('--as-of <date>', 'score as of this date (default: now, or the day after the last event)')
    .option('--limit <n>', 'rows to print (all are stored)', '20')
    .option('--json', 'print every score as JSON')
    .action(async (opts: { asOf?: string; limit: string; json?: boolean }) => {
      const { scoreAndStoreCustomers } = await import('../services/customers/score-customers');
      await withDatabase(async (db) => {
        const bar = opts.json ? null : progressBar(processIo, 'storing', undefined);
        const r = await scoreAndStoreCustomers(db, { asOf: parseDate(opts.asOf, '--as-of'), onProgress: (done) => bar?.update(done) });
        bar?.done();
        if (opts.json) {
          processIo.out(JSON.stringify(r, null, 2));
          return;
        }
        printCustomerScores(r, Math.max(0, Number(opts.limit) || 0));
      });
    });
}

function printChurnTraining(r: TrainChurnResult) {
  const m = r.metrics;
  processIo.out(`Churn model (${r.algorithm}) as of ${r.asOf.toISOString().slice(0, 10)}, label ${m.labelMode}, seed ${r.seed}`);
  processIo.out(`Evaluation: ${m.evaluationNote}`);
  processIo.out(
    `Examples: ${r.data.train} training window (${r.data.trainChurned} churned; cross-validated, then refitted on all), ${r.data.test} held out, scored through the serving path; ${m.features.numeric} numeric + ${m.features.categorical} categorical features -> ${m.features.encodedColumns} columns`,
  );
  // Loaded when a report is printed, not when the CLI starts (test/cli/cli-startup.test.ts).
  const { leakageLines, promotionLines, selectionLines } =
    require('../services/models/training-report') as typeof import('../services/models/training-report');
  for (const line of [...selectionLines(m.selection), ...leakageLines(m.leakage)]) processIo.out(line);
  processIo.out('');
  const row = (
    name: string,
    t: { auc: number | null; logLoss: number; brier: number; ece: number; n: number; baseRate: number } | null | undefined,
  ) => ({
    model: name,
    auc: f(t?.auc),
    'log loss': f(t?.logLoss, 4),
    brier: f(t?.brier, 4),
    ece: f(t?.ece),
    'churn rate': f(t?.baseRate),
    n: t?.n ?? '',
  });
  processIo.out(
    table([
      row(`candidate${r.version ? ` v${r.version}` : ''}`, m.test),
      ...(r.active ? [row(`active v${r.active.version}`, r.active.metrics)] : []),
      row(`baseline: ${m.baseline.kind}`, m.baseline),
    ]),
  );
  if (r.promotion) for (const line of promotionLines(r.promotion)) processIo.out(line);
  processIo.out('');
  processIo.out(`${r.version ? `Registered churn v${r.version}; ` : ''}${r.decision}. (${r.durationSeconds.toFixed(1)} s)`);
}

function printClvTraining(r: TrainClvResult) {
  const p = r.bgNbd.params;
  processIo.out(
    `CLV model on ${r.customers.toLocaleString('en-US')} customers (${r.repeatCustomers.toLocaleString('en-US')} repeat buyers), calibration up to ${r.calibrationEnd.toISOString().slice(0, 10)}, time unit ${r.timeUnit}`,
  );
  processIo.out(
    `BG/NBD:      r = ${f(p.r, 4)}, alpha = ${f(p.alpha, 4)}, a = ${f(p.a, 4)}, b = ${f(p.b, 4)}; log-likelihood ${r.bgNbd.logLikelihood.toFixed(2)}${r.bgNbd.converged ? '' : ' (NOT converged)'}`,
  );
  if (r.gammaGamma) {
    const g = r.gammaGamma.params;
    processIo.out(
      `Gamma-Gamma: p = ${f(g.p, 4)}, q = ${f(g.q, 4)}, gamma = ${f(g.gamma, 4)}; log-likelihood ${r.gammaGamma.logLikelihood.toFixed(2)} on ${r.gammaGamma.customers} repeat buyers; corr(frequency, spend) = ${f(r.gammaGamma.frequencySpendCorrelation, 3)}`,
    );
  } else processIo.out(`Gamma-Gamma: not fitted (${r.gammaGammaSkipped}); CLV unavailable`);
  processIo.out(
    `CLV: ${r.artifact.clv.horizonMonths} months at ${(r.artifact.clv.annualDiscountRate * 100).toFixed(1)}% a year, margin ${f(r.margin, 3)} (${r.marginSource})`,
  );
  const h = r.holdout;
  if (h)
    processIo.out(
      `Holdout ${h.from.slice(0, 10)} .. ${h.to.slice(0, 10)} (${h.lengthInUnits.toFixed(1)} ${r.timeUnit}s): predicted ${h.predictedRepeatPurchases.toFixed(0)} repeat purchases vs actual ${h.actualRepeatPurchases}; error per customer ${h.mae.toFixed(3)} (naive constant-rate forecast ${h.naiveMae.toFixed(3)}); correlation ${f(h.correlation)}`,
    );
  else processIo.out('Holdout: none (no orders after the calibration end; pass --calibration-end to check the fit)');
  processIo.out(`${r.version ? `Registered clv v${r.version}; ` : ''}${r.decision}. (${r.durationSeconds.toFixed(1)} s)`);
}

function printCustomerScores(r: StoreCustomerScoresResult, limit: number) {
  processIo.out(
    `Scored ${r.stored.toLocaleString('en-US')} accounts as of ${r.asOf.toISOString().slice(0, 10)}: ${r.withChurn} with churn probability (${r.churnModel ? `churn v${r.churnModel.version}` : 'no churn model'}), ${r.withClv} with CLV (${r.clvModel ? `clv v${r.clvModel.version}, ${r.clvModel.horizonMonths} months` : 'no clv model'}), ${r.withRfm} with an RFM segment`,
  );
  for (const e of r.errors) processIo.err(`warning: ${e}`);
  if (Object.keys(r.segments).length)
    processIo.out(
      'Segments: ' +
        Object.entries(r.segments)
          .sort((a, b) => b[1] - a[1])
          .map(([s, n]) => `${s} ${n}`)
          .join(', '),
    );
  const top = [...r.scores]
    .sort((a, b) => (b.churnProbability ?? -1) - (a.churnProbability ?? -1) || (b.clv ?? -1) - (a.clv ?? -1))
    .slice(0, limit);
  if (top.length) {
    processIo.out('');
    processIo.out(
      table(
        top.map((s) => ({
          account: s.externalId,
          churn: f(s.churnProbability),
          'p(alive)': f(s.pAlive),
          'exp. purchases': f(s.expectedPurchases, 2),
          clv: s.clv === null ? 'n/a' : Math.round(s.clv),
          rfm: s.rfm ? `${s.rfm.score} ${s.rfm.segment}` : '',
          'top factor': s.factors[0]?.text ?? s.notes[0] ?? '',
        })),
      ),
    );
  }
}
