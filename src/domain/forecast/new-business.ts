// Expected new business: deals not yet created at as-of that will be created, won and closed
// inside the period. With creation rate λ per day (deals created in the look-back window / its
// length), win rate w and cycle-length distribution F of won deals (all from deals closed in the
// look-back window before as-of):
//     E[count] = Σ_days t∈[asOf, end)  λ · w · P(start ≤ t + L < end)
// (a Poisson-thinning argument: deal creations form a Poisson process of rate λ, each kept with
// probability w · P(close in period); the kept count is Poisson with that mean). The amount of each
// is bootstrapped from recent won amounts.
import type { DealRecord } from './deal-history';

export interface NewBusinessEstimate {
  expectedCount: number;
  expectedAmount: number;
  creationRatePerDay: number;
  winRate: number;
  meanWonAmount: number;
  lookbackDays: number;
  /** Won amounts the simulation bootstraps from. */
  amounts: number[];
}

const DAY = 86_400_000;

export function estimateNewBusiness(history: readonly DealRecord[], asOf: number, start: number, end: number, lookbackDays = 365): NewBusinessEstimate {
  const since = asOf - lookbackDays * DAY;
  let created = 0;
  let earliest = Infinity;
  let won = 0;
  let lost = 0;
  const cycles: number[] = [];
  const amounts: number[] = [];
  for (const d of history) {
    if (d.createdAt < earliest) earliest = d.createdAt;
    if (d.createdAt >= since && d.createdAt < asOf) created++;
    if (d.closedAt !== null && d.closedAt >= since && d.closedAt < asOf && d.outcome !== 'open') {
      if (d.outcome === 'won') {
        won++;
        cycles.push(d.closedAt - d.createdAt);
        amounts.push(d.amount);
      } else lost++;
    }
  }
  // A young dataset has less history than the look-back window: divide by the days observed.
  const observedDays = Math.max(1, (asOf - Math.max(since, earliest === Infinity ? asOf : earliest)) / DAY);
  const lambda = created / observedDays;
  const winRate = won + lost > 0 ? won / (won + lost) : 0;
  const sorted = Float64Array.from(cycles).sort();
  let pSum = 0;
  if (sorted.length > 0 && end > asOf) {
    for (let t = Math.max(asOf, start - lookbackDays * DAY) + DAY / 2; t < end; t += DAY) {
      pSum += fractionInRange(sorted, start - t, end - t);
    }
  }
  const expectedCount = lambda * winRate * pSum;
  const meanWonAmount = amounts.length ? amounts.reduce((a, b) => a + b, 0) / amounts.length : 0;
  return { expectedCount, expectedAmount: expectedCount * meanWonAmount, creationRatePerDay: lambda, winRate, meanWonAmount, lookbackDays, amounts };
}

function fractionInRange(sorted: Float64Array, lo: number, hi: number): number {
  let a = 0;
  let b = 0;
  // sorted is small enough (won deals in a year) for two binary searches per day.
  let l = 0;
  let h = sorted.length;
  while (l < h) {
    const m = (l + h) >> 1;
    if (sorted[m] < lo) l = m + 1;
    else h = m;
  }
  a = l;
  l = 0;
  h = sorted.length;
  while (l < h) {
    const m = (l + h) >> 1;
    if (sorted[m] < hi) l = m + 1;
    else h = m;
  }
  b = l;
  return (b - a) / sorted.length;
}
