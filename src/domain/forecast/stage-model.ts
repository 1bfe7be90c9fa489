// The stage model: the classic "stage-weighted pipeline" probabilities plus an empirical timing
// model, both learned only from deals closed before the as-of date. It is the comparator for the
// deal-win model and the fallback when no trained model is available.
//
// Win probability of an open deal in stage s: the share of closed deals that passed through s and
// were won, shrunk toward the overall win rate with k pseudo-observations (additive smoothing):
//     p_s = (won_s + k·p) / (n_s + k).
// Timing (conditional on winning), from won deals closed before as-of:
//  - with an expected close date E: the empirical distribution of slips r = closedAt − max(E, t_rec)
//    over every expected close date recorded on won deals (t_rec the time it was recorded); the
//    deal's close is max(E, asOf) + r, conditioned on being after as-of;
//  - without one: the empirical cycle-length distribution L = closedAt − createdAt conditioned on
//    L > age (the deal is still open at its current age), close = createdAt + L.
import type { DealRecord, DealState } from './deal-history';
import { stagesVisitedWhileOpen } from './deal-history';

export interface StageModel {
  asOf: number;
  overallWinRate: number;
  /** Per stage: closed deals seen, won among them, smoothed probability. */
  stages: { stage: string; closed: number; won: number; winProbability: number }[];
  winProbability(stage: string): number;
  /** P(close in [start, end) | won) for a deal open as of asOf. */
  inWindowProbability(deal: Pick<DealState, 'createdAt' | 'expectedCloseAt'>, start: number, end: number): number;
  /** Samples behind the timing model. */
  slipSamples: number;
  cycleSamples: number;
  /** Sorted won-deal cycle lengths in ms (shared with the new-business model). */
  cycleLengths: Float64Array;
}

export interface StageModelOptions {
  /** Pseudo-observations toward the overall rate. */
  smoothing?: number;
  /** Minimum slip samples before expected close dates are used. */
  minSlipSamples?: number;
  /** Only learn from deals closed within this many days before as-of (default: all history). */
  lookbackDays?: number;
}

export function fitStageModel(history: readonly DealRecord[], asOf: number, opts: StageModelOptions = {}): StageModel {
  const k = opts.smoothing ?? 5;
  const minSlip = opts.minSlipSamples ?? 30;
  const since = opts.lookbackDays ? asOf - opts.lookbackDays * 86_400_000 : -Infinity;
  const counts = new Map<string, { closed: number; won: number }>();
  let closed = 0;
  let won = 0;
  const slips: number[] = [];
  const cycles: number[] = [];
  for (const d of history) {
    if (d.outcome === 'open' || d.closedAt === null || d.closedAt >= asOf || d.closedAt < since) continue;
    closed++;
    const isWon = d.outcome === 'won';
    if (isWon) won++;
    for (const s of stagesVisitedWhileOpen(d, asOf)) {
      const c = counts.get(s) ?? { closed: 0, won: 0 };
      c.closed++;
      if (isWon) c.won++;
      counts.set(s, c);
    }
    if (isWon) {
      cycles.push(d.closedAt - d.createdAt);
      for (const e of d.events) {
        if (e.at >= d.closedAt) break;
        if (e.expectedCloseAt !== null) slips.push(d.closedAt - Math.max(e.expectedCloseAt, e.at));
      }
    }
  }
  const overall = closed > 0 ? (won + 1) / (closed + 2) : 0.5; // Laplace's rule of succession
  const stages = [...counts.entries()]
    .map(([stage, c]) => ({ stage, closed: c.closed, won: c.won, winProbability: (c.won + k * overall) / (c.closed + k) }))
    .sort((a, b) => b.closed - a.closed || a.stage.localeCompare(b.stage));
  const byStage = new Map(stages.map((s) => [s.stage, s.winProbability]));
  const slipSorted = Float64Array.from(slips).sort();
  const cycleSorted = Float64Array.from(cycles).sort();
  const useSlips = slipSorted.length >= minSlip;

  return {
    asOf,
    overallWinRate: overall,
    stages,
    winProbability: (stage) => byStage.get(stage) ?? overall,
    slipSamples: slipSorted.length,
    cycleSamples: cycleSorted.length,
    cycleLengths: cycleSorted,
    inWindowProbability(deal, start, end) {
      if (end <= asOf) return 0;
      if (useSlips && deal.expectedCloseAt !== null) {
        const base = Math.max(deal.expectedCloseAt, asOf);
        // close = base + r must be after as-of: r > asOf − base (≤ 0 always).
        const after = countAbove(slipSorted, asOf - base);
        if (after > 0) return countInRange(slipSorted, Math.max(start, asOf) - base, end - base, asOf - base) / after;
      }
      return cycleInWindow(cycleSorted, deal.createdAt, asOf, start, end);
    },
  };
}

/**
 * P(createdAt + L ∈ [start, end) | createdAt + L > asOf) with L from the sorted cycle lengths.
 * With fewer than 5 samples longer than the deal's age (an unusually old deal), the deal is
 * treated as starting afresh at as-of (close = asOf + L).
 */
export function cycleInWindow(cycles: Float64Array, createdAt: number, asOf: number, start: number, end: number): number {
  if (cycles.length === 0) return end > asOf && start <= asOf ? 1 : 0;
  const age = asOf - createdAt;
  const older = countAbove(cycles, age);
  if (older >= 5) return countInRange(cycles, start - createdAt, end - createdAt, age) / older;
  return countInRange(cycles, start - asOf, end - asOf, 0) / cycles.length;
}

/** Number of sorted values strictly greater than x. */
export function countAbove(sorted: Float64Array, x: number): number {
  return sorted.length - upperBound(sorted, x);
}

/** Number of sorted values v with lo ≤ v < hi and v > floor. */
function countInRange(sorted: Float64Array, lo: number, hi: number, floor: number): number {
  const a = Math.max(lowerBound(sorted, lo), upperBound(sorted, floor));
  const b = lowerBound(sorted, hi);
  return Math.max(0, b - a);
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m] < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m] <= x) lo = m + 1;
    else hi = m;
  }
  return lo;
}
