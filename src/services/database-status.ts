// The database as operators see it: is it answering (health and readiness probes), how many rows
// each table holds (`salescast stats`).
import type { Database } from '../db/database';
import { ping, type TableName, tableCounts } from '../db/repositories/stats';

/** 'up' when the database answers a round trip, else 'down' (never throws). */
export async function databaseStatus(db: Database): Promise<'up' | 'down'> {
  try {
    await ping(db.sql);
    return 'up';
  } catch {
    return 'down';
  }
}

/** Rows per table, parents first. */
export function databaseRowCounts(db: Database): Promise<Record<TableName, number>> {
  return tableCounts(db.sql);
}
