// Every account with its order, activity, service-cost and deal history (epoch-ms arrays sorted by
// time) for churn features, training and scoring: accounts and their events from
// src/db/repositories/customers.ts, their deals as deal timelines from the one deal loader
// (src/db/repositories/deals.ts), so open deal amounts are taken as of each moment.
import type { Database } from '../../db/database';
import { customerHistories } from '../../db/repositories/customers';
import { loadDeals } from '../../db/repositories/deals';
import type { Deal } from '../../domain/deal-timeline/deal';
import type { CustomerHistory } from '../../domain/features/customer-features';

export async function loadCustomerHistories(
  db: Database,
  options: { accountIds?: number[]; before?: Date } = {},
): Promise<CustomerHistory[]> {
  const histories = await customerHistories<Deal>(db.sql, options);
  const byId = new Map(histories.map((h) => [h.accountId, h]));
  for (const d of await loadDeals(db.sql, { accountIds: options.accountIds, createdBefore: options.before, activities: false })) {
    if (d.account?.id !== undefined) byId.get(d.account.id)?.deals.push(d);
  }
  return histories;
}
