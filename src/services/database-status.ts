// The database as operators see it: is it answering (health and readiness probes), how many rows
// each table holds (`salescast stats`).
import type { Database, DatabaseState } from '../db/database';
import { type TableName, tableCounts } from '../db/repositories/stats';

/** A probe that takes longer (a server that accepts connections but does not answer) reports the database down. */
export const PROBE_TIMEOUT_MS = 2000;

/**
 * 'up' when the database answers and can be written, 'read-only' when it answers but cannot be
 * written, else 'down'; never throws, and gives up after `timeoutMs`. A database known to be
 * read-only is examined again at each call (src/db/sql.ts), so the answer recovers by itself.
 */
export async function databaseStatus(db: Database, timeoutMs = PROBE_TIMEOUT_MS): Promise<DatabaseState> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<DatabaseState>((resolve) => {
    timer = setTimeout(() => resolve('down'), timeoutMs);
  });
  try {
    return await Promise.race([db.sql.probe(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Rows per table, parents first. */
export function databaseRowCounts(db: Database): Promise<Record<TableName, number>> {
  return tableCounts(db.sql);
}
