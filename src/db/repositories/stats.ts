// Liveness and size of the database: the health probe's round trip, row counts per table
// (`salescast stats`, tests) and whether any CRM data has been loaded yet.
import type { SqlRunner } from '../sql';

/** Table names in dependency order (parents first). A closed list: each name is written into SQL text. */
export const TABLES = [
  'campaign',
  'account',
  'product',
  'rep',
  'opportunity',
  'stage_change',
  'activity',
  'orders',
  'service_cost',
  'campaign_target',
  'model_version',
  'deal_score',
  'customer_score',
  'forecast_snapshot',
  'forecast_snapshot_deal',
  'api_key',
  'training_job',
] as const;
export type TableName = (typeof TABLES)[number];

/** One round trip to the database; throws when it cannot answer. */
export async function ping(q: SqlRunner): Promise<void> {
  await q.all('SELECT 1 AS ok');
}

/** Rows per table, in TABLES order. */
export async function tableCounts(q: SqlRunner): Promise<Record<TableName, number>> {
  const out = {} as Record<TableName, number>;
  for (const t of TABLES) {
    const rows = await q.all<{ n: number | bigint }>(`SELECT COUNT(*) AS n FROM ${t}`);
    out[t] = Number(rows[0].n);
  }
  return out;
}

/** Accounts plus opportunities: zero means no CRM data has been loaded. */
export async function crmRecordCount(q: SqlRunner): Promise<number> {
  const rows = await q.all<{ n: number | bigint }>('SELECT (SELECT COUNT(*) FROM account) + (SELECT COUNT(*) FROM opportunity) AS n');
  return Number(rows[0].n);
}
