// Interval estimates and tests of a difference for group comparisons. Pure functions over counts
// and sufficient statistics (n, Σx, Σx²) that SQL aggregates return, so no per-row data is needed
// except for the bootstrap, which resamples per-client aggregates.
import { normalCdf, normalQuantile } from '../../math/normal';
import { createRng } from '../../math/random';
import { studentTCdf, studentTQuantile } from '../../math/student-t';

export interface Interval {
  estimate: number | null;
  lo: number | null;
  hi: number | null;
}

/** Wilson score interval for a proportion k/n (Wilson 1927; Newcombe 1998 method 3). */
export function wilsonInterval(k: number, n: number, confidence = 0.95): Interval {
  if (n <= 0) return { estimate: null, lo: null, hi: null };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { estimate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

export interface DifferenceTest {
  /** Estimate of group B minus group A. */
  difference: number | null;
  lo: number | null;
  hi: number | null;
  statistic: number | null;
  pValue: number | null;
  method: string;
}

/**
 * Difference of two proportions p2 − p1: Newcombe's hybrid score interval (Newcombe 1998, method 10)
 * built from the two Wilson intervals, and the pooled two-proportion z test
 * z = (p2 − p1) / √(p̂(1 − p̂)(1/n1 + 1/n2)), p̂ = (k1 + k2)/(n1 + n2).
 */
export function twoProportionTest(k1: number, n1: number, k2: number, n2: number, confidence = 0.95): DifferenceTest {
  const method = 'two-proportion z test; Newcombe (1998) hybrid score interval';
  if (n1 <= 0 || n2 <= 0) return { difference: null, lo: null, hi: null, statistic: null, pValue: null, method };
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const w1 = wilsonInterval(k1, n1, confidence);
  const w2 = wilsonInterval(k2, n2, confidence);
  const d = p2 - p1;
  const lo = d - Math.sqrt((p2 - w2.lo!) ** 2 + (w1.hi! - p1) ** 2);
  const hi = d + Math.sqrt((w2.hi! - p2) ** 2 + (p1 - w1.lo!) ** 2);
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se > 0 ? d / se : 0;
  const pValue = se > 0 ? 2 * (1 - normalCdf(Math.abs(z))) : 1;
  return { difference: d, lo, hi, statistic: z, pValue, method };
}

/** n, mean and sample variance from the sufficient statistics SQL returns. */
export interface Moments {
  n: number;
  mean: number | null;
  variance: number | null;
}
export function momentsFromSums(n: number, sum: number, sumSq: number): Moments {
  if (n <= 0) return { n: 0, mean: null, variance: null };
  const mean = sum / n;
  // s² = (Σx² − n·x̄²)/(n − 1), clamped at 0 against rounding.
  const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : null;
  return { n, mean, variance };
}

/** t interval for a mean: x̄ ± t_{n−1} · s/√n. */
export function meanInterval(m: Moments, confidence = 0.95): Interval {
  if (m.mean === null) return { estimate: null, lo: null, hi: null };
  if (m.variance === null) return { estimate: m.mean, lo: null, hi: null };
  const half = studentTQuantile(1 - (1 - confidence) / 2, m.n - 1) * Math.sqrt(m.variance / m.n);
  return { estimate: m.mean, lo: m.mean - half, hi: m.mean + half };
}

/**
 * Welch's unequal-variance t test of mean2 − mean1 (Welch 1947):
 * t = (x̄2 − x̄1)/√(s1²/n1 + s2²/n2), ν by the Welch–Satterthwaite equation.
 */
export function welchTest(a: Moments, b: Moments, confidence = 0.95): DifferenceTest {
  const method = "Welch's t test";
  if (a.mean === null || b.mean === null || a.variance === null || b.variance === null) {
    return {
      difference: a.mean !== null && b.mean !== null ? b.mean - a.mean : null,
      lo: null,
      hi: null,
      statistic: null,
      pValue: null,
      method,
    };
  }
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const d = b.mean - a.mean;
  if (se === 0) return { difference: d, lo: d, hi: d, statistic: null, pValue: d === 0 ? 1 : 0, method };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = d / se;
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  return { difference: d, lo: d - q * se, hi: d + q * se, statistic: t, pValue: 2 * (1 - studentTCdf(Math.abs(t), df)), method };
}

/** Ratio of sums Σnum/Σden (e.g. margin % = Σ gross margin / Σ revenue). */
export function ratioOfSums(num: ArrayLike<number>, den: ArrayLike<number>): number | null {
  let a = 0;
  let b = 0;
  for (let i = 0; i < num.length; i++) {
    a += num[i];
    b += den[i];
  }
  return b !== 0 ? a / b : null;
}

/**
 * Percentile bootstrap (Efron & Tibshirani 1993, §13.3) for the difference of a ratio-of-sums
 * statistic between two groups of clients, resampling clients with replacement within each group.
 * The two-sided p-value is the share of resampled differences on the other side of 0, doubled.
 */
export function bootstrapRatioDifference(
  a: { num: ArrayLike<number>; den: ArrayLike<number> },
  b: { num: ArrayLike<number>; den: ArrayLike<number> },
  opts: { resamples?: number; seed?: number; confidence?: number } = {},
): DifferenceTest & { resamples: number; seed: number } {
  const resamples = opts.resamples ?? 1000;
  const seed = opts.seed ?? 42;
  const confidence = opts.confidence ?? 0.95;
  const method = `percentile bootstrap of the ratio of sums (${resamples} resamples, seed ${seed})`;
  const ra = ratioOfSums(a.num, a.den);
  const rb = ratioOfSums(b.num, b.den);
  if (ra === null || rb === null || a.num.length < 2 || b.num.length < 2)
    return {
      difference: ra !== null && rb !== null ? rb - ra : null,
      lo: null,
      hi: null,
      statistic: null,
      pValue: null,
      method,
      resamples,
      seed,
    };
  const rng = createRng(seed, 'mulberry32');
  const one = (g: { num: ArrayLike<number>; den: ArrayLike<number> }) => {
    const n = g.num.length;
    let s = 0;
    let t = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rng.next() * n);
      s += g.num[j];
      t += g.den[j];
    }
    return t !== 0 ? s / t : NaN;
  };
  const diffs: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const d = one(b) - one(a);
    if (Number.isFinite(d)) diffs.push(d);
  }
  diffs.sort((x, y) => x - y);
  const q = (p: number) => diffs[Math.min(diffs.length - 1, Math.max(0, Math.floor(p * diffs.length)))];
  const alpha = 1 - confidence;
  const below = diffs.filter((x) => x <= 0).length / diffs.length;
  const above = diffs.filter((x) => x >= 0).length / diffs.length;
  return {
    difference: rb - ra,
    lo: q(alpha / 2),
    hi: q(1 - alpha / 2),
    statistic: null,
    pValue: Math.min(1, 2 * Math.min(below, above)),
    method,
    resamples,
    seed,
  };
}

/** Percentile bootstrap interval of one group's ratio of sums (clients resampled with replacement). */
export function bootstrapRatioInterval(
  g: { num: ArrayLike<number>; den: ArrayLike<number> },
  opts: { resamples?: number; seed?: number; confidence?: number } = {},
): Interval {
  const estimate = ratioOfSums(g.num, g.den);
  const n = g.num.length;
  if (estimate === null || n < 2) return { estimate, lo: null, hi: null };
  const rng = createRng(opts.seed ?? 42, 'mulberry32');
  const resamples = opts.resamples ?? 1000;
  const alpha = 1 - (opts.confidence ?? 0.95);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    let t = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rng.next() * n);
      s += g.num[j];
      t += g.den[j];
    }
    if (t !== 0) stats.push(s / t);
  }
  stats.sort((x, y) => x - y);
  const q = (p: number) => stats[Math.min(stats.length - 1, Math.max(0, Math.floor(p * stats.length)))];
  return { estimate, lo: q(alpha / 2), hi: q(1 - alpha / 2) };
}
