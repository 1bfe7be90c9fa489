// The nightly batch job behind `salescast retrain` (and training/): train each model with
// `--promote auto`, then score open deals and customers, then store a forecast snapshot, one step
// after another, under a lock so two runs never overlap (src/db/run-locks.ts). Each step is
// reported as it ends (duration, decision, version). A step that fails is reported and the run
// goes on with the next one: a model that could not be retrained (too little new history) leaves
// its active version in place, and the scores and the snapshot are still refreshed with it.
import type { Database } from '../../db/database';
import { isHeld, lockHolderName, tryRunLock } from '../../db/run-locks';
import { AppError, conflict, isAppError } from '../../errors';

export const RETRAIN_MODELS = ['win', 'churn', 'clv'] as const;
export type RetrainModel = (typeof RETRAIN_MODELS)[number];

export const RETRAIN_LOCK = 'retrain';

export interface RetrainStep {
  /** lock | train | score-deals | score-customers | forecast-snapshot | done (the whole run) */
  step: string;
  model?: RetrainModel;
  status: 'ok' | 'failed' | 'planned';
  seconds: number;
  version?: number | null;
  promoted?: boolean;
  decision?: string;
  /** What the step did or, for a dry run, will do. */
  detail?: string;
  error?: { code: string; message: string };
}

export interface RetrainOptions {
  only?: readonly RetrainModel[];
  dryRun?: boolean;
  modelsDir: string;
  seed: number;
  onStep?: (step: RetrainStep) => void;
}

export interface RetrainResult {
  steps: RetrainStep[];
  /** The first failed step's error (the run's exit code comes from it), or null. */
  failed: AppError | null;
}

interface Planned {
  step: string;
  model?: RetrainModel;
  detail: string;
  run: () => Promise<Partial<RetrainStep>>;
}

/** The steps a run with `only` takes: scoring and the snapshot follow the models they use. */
function plan(db: Database, opts: RetrainOptions): Planned[] {
  const only = new Set(opts.only?.length ? opts.only : RETRAIN_MODELS);
  const { modelsDir } = opts;
  const trained = (r: { version: number | null; promoted: boolean; decision: string }) => ({
    version: r.version,
    promoted: r.promoted,
    decision: r.decision,
  });
  const steps: Planned[] = [];
  const train = (model: RetrainModel, run: () => Promise<Partial<RetrainStep>>) =>
    steps.push({ step: 'train', model, detail: `train ${model} and promote it if it beats the active version and the baseline`, run });
  if (only.has('win'))
    train('win', async () => trained(await (await import('../win/train-win-model')).trainWinModel(db, { promote: 'auto', modelsDir })));
  if (only.has('churn'))
    train('churn', async () =>
      trained(await (await import('../customers/train-churn-model')).trainChurnModel(db, { promote: 'auto', modelsDir })),
    );
  if (only.has('clv'))
    train('clv', async () =>
      trained(await (await import('../customers/train-clv-model')).trainClvModel(db, { promote: 'auto', modelsDir })),
    );
  if (only.has('win'))
    steps.push({
      step: 'score-deals',
      detail: 'score every open deal with the active win model',
      run: async () => {
        const r = await (await import('../win/score-deals')).scoreOpenDeals(db, { modelsDir });
        return { detail: `scored ${r.scores.length} open deals${r.fallback ? ' (stage baseline: no usable win model)' : ''}` };
      },
    });
  if (only.has('churn') || only.has('clv'))
    steps.push({
      step: 'score-customers',
      detail: 'score every customer with the active churn and clv models',
      run: async () => {
        const r = await (await import('../customers/score-customers')).scoreAndStoreCustomers(db, { modelsDir });
        return { detail: `scored ${r.stored} customers (${r.withChurn} with churn, ${r.withClv} with CLV)` };
      },
    });
  if (only.has('win'))
    steps.push({
      step: 'forecast-snapshot',
      detail: 'store the forecast of the current quarter as of now',
      run: async () => {
        const r = await (await import('../forecast/snapshot-service')).takeForecastSnapshot(db, { seed: opts.seed, modelsDir });
        return { detail: `stored snapshot ${r.snapshotId} of ${r.report.period.label} (${r.deals} open deals)` };
      },
    });
  return steps;
}

const seconds = (since: number) => Math.round((performance.now() - since) / 10) / 100;

const errorOf = (e: unknown): AppError => (isAppError(e) ? e : new AppError('INTERNAL', e instanceof Error ? e.message : String(e)));

export async function retrain(db: Database, opts: RetrainOptions): Promise<RetrainResult> {
  const steps: RetrainStep[] = [];
  const report = (s: RetrainStep) => {
    steps.push(s);
    opts.onStep?.(s);
  };
  const began = performance.now();
  const lock = await tryRunLock(db, RETRAIN_LOCK, lockHolderName('salescast retrain'));
  if (!isHeld(lock)) {
    const since = lock.since ? ` since ${lock.since.toISOString()}` : '';
    const err = conflict(`another retrain is running (${lock.holder}${since}); this run did nothing`);
    const error = { code: err.code, message: err.message };
    report({ step: 'lock', status: 'failed', seconds: seconds(began), error });
    report({ step: 'done', status: 'failed', seconds: seconds(began), detail: 'nothing done: the lock is held', error });
    return { steps, failed: err };
  }
  let failed: AppError | null = null;
  try {
    const lockKind = db.dialect === 'postgresql' ? 'PostgreSQL advisory lock' : 'run_lock row';
    report({ step: 'lock', status: 'ok', seconds: seconds(began), detail: `${lockKind} "${RETRAIN_LOCK}" held by ${lock.holder}` });
    for (const p of plan(db, opts)) {
      const base = { step: p.step, ...(p.model ? { model: p.model } : {}) };
      if (opts.dryRun) {
        report({ ...base, status: 'planned', seconds: 0, detail: p.detail });
        continue;
      }
      const t0 = performance.now();
      try {
        const out = await p.run();
        report({ ...base, status: 'ok', seconds: seconds(t0), ...out });
      } catch (e) {
        const err = errorOf(e);
        failed ??= err;
        report({ ...base, status: 'failed', seconds: seconds(t0), error: { code: err.code, message: err.message } });
      }
    }
  } finally {
    await lock.release();
  }
  // A last line for log monitors: the whole run, and whether any step failed.
  const failedSteps = steps.filter((s) => s.status === 'failed').length;
  report({
    step: 'done',
    status: failed ? 'failed' : 'ok',
    seconds: seconds(began),
    detail: failed ? `${failedSteps} step(s) failed; the first: ${failed.message}` : `${steps.length - 1} step(s)`,
    ...(failed ? { error: { code: failed.code, message: failed.message } } : {}),
  });
  return { steps, failed };
}
