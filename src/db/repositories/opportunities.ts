// Opportunities (deals) by id or external id: the small lookups routes and services need to name
// deals. Loading deals with their histories for features and forecasts is the deal loader's job
// (src/db/repositories/deals.ts), not this file's.
import { idsByExternalId } from '../external-ids';
import { inChunks, placeholders, type SqlRunner } from '../sql';

/** Row ids of the deals with these external ids; unknown ids are absent from the map. */
export function opportunityIds(q: SqlRunner, externalIds: readonly string[]): Promise<Map<string, number>> {
  return idsByExternalId(q, 'opportunity', externalIds);
}

export interface OpportunityState {
  amount: number;
  stage: string;
  outcome: string;
}

/** The current amount, stage and outcome of one deal, or null when there is none. */
export async function opportunityState(q: SqlRunner, id: number): Promise<OpportunityState | null> {
  const [row] = await q.all<{ amount: number; stage: string; outcome: string }>(
    'SELECT amount, stage, outcome FROM opportunity WHERE id = ?',
    [id],
  );
  return row ? { amount: Number(row.amount), stage: row.stage, outcome: row.outcome } : null;
}

/** The current outcome (open, won, lost) of each deal by row id; unknown ids are absent. */
export async function opportunityOutcomes(q: SqlRunner, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await inChunks(ids, (chunk) =>
    q.all<{ id: number | bigint; outcome: string }>(
      `SELECT id, outcome FROM opportunity WHERE id IN (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  return new Map(rows.map((r) => [Number(r.id), r.outcome]));
}

export interface OpportunityLabel {
  externalId: string;
  name: string | null;
}

/** The CRM's external id and name of each deal by row id, for showing deals to people. */
export async function opportunityLabels(q: SqlRunner, ids: readonly number[]): Promise<Map<number, OpportunityLabel>> {
  const rows = await inChunks([...new Set(ids)], (chunk) =>
    q.all<{ id: number | bigint; external_id: string; name: string | null }>(
      `SELECT id, external_id, name FROM opportunity WHERE id IN (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  return new Map(rows.map((r) => [Number(r.id), { externalId: r.external_id, name: r.name ?? null }]));
}
