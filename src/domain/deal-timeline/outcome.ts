// When a closed deal's outcome became known, and the group keys forecasts break deals down by.
import { changesInOrder } from './as-of';
import type { Deal } from './deal';

/**
 * The moment a closed deal's outcome became known: its close date, or the earlier change into its
 * final stage when the CRM recorded one before the close date. null for open deals. Training
 * snapshots of a deal are taken strictly before it.
 */
export function outcomeKnownAt(deal: Deal): number | null {
  if (deal.closedAt == null || (deal.outcome !== 'won' && deal.outcome !== 'lost')) return null;
  let known = deal.closedAt;
  for (const c of changesInOrder(deal)) if (c.toStage === deal.stage && c.at < known) known = c.at;
  return known;
}

export const NO_GROUP = '(none)';

const groupCache = new WeakMap<Deal, { from: unknown[]; groups: Record<string, string> }>();

/**
 * The keys a forecast breaks a deal down by: rep, team, region (the rep's, else the account's),
 * product, segment and the stored forecast category; '(none)' when the deal has none. Kept per deal
 * object (re-derived if its fields change): forecasts read them for every deal at every period.
 */
export function dealGroups(deal: Deal): Record<string, string> {
  const from = [deal.rep, deal.team, deal.repRegion, deal.account?.region, deal.product, deal.account?.segment, deal.forecastCategory];
  const c = groupCache.get(deal);
  if (c?.from.every((v, i) => v === from[i])) return c.groups;
  const groups = {
    rep: deal.rep ?? NO_GROUP,
    team: deal.team ?? NO_GROUP,
    region: deal.repRegion ?? deal.account?.region ?? NO_GROUP,
    product: deal.product ?? NO_GROUP,
    segment: deal.account?.segment ?? NO_GROUP,
    category: deal.forecastCategory ?? NO_GROUP,
  };
  groupCache.set(deal, { from, groups });
  return groups;
}
