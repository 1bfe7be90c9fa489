// Run-rate forecast of a monthly series (bookings or revenue) from its own history.
//  - With at least three years: Holt-Winters, additive and (for a positive series)
//    multiplicative, the one with the lower SSE wins (same number of parameters, so this is also
//    the lower AIC). Three rather than two years: with two, the twelve initial seasonal states
//    are fitted from the data they are judged on.
//  - With two to three years: a linear trend fitted by ordinary least squares (ml-regression's
//    SimpleLinearRegression) times seasonal indices (ratio-to-trend averaged per calendar month
//    and normalised to mean 1, the classical decomposition of FPP3 §3.4); with less, the trend
//    alone over the last 12 months. Both with the OLS prediction interval
//        ŷ ± z · s · sqrt(1 + 1/n + (x − x̄)² / Sxx)
//    (normal quantile in place of Student's t — slightly narrow for very short series).
// Sums over several months (a quarter) take their interval from simulated paths.
import type { SimpleLinearRegression as SimpleLinearRegressionType } from 'ml-regression-simple-linear';
import { HoltWinters, type ForecastIntervals } from './holt-winters';
import { normalQuantile } from '../../math/normal';
import { quantileSorted } from '../../math/quantile';
import { createRng } from '../../math/random';

// ml-regression ships no type declarations; its classes come from typed sub-packages.
const { SimpleLinearRegression } = require('ml-regression') as { SimpleLinearRegression: typeof SimpleLinearRegressionType };

export type RunRateMethod = 'holt-winters-additive' | 'holt-winters-multiplicative' | 'trend-seasonal' | 'trend' | 'mean';

export interface RunRateForecast extends ForecastIntervals {
  method: RunRateMethod;
  /** Sum over the h steps with its P10/P90 (80% interval) from simulated paths. */
  sum: { mean: number; p10: number; p90: number };
  details: Record<string, number | string>;
}

export interface RunRateOptions {
  /** Month of year (0-11) of the first value, for seasonal indices. */
  firstMonth?: number;
  seed?: number;
  level?: number[];
  paths?: number;
}

/**
 * Leading months before the series first reaches half its median are the history's warm-up (a
 * CRM whose records start mid-stream books little until its first deals close) and are dropped.
 */
export function dropWarmUp(y: readonly number[]): number {
  if (y.length < 6) return 0;
  const sorted = [...y].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  let i = 0;
  while (i < y.length - 3 && y[i] < 0.5 * median) i++;
  return i;
}

export function forecastRunRate(series: readonly number[], h: number, opts: RunRateOptions = {}): RunRateForecast {
  const level = opts.level ?? [80, 95];
  const seed = opts.seed ?? 42;
  const paths = opts.paths ?? 2000;
  const skipped = dropWarmUp(series);
  const y = series.slice(skipped);
  const n = y.length;
  const sim = { h, level, seed, paths, skipped };
  if (n >= 36) return holtWintersForecast(y, sim);
  if (n >= 3) return trendForecast(y, (opts.firstMonth ?? 0) + skipped, sim);
  const m = n ? y.reduce((a, b) => a + b, 0) / n : 0;
  const sd = n > 1 ? Math.sqrt(y.reduce((a, v) => a + (v - m) ** 2, 0) / (n - 1)) : m;
  const mean = new Array(h).fill(m);
  const sds = new Array(h).fill(sd);
  return {
    ...intervalsFromSd(mean, sds, level),
    method: 'mean',
    sum: sumIndependent(mean, sds, seed, paths),
    details: { n, warmUpMonthsDropped: skipped },
  };
}

/** The horizon, interval levels, simulation settings and warm-up months dropped, shared by the methods. */
interface RunRateSettings {
  h: number;
  level: number[];
  seed: number;
  paths: number;
  skipped: number;
}

/** Three years or more: Holt-Winters, additive or (for a positive series) multiplicative, the better fit. */
function holtWintersForecast(y: number[], { h, level, seed, paths, skipped }: RunRateSettings): RunRateForecast {
  const candidates: HoltWinters[] = [new HoltWinters({ seasonality: 'additive' }).fit(y)];
  if (y.every((v) => v > 0)) candidates.push(new HoltWinters({ seasonality: 'multiplicative' }).fit(y));
  const best = candidates.reduce((a, b) => (b.sse < a.sse ? b : a));
  const f = best.predict(h, { level, seed, paths });
  const sims = best.simulate(h, { seed, paths });
  return {
    ...f,
    mean: f.mean.map((v) => Math.max(0, v)),
    method: best.seasonality === 'additive' ? 'holt-winters-additive' : 'holt-winters-multiplicative',
    sum: sumOfPaths(sims, f.mean),
    details: {
      alpha: best.params.alpha,
      beta: best.params.beta,
      gamma: best.params.gamma,
      sigma: Math.sqrt(best.sigma2),
      n: y.length,
      warmUpMonthsDropped: skipped,
    },
  };
}

