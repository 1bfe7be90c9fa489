// Evaluation metrics for probabilistic binary classifiers.
// - ROC AUC via the Mann-Whitney U statistic with mid-ranks for ties (Hanley & McNeil 1982).
// - Log loss (cross-entropy) with probabilities clipped to [1e-15, 1 - 1e-15] as scikit-learn does.
// - Brier score: mean squared error of the probability (Brier 1950).
// - Expected calibration error: sum over equal-width bins of (bin share) * |mean p - observed rate|
//   (Naeini, Cooper & Hauskrecht 2015; Guo et al. 2017), 10 bins.

export interface ReliabilityBin {
  bin: number;
  from: number;
  to: number;
  count: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

export interface ClassifierMetrics {
  n: number;
  positives: number;
  baseRate: number;
  auc: number | null;
  logLoss: number;
  brier: number;
  ece: number;
  reliability: ReliabilityBin[];
}

export function rocAuc(p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = p.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let rankSumPos = 0;
  let pos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && p[idx[j + 1]] === p[idx[i]]) j++;
    const midRank = (i + j) / 2 + 1; // 1-based average rank of the tie block
    for (let k = i; k <= j; k++)
      if (y[idx[k]] === 1) {
        rankSumPos += midRank;
        pos++;
      }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]));
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / p.length;
}

export function brierScore(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - y[i]) ** 2;
  return s / p.length;
}

export function reliabilityTable(p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    count[b]++;
    sumP[b] += p[i];
    sumY[b] += y[i];
  }
  return count.map((c, b) => ({
    bin: b + 1,
    from: b / bins,
    to: (b + 1) / bins,
    count: c,
    meanPredicted: c ? sumP[b] / c : null,
    observedRate: c ? sumY[b] / c : null,
  }));
}

export function expectedCalibrationError(p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): number {
  const table = reliabilityTable(p, y, bins);
  let e = 0;
  for (const b of table) if (b.count) e += (b.count / p.length) * Math.abs(b.meanPredicted! - b.observedRate!);
  return e;
}

export function evaluateClassifier(p: ArrayLike<number>, y: ArrayLike<number>): ClassifierMetrics {
  if (p.length !== y.length) throw new Error('evaluate: p and y differ in length');
  if (p.length === 0) throw new Error('evaluate: no rows');
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  return {
    n: p.length,
    positives: pos,
    baseRate: pos / p.length,
    auc: rocAuc(p, y),
    logLoss: logLoss(p, y),
    brier: brierScore(p, y),
    ece: expectedCalibrationError(p, y),
    reliability: reliabilityTable(p, y),
  };
}

/**
 * Lift over a baseline on the same rows: relative reduction of log loss and Brier score
 * (1 - model / baseline; positive is better) and the AUC gain in points.
 */
export function liftOver(model: ClassifierMetrics, baseline: ClassifierMetrics) {
  return {
    aucGain: model.auc !== null && baseline.auc !== null ? model.auc - baseline.auc : null,
    logLossReduction: 1 - model.logLoss / baseline.logLoss,
    brierReduction: 1 - model.brier / baseline.brier,
  };
}

/** Top-decile lift: observed positive rate among the 10% highest scores over the overall rate. */
export function topDecileLift(p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = p.length;
  const k = Math.max(1, Math.floor(n / 10));
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b] - p[a]);
  let top = 0;
  let all = 0;
  for (let i = 0; i < n; i++) all += y[i];
  for (let i = 0; i < k; i++) top += y[idx[i]];
  return all ? top / k / (all / n) : null;
}
