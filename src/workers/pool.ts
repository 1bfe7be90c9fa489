// The worker-thread pool of the HTTP server for CPU-heavy requests (piscina): a fixed number of
// threads, a bounded queue and a time budget per request, so one caller's forecast never freezes
// every other caller. A request that would wait beyond the queue, or whose expected wait already
// exceeds its budget, is refused at once (503 SERVER_BUSY with Retry-After); one still unfinished
// when its budget runs out is cancelled (503 TIME_BUDGET_EXCEEDED): a queued task is dropped, a
// running one ends with its thread, which piscina replaces.
import { Piscina } from 'piscina';
import { AppError, type ErrorDetail } from '../errors';
import type { TaskInput, TaskName, TaskOutput } from './tasks';
import type { TaskReply, TaskRequest, WorkerSettings } from './heavy-worker';
import { workerScript } from './worker-script';

export interface PoolOptions extends WorkerSettings {
  threads: number;
  /** Tasks that may wait for a thread; more are refused. */
  queue: number;
  /** Default time budget of a task, from its request's arrival (waiting and running), ms. */
  budgetMs: number;
  /** Told when a task is refused (the server logs it, at most once every few seconds). */
  onSaturated?: (why: string, stats: PoolStats) => void;
}

export interface RunOptions {
  /** When the request arrived (its budget counts from there); default now. */
  startedAt?: number;
  budgetMs?: number;
  /** Aborts the task (the caller went away). */
  signal?: AbortSignal;
}

export interface PoolStats {
  threads: number;
  queueLength: number;
  running: number;
  waiting: number;
  completed: number;
  refused: number;
  overBudget: number;
}

/** How much lower the worker threads' CPU priority is than the event loop's (nice, 0-19). */
export const WORKER_NICE = 10;

/** Weight of the newest duration in the moving average of a task's duration. */
const EWMA_WEIGHT = 0.3;

const isAbort = (e: unknown) => e instanceof Error && (e.name === 'AbortError' || /aborted/i.test(e.message));

export class WorkPool {
  private readonly piscina: Piscina<TaskRequest, TaskReply>;
  /** Tasks submitted and not finished (running or waiting). */
  private pending = 0;
  private readonly durations = new Map<TaskName, number>();
  private closed = false;
  private readonly counts = { completed: 0, refused: 0, overBudget: 0 };

  constructor(private readonly opts: PoolOptions) {
    const { databaseUrl, readDatabaseUrl = null, readMaxLagSeconds = 30, modelsDir, busyTimeoutMs } = opts;
    this.piscina = new Piscina({
      ...workerScript('heavy-worker'),
      // Threads start with the first heavy request and then stay (loading the services takes a
      // few hundred ms per thread).
      minThreads: 0,
      maxThreads: opts.threads,
      // The admission below bounds the queue; piscina's own bound would only be a second, vaguer refusal.
      maxQueue: Number.POSITIVE_INFINITY,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Heavy work yields the CPU to the event loop when they compete (Linux thread priority,
      // through piscina's optional @napi-rs/nice): /health and inline scoring stay quick.
      niceIncrement: WORKER_NICE,
      workerData: { databaseUrl, readDatabaseUrl, readMaxLagSeconds, modelsDir, busyTimeoutMs } satisfies WorkerSettings,
    });
  }

  stats(): PoolStats {
    const running = Math.min(this.pending, this.opts.threads);
    return {
      threads: this.opts.threads,
      queueLength: this.opts.queue,
      running,
      waiting: this.pending - running,
      ...this.counts,
    };
  }

  /** Seconds until a thread is likely free for one more task of this kind (Retry-After). */
  private expectedWaitMs(task: TaskName): number {
    const avg = this.durations.get(task) ?? 1000;
    const ahead = Math.max(0, this.pending - this.opts.threads + 1);
    return (ahead / this.opts.threads) * avg;
  }

  private refuse(task: TaskName, why: string): never {
    this.counts.refused++;
    this.opts.onSaturated?.(why, this.stats());
    const waitS = Math.max(1, Math.ceil(this.expectedWaitMs(task) / 1000));
    throw new AppError(
      'SERVER_BUSY',
      `The server is at capacity for heavy requests (forecasts, backtests, what-if, reports, large batches): ${why}. Retry after ${waitS} s.`,
      [{ problem: why }],
      { retryAfterSeconds: waitS },
    );
  }

  /** Runs a task in a worker thread within the budget; refuses it when the pool cannot take it in time. */
  async run<N extends TaskName>(task: N, input: TaskInput<N>, options: RunOptions = {}): Promise<TaskOutput<N>> {
    if (this.closed) throw new AppError('NOT_READY', 'The server is shutting down');
    const startedAt = options.startedAt ?? Date.now();
    const budgetMs = options.budgetMs ?? this.opts.budgetMs;
    const left = budgetMs - (Date.now() - startedAt);
    // Past the threads, a task waits behind (pending - threads) others; the queue holds `queue` of them.
    if (this.pending - this.opts.threads >= this.opts.queue)
      this.refuse(
        task,
        `every worker thread is busy and ${Math.max(0, this.pending - this.opts.threads)} heavy requests are already waiting (WORKER_QUEUE_LENGTH=${this.opts.queue})`,
      );
    const avg = this.durations.get(task);
    if (avg !== undefined && this.pending >= this.opts.threads && this.expectedWaitMs(task) + avg > left)
      this.refuse(
        task,
        `the expected wait (${Math.round(this.expectedWaitMs(task))} ms) and run would exceed the ${Math.round(budgetMs / 1000)} s budget`,
      );

    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), Math.max(0, left));
    const signal = options.signal ? AbortSignal.any([budget.signal, options.signal]) : budget.signal;
    this.pending++;
    const began = Date.now();
    try {
      const reply = await this.piscina.run({ task, input }, { signal });
      this.counts.completed++;
      if (reply.ok) {
        const took = Date.now() - began;
        const prev = this.durations.get(task);
        this.durations.set(task, prev === undefined ? took : prev + EWMA_WEIGHT * (took - prev));
        return reply.value as TaskOutput<N>;
      }
      const e = reply.error;
      throw new AppError(e.code as AppError['code'], e.message, e.details as ErrorDetail[], {
        ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
      });
    } catch (e) {
      if (budget.signal.aborted && isAbort(e)) {
        this.counts.overBudget++;
        throw new AppError(
          'TIME_BUDGET_EXCEEDED',
          `The request did not finish within its ${Math.round(budgetMs / 1000)} s budget (REQUEST_BUDGET_SECONDS) and was cancelled. Retry later, or ask for less (fewer simulations, a shorter range).`,
          [],
          { retryAfterSeconds: Math.max(1, Math.ceil(this.expectedWaitMs(task) / 1000)) },
        );
      }
      throw e;
    } finally {
      clearTimeout(timer);
      this.pending--;
    }
  }

  /** Stops the threads (after the server has finished its requests). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.destroy();
  }
}
