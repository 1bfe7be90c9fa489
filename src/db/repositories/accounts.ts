// Accounts (clients, customers) by external id. Their histories for churn features and their
// repeat-buying summaries are in customers.ts.
import { idsByExternalId } from '../external-ids';
import type { SqlRunner } from '../sql';

/** Row ids of the accounts with these external ids; unknown ids are absent from the map. */
export function accountIds(q: SqlRunner, externalIds: readonly string[]): Promise<Map<string, number>> {
  return idsByExternalId(q, 'account', externalIds);
}

/** Whether an account with this external id exists. */
export async function accountExists(q: SqlRunner, externalId: string): Promise<boolean> {
  return (await accountIds(q, [externalId])).has(externalId);
}
