// The deal as the CRM knew it at a moment: what a frontend would have sent inline at t. Used to cut
// loaded data at a past as-of date (training and backtests as of t cannot see later records) and
// by tests: dealAsOf(dealKnownAt(d, t), t) equals dealAsOf(d, t), and so does every feature.
import { dealAsOf, changesInOrder } from './as-of';
import { momentFor, seenAt } from './boundary';
import type { Deal } from './deal';

export function dealKnownAt(deal: Deal, t: number): Deal {
  const s = dealAsOf(deal, t);
  const closed = s.outcome !== 'open';
  const known: Deal = {
    ...deal,
    stage: s.stage,
    amount: s.amount,
    expectedCloseAt: s.expectedCloseAt,
    discount: s.discount,
    outcome: s.outcome,
    closedAt: s.closedAt,
    // The stored category of a deal closed later is its final call ("closed", "omitted").
    forecastCategory: closed || (deal.outcome ?? 'open') === 'open' ? (deal.forecastCategory ?? null) : null,
  };
  // Not provided stays not provided (a CRM that records no history), and likewise for activities.
  if (deal.stageChanges !== undefined) known.stageChanges = changesInOrder(deal).slice(0, s.changesSeen);
  const moment = momentFor(deal.createdAt, t);
  if (deal.activities !== undefined) known.activities = deal.activities.filter((a) => seenAt(a.at, moment));
  return known;
}
