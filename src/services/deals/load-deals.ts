// Deals for every use case (win training and scoring, forecasts, what-if, backtests), read through
// the one deal loader (src/db/repositories/deals.ts) and, with `asOf`, cut to what was known then:
// each deal as the CRM knew it at asOf (deal-timeline dealKnownAt: later changes and activities
// dropped, a deal that closed later shown open, stored fields that did not hold yet unknown).
import type { Database } from '../../db/database';
import { loadClosedDeals, loadDeals as loadStoredDeals } from '../../db/repositories/deals';
import type { Deal } from '../../domain/deal-timeline/deal';
import { dealKnownAt } from '../../domain/deal-timeline/known-at';
import { historyKeys, type ClosedDeal } from '../../domain/features/deal-history';

export interface LoadDealsOptions {
  /** Cut the data to what was known at this moment (events stamped before it). */
  asOf?: Date;
  /** Only these deals (row ids). */
  opportunityIds?: number[];
  /** Only deals open as of asOf (or now). */
  openOnly?: boolean;
  /** Load activities (default true; forecasts without the win model do not need them). */
  activities?: boolean;
}

export async function loadDeals(db: Database, options: LoadDealsOptions = {}): Promise<Deal[]> {
  const deals = await loadStoredDeals(db.sql, {
    ids: options.opportunityIds,
    createdBefore: options.asOf,
    // Deals open as of a past date include deals that closed since: filter after the cut.
    openNow: options.openOnly && !options.asOf,
    activities: options.activities,
  });
  const t = options.asOf?.getTime();
  const cut = t === undefined ? deals : deals.map((d) => dealKnownAt(d, t));
  return options.openOnly ? cut.filter((d) => (d.outcome ?? 'open') === 'open') : cut;
}

/** Closed deals with the keys their outcome counts under in win-rate history (closed before `asOf` when given). */
export async function loadClosedDealHistory(db: Database, asOf?: Date): Promise<ClosedDeal[]> {
  const rows = await loadClosedDeals(db.sql, { closedBefore: asOf });
  return rows.map((r) => ({
    closedAt: r.closedAt,
    won: r.won,
    keys: historyKeys({
      rep: r.rep,
      product: r.product,
      source: r.source,
      account: { segment: r.segment, externalId: r.accountExternalId },
    }),
  }));
}