/**
 * A linear trend, times seasonal indices from two years on. Seasonal indices need at least two
 * observations of each calendar month; with less history the trend is fitted on the last 12
 * months only (a long ramp would extrapolate wildly). `firstMonth` is y[0]'s calendar month (mod 12).
 */
function trendForecast(y: number[], firstMonth: number, { h, level, seed, paths, skipped }: RunRateSettings): RunRateForecast {
  const n = y.length;
  const useSeason = n >= 24 && y.every((v) => v >= 0);
  const w = useSeason ? n : Math.min(n, 12);
  const off = n - w;
  const first = (firstMonth + off) % 12;
  const yw = y.slice(off);
  const x = yw.map((_, i) => i);
  const { trend, idx } = useSeason ? seasonalTrend(x, yw, first) : { trend: new SimpleLinearRegression(x, yw), idx: new Array(12).fill(1) };
  const si = (i: number) => idx[(first + i) % 12];
  const resid = yw.map((v, i) => v - (trend.predict(i) as number) * si(i));
  const s = Math.sqrt(resid.reduce((a, e) => a + e * e, 0) / Math.max(1, w - 2));
  const xbar = (w - 1) / 2;
  const sxx = x.reduce((a, v) => a + (v - xbar) ** 2, 0);
  const mean: number[] = [];
  const sds: number[] = [];
  for (let k = 0; k < h; k++) {
    const xi = w + k;
    mean.push(Math.max(0, (trend.predict(xi) as number) * si(xi)));
    sds.push(s * Math.sqrt(1 + 1 / w + (xi - xbar) ** 2 / sxx));
  }
  const out = intervalsFromSd(mean, sds, level);
  return {
    ...out,
    method: useSeason ? 'trend-seasonal' : 'trend',
    sum: sumIndependent(mean, sds, seed, paths),
    details: { slope: trend.slope, intercept: trend.intercept, residualSd: s, n: w, warmUpMonthsDropped: skipped },
  };
}

/** Ratio-to-trend seasonal indices (mean 1), and the trend refitted on the deseasonalised series. */
function seasonalTrend(x: number[], yw: number[], first: number): { trend: SimpleLinearRegressionType; idx: number[] } {
  const initial = new SimpleLinearRegression(x, yw);
  const ratios: number[][] = Array.from({ length: 12 }, () => []);
  yw.forEach((v, i) => {
    const t = initial.predict(i) as number;
    if (t > 0) ratios[(first + i) % 12].push(v / t);
  });
  let idx = ratios.map((r) => (r.length ? r.reduce((a, b) => a + b, 0) / r.length : 1));
  const m = idx.reduce((a, b) => a + b, 0) / 12;
  idx = idx.map((v) => (m > 0 ? v / m : 1));
  const trend = new SimpleLinearRegression(
    x,
    yw.map((v, i) => v / (idx[(first + i) % 12] || 1)),
  );
  return { trend, idx };
}

function intervalsFromSd(mean: number[], sds: number[], levels: number[]): ForecastIntervals {
  const lo: Record<number, number[]> = {};
  const hi: Record<number, number[]> = {};
  for (const lv of levels) {
    const z = normalQuantile(0.5 + lv / 200);
    lo[lv] = mean.map((m, i) => m - z * sds[i]);
    hi[lv] = mean.map((m, i) => m + z * sds[i]);
  }
  return { mean, lo, hi };
}

function sumOfPaths(paths: number[][], mean: number[]) {
  const sums = Float64Array.from(paths, (p) => p.reduce((a, b) => a + b, 0)).sort();
  return { mean: mean.reduce((a, b) => a + b, 0), p10: quantileSorted(sums, 0.1), p90: quantileSorted(sums, 0.9) };
}

/** Sum of steps with independent normal errors (trend models treat future errors as independent). */
function sumIndependent(mean: number[], sds: number[], seed: number, paths: number) {
  const rng = createRng(seed, 'xoshiro128');
  const sums = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    let s = 0;
    for (let k = 0; k < mean.length; k++) s += mean[k] + sds[k] * rng.normalUnpaired();
    sums[p] = s;
  }
  sums.sort();
  return { mean: mean.reduce((a, b) => a + b, 0), p10: quantileSorted(sums, 0.1), p90: quantileSorted(sums, 0.9) };
}
