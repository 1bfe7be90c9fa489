// `salescast retrain`: the nightly batch job (training/ holds its cron, systemd and Kubernetes
// set-ups). Trains each model with --promote auto, scores open deals and customers, stores a
// forecast snapshot, under a lock so two runs never overlap. One line per step: JSON with --json
// (duration, decision, version), text otherwise. Exit codes as every command: 0 when every step
// succeeded, else the code of the first failure (5 when another run holds the lock).
import type { Command } from 'commander';
import { invalidInput } from '../errors';
import type { RetrainModel, RetrainStep } from '../services/batch/retrain';
import { EXIT, ExitSignal, processIo, withDatabase } from './common';

const MODELS: readonly RetrainModel[] = ['win', 'churn', 'clv'];

function parseOnly(raw: string | undefined): RetrainModel[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((m) => !MODELS.includes(m as RetrainModel));
  if (!items.length || bad.length)
    throw invalidInput(`--only must list models among ${MODELS.join(', ')} (got "${raw}")`, [
      { path: ['only'], value: raw, problem: `must be a comma-separated list of ${MODELS.join(', ')}` },
    ]);
  return [...new Set(items)] as RetrainModel[];
}

function textLine(s: RetrainStep): string {
  const what = s.model ? `${s.step} ${s.model}` : s.step;
  const took = s.status === 'planned' ? '' : ` (${s.seconds.toFixed(1)} s)`;
  if (s.status === 'failed') return `${what}: FAILED${took} — ${s.error?.message}`;
  const version = s.version !== undefined ? `version ${s.version ?? '-'}, ${s.promoted ? 'promoted' : 'not promoted'} — ` : '';
  return `${what}: ${s.status === 'planned' ? 'would ' : ''}${version}${s.decision ?? s.detail ?? 'done'}${took}`;
}

export function registerRetrainCommands(program: Command) {
  program
    .command('retrain')
    .description(
      'The nightly job: train win, churn and clv (promote auto), score open deals and customers, store a forecast snapshot; one run at a time (a lock), one line per step',
    )
    .option('--only <models>', 'train only these (comma-separated: win,churn,clv); scoring and the snapshot follow them')
    .option('--json', 'one JSON object per step (step, model, status, seconds, version, promoted, decision)')
    .option('--dry-run', 'take and release the lock, print the steps a run would take, change nothing')
    .action(async (opts: { only?: string; json?: boolean; dryRun?: boolean }) => {
      const only = parseOnly(opts.only);
      const { retrain } = await import('../services/batch/retrain');
      const failed = await withDatabase(async (db, config) => {
        const { migrate } = await import('../db/migrate');
        if (!opts.dryRun) await migrate(config.databaseUrl);
        const r = await retrain(db, {
          only,
          dryRun: Boolean(opts.dryRun),
          modelsDir: config.SALESCAST_MODELS_DIR,
          seed: config.SALESCAST_SEED,
          onStep: (s) => processIo.out(opts.json ? JSON.stringify({ time: new Date().toISOString(), ...s }) : textLine(s)),
        });
        return r.failed;
      });
      if (failed) {
        if (!opts.json) processIo.err(`error: retrain finished with a failed step: ${failed.message}`);
        throw new ExitSignal(EXIT[failed.code] ?? 1);
      }
    });
}
