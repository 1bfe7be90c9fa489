// Training jobs asked for over HTTP: one row per job in training_job (status, params, log, result),
// at most one queued or running job per model at a time, the log saved as the job runs so a
// client can poll it. Where the work runs depends on TRAINING_RUNNER:
// - `server` (the default): the API server that got the request runs it at once, in a child
//   process (src/services/jobs/trainers.ts), holding the job's lease while it runs;
// - `worker`: the job is queued, and a `salescast worker` process takes it
//   (src/services/jobs/training-worker.ts), so API replicas never spend CPU on training.
import os from 'node:os';
import type { Database } from '../../db/database';
import {
  listTrainingJobs,
  markJobFailed,
  queueJobUnlessBusy,
  queuedJobIds,
  startJobUnlessBusy,
  trainingJobById,
} from '../../db/repositories/training-jobs';
import { conflict, invalidInput, notFound } from '../../errors';
import { appendLog, reapExpiredJobs, type RunningJob, runJob } from './job-runner';
import type { Trainer } from './trainers';

export { cliTrainer, cliTrainers, type Trainer, type TrainerContext } from './trainers';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type TrainingRunner = 'server' | 'worker';

export interface TrainingJobInfo {
  id: number;
  model: string;
  status: JobStatus;
  params: Record<string, unknown>;
  log: string;
  result: unknown;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  queuedAt: Date | null;
  worker: string | null;
  attempts: number;
}

export interface TrainingJobsOptions {
  /** Who runs the jobs this server accepts (default `server`: this process). */
  runner?: TrainingRunner;
  /** How long a running job's lease lasts without renewal (default 30 s). */
  leaseMs?: number;
  /** This process's name in the jobs it runs (default `server <host>:<pid>`). */
  id?: string;
}

const toInfo = ({ leaseExpiresAt: _lease, ...job }: TrainingJobInfo & { leaseExpiresAt?: Date | null }): TrainingJobInfo => job;

export class TrainingJobs {
  private readonly running = new Map<number, RunningJob>();
  readonly runner: TrainingRunner;
  private readonly leaseMs: number;
  private readonly id: string;

  constructor(
    private readonly db: Database,
    private readonly trainers: Record<string, Trainer>,
    private readonly hooks: { onSucceeded?: (job: TrainingJobInfo) => unknown; onLog?: (job: number, line: string) => void } = {},
    options: TrainingJobsOptions = {},
  ) {
    this.runner = options.runner ?? 'server';
    this.leaseMs = options.leaseMs ?? 30_000;
    this.id = options.id ?? `server ${os.hostname()}:${process.pid}`;
  }

  get models(): string[] {
    return Object.keys(this.trainers);
  }

  /**
   * At a server's start: jobs whose runner died (an expired lease: a stopped or crashed server) can
   * never finish and are marked failed, so their model is free again; jobs other processes still
   * hold are left alone. With TRAINING_RUNNER=server no worker will take a queued job either: those
   * are failed too, saying why. With `worker`, the workers recover jobs themselves.
   */
  async recoverStale(): Promise<number> {
    if (this.runner === 'worker') return 0;
    const reaped = await reapExpiredJobs(this.db, { requeue: false, maxAttempts: 1 });
    let queued = 0;
    for (const id of await queuedJobIds(this.db.sql)) {
      const job = await trainingJobById(this.db.sql, id);
      const error = 'queued for a worker, but this server runs jobs itself (TRAINING_RUNNER=server) and no worker is configured';
      if (job && (await markJobFailed(this.db.sql, id, null, error, appendLog(job.log, error), new Date()))) queued++;
    }
    return reaped.failed.length + queued;
  }

  private trainerOf(model: string): Trainer {
    const trainer = this.trainers[model];
    if (!trainer)
      throw invalidInput(`Unknown model "${model}"`, [
        { path: ['model'], value: model, problem: `must be one of ${this.models.join(', ')}` },
      ]);
    return trainer;
  }

  /** Starts (TRAINING_RUNNER=server) or queues (worker) a job for `model`; 409 while one is queued or running. */
  async start(model: string, params: Record<string, unknown> = {}): Promise<TrainingJobInfo> {
    const trainer = this.trainerOf(model);
    const now = new Date();
    if (this.runner === 'worker') {
      const queued = await queueJobUnlessBusy(this.db.sql, model, params, now);
      if ('busy' in queued) throw conflict(`A training job for "${model}" is already queued or running (job ${queued.busy})`);
      return this.get(queued.queued);
    }
    // Check-and-insert in one write transaction so two servers on one database cannot both start.
    const lease = { worker: this.id, expiresAt: new Date(now.getTime() + this.leaseMs) };
    const started = await startJobUnlessBusy(this.db.sql, model, params, now, lease);
    if ('busy' in started) throw conflict(`A training job for "${model}" is already running (job ${started.busy})`);
    const job = (await trainingJobById(this.db.sql, started.started))!;
    const run = runJob(this.db, job, trainer, { worker: this.id, leaseMs: this.leaseMs, onLog: this.hooks.onLog });
    this.running.set(job.id, run);
    void run.done.then(async (outcome) => {
      this.running.delete(job.id);
      if (outcome !== 'succeeded') return;
      const info = await this.get(job.id).catch(() => null);
      if (info) await Promise.resolve(this.hooks.onSucceeded?.(info)).catch(() => undefined);
    });
    return this.get(job.id);
  }

  async get(id: number): Promise<TrainingJobInfo> {
    const job = await trainingJobById(this.db.sql, id);
    if (!job) throw notFound(`No training job ${id}`);
    return toInfo(job);
  }

  async list(opts: {
    model?: string;
    status?: string;
    limit: number;
    offset: number;
    order: 'asc' | 'desc';
  }): Promise<{ items: TrainingJobInfo[]; total: number }> {
    const { items, total } = await listTrainingJobs(this.db.sql, opts);
    return { items: items.map(toInfo), total };
  }

  /** Waits for the jobs this server runs (graceful shutdown), aborting them after `graceMs`. */
  async drain(graceMs: number): Promise<void> {
    const jobs = [...this.running.values()];
    if (!jobs.length) return;
    const timeout = new Promise<void>((r) =>
      setTimeout(() => {
        for (const j of jobs) j.abort();
        r();
      }, graceMs).unref(),
    );
    await Promise.race([Promise.all(jobs.map((j) => j.done)), timeout]);
    await Promise.all(jobs.map((j) => j.done));
  }
}
