// rate_limit_window rows: request counts per caller and one-minute window, shared by the API
// replicas on one database (src/services/rate-limits/shared-rate-counts.ts decides when to write).
import type { SqlRunner } from '../sql';

/** Adds `hits` to a caller's window and returns the window's total over every replica. */
export async function addRateLimitHits(q: SqlRunner, key: string, windowStart: Date, hits: number): Promise<number> {
  const rows = await q.all<{ hits: number }>(
    `INSERT INTO rate_limit_window (key, window_start, hits) VALUES (?, ?, ?)
     ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_window.hits + excluded.hits
     RETURNING hits`,
    [key, windowStart, hits],
  );
  return Number(rows[0]?.hits ?? hits);
}

/** Forgets windows that started before `before`; returns how many rows went. */
export function deleteRateLimitWindowsBefore(q: SqlRunner, before: Date): Promise<number> {
  return q.run('DELETE FROM rate_limit_window WHERE window_start < ?', [before]);
}
