// CPU-heavy work of a route (src/workers/tasks.ts): in the server's worker pool, so the event loop
// keeps answering everyone else, or in this thread when the app was built without a pool (a test
// driving createApp alone). Answers that depend only on the stored data and the request (forecasts,
// backtests, run-rates) can be served from a cache keyed by the data version.
import type { Response } from 'express';
import type { Database } from '../db/database';
import { dataVersion } from '../services/data-version';
import { CustomerScoring } from '../services/customers/score-customers';
import { type CacheOutcome, VersionedCache } from '../services/versioned-cache';
import { WinScoring } from '../services/win/score-deals';
import type { WorkPool } from '../workers/pool';
import { READ_TASKS, TASKS, type TaskContext, type TaskInput, type TaskName, type TaskOutput } from '../workers/tasks';
import { type ReadReplicaView, readDatabase } from './read-db';
import { PreparedJson } from './route';

export interface HeavyWork {
  /**
   * Runs a task within the request's budget. With `res`, the task is cancelled when the caller
   * goes away before its answer.
   */
  run<N extends TaskName>(task: N, input: TaskInput<N>, res?: Response): Promise<TaskOutput<N>>;
  /**
   * The task's answer from the cache when the same request was answered under the current data
   * version (and, for answers "as of now", not longer ago than the cache's age limit); otherwise
   * computed once, however many identical requests wait for it. Sets the Cache-Status header.
   */
  cached<N extends TaskName>(task: N, input: TaskInput<N>, res: Response, opts?: { asOfNow?: boolean }): Promise<TaskOutput<N>>;
  /**
   * The same, as the route's serialised answer `shape(value)`: a cached value is serialised once
   * and served as it is to every later identical request (a hit costs no JSON work).
   */
  cachedAnswer<N extends TaskName>(
    task: N,
    input: TaskInput<N>,
    res: Response,
    shape: (value: TaskOutput<N>) => unknown,
    opts?: { asOfNow?: boolean },
  ): Promise<PreparedJson>;
}

export interface HeavyOptions {
  db: Database;
  /** The read replica (DATABASE_READ_URL) the read-only tasks read from; the pool's threads open their own. */
  reads?: ReadReplicaView;
  modelsDir: () => string;
  pool?: WorkPool;
  win?: WinScoring;
  customers?: CustomerScoring;
  cacheEntries: number;
  cacheSeconds: number;
}

/** RFC 9211 Cache-Status of an answer (the server's own cache; clients are still told no-store). */
const CACHE_STATUS: Record<CacheOutcome, string> = {
  hit: 'salescast; hit',
  shared: 'salescast; hit; detail=in-flight',
  miss: 'salescast; fwd=miss; stored',
  off: 'salescast; fwd=bypass',
};

export function heavyWork(o: HeavyOptions): HeavyWork {
  const cache = new VersionedCache<unknown>({ entries: o.cacheEntries, maxAgeMs: o.cacheSeconds * 1000 });
  let local: TaskContext | null = null;
  // Without a pool the tasks run here, on the server's own models (or ones loaded for the purpose).
  const inThread = (): TaskContext => {
    local ??= {
      db: o.db,
      readDb: o.reads?.db ?? o.db,
      modelsDir: o.modelsDir(),
      win: async () => {
        if (o.win) return o.win;
        const w = new WinScoring(o.db, { modelsDir: o.modelsDir() });
        await w.refresh();
        return w;
      },
      customers: async () => {
        if (o.customers) return o.customers;
        const c = new CustomerScoring(o.db, { modelsDir: o.modelsDir() });
        await c.refresh();
        return c;
      },
    };
    return local;
  };

  const run = async <N extends TaskName>(task: N, input: TaskInput<N>, res?: Response): Promise<TaskOutput<N>> => {
    if (res && READ_TASKS.has(task)) readDatabase(o, res); // says where it reads (X-Read-Source)
    if (!o.pool) return (TASKS[task] as (c: TaskContext, i: TaskInput<N>) => Promise<TaskOutput<N>>)(inThread(), input);
    if (!res) return o.pool.run(task, input);
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) gone.abort();
    };
    res.once('close', onClose);
    try {
      return await o.pool.run(task, input, { signal: gone.signal });
    } finally {
      res.off('close', onClose);
    }
  };

  // The serialised answer of each cached value (dropped with the value).
  const prepared = new WeakMap<object, PreparedJson>();

  const heavy: HeavyWork = {
    run,
    async cachedAnswer(task, input, res, shape, opts) {
      const value = await heavy.cached(task, input, res, opts);
      const key = value as object;
      let answer = prepared.get(key);
      if (!answer) {
        answer = new PreparedJson(JSON.stringify(shape(value)));
        prepared.set(key, answer);
      }
      return answer;
    },
    async cached(task, input, res, opts = {}) {
      // The version of the data the answer is computed from: the replica's when it reads there, so
      // an answer from a lagging replica is never cached under the primary's newer version.
      const version = await dataVersion(READ_TASKS.has(task) ? readDatabase(o, res) : o.db);
      // A shared computation is not cancelled when one of its callers leaves: others may wait for it.
      const { value, outcome } = await cache.get(JSON.stringify([task, input]), version, () => run(task, input), {
        maxAgeMs: opts.asOfNow ? undefined : Number.POSITIVE_INFINITY,
      });
      res.setHeader('Cache-Status', CACHE_STATUS[outcome]);
      return value as TaskOutput<typeof task>;
    },
  };
  return heavy;
}
