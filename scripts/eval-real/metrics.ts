// The figures the evaluation prints: the product's own metric definitions (src/ml/metrics.ts, the
// ones every training run reports), so served and reported numbers are comparable. ECE there is
// the expected calibration error over 10 equal-width probability bins, weighted by the share of
// rows in each bin: sum_b (n_b / n) * |mean p_b - observed rate_b| (Naeini et al. 2015; Guo et al. 2017).
import { brierScore, evaluateClassifier, logLoss } from '../../src/ml/metrics';

export const ECE_DEFINITION = 'ECE: 10 equal-width bins of p, sum of (bin share) x |mean p - observed rate|';

export interface Metrics {
  n: number;
  positives: number;
  auc: number | null;
  logLoss: number;
  brier: number;
  ece: number;
}

export interface ProbabilitySummary {
  min: number;
  mean: number;
  max: number;
  /** Served probabilities that are exactly 0 or 1 (never allowed). */
  exactZeroOrOne: number;
  /** Served probabilities at or beyond 0.001 / 0.999 (clipped tails rather than calibrated ones). */
  beyondOneInAThousand: number;
}

/** Metrics of served probabilities `p` against labels `y`. */
export function metricsOf(p: number[], y: number[]): Metrics {
  const m = evaluateClassifier(p, y);
  return { n: m.n, positives: m.positives, auc: m.auc, logLoss: m.logLoss, brier: m.brier, ece: m.ece };
}

/** A reported metrics object (training run JSON) reduced to the figures compared here. */
export function pickMetrics(m: Partial<Metrics> | null | undefined): Metrics | null {
  if (!m || typeof m.logLoss !== 'number') return null;
  return {
    n: m.n ?? 0,
    positives: m.positives ?? 0,
    auc: m.auc ?? null,
    logLoss: m.logLoss,
    brier: m.brier ?? Number.NaN,
    ece: m.ece ?? Number.NaN,
  };
}

export interface BaseRate {
  /** The positive rate of the labelled training rows: what a user knows without any model. */
  rate: number;
  /** Log loss and Brier score on the held-out rows of always answering `rate`. */
  logLoss: number;
  brier: number;
  /** The held-out rows' own positive rate (hindsight; for reading the table, not a gate). */
  holdoutRate: number;
}

export function baseRateOf(trainLabels: number[], y: number[]): BaseRate {
  const rate = trainLabels.reduce((s, v) => s + v, 0) / trainLabels.length;
  const p = y.map(() => rate);
  return { rate, logLoss: logLoss(p, y), brier: brierScore(p, y), holdoutRate: y.reduce((s, v) => s + v, 0) / y.length };
}

export function summarize(p: number[]): ProbabilitySummary {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let exact = 0;
  let tails = 0;
  for (const v of p) {
    if (v <= 0.001 || v >= 0.999) tails++;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    if (v <= 0 || v >= 1) exact++;
  }
  return { min, mean: sum / p.length, max, exactZeroOrOne: exact, beyondOneInAThousand: tails };
}
