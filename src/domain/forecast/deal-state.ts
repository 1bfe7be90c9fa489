// A deal as a forecast sees it as of a moment: the deal timeline's state (deal-timeline/as-of.ts:
// the one point-in-time rule shared with the win features) plus the deal's identity and the group
// keys forecasts break down by. Nothing stamped at or after the as-of moment is seen.
import { dealAsOf, type DealAsOf } from '../deal-timeline/as-of';
import type { Deal } from '../deal-timeline/deal';
import { dealGroups, NO_GROUP } from '../deal-timeline/outcome';

export interface DealState extends DealAsOf {
  id: number;
  externalId: string;
  createdAt: number;
  /** UNKNOWN_STAGE when the stage as of the moment is not known. */
  stage: string;
  /** Creation when the stage is not known. */
  stageEnteredAt: number;
  groups: Record<string, string>;
}

export const UNKNOWN_STAGE = '(unknown)';

/** The deal as of t for a forecast, or null when it did not exist yet. */
export function forecastDealAsOf(deal: Deal, t: number): DealState | null {
  const s = dealAsOf(deal, t);
  if (!s.exists) return null;
  let groups = dealGroups(deal);
  // The stored forecast category of a deal that closed later is its final call ("closed", "omitted").
  if (s.outcome === 'open' && (deal.outcome ?? 'open') !== 'open') groups = { ...groups, category: NO_GROUP };
  return {
    ...s,
    id: deal.id ?? 0,
    externalId: deal.externalId ?? String(deal.id ?? ''),
    createdAt: deal.createdAt,
    stage: s.stage ?? UNKNOWN_STAGE,
    stageEnteredAt: s.stageEnteredAt ?? deal.createdAt,
    groups,
  };
}
