// Customers named by the CRM's external ids: scored on request, and the latest stored scores
// listed for dashboards.
import type { Database } from '../../db/database';
import { accountIds } from '../../db/repositories/accounts';
import { latestCustomerScores, type CustomerScoreSort, type LatestCustomerScore, type Page } from '../../db/repositories/scores';
import { notFound } from '../../errors';
import { scoreCustomers, type CustomerScoreResult, type ScoreCustomersOptions, type ScoreCustomersResult } from './score-customers';

export type { CustomerScoreSort, LatestCustomerScore };

type ModelSource = Pick<ScoreCustomersOptions, 'scoring' | 'modelsDir' | 'asOf'>;

/** Row ids of the accounts with these external ids; unknown ids are absent from the map. */
export function customerIdsByExternalId(db: Database, externalIds: readonly string[]): Promise<Map<string, number>> {
  return accountIds(db.sql, externalIds);
}

/** Scores one stored customer (NOT_FOUND for an unknown external id). */
export async function scoreStoredCustomer(
  db: Database,
  externalId: string,
  opts: ModelSource,
): Promise<Omit<ScoreCustomersResult, 'scores'> & { score: CustomerScoreResult }> {
  const id = (await customerIdsByExternalId(db, [externalId])).get(externalId);
  if (id === undefined) throw notFound(`No customer with external id "${externalId}"`);
  const { scores, ...rest } = await scoreCustomers(db, { ...opts, accountIds: [id] });
  if (!scores.length) throw notFound(`No customer with external id "${externalId}"`);
  return { ...rest, score: scores[0] };
}

/** Scores stored customers by external id; ids that name no account are returned in `missing` (null result when none exist). */
export async function scoreStoredCustomers(
  db: Database,
  externalIds: readonly string[],
  opts: ModelSource,
): Promise<{ result: ScoreCustomersResult | null; missing: string[] }> {
  const unique = [...new Set(externalIds)];
  const ids = await customerIdsByExternalId(db, unique);
  const missing = unique.filter((x) => !ids.has(x));
  if (!ids.size) return { result: null, missing };
  return { result: await scoreCustomers(db, { ...opts, accountIds: [...ids.values()] }), missing };
}

/** The latest stored score of every customer, sorted and paginated. */
export function listCustomerScores(
  db: Database,
  opts: { rfmSegment?: string; segment?: string; sort: CustomerScoreSort; descending: boolean; limit: number; offset: number },
): Promise<Page<LatestCustomerScore>> {
  return latestCustomerScores(db.sql, opts);
}
