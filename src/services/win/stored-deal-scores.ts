// Deals named by the CRM's external ids: scored on request (one deal or a batch, loaded in one
// query per request, not per deal), and the latest stored scores listed for dashboards.
import type { Database } from '../../db/database';
import { opportunityIds, opportunityState } from '../../db/repositories/opportunities';
import { latestDealScores, type DealScoreSort, type LatestDealScore, type Page } from '../../db/repositories/scores';
import { notFound } from '../../errors';
import { scoreDeals, type WinScoring } from './score-deals';
import type { DealScoreResult } from './win-scorer';

export type { DealScoreSort, LatestDealScore };

/** Row ids of the deals with these external ids; unknown ids are absent from the map. */
export function dealIdsByExternalId(db: Database, externalIds: readonly string[]): Promise<Map<string, number>> {
  return opportunityIds(db.sql, externalIds);
}

/** Scores one stored deal as of `asOf`, with its current amount and stage (NOT_FOUND for an unknown id). */
export async function scoreStoredDeal(
  db: Database,
  scoring: WinScoring,
  externalId: string,
  asOf: Date,
): Promise<{ score: DealScoreResult; amount: number; stage: string }> {
  const id = (await dealIdsByExternalId(db, [externalId])).get(externalId);
  if (id === undefined) throw notFound(`No deal with external id "${externalId}"`);
  const [score] = await scoreDeals(db, { opportunityIds: [id], scoring, asOf, missing: 'skip' });
  if (!score) throw notFound(`No deal with external id "${externalId}" as of ${asOf.toISOString()}: it was created later`);
  const state = await opportunityState(db.sql, id);
  if (!state) throw notFound(`No deal with external id "${externalId}"`);
  return { score: { ...score, externalId }, amount: state.amount, stage: state.stage };
}

/**
 * Scores stored deals by external id; ids that name no deal, and deals created after asOf (they
 * did not exist yet), are returned in `missing`.
 */
export async function scoreStoredDeals(
  db: Database,
  scoring: WinScoring,
  externalIds: readonly string[],
  asOf: Date,
): Promise<{ scores: DealScoreResult[]; missing: string[] }> {
  const unique = [...new Set(externalIds)];
  const ids = await dealIdsByExternalId(db, unique);
  const found = [...ids.values()];
  const scores = found.length ? await scoreDeals(db, { opportunityIds: found, scoring, asOf, missing: 'skip' }) : [];
  const scored = new Set(scores.map((s) => s.opportunityId));
  const missing = unique.filter((x) => !ids.has(x) || !scored.has(ids.get(x)));
  const byId = new Map([...ids.entries()].map(([ext, id]) => [id, ext]));
  return { scores: scores.map((s) => ({ ...s, externalId: s.externalId ?? byId.get(s.opportunityId!) ?? null })), missing };
}

/** The latest stored score of every open deal, sorted and paginated. */
export function listDealScores(
  db: Database,
  opts: { stage?: string; sort: DealScoreSort; descending: boolean; limit: number; offset: number },
): Promise<Page<LatestDealScore>> {
  return latestDealScores(db.sql, opts);
}
