// Running one training job that this process holds the lease of (an API server running it in
// process, or a `salescast worker`): the log is appended as the trainer reports and saved twice a
// second, the lease is renewed every third of its length, and the end is recorded only if the job
// is still this runner's. A runner that dies stops renewing: once the lease runs out, another
// process finds the job (reapExpiredJobs) and re-queues or fails it, so it is never left "running".
import type { Database } from '../../db/database';
import { retryWhileBusy } from '../../db/errors';
import {
  expiredJobs,
  failExpiredJob,
  markJobFailed,
  markJobSucceeded,
  renewJobLease,
  requeueJob,
  saveJobLog,
  type TrainingJobRecord,
} from '../../db/repositories/training-jobs';
import type { Trainer } from './trainers';

const MAX_LOG_CHARS = 200_000;
const FLUSH_MS = 500;

/** How a run ended: recorded as succeeded or failed, handed back to the queue, or taken away (lease lost). */
export type RunOutcome = 'succeeded' | 'failed' | 'released' | 'lost';

export interface RunnerOptions {
  /** Who runs it (the lease holder), e.g. `worker host:1234:ab12`. */
  worker: string;
  leaseMs: number;
  onLog?: (job: number, line: string) => void;
}

export interface RunningJob {
  readonly id: number;
  readonly model: string;
  readonly done: Promise<RunOutcome>;
  /** Stops the trainer and records the job failed (a server's shutdown after its grace period). */
  abort(): void;
  /** Stops the trainer and puts the job back in the queue for another worker (a worker's shutdown). */
  release(): void;
}

const stamp = (line: string) => `${new Date().toISOString()} ${line.replace(/\s+$/, '')}\n`;

/** Appends a time-stamped line to a job log, keeping its last MAX_LOG_CHARS characters. */
export function appendLog(log: string, line: string): string {
  return (log + stamp(line)).slice(-MAX_LOG_CHARS);
}

export function runJob(db: Database, job: TrainingJobRecord, trainer: Trainer, opts: RunnerOptions): RunningJob {
  const { id } = job;
  const lease = () => ({ worker: opts.worker, expiresAt: new Date(Date.now() + opts.leaseMs) });
  const abort = new AbortController();
  let stop: 'abort' | 'release' | null = null;
  let lost = false;
  let log = job.log;
  let dirty = false;
  const append = (line: string) => {
    log = appendLog(log, line);
    dirty = true;
    opts.onLog?.(id, line);
  };

  const flush = async () => {
    if (!dirty) return;
    dirty = false;
    await saveJobLog(db.sql, id, opts.worker, log).catch(() => undefined);
  };
  const renew = async () => {
    // A database that does not answer now is not a lost lease: the next renewal may get through.
    const held = await renewJobLease(db.sql, id, lease()).catch(() => true);
    if (held || lost) return;
    lost = true;
    append(`lease lost: job ${id} was taken over or finished by another process; stopping`);
    abort.abort();
  };
  const flushTimer = setInterval(() => void flush(), FLUSH_MS);
  const leaseTimer = setInterval(() => void renew(), Math.max(250, Math.floor(opts.leaseMs / 3)));
  // The lease timer keeps the process alive while the job runs (a trainer awaiting something that
  // holds no handle of its own must not let a worker exit mid-job); it is cleared when the job ends.
  flushTimer.unref();

  const done = (async (): Promise<RunOutcome> => {
    append(
      `job ${id}: training ${job.model} with ${JSON.stringify(job.params)} (${opts.worker}${job.attempts > 1 ? `, attempt ${job.attempts}` : ''})`,
    );
    try {
      const result = await trainer(job.params, { log: append, signal: abort.signal });
      clearInterval(leaseTimer);
      if (lost) return 'lost';
      append('job succeeded');
      clearInterval(flushTimer);
      // Another process (this very run's training child, an import) may hold SQLite: retry, without blocking.
      return (await retryWhileBusy(() => markJobSucceeded(db.sql, id, opts.worker, result, log, new Date()))) ? 'succeeded' : 'lost';
    } catch (e) {
      clearInterval(leaseTimer);
      if (lost) return 'lost';
      if (stop === 'release') {
        append('the worker is stopping: job returned to the queue');
        clearInterval(flushTimer);
        return (await retryWhileBusy(() => requeueJob(db.sql, id, log, { worker: opts.worker })).catch(() => false)) ? 'released' : 'lost';
      }
      const message = e instanceof Error ? e.message : String(e);
      append(`job failed: ${message}`);
      clearInterval(flushTimer);
      await retryWhileBusy(() => markJobFailed(db.sql, id, opts.worker, message.slice(0, 4000), log, new Date())).catch(() => undefined);
      return 'failed';
    } finally {
      clearInterval(flushTimer);
      clearInterval(leaseTimer);
    }
  })();

  return {
    id,
    model: job.model,
    done,
    abort() {
      stop ??= 'abort';
      abort.abort();
    },
    release() {
      stop ??= 'release';
      abort.abort();
    },
  };
}

export interface ReapResult {
  requeued: number[];
  failed: number[];
}

/**
 * Finds running jobs whose lease ran out (their runner died: a killed worker, a crashed server)
 * and re-queues each (while `requeue` and it has had fewer than `maxAttempts` attempts) or fails
 * it, saying why in its log. Safe to run from several processes at once: each job goes to one.
 */
export async function reapExpiredJobs(db: Database, opts: { requeue: boolean; maxAttempts: number; now?: Date }): Promise<ReapResult> {
  const now = opts.now ?? new Date();
  const out: ReapResult = { requeued: [], failed: [] };
  for (const job of await expiredJobs(db.sql, now)) {
    const holder = job.worker ? `its runner (${job.worker})` : 'the process running it';
    const why = job.leaseExpiresAt
      ? `${holder} stopped renewing its lease (expired ${job.leaseExpiresAt.toISOString()})`
      : `${holder} stopped before leases were recorded`;
    if (opts.requeue && job.attempts < opts.maxAttempts) {
      const log = appendLog(job.log, `${why}: re-queued (attempt ${job.attempts} of ${opts.maxAttempts} was lost)`);
      if (await requeueJob(db.sql, job.id, log, { expiredBefore: now })) out.requeued.push(job.id);
    } else {
      const error = `interrupted: ${why}${opts.requeue ? ` after ${job.attempts} attempt(s)` : ''}`;
      if (await failExpiredJob(db.sql, job.id, error, appendLog(job.log, error), now)) out.failed.push(job.id);
    }
  }
  return out;
}
