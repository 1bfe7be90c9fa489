// The stage model: stage-weighted win probabilities plus an empirical timing model, both learned
// only from deals closed before the as-of date. It is the comparator for the deal-win model and
// the fallback when no trained model is available.
//
// Why snapshots: a forecast looks at the cross-section of deals open at one moment. Deals that
// will be lost linger in their stage, so that cross-section holds more future losers than "deals
// that ever reached stage s" does, and the textbook win rate per stage over-forecasts. We therefore
// sample every closed deal as it stood on a regular grid of past dates (1st and 16th of each month
// while it was open, rebuilt with dealAsOf) — the same kind of cross-section — and learn from
// those snapshots (length-biased sampling; cf. Cox's renewal-theory argument, 1962):
//  - win probability by (stage, time-in-stage bucket), shrunk toward the stage's rate and that
//    toward the overall rate with k pseudo-observations: p = (won + k·p_parent) / (n + k);
//  - timing given a win: with an expected close date E, the slip r = closedAt − max(E, t) over won
//    snapshots in the same stage (pooled over stages below 30 samples), close = max(E, asOf) + r,
//    conditioned on close > asOf;
//    without E, the remaining time closedAt − t over won snapshots in that stage, close = asOf + it.
import { dealAsOf, isClosedAsOf } from '../deal-timeline/as-of';
import { seenAt } from '../deal-timeline/boundary';
import type { Deal } from '../deal-timeline/deal';
import { UNKNOWN_STAGE, type DealState } from './deal-state';
import { DAY_MS } from '../../math/time';

export interface StageModel {
  asOf: number;
  overallWinRate: number;
  /** Per stage: snapshots seen, won among them, smoothed probability. */
  stages: { stage: string; snapshots: number; won: number; winProbability: number }[];
  winProbability(stage: string, daysInStage?: number): number;
  /**
   * Age (ms since creation) beyond which no deal closed before as-of was ever won; deals still
   * open past it are stale (many CRMs never close dead deals) and get no chance of winning.
   */
  maxWonAge: number;
  /** P(close in [start, end) | won) for a deal open as of asOf. */
  inWindowProbability(deal: Pick<DealState, 'expectedCloseAt' | 'stage'>, start: number, end: number): number;
  snapshots: number;
  /** Sorted won-deal cycle lengths in ms (creation to close). */
  cycleLengths: Float64Array;
}

export interface StageModelOptions {
  smoothing?: number;
  /** Minimum samples for a per-stage timing distribution. */
  minTimingSamples?: number;
  /** Only learn from deals closed within this many days before as-of (default: all history). */
  lookbackDays?: number;
}

/** Time-in-stage buckets (days): deals stalled in a stage close less often. */
export const STAGE_AGE_BUCKETS = [0, 30, 60, 120];

function bucketOf(daysInStage: number): number {
  let b = 0;
  for (let i = 1; i < STAGE_AGE_BUCKETS.length; i++) if (daysInStage >= STAGE_AGE_BUCKETS[i]) b = i;
  return b;
}

