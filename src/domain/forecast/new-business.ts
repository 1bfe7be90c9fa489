// Expected new business: deals not yet created at as-of that will be created, won and closed
// inside the period. With creation rate λ per day (deals created in the look-back window / its
// length) and f(L) the density of "a created deal is won after a cycle L":
//     E[count] = Σ_days t∈[asOf, end)  λ · P(won with start ≤ t + L < end)
// (a Poisson-thinning argument: deal creations form a Poisson process of rate λ, each kept with
// the probability that it is won inside the period; the kept count is Poisson with that mean).
import { isClosedAsOf } from '../deal-timeline/as-of';
import { seenAt } from '../deal-timeline/boundary';
import type { Deal } from '../deal-timeline/deal';
import { DAY_MS } from '../../math/time';

export interface NewBusinessEstimate {
  expectedCount: number;
  expectedAmount: number;
  creationRatePerDay: number;
  /** Share of created deals that are won (censoring-aware, from exposure-weighted wins). */
  winRate: number;
  /** Won / (won + lost) over deals created in the look-back window and closed before as-of. */
  closedWinRate: number;
  meanWonAmount: number;
  lookbackDays: number;
  /** Won amounts the simulation bootstraps from … */
  amounts: number[];
  /** … with these weights: each past won deal's chance of landing in the window given its cycle length. */
  weights: number[];
}

/**
 * Quick deals are small deals: a deal created after as-of can only close inside the period if its
 * cycle is short, and short cycles go with small amounts. So cycle length and amount are taken
 * jointly from each won deal j (L_j, a_j) created in the look-back window and won before as-of.
 * It would land in the window if created on any of d_j = |[start − L_j, end − L_j) ∩ [asOf, end)|
 * days. The chance that a created deal is won after a cycle of about L_j is estimated with the
 * deals that were exposed long enough to show it — those created in [since, asOf − L_j) — so
 * deals still open (including CRMs' never-closed dead deals) count as not won at that age
 * (an empirical density of time-to-win with right censoring, as in Kaplan & Meier 1958):
 *     E[count] = λ · Σ_j d_j / N_exposed(L_j)
 * and a new deal's amount is a_j with probability ∝ d_j / N_exposed(L_j).
 */
export function estimateNewBusiness(
  history: readonly Deal[],
  asOf: number,
  start: number,
  end: number,
  lookbackDays = 365,
): NewBusinessEstimate {
  const since = asOf - lookbackDays * DAY_MS;
  let earliest = Infinity;
  let won = 0;
  let lost = 0;
  const createdTimes: number[] = [];
  const wonDeals: { cycle: number; amount: number }[] = [];
  for (const d of history) {
    if (d.createdAt < earliest) earliest = d.createdAt;
    if (d.createdAt < since || !seenAt(d.createdAt, asOf)) continue;
    createdTimes.push(d.createdAt);
    if (isClosedAsOf(d, asOf)) {
      if (d.outcome === 'won') {
        won++;
        wonDeals.push({ cycle: (d.closedAt as number) - d.createdAt, amount: d.amount ?? 0 });
      } else lost++;
    }
  }
  createdTimes.sort((a, b) => a - b);
  // A young dataset has less history than the look-back window: divide by the days observed.
  const observedDays = Math.max(1, (asOf - Math.max(since, earliest === Infinity ? asOf : earliest)) / DAY_MS);
  const lambda = createdTimes.length / observedDays;
  const exposedBefore = (t: number) => {
    let lo = 0;
    let hi = createdTimes.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (createdTimes[m] < t) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const amounts: number[] = [];
  const weights: number[] = [];
  let weightSum = 0;
  let amountSum = 0;
  let winShare = 0;
  for (const j of wonDeals) {
    const exposed = exposedBefore(asOf - j.cycle);
    if (exposed === 0) continue;
    winShare += 1 / exposed;
    const lo = Math.max(asOf, start - j.cycle);
    const hi = Math.min(end, end - j.cycle);
    const days = Math.max(0, hi - lo) / DAY_MS;
    if (days <= 0) continue;
    const w = days / exposed;
    amounts.push(j.amount);
    weights.push(w);
    weightSum += w;
    amountSum += w * j.amount;
  }
  const expectedCount = lambda * weightSum;
  const meanWonAmount = weightSum > 0 ? amountSum / weightSum : 0;
  return {
    expectedCount,
    expectedAmount: expectedCount * meanWonAmount,
    creationRatePerDay: lambda,
    winRate: Math.min(1, winShare),
    closedWinRate: won + lost > 0 ? won / (won + lost) : 0,
    meanWonAmount,
    lookbackDays,
    amounts,
    weights,
  };
}
