// training_job rows: one per training started over HTTP (status, params, log, result). The job
// runner (src/services/jobs/training-jobs.ts) decides what to write and when.
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
});

/** Ids of the jobs still marked queued or running. */
export async function unfinishedJobIds(q: SqlRunner): Promise<number[]> {
  const rows = await q.all<{ id: number }>("SELECT id FROM training_job WHERE status IN ('running', 'queued')");
  return rows.map((r) => Number(r.id));
}

/**
 * Inserts a running job for `model` unless one is already queued or running, in one write
 * transaction (two servers on one database cannot both start one). Returns the new job's id, or
 * the id of the job that is in the way.
 */
export function startJobUnlessBusy(
  sql: Sql,
  model: string,
  params: Record<string, unknown>,
  startedAt: Date,
): Promise<{ started: number } | { busy: number }> {
  return sql.transaction(async (tx) => {
    const busy = await tx.all<{ id: number }>("SELECT id FROM training_job WHERE model_name = ? AND status IN ('queued', 'running')", [
      model,
    ]);
    if (busy.length) return { busy: Number(busy[0].id) };
    await tx.run("INSERT INTO training_job (model_name, status, params, log, started_at) VALUES (?, 'running', ?, '', ?)", [
      model,
      params,
      startedAt,
    ]);
    const rows = await tx.all<{ id: number }>("SELECT MAX(id) AS id FROM training_job WHERE model_name = ? AND status = 'running'", [
      model,
    ]);
    return { started: Number(rows[0].id) };
  });
}

export async function saveJobLog(q: SqlRunner, id: number, log: string): Promise<void> {
  await q.run('UPDATE training_job SET log = ? WHERE id = ?', [log, id]);
}

export async function markJobSucceeded(q: SqlRunner, id: number, result: unknown, log: string, finishedAt: Date): Promise<void> {
  await q.run("UPDATE training_job SET status = 'succeeded', result = ?, log = ?, finished_at = ? WHERE id = ?", [
    result ?? null,
    log,
    finishedAt,
    id,
  ]);
}

/** Marks a job failed with its error (and its log, when given). */
export async function markJobFailed(q: SqlRunner, id: number, error: string, finishedAt: Date, log?: string): Promise<void> {
  if (log === undefined) {
    await q.run("UPDATE training_job SET status = 'failed', error = ?, finished_at = ? WHERE id = ?", [error, finishedAt, id]);
    return;
  }
  await q.run("UPDATE training_job SET status = 'failed', error = ?, log = ?, finished_at = ? WHERE id = ?", [error, log, finishedAt, id]);
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
