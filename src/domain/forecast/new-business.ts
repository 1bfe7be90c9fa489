// Expected new business: deals not yet created at as-of that will be created, won and closed
// inside the period. With creation rate λ per day (deals created in the look-back window / its
// length), win rate w and cycle-length distribution F of won deals (all from deals closed in the
// look-back window before as-of):
//     E[count] = Σ_days t∈[asOf, end)  λ · w · P(start ≤ t + L < end)
// (a Poisson-thinning argument: deal creations form a Poisson process of rate λ, each kept with
// probability w · P(close in period); the kept count is Poisson with that mean).
import type { DealRecord } from './deal-history';

export interface NewBusinessEstimate {
  expectedCount: number;
  expectedAmount: number;
  creationRatePerDay: number;
  winRate: number;
  meanWonAmount: number;
  lookbackDays: number;
  /** Won amounts the simulation bootstraps from … */
  amounts: number[];
  /** … with these weights: each past won deal's chance of landing in the window given its cycle length. */
  weights: number[];
}

const DAY = 86_400_000;

/**
 * Quick deals are small deals: a deal created after as-of can only close inside the period if its
 * cycle is short, and short cycles go with small amounts. So cycle length and amount are taken
 * jointly from each recently won deal j (L_j, a_j): it would land in the window if created on any
 * day t ∈ [asOf, end) with start ≤ t + L_j < end, i.e. on d_j = |[start − L_j, end − L_j) ∩ [asOf, end)|
 * days. Then E[count] = λ · w · Σ_j d_j / n, and a new deal's amount is a_j with probability
 * d_j / Σ d (the same sum written per past deal instead of per day).
 */
export function estimateNewBusiness(history: readonly DealRecord[], asOf: number, start: number, end: number, lookbackDays = 365): NewBusinessEstimate {
  const since = asOf - lookbackDays * DAY;
  let created = 0;
  let earliest = Infinity;
  let won = 0;
  let lost = 0;
  const cycles: number[] = [];
  const wonAmounts: number[] = [];
  for (const d of history) {
    if (d.createdAt < earliest) earliest = d.createdAt;
    if (d.createdAt >= since && d.createdAt < asOf) created++;
    if (d.closedAt !== null && d.closedAt >= since && d.closedAt < asOf && d.outcome !== 'open') {
      if (d.outcome === 'won') {
        won++;
        cycles.push(d.closedAt - d.createdAt);
        wonAmounts.push(d.amount);
      } else lost++;
    }
  }
  // A young dataset has less history than the look-back window: divide by the days observed.
  const observedDays = Math.max(1, (asOf - Math.max(since, earliest === Infinity ? asOf : earliest)) / DAY);
  const lambda = created / observedDays;
  const winRate = won + lost > 0 ? won / (won + lost) : 0;
  const amounts: number[] = [];
  const weights: number[] = [];
  let daySum = 0;
  let amountSum = 0;
  for (let j = 0; j < cycles.length; j++) {
    const lo = Math.max(asOf, start - cycles[j]);
    const hi = Math.min(end, end - cycles[j]);
    const days = Math.max(0, hi - lo) / DAY;
    if (days <= 0) continue;
    amounts.push(wonAmounts[j]);
    weights.push(days);
    daySum += days;
    amountSum += days * wonAmounts[j];
  }
  const n = cycles.length;
  const expectedCount = n > 0 ? (lambda * winRate * daySum) / n : 0;
  const meanWonAmount = daySum > 0 ? amountSum / daySum : 0;
  return { expectedCount, expectedAmount: expectedCount * meanWonAmount, creationRatePerDay: lambda, winRate, meanWonAmount, lookbackDays, amounts, weights };
}
