// Sample quantiles, Hyndman & Fan (1996) definition 7 (linear interpolation between order
// statistics; the default of R and NumPy), so P10/P50/P90 match what an analyst would compute,
// and the summary of simulated draws every forecast reports.

/** Quantile p of an ascending-sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (n === 1) return sorted[0];
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface Summary {
  mean: number;
  sd: number;
  p10: number;
  p50: number;
  p90: number;
}

/** Mean, standard deviation and P10/P50/P90 of draws (sorts a copy, the input is left alone). */
export function summarize(draws: ArrayLike<number>): Summary {
  const n = draws.length;
  const sorted = Float64Array.from(draws as ArrayLike<number>).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  return {
    mean,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    p10: quantileSorted(sorted, 0.1),
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
  };
}
