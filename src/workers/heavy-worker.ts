// The entry of the server's worker threads (piscina, src/workers/pool.ts): runs one named task of
// src/workers/tasks.ts on the thread's own database handle. Loading the data here rather than in
// the server's thread keeps it off the event loop too: on the demo, reading the deal history
// alone took 50-90 ms of CPU and handing it to a thread by structured clone another ~70 ms.
// An AppError comes back as data (its code, details and Retry-After survive; an Error crossing a
// thread keeps only its message); anything else is thrown, and the server answers it as a bug.
import { workerData } from 'node:worker_threads';
import { openDatabase, type Database } from '../db/database';
import { openReadReplica } from '../services/read-replica';
import { isAppError } from '../errors';
import { TASKS, type TaskContext, type TaskName, workerModels } from './tasks';

export interface WorkerSettings {
  databaseUrl: string;
  modelsDir: string;
  /** SQLite busy timeout of this thread's connection (it blocks only this thread). */
  busyTimeoutMs: number;
  /** DATABASE_READ_URL: the read-only tasks read from this replica while it is usable. */
  readDatabaseUrl?: string | null;
  readMaxLagSeconds?: number;
}

export interface TaskRequest {
  task: TaskName;
  input: unknown;
}

export type TaskReply =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; details: unknown[]; retryAfterSeconds?: number } };

let context: TaskContext | null = null;

function taskContext(): TaskContext {
  if (context) return context;
  const settings = workerData as WorkerSettings;
  const db: Database = openDatabase(settings.databaseUrl);
  db.sql.setBusyTimeout(settings.busyTimeoutMs);
  // The thread measures the replica's lag itself and reads from the primary while it is too far behind.
  const readDb = settings.readDatabaseUrl
    ? openReadReplica(db, settings.readDatabaseUrl, { maxLagSeconds: settings.readMaxLagSeconds ?? 30 }).db
    : db;
  context = { db, readDb, modelsDir: settings.modelsDir, ...workerModels(db, settings.modelsDir) };
  return context;
}

export default async function runTask({ task, input }: TaskRequest): Promise<TaskReply> {
  const run = TASKS[task] as (c: TaskContext, input: unknown) => Promise<unknown>;
  if (!run) throw new Error(`unknown worker task "${task}"`);
  try {
    return { ok: true, value: await run(taskContext(), input) };
  } catch (e) {
    if (!isAppError(e)) throw e;
    return {
      ok: false,
      error: {
        code: e.code,
        message: e.message,
        details: e.details,
        ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
      },
    };
  }
}
