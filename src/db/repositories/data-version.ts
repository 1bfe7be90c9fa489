// The data version (migration 20261204224007_data_version): a counter that triggers raise whenever
// any process changes the data forecasts and reports are computed from (accounts, products, reps,
// campaigns, deals and their history, activities, orders, service costs, model versions).
import type { SqlRunner } from '../sql';

/** The current data version, or null on a database migrated before the counter existed. */
export async function readDataVersion(sql: SqlRunner): Promise<number | null> {
  const rows = await sql.all<{ version: number | bigint | string }>('SELECT version FROM data_version WHERE id = 1');
  return rows.length ? Number(rows[0].version) : null;
}
