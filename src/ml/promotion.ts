// One promotion rule for every classifier (deal win, churn), on the same held-out test window:
// the candidate must beat the baseline AND the active model, each by a stated margin, with a paired
// bootstrap interval that excludes "no better":
// - per test row, d = candidate log loss - other log loss (paired: same rows, same labels);
// - the rows are resampled by cluster (all snapshots of one deal, all observations of one customer
//   go together: they are not independent) 1,000 times; the 90% percentile interval of mean(d)
//   must lie entirely below zero (Efron & Tibshirani 1993, ch. 13; Davison & Hinkley 1997, 3.8 for
//   the cluster bootstrap);
// - and the point estimate must cut log loss by at least the margin: 1% relative to the baseline,
//   0.5% relative to the active model.
// An identical candidate (same probabilities on every test row) can never pass: d is 0 everywhere.
// The leakage guard (leakage.ts) blocks promotion in every mode, including --promote always;
// `models promote` remains the operator's explicit override.
import type { LeakageReport } from './leakage';
import { logLoss } from './metrics';
import { createRng } from '../math/random';

export const PROMOTION_RULE = {
  confidence: 0.9,
  resamples: 1000,
  minRelativeGain: { baseline: 0.01, active: 0.005 },
} as const;

export type PromoteMode = 'auto' | 'never' | 'always';

export interface Comparison {
  against: 'baseline' | 'active';
  version?: number;
  candidateLogLoss: number;
  otherLogLoss: number;
  /** 1 - candidate / other (positive: the candidate is better). */
  relativeGain: number;
  /** Mean per-row log loss difference (candidate - other) and its bootstrap interval. */
  difference: { mean: number; low: number; high: number; confidence: number };
  identical: boolean;
  beats: boolean;
}

export interface PromotionDecision {
  promote: boolean;
  decision: string;
  rule: string;
  comparisons: Comparison[];
}

export const PROMOTION_RULE_TEXT =
  'promoted only if, on the same test window, it cuts log loss by at least 1% against the baseline and 0.5% against the active model, with the 90% paired (cluster) bootstrap interval of the log-loss difference entirely below zero, and the leakage guard passes';

function rowLosses(p: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]));
    out[i] = y[i] === 1 ? -Math.log(q) : -Math.log(1 - q);
  }
  return out;
}

/**
 * Percentile interval of the mean of d (n values) under a cluster bootstrap: clusters given by
 * `groups` (default: every row its own cluster).
 */
export function pairedBootstrap(
  d: Float64Array,
  groups: ArrayLike<number | string> | undefined,
  options: { resamples?: number; confidence?: number; seed?: number } = {},
): { mean: number; low: number; high: number } {
  const sums: number[] = [];
  const counts: number[] = [];
  const index = new Map<number | string, number>();
  for (let i = 0; i < d.length; i++) {
    const g = groups ? groups[i] : i;
    let k = index.get(g);
    if (k === undefined) {
      k = sums.length;
      index.set(g, k);
      sums.push(0);
      counts.push(0);
    }
    sums[k] += d[i];
    counts[k]++;
  }
  const G = sums.length;
  let total = 0;
  for (const s of sums) total += s;
  const mean = total / d.length;
  const B = options.resamples ?? PROMOTION_RULE.resamples;
  const rng = createRng(options.seed ?? 1, 'mulberry32');
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    let c = 0;
    for (let j = 0; j < G; j++) {
      const k = (rng.next() * G) | 0; // G < 2^31
      s += sums[k];
      c += counts[k];
    }
    means[b] = s / c;
  }
  means.sort();
  const alpha = (1 - (options.confidence ?? PROMOTION_RULE.confidence)) / 2;
  const at = (q: number) => means[Math.min(B - 1, Math.max(0, Math.round(q * (B - 1))))];
  return { mean, low: at(alpha), high: at(1 - alpha) };
}

export function compare(
  against: 'baseline' | 'active',
  candidate: ArrayLike<number>,
  other: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { groups?: ArrayLike<number | string>; seed?: number; version?: number },
): Comparison {
  const lc = rowLosses(candidate, y);
  const lo = rowLosses(other, y);
  const d = new Float64Array(lc.length);
  let identical = true;
  for (let i = 0; i < d.length; i++) {
    d[i] = lc[i] - lo[i];
    if (Math.abs(candidate[i] - other[i]) > 1e-12) identical = false;
  }
  const interval = pairedBootstrap(d, options.groups, { seed: options.seed });
  const candidateLogLoss = logLoss(candidate, y);
  const otherLogLoss = logLoss(other, y);
  const relativeGain = 1 - candidateLogLoss / otherLogLoss;
  const beats = !identical && interval.high < 0 && relativeGain >= PROMOTION_RULE.minRelativeGain[against];
  return {
    against,
    ...(options.version !== undefined ? { version: options.version } : {}),
    candidateLogLoss,
    otherLogLoss,
    relativeGain,
    difference: { ...interval, confidence: PROMOTION_RULE.confidence },
    identical,
    beats,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function describe(c: Comparison): string {
  const who = c.against === 'baseline' ? 'the baseline' : `active v${c.version}`;
  if (c.identical) return `identical to ${who} on every test row`;
  return `log loss ${c.candidateLogLoss.toFixed(4)} vs ${c.otherLogLoss.toFixed(4)} for ${who} (${c.relativeGain >= 0 ? '-' : '+'}${pct(Math.abs(c.relativeGain))}; 90% interval of the difference ${c.difference.low.toFixed(4)}..${c.difference.high.toFixed(4)})`;
}

export interface PromotionInput {
  mode: PromoteMode;
  y: ArrayLike<number>;
  candidate: ArrayLike<number>;
  baseline: ArrayLike<number>;
  /** The active model on the same rows, or why it could not be scored. */
  active: { version: number; p: ArrayLike<number> } | { version: number; error: string } | null;
  groups?: ArrayLike<number | string>;
  leakage: LeakageReport;
  seed: number;
}

export function decidePromotion(input: PromotionInput): PromotionDecision {
  const opts = { groups: input.groups, seed: input.seed };
  const comparisons = [compare('baseline', input.candidate, input.baseline, input.y, opts)];
  if (input.active && 'p' in input.active)
    comparisons.push(compare('active', input.candidate, input.active.p, input.y, { ...opts, version: input.active.version }));
  const base = { rule: PROMOTION_RULE_TEXT, comparisons };
  const summary = comparisons.map(describe).join('; ');
  if (!input.leakage.passed)
    return { ...base, promote: false, decision: `not promoted: leakage guard — ${input.leakage.reasons.join('; ')}` };
  if (input.mode === 'never') return { ...base, promote: false, decision: `not promoted (--promote never); ${summary}` };
  if (input.mode === 'always') return { ...base, promote: true, decision: `promoted (--promote always); ${summary}` };
  const failed = comparisons.find((c) => !c.beats);
  if (failed) {
    const who = failed.against === 'baseline' ? 'the baseline' : `active v${failed.version}`;
    const margin = pct(PROMOTION_RULE.minRelativeGain[failed.against]);
    return {
      ...base,
      promote: false,
      decision: `not promoted: does not beat ${who} by ${margin} log loss with 90% confidence; ${summary}`,
    };
  }
  const unscored =
    input.active && 'error' in input.active ? ` (active v${input.active.version} could not be scored: ${input.active.error})` : '';
  return { ...base, promote: true, decision: `promoted: ${summary}${unscored}` };
}
