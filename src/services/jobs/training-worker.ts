// `salescast worker`: takes queued training jobs from the database, one at a time, and runs them
// (TRAINING_RUNNER=worker: API replicas queue jobs and never train). Several workers can share one
// database: a job is claimed with FOR UPDATE SKIP LOCKED (PostgreSQL) or under SQLite's single
// writer, so no two run the same job. The claim is a lease the worker renews while the job runs;
// before each claim a worker re-queues (or, after TRAINING_MAX_ATTEMPTS, fails) jobs whose lease
// ran out because their worker died. On PostgreSQL a queued job wakes idle workers at once
// (NOTIFY); otherwise they look every WORKER_POLL_SECONDS.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Database } from '../../db/database';
import { claimNextJob, markJobFailed, type TrainingJobRecord } from '../../db/repositories/training-jobs';
import { type ChangeFeed, watchChanges } from '../change-feed';
import { appendLog, reapExpiredJobs, type RunOutcome, type RunningJob, runJob } from './job-runner';
import type { Trainer } from './trainers';

export interface WorkerEvent {
  event: string;
  [field: string]: unknown;
}

export interface TrainingWorkerOptions {
  /** This worker's name in the jobs it runs (default `worker <host>:<pid>:<random>`). */
  id?: string;
  leaseMs: number;
  pollMs: number;
  maxAttempts: number;
  /** Stop once the queue is empty (a batch run) instead of waiting for more jobs. */
  once?: boolean;
  log?: (e: WorkerEvent) => void;
}

export function workerId(): string {
  return `worker ${os.hostname()}:${process.pid}:${crypto.randomBytes(2).toString('hex')}`;
}

export class TrainingWorker {
  readonly id: string;
  private stopping = false;
  private current: RunningJob | null = null;
  private wake: (() => void) | null = null;
  private feed: ChangeFeed | null = null;
  private loop: Promise<void> | null = null;
  /** Jobs this worker finished, by outcome (for `--once` summaries and tests). */
  readonly finished: { id: number; model: string; outcome: RunOutcome }[] = [];

  constructor(
    private readonly db: Database,
    private readonly trainers: Record<string, Trainer>,
    private readonly opts: TrainingWorkerOptions,
  ) {
    this.id = opts.id ?? workerId();
  }

  private log(e: WorkerEvent) {
    this.opts.log?.({ worker: this.id, ...e });
  }

  /** Runs until stop() (or, with `once`, until the queue is empty); resolves when the worker has stopped. */
  start(): Promise<void> {
    this.feed = watchChanges(this.db, {
      jobs: () => this.wake?.(),
      resync: () => this.wake?.(),
      error: (err) => this.log({ event: 'listen-error', message: err.message }),
    });
    this.log({
      event: 'started',
      leaseSeconds: this.opts.leaseMs / 1000,
      pollSeconds: this.opts.pollMs / 1000,
      notify: Boolean(this.feed),
    });
    this.loop ??= this.run().finally(() => this.feed?.close());
    return this.loop;
  }

  /**
   * Stops taking jobs; a job still running after `graceMs` is stopped and put back in the queue for
   * another worker. Resolves once the worker has stopped.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.graceMs = graceMs;
    this.wake?.();
    this.releaseAfterGrace();
    await this.loop;
  }

  private graceMs: number | null = null;

  /** Once stopping: the running job gets the grace period to finish, then goes back to the queue. */
  private releaseAfterGrace() {
    const job = this.current;
    if (!job || this.graceMs === null) return;
    this.log({ event: 'stopping', job: job.id, graceSeconds: this.graceMs / 1000 });
    const timer = setTimeout(() => job.release(), this.graceMs);
    timer.unref();
    void job.done.finally(() => clearTimeout(timer));
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let worked = false;
      try {
        worked = await this.tick();
      } catch (e) {
        // The database may be down for a while: keep trying at the poll interval.
        this.log({ event: 'error', message: e instanceof Error ? e.message : String(e) });
      }
      if (this.stopping) break;
      if (worked) continue;
      if (this.opts.once) break;
      await new Promise<void>((resolve) => {
        // Not unref'd: an idle worker on SQLite has nothing else keeping its process alive.
        const timer = setTimeout(resolve, this.opts.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    this.log({ event: 'stopped', finished: this.finished.length });
  }

  /** Recovers abandoned jobs, then takes and runs one queued job; false when there was none. */
  private async tick(): Promise<boolean> {
    const reaped = await reapExpiredJobs(this.db, { requeue: true, maxAttempts: this.opts.maxAttempts });
    if (reaped.requeued.length || reaped.failed.length) this.log({ event: 'recovered', requeued: reaped.requeued, failed: reaped.failed });
    const now = new Date();
    const job = await claimNextJob(this.db.sql, { worker: this.id, expiresAt: new Date(now.getTime() + this.opts.leaseMs) }, now);
    if (!job) return false;
    await this.runClaimed(job);
    return true;
  }

  private async runClaimed(job: TrainingJobRecord): Promise<void> {
    const trainer = this.trainers[job.model];
    if (!trainer) {
      const error = `this worker cannot train "${job.model}" (it trains ${Object.keys(this.trainers).join(', ')})`;
      await markJobFailed(this.db.sql, job.id, this.id, error, appendLog(job.log, error), new Date());
      this.finished.push({ id: job.id, model: job.model, outcome: 'failed' });
      return;
    }
    this.log({ event: 'job-started', job: job.id, model: job.model, attempt: job.attempts });
    const began = Date.now();
    this.current = runJob(this.db, job, trainer, { worker: this.id, leaseMs: this.opts.leaseMs });
    if (this.stopping) this.releaseAfterGrace();
    const outcome = await this.current.done;
    this.current = null;
    this.finished.push({ id: job.id, model: job.model, outcome });
    this.log({ event: 'job-finished', job: job.id, model: job.model, outcome, seconds: (Date.now() - began) / 1000 });
  }
}
