// Forecast accuracy over backtest periods (FPP3 §5.8): error e = forecast − actual (positive =
// over-forecast), bias = mean error, MAE, RMSE, MAPE = mean |e| / actual over periods with a
// non-zero actual, and interval coverage = share of periods whose actual lies in [P10, P90]
// (a calibrated 80% interval covers about 80%).

export interface BacktestPoint {
  forecast: number;
  actual: number;
  p10?: number | null;
  p90?: number | null;
}

export interface AccuracyMetrics {
  periods: number;
  bias: number;
  mae: number;
  rmse: number;
  /** In percent; null when every actual is zero. */
  mape: number | null;
  /** Share in [0, 1]; null when the method has no interval. */
  coverage: number | null;
  /** Periods with an interval, and how many of their actuals fell inside it. */
  intervals: number;
  covered: number;
}

export function accuracy(points: readonly BacktestPoint[]): AccuracyMetrics {
  const n = points.length;
  if (n === 0) return { periods: 0, bias: NaN, mae: NaN, rmse: NaN, mape: null, coverage: null, intervals: 0, covered: 0 };
  let bias = 0;
  let mae = 0;
  let mse = 0;
  let apeSum = 0;
  let apeN = 0;
  let covered = 0;
  let withInterval = 0;
  for (const p of points) {
    const e = p.forecast - p.actual;
    bias += e;
    mae += Math.abs(e);
    mse += e * e;
    if (p.actual !== 0) {
      apeSum += Math.abs(e) / Math.abs(p.actual);
      apeN++;
    }
    if (p.p10 !== undefined && p.p10 !== null && p.p90 !== undefined && p.p90 !== null) {
      withInterval++;
      if (p.actual >= p.p10 && p.actual <= p.p90) covered++;
    }
  }
  return {
    periods: n,
    bias: bias / n,
    mae: mae / n,
    rmse: Math.sqrt(mse / n),
    mape: apeN ? (100 * apeSum) / apeN : null,
    coverage: withInterval ? covered / withInterval : null,
    intervals: withInterval,
    covered,
  };
}
