// When will a deal close, if it is won? Learned from history as empirical distributions:
// - remaining days to close for won deals snapshotted in the same stage (and segment), and
// - when the deal has an expected close date, the delay between that date (as it stood at the
//   snapshot) and the actual close — which captures how reps' dates slip.
// For a deal as of t, draws from the matching group are turned into calendar dates, conditioned on
// the deal still being open at t (draws before t are discarded), and summarised as an expected
// close date (median), P(slip past the end of the expected-close month) and a distribution over
// calendar months after t's month. Groups fall back from stage+segment to stage to everyone when
// they have fewer than `minSamples` draws. Everything here is conditional on the deal being won.
import { DAY_MS, utcEndOfMonth, utcMonthIndex } from '../../math/time';

export interface TimingExample {
  stage: string | null;
  segment: string | null;
  at: number;
  closedAt: number;
  /** Expected close date as it stood at `at`. */
  expectedCloseAt: number | null;
}

export interface CloseOutlook {
  expectedCloseAt: number | null;
  /** P(closes after the end of the month of its expected close date | won); null without a date. */
  slipProbability: number | null;
  /** P(closes in calendar month k after the month of t | won), k = 0, 1, 2, ...; sums to 1. */
  closeDistribution: { monthOffset: number; probability: number }[];
  /** Which history the estimate came from, e.g. "stage Proposal, segment SMB (212 deals)". */
  basis: string;
}

/** A trained group a deal falls in, with the sentences that name it as the basis of an outlook. */
interface Candidate {
  g: Group;
  delaysBasis: string;
  remainingBasis: string;
}

interface Group {
  remainingDays: number[];
  delayDays: number[];
  n: number;
}

export interface CloseTimingState {
  kind: 'salescast-close-timing';
  minSamples: number;
  groups: Record<string, Group>;
}

const QUANTILES = 100;

/** Evenly spaced quantiles of a sample: a compact, order-preserving summary of the distribution. */
function quantiles(values: number[], k = QUANTILES): number[] {
  if (values.length <= k) return [...values].sort((a, b) => a - b);
  const s = [...values].sort((a, b) => a - b);
  return Array.from({ length: k }, (_, i) => s[Math.min(s.length - 1, Math.floor(((i + 0.5) / k) * s.length))]);
}

const monthIndex = utcMonthIndex;
const endOfMonth = utcEndOfMonth;

export class CloseTimingModel {
  private constructor(private readonly state: CloseTimingState) {}

  static fit(examples: TimingExample[], options: { minSamples?: number } = {}): CloseTimingModel {
    const minSamples = options.minSamples ?? 30;
    const raw = new Map<string, { rem: number[]; delay: number[] }>();
    const add = (key: string, e: TimingExample) => {
      let g = raw.get(key);
      if (!g) raw.set(key, (g = { rem: [], delay: [] }));
      g.rem.push(Math.max(0, (e.closedAt - e.at) / DAY_MS));
      if (e.expectedCloseAt != null) g.delay.push((e.closedAt - e.expectedCloseAt) / DAY_MS);
    };
    for (const e of examples) {
      add('*', e);
      if (e.stage) {
        add(`stage:${e.stage}`, e);
        if (e.segment) add(`stage:${e.stage}|segment:${e.segment}`, e);
      }
    }
    const groups: Record<string, Group> = {};
    for (const [k, g] of raw)
      if (g.rem.length >= minSamples || k === '*')
        groups[k] = { remainingDays: quantiles(g.rem), delayDays: quantiles(g.delay), n: g.rem.length };
    return new CloseTimingModel({ kind: 'salescast-close-timing', minSamples, groups });
  }

  static fromJSON(s: CloseTimingState): CloseTimingModel {
    if (s?.kind !== 'salescast-close-timing') throw new Error('not a close-timing state');
    return new CloseTimingModel(s);
  }

  toJSON(): CloseTimingState {
    return this.state;
  }

  /** Typical remaining days for won deals in a stage (median), for explanations. */
  medianRemainingDays(stage: string | null): number | null {
    const g = (stage && this.state.groups[`stage:${stage}`]) || this.state.groups['*'];
    if (!g || g.remainingDays.length === 0) return null;
    return g.remainingDays[Math.floor(g.remainingDays.length / 2)];
  }

