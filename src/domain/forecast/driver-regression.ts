// Multi-factor regression of bookings on their drivers (pipeline created, activities, campaign
// spend), each lagged one period so that next period's forecast uses drivers already observed:
//     bookings_t = b0 + b1·pipelineCreated_{t−1} + b2·activities_{t−1} + b3·campaignSpend_{t−1} + e_t
// Ordinary least squares via ml-regression's MultivariateLinearRegression. Drivers that never
// vary in the data are left out (the design matrix would be singular). The interval is
// ŷ ± z·s with s the residual standard error (parameter uncertainty ignored: a floor, not exact).
import type MultivariateLinearRegressionType from 'ml-regression-multivariate-linear';
import { normalQuantile } from '../../math/normal';

// ml-regression ships no type declarations; its classes come from typed sub-packages.
const { MultivariateLinearRegression } = require('ml-regression') as {
  MultivariateLinearRegression: typeof MultivariateLinearRegressionType;
};

export interface DriverRow {
  bookings: number;
  drivers: Record<string, number>;
}

export interface DriverForecast {
  drivers: string[];
  coefficients: Record<string, number>;
  intercept: number;
  residualSd: number;
  rSquared: number;
  n: number;
  /** Forecast for the period after the last row (drivers of the last row, lagged). */
  next: { mean: number; p10: number; p90: number };
}

/** rows are consecutive periods, oldest first; returns null when the data cannot support a fit. */
export function fitDriverRegression(rows: readonly DriverRow[]): DriverForecast | null {
  if (rows.length < 2) return null;
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.drivers)))].sort();
  // Lag 1: y_t against drivers_{t−1}.
  const xs = rows.slice(0, -1).map((r) => r.drivers);
  const ys = rows.slice(1).map((r) => r.bookings);
  const varying = names.filter((nm) => {
    const v = xs.map((x) => x[nm] ?? 0);
    return Math.max(...v) > Math.min(...v);
  });
  const n = ys.length;
  if (varying.length === 0 || n < varying.length + 4) return null;
  // Standardise the drivers so the normal equations stay well conditioned (amounts vs counts).
  const mu = varying.map((nm) => xs.reduce((a, x) => a + (x[nm] ?? 0), 0) / n);
  const sd = varying.map((nm, j) => Math.sqrt(xs.reduce((a, x) => a + ((x[nm] ?? 0) - mu[j]) ** 2, 0) / n) || 1);
  const z = (x: Record<string, number>) => varying.map((nm, j) => ((x[nm] ?? 0) - mu[j]) / sd[j]);
  const X = xs.map(z);
  const Y = ys.map((v) => [v]);
  let model: MultivariateLinearRegressionType;
  try {
    model = new MultivariateLinearRegression(X, Y, { intercept: true, statistics: false });
  } catch {
    return null;
  }
  const pred = X.map((x) => model.predict(x)[0]);
  if (pred.some((p) => !Number.isFinite(p))) return null;
  const ybar = ys.reduce((a, b) => a + b, 0) / n;
  const sse = ys.reduce((a, v, i) => a + (v - pred[i]) ** 2, 0);
  const sst = ys.reduce((a, v) => a + (v - ybar) ** 2, 0);
  const s = Math.sqrt(sse / Math.max(1, n - varying.length - 1));
  const w = model.weights.map((r) => r[0]); // [b_1..b_k (standardised), intercept]
  const coefficients: Record<string, number> = {};
  let intercept = w[varying.length];
  varying.forEach((nm, j) => {
    coefficients[nm] = w[j] / sd[j];
    intercept -= (w[j] * mu[j]) / sd[j];
  });
  const mean = Math.max(0, model.predict(z(rows[rows.length - 1].drivers))[0]);
  const zq = normalQuantile(0.9);
  return {
    drivers: varying,
    coefficients,
    intercept,
    residualSd: s,
    rSquared: sst > 0 ? 1 - sse / sst : 0,
    n,
    next: { mean, p10: Math.max(0, mean - zq * s), p90: mean + zq * s },
  };
}
