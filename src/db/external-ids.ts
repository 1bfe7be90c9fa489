// External ids (the CRM's natural keys) to row ids, for every table that has them. Written once:
// routes resolving a deal or customer named in a URL, the import writer resolving references and
// upserts, and any service naming records by external id go through here.
import { IN_CHUNK, inChunks, placeholders, type SqlRunner } from './sql';

/** Tables with an `external_id` column (a closed list: the name is written into the SQL text). */
export const EXTERNAL_ID_TABLES = [
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
] as const;
export type ExternalIdTable = (typeof EXTERNAL_ID_TABLES)[number];

const KNOWN = new Set<string>(EXTERNAL_ID_TABLES);

/** The row id of each external id that exists in `table`, in IN lists of IN_CHUNK ids. Unknown ids are absent. */
export async function idsByExternalId(q: SqlRunner, table: ExternalIdTable, externalIds: readonly string[]): Promise<Map<string, number>> {
  if (!KNOWN.has(table)) throw new Error(`no external ids in table ${table}`);
  const out = new Map<string, number>();
  const rows = await inChunks(
    externalIds,
    (chunk) =>
      q.all<{ id: number | bigint; external_id: string }>(
        `SELECT id, external_id FROM ${table} WHERE external_id IN (${placeholders(chunk.length)})`,
        chunk,
      ),
    IN_CHUNK,
  );
  for (const r of rows) out.set(r.external_id, Number(r.id));
  return out;
}
