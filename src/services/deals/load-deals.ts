// Deals for every use case (win training and scoring, forecasts, what-if, backtests), read through
// the one deal loader (src/db/repositories/deals.ts) and, with `asOf`, cut to what was known then:
// each deal as the CRM knew it at asOf (deal-timeline dealKnownAt: later changes and activities
// dropped, a deal that closed later shown open, stored fields that did not hold yet unknown).
import type { Database } from '../../db/database';
import { loadClosedDeals, loadOpenDealLastEvents, loadDeals as loadStoredDeals } from '../../db/repositories/deals';
import { seenAt } from '../../domain/deal-timeline/boundary';
import { DAY_MS } from '../../math/time';
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

const keysOf = (r: {
  rep: string | null;
  product: string | null;
  source: string | null;
  segment: string | null;
  accountExternalId: string | null;
}) => historyKeys({ rep: r.rep, product: r.product, source: r.source, account: { segment: r.segment, externalId: r.accountExternalId } });

/**
 * Closed deals with the keys their outcome counts under in win-rate history (closed before `asOf`
 * when given). With `lostAfterDays` (a model trained with `--lost-after-days`), deals still open
 * but idle that long count as lost on that day, as they did in training: a funnel that records
 * only wins would otherwise serve rates computed from wins alone (near 100%), rates no training
 * row ever had. Idle deals are counted as of now: use it for serving, not for a past as-of.
 */
export async function loadClosedDealHistory(db: Database, asOf?: Date, options: { lostAfterDays?: number } = {}): Promise<ClosedDeal[]> {
  const rows = await loadClosedDeals(db.sql, { closedBefore: asOf });
  const out: ClosedDeal[] = rows.map((r) => ({ closedAt: r.closedAt, won: r.won, keys: keysOf(r) }));
  if (options.lostAfterDays) {
    const now = asOf?.getTime() ?? Date.now();
    for (const r of await loadOpenDealLastEvents(db.sql)) {
      const lostAt = r.lastEventAt + options.lostAfterDays * DAY_MS;
      if (seenAt(lostAt, now)) out.push({ closedAt: lostAt, won: false, keys: keysOf(r) });
    }
  }
  return out;
}
