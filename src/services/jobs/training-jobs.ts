// Training jobs started over HTTP: one row per job in training_job (status, params, log, result),
// at most one running job per model at a time, the log appended as the job runs so a client can
// poll it. The work itself is a Trainer function; the default trainers run the retraining CLI
// (`salescast train <model> --json`) in a child process, because model fitting is CPU-bound and
// would otherwise stall every API request sharing this event loop for the length of the fit.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Database } from '../../db/database';
import { retryWhileBusy } from '../../db/errors';
import {
  listTrainingJobs,
  markJobFailed,
  markJobSucceeded,
  saveJobLog,
  startJobUnlessBusy,
  trainingJobById,
  unfinishedJobIds,
} from '../../db/repositories/training-jobs';
import { AppError, conflict, invalidInput, notFound } from '../../errors';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

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
}

export interface TrainerContext {
  log(line: string): void;
  signal: AbortSignal;
}

/** Runs one training; resolves with a JSON-able result or throws (the message becomes the job error). */
export type Trainer = (params: Record<string, unknown>, ctx: TrainerContext) => Promise<unknown>;

const MAX_LOG_CHARS = 200_000;
const FLUSH_MS = 500;

export class TrainingJobs {
  // `finishing`: the job's work is over and its final status is being written; the model is free
  // again (a client that sees the status may start the next job at once), drain() still waits.
  private readonly running = new Map<number, { model: string; abort: AbortController; done: Promise<void>; finishing?: boolean }>();

  constructor(
    private readonly db: Database,
    private readonly trainers: Record<string, Trainer>,
    private readonly hooks: { onSucceeded?: (job: TrainingJobInfo) => unknown; onLog?: (job: number, line: string) => void } = {},
  ) {}

  get models(): string[] {
    return Object.keys(this.trainers);
  }

  /** Jobs a previous process left `running` can never finish: mark them failed so the model is free again. */
  async recoverStale(): Promise<number> {
    const mine = [...this.running.keys()];
    const stale = (await unfinishedJobIds(this.db.sql)).filter((id) => !mine.includes(id));
    for (const id of stale) await markJobFailed(this.db.sql, id, 'interrupted: the server stopped while the job ran', new Date());
    return stale.length;
  }

  async start(model: string, params: Record<string, unknown> = {}): Promise<TrainingJobInfo> {
    const trainer = this.trainers[model];
    if (!trainer)
      throw invalidInput(`Unknown model "${model}"`, [
        { path: ['model'], value: model, problem: `must be one of ${this.models.join(', ')}` },
      ]);
    if ([...this.running.values()].some((j) => j.model === model && !j.finishing))
      throw conflict(`A training job for "${model}" is already running`);
    const now = new Date();
    // Check-and-insert in one write transaction so two servers on one database cannot both start.
    const started = await startJobUnlessBusy(this.db.sql, model, params, now);
    if ('busy' in started) throw conflict(`A training job for "${model}" is already running (job ${started.busy})`);
    const id = started.started;

    const abort = new AbortController();
    let log = '';
    let dirty = false;
    const flush = async () => {
      if (!dirty) return;
      dirty = false;
      await saveJobLog(this.db.sql, id, log).catch(() => undefined);
    };
    const timer = setInterval(() => void flush(), FLUSH_MS);
    timer.unref();
    const append = (line: string) => {
      const stamped = `${new Date().toISOString()} ${line.replace(/\s+$/, '')}\n`;
      log = (log + stamped).slice(-MAX_LOG_CHARS);
      dirty = true;
      this.hooks.onLog?.(id, line);
    };

    const finishing = () => {
      const entry = this.running.get(id);
      if (entry) entry.finishing = true;
    };
    const done = (async () => {
      append(`job ${id}: training ${model} with ${JSON.stringify(params)}`);
      try {
        const result = await trainer(params, { log: append, signal: abort.signal });
        append('job succeeded');
        clearInterval(timer);
        finishing();
        // Another process (this very training run's child, an import) may hold the database: retry, without blocking.
        await retryWhileBusy(() => markJobSucceeded(this.db.sql, id, result, log, new Date()));
        const info = await this.get(id).catch(() => null);
        if (info) await Promise.resolve(this.hooks.onSucceeded?.(info)).catch(() => undefined);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        append(`job failed: ${message}`);
        clearInterval(timer);
        finishing();
        await retryWhileBusy(() => markJobFailed(this.db.sql, id, message.slice(0, 4000), new Date(), log)).catch(() => undefined);
      } finally {
        clearInterval(timer);
        this.running.delete(id);
      }
    })();
    this.running.set(id, { model, abort, done });
    return this.get(id);
  }

  async get(id: number): Promise<TrainingJobInfo> {
    const job = await trainingJobById(this.db.sql, id);
    if (!job) throw notFound(`No training job ${id}`);
    return job;
  }

  async list(opts: {
    model?: string;
    status?: string;
    limit: number;
    offset: number;
    order: 'asc' | 'desc';
  }): Promise<{ items: TrainingJobInfo[]; total: number }> {
    return listTrainingJobs(this.db.sql, opts);
  }

  /** Waits for running jobs (graceful shutdown), aborting them after `graceMs`. */
  async drain(graceMs: number): Promise<void> {
    const jobs = [...this.running.values()];
    if (!jobs.length) return;
    const timeout = new Promise<void>((r) =>
      setTimeout(() => {
        for (const j of jobs) j.abort.abort();
        r();
      }, graceMs).unref(),
    );
    await Promise.race([Promise.all(jobs.map((j) => j.done)), timeout]);
    await Promise.all(jobs.map((j) => j.done));
  }
}

/**
 * A trainer that runs `salescast train <model> [flags] --json` in a child process: stderr lines go
 * to the job log, the JSON printed on stdout becomes the job result, a non-zero exit fails the job.
 */
export function cliTrainer(model: string, opts: { cliPath?: string; env?: NodeJS.ProcessEnv } = {}): Trainer {
  const cli = opts.cliPath ?? path.resolve(__dirname, '..', '..', '..', 'bin', 'salescast.js');
  return (params, ctx) =>
    new Promise((resolve, reject) => {
      const args = [cli, 'train', model, '--json'];
      for (const [k, v] of Object.entries(params)) {
        if (v === undefined || v === null || v === false) continue;
        const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        args.push(...(v === true ? [flag] : [flag, String(v)]));
      }
      ctx.log(`$ salescast ${args.slice(1).join(' ')}`);
      const child = spawn(process.execPath, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const onAbort = () => child.kill('SIGTERM');
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      let stdout = '';
      let partial = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        const text = partial + c.toString().replace(/\r/g, '\n');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) if (l.trim()) ctx.log(l);
      });
      child.on('error', (e) => reject(e));
      child.on('close', (code, signal) => {
        ctx.signal.removeEventListener('abort', onAbort);
        if (partial.trim()) ctx.log(partial);
        let parsed: unknown = null;
        try {
          parsed = stdout.trim() ? JSON.parse(stdout) : null;
        } catch {
          for (const l of stdout.split('\n')) if (l.trim()) ctx.log(l);
        }
        if (code === 0) return resolve(parsed);
        const msg = (parsed as { error?: { message?: string } } | null)?.error?.message;
        reject(
          new AppError(
            code === 3 ? 'UNPROCESSABLE' : 'INTERNAL',
            msg ?? `training exited with ${signal ? `signal ${signal}` : `code ${code}`}`,
          ),
        );
      });
    });
}
