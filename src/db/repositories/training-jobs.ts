// training_job rows: one per training asked for over HTTP (status, params, log, result). Who runs a
// job holds a lease: `worker` names it and `lease_expires_at` is renewed while it runs, so a job
// whose runner died (a killed worker or server) is found by its expired lease and re-queued or
// failed rather than left "running". Queued jobs are taken by `salescast worker` processes, one
// job per worker at a time, with FOR UPDATE SKIP LOCKED on PostgreSQL (two workers never take the
// same row and never wait for each other) and SQLite's single writer otherwise. The runners
// (src/services/jobs/) decide what to write and when.
import { CHANNELS, notify } from '../notifications';
import { fromSqlDate, fromSqlJson, type Sql, type SqlRunner } from '../sql';

export type TrainingJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface TrainingJobRecord {
  id: number;
  model: string;
  status: TrainingJobStatus;
  params: Record<string, unknown>;
  log: string;
  result: unknown;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  queuedAt: Date | null;
  worker: string | null;
  leaseExpiresAt: Date | null;
  attempts: number;
}

interface Row {
  id: number;
  model_name: string;
  status: string;
  params: unknown;
  log: string;
  result: unknown;
  error: string | null;
  started_at: unknown;
  finished_at: unknown;
  queued_at: unknown;
  worker: string | null;
  lease_expires_at: unknown;
  attempts: number;
}

const toRecord = (r: Row): TrainingJobRecord => ({
  id: Number(r.id),
  model: r.model_name,
  status: r.status as TrainingJobStatus,
  params: fromSqlJson<Record<string, unknown>>(r.params) ?? {},
  log: r.log ?? '',
  result: fromSqlJson(r.result),
  error: r.error,
  startedAt: fromSqlDate(r.started_at)!,
  finishedAt: fromSqlDate(r.finished_at),
  queuedAt: fromSqlDate(r.queued_at),
  worker: r.worker ?? null,
  leaseExpiresAt: fromSqlDate(r.lease_expires_at),
  attempts: Number(r.attempts ?? 0),
});

/** Who runs a job and until when its lease holds. */
export interface JobLease {
  worker: string;
  expiresAt: Date;
}

async function busyJob(tx: SqlRunner, model: string): Promise<number | null> {
  const busy = await tx.all<{ id: number }>("SELECT id FROM training_job WHERE model_name = ? AND status IN ('queued', 'running')", [
    model,
  ]);
  return busy.length ? Number(busy[0].id) : null;
}

async function lastInsertedJob(tx: SqlRunner, model: string, status: TrainingJobStatus): Promise<number> {
  const rows = await tx.all<{ id: number }>('SELECT MAX(id) AS id FROM training_job WHERE model_name = ? AND status = ?', [model, status]);
  return Number(rows[0].id);
}

/**
 * Inserts a running job for `model`, held by `lease` (the process that runs it now), unless one is
 * already queued or running, in one write transaction (two servers on one database cannot both
 * start one). Returns the new job's id, or the id of the job in the way.
 */
export function startJobUnlessBusy(
  sql: Sql,
  model: string,
  params: Record<string, unknown>,
  startedAt: Date,
  lease: JobLease,
): Promise<{ started: number } | { busy: number }> {
  return sql.transaction(async (tx) => {
    const busy = await busyJob(tx, model);
    if (busy !== null) return { busy };
    await tx.run(
      `INSERT INTO training_job (model_name, status, params, log, started_at, queued_at, worker, lease_expires_at, attempts)
       VALUES (?, 'running', ?, '', ?, ?, ?, ?, 1)`,
      [model, params, startedAt, startedAt, lease.worker, lease.expiresAt],
    );
    return { started: await lastInsertedJob(tx, model, 'running') };
  });
}

/**
 * Queues a job for `model` for the workers, unless one is already queued or running (one write
 * transaction); listening workers are told at commit. started_at holds the queueing time until a
 * worker takes the job.
 */
export function queueJobUnlessBusy(
  sql: Sql,
  model: string,
  params: Record<string, unknown>,
  at: Date,
): Promise<{ queued: number } | { busy: number }> {
  return sql.transaction(async (tx) => {
    const busy = await busyJob(tx, model);
    if (busy !== null) return { busy };
    await tx.run(
      "INSERT INTO training_job (model_name, status, params, log, started_at, queued_at, attempts) VALUES (?, 'queued', ?, '', ?, ?, 0)",
      [model, params, at, at],
    );
    await notify(tx, CHANNELS.jobs, model);
    return { queued: await lastInsertedJob(tx, model, 'queued') };
  });
}

/**
 * Takes the oldest queued job for `lease.worker`: running, leased, attempts + 1. On PostgreSQL the
 * row is picked with FOR UPDATE SKIP LOCKED, so concurrent workers each get a different job (or
 * none) without waiting; SQLite runs one writer at a time. Null when nothing is queued.
 */
export async function claimNextJob(sql: Sql, lease: JobLease, now: Date): Promise<TrainingJobRecord | null> {
  const lock = sql.dialect === 'postgresql' ? ' FOR UPDATE SKIP LOCKED' : '';
  const rows = await sql.all<Row>(
    `UPDATE training_job SET status = 'running', worker = ?, lease_expires_at = ?, started_at = ?, attempts = attempts + 1
     WHERE id = (SELECT id FROM training_job WHERE status = 'queued' ORDER BY id LIMIT 1${lock}) AND status = 'queued'
     RETURNING *`,
    [lease.worker, lease.expiresAt, now],
  );
  return rows.length ? toRecord(rows[0]) : null;
}

