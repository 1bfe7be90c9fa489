// Training examples for the deal-win model: closed deals snapshotted at moments chosen without
// looking at their outcome, labelled with that outcome. The features of a snapshot are those of
// the deal as of its moment (deal-features.ts), exactly as the server builds them for an open deal.
//
// Which moments (docs/win-model.md "Snapshots"):
// - the moment of creation, for every deal: the server is asked about deals as they are created;
// - then a grid of ages: one random phase per deal in [0, step), then every `step`, while the deal
//   is open and younger than the horizon. Phase, step and horizon are the same for won and lost
//   deals (the step and horizon come from all closed deals together), so the ages at which deals are
//   seen do not depend on how they end; a deal contributes a snapshot at an age only while it is
//   open at that age, which is the question the server answers ("this deal, open at this age").
// - the horizon caps ages for won and lost alike (by default the 95th percentile of how long closed
//   deals stayed open), so long-dead deals that a CRM closes late do not dominate;
// - with `asOf`, deals created less than one horizon before it are left out: only their quick
//   outcomes have happened yet (mostly wins in a funnel that records losses late), which would make
//   the latest deals look better than they are.
// Random moments spread over a deal's whole life are not used: their ages scale with how long the
// deal lived, which differs by outcome, so age alone would give the label away.
import type { Rng } from '../../math/random';
import { DAY_MS } from '../../math/time';
import { atCreation } from '../deal-timeline/boundary';
import type { Deal } from '../deal-timeline/deal';
import { outcomeKnownAt } from '../deal-timeline/outcome';

export { outcomeKnownAt };

export interface DealSnapshot {
  deal: Deal;
  /** Index of the deal in the input array. */
  dealIndex: number;
  /** The moment of the snapshot: features are built as of it (dealFeatures(deal, at, …)). */
  at: number;
  won: 0 | 1;
  /** When the deal closed (label and close timing only; never a feature, never the split). */
  closedAt: number;
  /**
   * The time to order and cut training folds by: the deal's creation time. Every snapshot of a deal
   * shares it, so no deal straddles two folds, and a later fold holds the deals that arrived later,
   * like the deals the model will score (not the slow deals a split by close date leaves last).
   */
  splitAt: number;
  /** 'creation' for the snapshot at creation, 'open' for the later ones. */
  kind: 'creation' | 'open';
}

/** @deprecated the former name of DealSnapshot. */
export type DealSnapshotMoment = DealSnapshot;

export interface SnapshotOptions {
  /** About this many snapshots per deal on average, the one at creation included (default 6). */
  perDeal?: number;
  /** Ages are capped at this many days (default: the 95th percentile of the open life of closed deals). */
  horizonDays?: number;
  /** Days between snapshots after creation (default: set from perDeal and the mean capped open life). */
  stepDays?: number;
  /** The training as-of: deals created less than one horizon before it are left out. */
  asOf?: number;
}

interface Eligible {
  deal: Deal;
  dealIndex: number;
  end: number;
  closedAt: number;
}

function eligibleDeals(deals: readonly Deal[]): Eligible[] {
  const out: Eligible[] = [];
  deals.forEach((deal, dealIndex) => {
    const end = outcomeKnownAt(deal);
    if (end === null || deal.closedAt == null) return;
    // Closed the moment it was created: there is nothing to predict.
    if (!(atCreation(deal.createdAt) < end)) return;
    out.push({ deal, dealIndex, end, closedAt: deal.closedAt });
  });
  return out;
}

/** The default horizon (ms): the 95th percentile of how long closed deals stayed open, won and lost together. */
export function snapshotHorizon(deals: readonly Deal[]): number {
  const lives = eligibleDeals(deals)
    .map((e) => e.end - e.deal.createdAt)
    .sort((a, b) => a - b);
  if (lives.length === 0) return DAY_MS;
  return Math.max(DAY_MS, lives[Math.min(lives.length - 1, Math.floor(0.95 * lives.length))]);
}

/** The snapshots of closed deals (open deals are not examples). */
export function snapshotMoments(deals: readonly Deal[], rng: Rng, options: SnapshotOptions = {}): DealSnapshot[] {
  const perDeal = Math.max(1, options.perDeal ?? 6);
  const horizon = options.horizonDays !== undefined ? options.horizonDays * DAY_MS : snapshotHorizon(deals);
  let eligible = eligibleDeals(deals);
  if (options.asOf !== undefined) eligible = eligible.filter((e) => e.deal.createdAt <= options.asOf! - horizon);
  // One step for everyone: the mean capped open life spread over the snapshots after creation.
  let lifeSum = 0;
  for (const e of eligible) lifeSum += Math.min(e.end - e.deal.createdAt, horizon);
  const step =
    options.stepDays !== undefined
      ? options.stepDays * DAY_MS
      : perDeal > 1 && eligible.length
        ? Math.max(60_000, lifeSum / eligible.length / (perDeal - 1))
        : Infinity;
  const out: DealSnapshot[] = [];
  for (const { deal, dealIndex, end, closedAt } of eligible) {
    const won = deal.outcome === 'won' ? 1 : 0;
    const snap = (at: number, kind: DealSnapshot['kind']) =>
      out.push({ deal, dealIndex, at, won, closedAt, splitAt: deal.createdAt, kind });
    const first = atCreation(deal.createdAt);
    snap(first, 'creation');
    // Drawn for every deal, before looking at how long it lived: the phase cannot depend on the outcome.
    const phase = rng.next() * (Number.isFinite(step) ? step : 0);
    const last = Math.min(end, deal.createdAt + horizon);
    for (let at = deal.createdAt + phase; at < last && Number.isFinite(step); at += step) if (at > first) snap(at, 'open');
  }
  return out;
}