  // The trained groups a deal falls in, most specific first, resolved once per stage and segment.
  private resolved = new Map<string, Candidate[]>();
  private groupsFor(stage: string | null, segment: string | null): Candidate[] {
    const id = stage ? `${stage}\u0000${segment}` : '';
    let list = this.resolved.get(id);
    if (!list) {
      const keys = stage ? [`stage:${stage}|segment:${segment}`, `stage:${stage}`, '*'] : ['*'];
      list = keys
        .filter((k) => this.state.groups[k])
        .map((key) => {
          const g = this.state.groups[key];
          return {
            g,
            delaysBasis: `${describe(key)}: slip of expected close dates (${g.n} won deals)`,
            remainingBasis: `${describe(key)}: days to close after this point (${g.n} won deals)`,
          };
        });
      if (this.resolved.size > 10_000) this.resolved.clear(); // inline deals may name any stage
      this.resolved.set(id, list);
    }
    return list;
  }

  // outlook() runs once per scored deal on the serving path, so it avoids per-draw allocations:
  // the group quantiles are stored ascending and the transforms below are monotone, so the draws
  // come out sorted, and calendar months are resolved only where a draw crosses a month boundary.
  outlook(deal: { stage: string | null; segment: string | null; expectedCloseAt: number | null }, t: number): CloseOutlook {
    const candidates = this.groupsFor(deal.stage, deal.segment);
    const min = this.state.minSamples;
    let source: number[] | null = null;
    let offsetMs = 0; // a draw d becomes the date offsetMs + d * DAY_MS (delays) or t + max(d, 0.5) days
    let fromDelays = false;
    let first = 0; // index of the first usable draw
    let basis = '';
    for (const { g, delaysBasis, remainingBasis } of candidates) {
      if (deal.expectedCloseAt != null && g.delayDays.length) {
        // Draws that would have closed by t are impossible for a deal still open at t.
        const start = firstIndexAbove(g.delayDays, deal.expectedCloseAt, t);
        const usable = g.delayDays.length - start;
        if (usable >= Math.min(min, g.delayDays.length) / 2 && usable >= 5) {
          source = g.delayDays;
          offsetMs = deal.expectedCloseAt;
          fromDelays = true;
          first = start;
          basis = delaysBasis;
          break;
        }
      }
      if (g.remainingDays.length) {
        source = g.remainingDays;
        offsetMs = t;
        basis = remainingBasis;
        break;
      }
    }
    if (!source) {
      // No history at all: trust the rep's date if there is one.
      if (deal.expectedCloseAt == null) return { expectedCloseAt: null, slipProbability: null, closeDistribution: [], basis: 'no history' };
      const at = Math.max(deal.expectedCloseAt, t);
      return {
        expectedCloseAt: at,
        slipProbability: null,
        closeDistribution: [{ monthOffset: monthIndex(at) - monthIndex(t), probability: 1 }],
        basis: "no history: the deal's expected close date",
      };
    }
    const n = source.length - first;
    // A draw d is the date offsetMs + d days; days to close count at least half a day.
    const least = fromDelays ? -Infinity : 0.5;
    const median = offsetMs + Math.max(source[first + Math.floor(n / 2)], least) * DAY_MS;
    const base = monthIndex(t);
    const deadline = deal.expectedCloseAt != null ? endOfMonth(Math.max(deal.expectedCloseAt, t)) : Infinity;
    const closeDistribution: { monthOffset: number; probability: number }[] = [];
    let monthEnd = -Infinity;
    let current: { monthOffset: number; probability: number } | null = null;
    let slipped = 0;
    for (let i = first; i < source.length; i++) {
      const d = offsetMs + Math.max(source[i], least) * DAY_MS;
      if (d > monthEnd) {
        monthEnd = endOfMonth(d);
        const k = Math.max(0, monthIndex(d) - base);
        if (!current || current.monthOffset !== k) closeDistribution.push((current = { monthOffset: k, probability: 0 }));
      }
      current!.probability += 1;
      if (d > deadline) slipped++;
    }
    for (const c of closeDistribution) c.probability /= n;
    const slipProbability = deal.expectedCloseAt != null ? slipped / n : null;
    return { expectedCloseAt: median, slipProbability, closeDistribution, basis };
  }
}

/** First index i of an ascending array with offset + a[i] * DAY_MS > t (binary search). */
function firstIndexAbove(a: number[], offset: number, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offset + a[mid] * DAY_MS > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function describe(key: string): string {
  if (key === '*') return 'all won deals';
  return key
    .split('|')
    .map((p) => p.replace(':', ' '))
    .join(', ');
}
