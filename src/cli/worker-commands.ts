// `salescast worker`: the training worker (TRAINING_RUNNER=worker on the API servers). It takes
// queued training jobs from the database one at a time and runs each as `salescast train <model>`
// in a child process, so API replicas never spend CPU on training. Run as many as the training
// load needs: no two take the same job. One JSON line per event on stdout (as the server logs).
import type { Command } from 'commander';
import { invalidInput } from '../errors';
import { processIo } from './common';

function positiveSeconds(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0))
    throw invalidInput(`--${flag} must be a positive number of seconds (got "${raw}")`, [
      { path: [flag], value: raw, problem: 'must be a positive number' },
    ]);
  return n;
}

export function registerWorkerCommands(program: Command) {
  program
    .command('worker')
    .description(
      'Run queued training jobs (API servers with TRAINING_RUNNER=worker queue them). Several workers may share a database; a job whose worker dies is re-queued after its lease (TRAINING_LEASE_SECONDS). SIGTERM lets the running job finish for SHUTDOWN_GRACE_SECONDS, then returns it to the queue.',
    )
    .option('--once', 'run the jobs queued now, then exit (instead of waiting for more)')
    .option('--poll <seconds>', 'how often an idle worker looks for jobs (default WORKER_POLL_SECONDS)')
    .action(async (opts: { once?: boolean; poll?: string }) => {
      const poll = positiveSeconds('poll', opts.poll);
      const { loadConfig } = await import('../config');
      const { migrate } = await import('../db/migrate');
      const { openDatabase } = await import('../db/database');
      const { TrainingWorker } = await import('../services/jobs/training-worker');
      const { cliTrainers } = await import('../services/jobs/trainers');
      const config = loadConfig();
      await migrate(config.databaseUrl);
      const db = openDatabase(config.databaseUrl);
      const log = (e: Record<string, unknown>) => processIo.out(JSON.stringify({ time: new Date().toISOString(), ...e }));
      db.onConnectionLost((err) => log({ event: 'connection-lost', message: err.message }));
      const worker = new TrainingWorker(
        db,
        cliTrainers({
          DATABASE_URL: config.databaseUrl,
          SALESCAST_MODELS_DIR: config.SALESCAST_MODELS_DIR,
          SALESCAST_MODEL_STORE: config.SALESCAST_MODEL_STORE,
          SALESCAST_SEED: String(config.SALESCAST_SEED),
        }),
        {
          leaseMs: config.TRAINING_LEASE_SECONDS * 1000,
          pollMs: (poll ?? config.WORKER_POLL_SECONDS) * 1000,
          maxAttempts: config.TRAINING_MAX_ATTEMPTS,
          once: Boolean(opts.once),
          log,
        },
      );
      const onSignal = (signal: string) => {
        log({ event: 'signal', signal });
        void worker.stop(config.SHUTDOWN_GRACE_SECONDS * 1000);
      };
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      process.once('SIGINT', () => onSignal('SIGINT'));
      try {
        await worker.start();
      } finally {
        await db.close();
      }
    });
}