/** Snapshot dates: the 1st and 16th of each month in (from, to). */
function snapshotGrid(from: number, to: number): number[] {
  const out: number[] = [];
  const d = new Date(from);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  for (;;) {
    for (const day of [1, 16]) {
      const t = Date.UTC(y, m, day);
      if (t >= to) return out;
      if (t > from) out.push(t);
    }
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
}

interface Cell {
  n: number;
  won: number;
}

/**
 * The stage of a deal open at t, as forecastDealAsOf gives it, without the identity and group keys
 * the stage model does not read: the fit takes two snapshots a month of every deal, at every origin
 * of a backtest, and building the full forecast state for each cost seconds on a CRM export.
 */
function stageAsOf(d: Deal, t: number): { stage: string; stageEnteredAt: number; expectedCloseAt: number | null } | null {
  const s = dealAsOf(d, t);
  if (!s.exists || s.outcome !== 'open') return null;
  return { stage: s.stage ?? UNKNOWN_STAGE, stageEnteredAt: s.stageEnteredAt ?? d.createdAt, expectedCloseAt: s.expectedCloseAt };
}

/** What the fit counts over the snapshots of the history's deals. */
interface StageCounts {
  byStage: Map<string, Cell>;
  /** Per stage and days-in-stage bucket, keyed `stage\u0000bucket`. */
  byCell: Map<string, Cell>;
  /** Per stage: close date minus the expected close date (or the snapshot time, if later), won deals. */
  slips: Map<string, number[]>;
  /** Per stage: time from the snapshot to the win. */
  remaining: Map<string, number[]>;
  allSlips: number[];
  allRemaining: number[];
  /** Cycle lengths of the won deals. */
  cycles: number[];
  n: number;
  won: number;
}

export function fitStageModel(history: readonly Deal[], asOf: number, opts: StageModelOptions = {}): StageModel {
  const since = opts.lookbackDays ? asOf - opts.lookbackDays * DAY_MS : -Infinity;
  const counts: StageCounts = {
    byStage: new Map(),
    byCell: new Map(),
    slips: new Map(),
    remaining: new Map(),
    allSlips: [],
    allRemaining: [],
    cycles: [],
    n: 0,
    won: 0,
  };
  const horizon = censoringHorizon(history, asOf, since);
  for (const d of history) {
    // Censoring: a deal still open at as-of (many CRMs never close dead deals) contributes its
    // snapshots older than the 95th percentile of won cycles as not won — by then nearly every
    // deal that was going to be won had been.
    if (!isClosedAsOf(d, asOf)) {
      if (!Number.isFinite(horizon) || !seenAt(d.createdAt, asOf)) continue;
      for (const t of snapshotGrid(d.createdAt, asOf - horizon)) {
        const s = stageAsOf(d, t);
        if (s) countSnapshot(counts, s, t, null);
      }
      continue;
    }
    const closedAt = d.closedAt as number; // closed before as-of
    if (closedAt < since) continue;
    const isWon = d.outcome === 'won';
    if (isWon) counts.cycles.push(closedAt - d.createdAt);
    for (const t of snapshotGrid(d.createdAt, closedAt)) {
      const s = stageAsOf(d, t);
      if (s) countSnapshot(counts, s, t, isWon ? closedAt : null);
    }
  }
  return stageModelFrom(counts, asOf, opts.smoothing ?? 5, opts.minTimingSamples ?? 30);
}

/**
 * Won cycle lengths first: they bound how long a snapshot of a still-open deal must have been
 * watched before "not won since" is informative (the 95th percentile; Infinity below 20 wins).
 */
function censoringHorizon(history: readonly Deal[], asOf: number, since: number): number {
  const wonCycles: number[] = [];
  for (const d of history)
    if (d.outcome === 'won' && isClosedAsOf(d, asOf) && (d.closedAt as number) >= since)
      wonCycles.push((d.closedAt as number) - d.createdAt);
  wonCycles.sort((a, b) => a - b);
  return wonCycles.length >= 20 ? wonCycles[Math.floor(0.95 * (wonCycles.length - 1))] : Infinity;
}

/** Counts one snapshot of a deal taken at t; `wonAt` is the close of a won deal, null otherwise. */
function countSnapshot(
  counts: StageCounts,
  s: { stage: string; stageEnteredAt: number; expectedCloseAt: number | null },
  t: number,
  wonAt: number | null,
): void {
  const isWon = wonAt !== null;
  counts.n++;
  if (isWon) counts.won++;
  const stageCell = counts.byStage.get(s.stage) ?? { n: 0, won: 0 };
  stageCell.n++;
  if (isWon) stageCell.won++;
  counts.byStage.set(s.stage, stageCell);
  const key = `${s.stage}\u0000${bucketOf((t - s.stageEnteredAt) / DAY_MS)}`;
  const cell = counts.byCell.get(key) ?? { n: 0, won: 0 };
  cell.n++;
  if (isWon) cell.won++;
  counts.byCell.set(key, cell);
  if (isWon) {
    const rem = wonAt - t;
    counts.allRemaining.push(rem);
    push(counts.remaining, s.stage, rem);
    if (s.expectedCloseAt !== null) {
      const r = wonAt - Math.max(s.expectedCloseAt, t);
      counts.allSlips.push(r);
      push(counts.slips, s.stage, r);
    }
  }
}

/**
 * The model from the counts: win rates per stage shrunk towards the overall rate (k pseudo
 * snapshots), per stage and days-in-stage bucket shrunk towards the stage's, and the empirical
 * timing distributions (per stage from minTiming samples, else overall).
 */
function stageModelFrom(counts: StageCounts, asOf: number, k: number, minTiming: number): StageModel {
  const { byStage, byCell, slips, remaining, allSlips, allRemaining, cycles, n, won } = counts;
  const overall = (won + 1) / (n + 2); // Laplace's rule of succession
  const stageRate = new Map<string, number>();
  const stages = [...byStage.entries()]
    .map(([stage, c]) => {
      const p = (c.won + k * overall) / (c.n + k);
      stageRate.set(stage, p);
      return { stage, snapshots: c.n, won: c.won, winProbability: p };
    })
    .sort((a, b) => b.snapshots - a.snapshots || a.stage.localeCompare(b.stage));
  const sorted = (xs: number[]) => Float64Array.from(xs).sort();
  const slipBy = new Map([...slips.entries()].filter(([, v]) => v.length >= minTiming).map(([s, v]) => [s, sorted(v)]));
  const remBy = new Map([...remaining.entries()].filter(([, v]) => v.length >= minTiming).map(([s, v]) => [s, sorted(v)]));
  const slipAll = sorted(allSlips);
  const remAll = sorted(allRemaining);

  return {
    asOf,
    overallWinRate: overall,
    stages,
    snapshots: n,
    cycleLengths: sorted(cycles),
    maxWonAge: cycles.length >= 20 ? Math.max(...cycles) : Infinity,
    winProbability(stage, daysInStage) {
      const parent = stageRate.get(stage) ?? overall;
      if (daysInStage === undefined) return parent;
      const c = byCell.get(`${stage}\u0000${bucketOf(daysInStage)}`);
      return c ? (c.won + k * parent) / (c.n + k) : parent;
    },
    inWindowProbability(deal, start, end) {
      if (end <= asOf) return 0;
      if (deal.expectedCloseAt !== null) {
        const r = slipBy.get(deal.stage) ?? slipAll;
        if (r.length > 0) {
          // Condition on closing after as-of: slips that would have closed the deal already are
          // impossible for a deal still open (truncation of the empirical distribution).
          const base = Math.max(deal.expectedCloseAt, asOf);
          const alive = fractionIn(r, asOf - base, Infinity);
          if (alive > 0) return fractionIn(r, Math.max(start, asOf) - base, end - base) / alive;
        }
      }
      const r = remBy.get(deal.stage) ?? remAll;
      if (r.length > 0) return fractionIn(r, start - asOf, end - asOf);
      return start <= asOf ? 1 : 0;
    },
  };
}

function push(m: Map<string, number[]>, key: string, v: number) {
  const a = m.get(key);
  if (a) a.push(v);
  else m.set(key, [v]);
}

/** Share of sorted samples in [lo, hi). */
export function fractionIn(sorted: Float64Array, lo: number, hi: number): number {
  if (sorted.length === 0 || hi <= lo) return 0;
  return Math.max(0, lowerBound(sorted, hi) - lowerBound(sorted, lo)) / sorted.length;
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