/** Extends the lease of a job `worker` runs; false when the job is no longer its own (reaped, finished). */
export async function renewJobLease(q: SqlRunner, id: number, lease: JobLease): Promise<boolean> {
  const n = await q.run("UPDATE training_job SET lease_expires_at = ? WHERE id = ? AND worker = ? AND status = 'running'", [
    lease.expiresAt,
    id,
    lease.worker,
  ]);
  return n > 0;
}

/** Running jobs whose lease ran out before `now` (or that never had one: written before leases). */
export async function expiredJobs(q: SqlRunner, now: Date): Promise<TrainingJobRecord[]> {
  const rows = await q.all<Row>(
    "SELECT * FROM training_job WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < ?) ORDER BY id",
    [now],
  );
  return rows.map(toRecord);
}

/**
 * Puts a running job back in the queue with `log`: an expired one (when `expiredBefore` is given,
 * only if its lease is still expired, so two reapers cannot both act) or one its own `worker`
 * hands back. False when the job had changed meanwhile.
 */
export async function requeueJob(
  q: SqlRunner,
  id: number,
  log: string,
  owner: { expiredBefore: Date } | { worker: string },
): Promise<boolean> {
  const base =
    "UPDATE training_job SET status = 'queued', worker = NULL, lease_expires_at = NULL, log = ? WHERE id = ? AND status = 'running'";
  const n =
    'worker' in owner
      ? await q.run(`${base} AND worker = ?`, [log, id, owner.worker])
      : await q.run(`${base} AND (lease_expires_at IS NULL OR lease_expires_at < ?)`, [log, id, owner.expiredBefore]);
  if (n > 0) await notify(q, CHANNELS.jobs, String(id));
  return n > 0;
}

/** Marks an expired running job failed (only if its lease is still expired); false when it changed meanwhile. */
export async function failExpiredJob(q: SqlRunner, id: number, error: string, log: string, now: Date): Promise<boolean> {
  const n = await q.run(
    "UPDATE training_job SET status = 'failed', error = ?, log = ?, finished_at = ?, lease_expires_at = NULL WHERE id = ? AND status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < ?)",
    [error, log, now, id, now],
  );
  return n > 0;
}

/** Queued jobs (ids), oldest first. */
export async function queuedJobIds(q: SqlRunner): Promise<number[]> {
  const rows = await q.all<{ id: number }>("SELECT id FROM training_job WHERE status = 'queued' ORDER BY id");
  return rows.map((r) => Number(r.id));
}

/** Saves the log of a job `worker` runs (nothing when the job is no longer its own). */
export async function saveJobLog(q: SqlRunner, id: number, worker: string, log: string): Promise<void> {
  await q.run("UPDATE training_job SET log = ? WHERE id = ? AND worker = ? AND status = 'running'", [log, id, worker]);
}

/** Records the success of a job `worker` runs; false when the job was no longer its own. */
export async function markJobSucceeded(
  q: SqlRunner,
  id: number,
  worker: string,
  result: unknown,
  log: string,
  finishedAt: Date,
): Promise<boolean> {
  const n = await q.run(
    "UPDATE training_job SET status = 'succeeded', result = ?, log = ?, finished_at = ?, lease_expires_at = NULL WHERE id = ? AND worker = ? AND status = 'running'",
    [result ?? null, log, finishedAt, id, worker],
  );
  return n > 0;
}

/** Marks a job failed with its error and log: one `worker` runs, or (worker null) a queued one. */
export async function markJobFailed(
  q: SqlRunner,
  id: number,
  worker: string | null,
  error: string,
  log: string,
  finishedAt: Date,
): Promise<boolean> {
  const n =
    worker === null
      ? await q.run("UPDATE training_job SET status = 'failed', error = ?, log = ?, finished_at = ? WHERE id = ? AND status = 'queued'", [
          error,
          log,
          finishedAt,
          id,
        ])
      : await q.run(
          "UPDATE training_job SET status = 'failed', error = ?, log = ?, finished_at = ?, lease_expires_at = NULL WHERE id = ? AND worker = ? AND status = 'running'",
          [error, log, finishedAt, id, worker],
        );
  return n > 0;
}

export async function trainingJobById(q: SqlRunner, id: number): Promise<TrainingJobRecord | null> {
  const [row] = await q.all<Row>('SELECT * FROM training_job WHERE id = ?', [id]);
  return row ? toRecord(row) : null;
}

/** Jobs of a model and/or status, a page by id (ascending or descending), and the total. */
export async function listTrainingJobs(
  q: SqlRunner,
  opts: { model?: string; status?: string; limit: number; offset: number; order: 'asc' | 'desc' },
): Promise<{ items: TrainingJobRecord[]; total: number }> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (opts.model) {
    where.push('model_name = ?');
    args.push(opts.model);
  }
  if (opts.status) {
    where.push('status = ?');
    args.push(opts.status);
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = Number((await q.all<{ n: number }>(`SELECT COUNT(*) AS n FROM training_job ${w}`, args))[0].n);
  const rows = await q.all<Row>(`SELECT * FROM training_job ${w} ORDER BY id ${opts.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`, [
    ...args,
    opts.limit,
    opts.offset,
  ]);
  return { items: rows.map(toRecord), total };
}
