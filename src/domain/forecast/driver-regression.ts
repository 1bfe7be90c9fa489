// Multi-factor regression of bookings on their drivers (pipeline created, activities, campaign
// spend), each observed before the months it forecasts, for a horizon of h months ahead:
//     B_{t+1} + … + B_{t+h} = b0 + b1·pipelineCreated_t + b2·activities_t + b3·campaignSpend_t + e_t
// — the direct multi-step strategy (one regression per horizon on drivers already known, rather
// than forecasting the drivers themselves; Marcellino, Stock & Watson 2006).
//
// Ordinary least squares on standardised drivers (the normal equations stay well conditioned when
// amounts and counts mix), reported on the original scale with standard errors, t statistics,
// two-sided p-values (Student t, n − k − 1 degrees of freedom), 95% confidence intervals and the
// adjusted R² (Theil 1961). With h > 1 consecutive targets share months, so their errors are
// autocorrelated: the covariance is then the Newey & West (1987) HAC estimate with h − 1 lags
// (Bartlett weights). The forecast interval includes parameter uncertainty:
//     ŷ ± t_{0.9, n−k−1} · √(s² + x₀ᵀ Cov(b) x₀)
// Drivers that never vary are left out (the design matrix would be singular). Fewer than
// PERIODS_PER_DRIVER periods per driver draw a plain warning: such coefficients are unreliable
// and their signs can be implausible (Harrell 2015, Regression Modeling Strategies, §4.4).
import { studentTCdf, studentTQuantile } from '../../math/student-t';

export const PERIODS_PER_DRIVER = 10;

export interface DriverRow {
  bookings: number;
  drivers: Record<string, number>;
}

export interface DriverTerm {
  /** Driver name, or "(intercept)". */
  term: string;
  estimate: number;
  standardError: number;
  t: number;
  pValue: number;
  ci95: [number, number];
}

export interface DriverForecast {
  drivers: string[];
  /** Estimates on the original scale (bookings per unit of the driver). */
  coefficients: Record<string, number>;
  intercept: number;
  terms: DriverTerm[];
  residualSd: number;
  rSquared: number;
  adjustedRSquared: number;
  /** Periods the fit used. */
  n: number;
  /** Months ahead the forecast covers (the target is their sum). */
  horizon: number;
  /** 'ols', or 'newey-west' when overlapping multi-month targets need HAC standard errors. */
  covariance: 'ols' | 'newey-west';
  warnings: string[];
  /** Forecast of the next `horizon` months' bookings (drivers of the last row). */
  next: { mean: number; p10: number; p90: number };
}

/** Inverse of a small symmetric positive-definite matrix by Gauss-Jordan with partial pivoting. */
function invert(a: number[][]): number[][] | null {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    if (!(Math.abs(m[piv][c]) > 1e-10)) return null;
    [m[c], m[piv]] = [m[piv], m[c]];
    const d = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row) => row.slice(n));
}

const matVec = (a: number[][], v: number[]) => a.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
const quad = (a: number[][], v: number[]) => bilinear(a, v, v);

/** Newey-West meat Σ_t e_t² x_t x_tᵀ + Σ_l (1 − l/(L+1)) Σ_t e_t e_{t−l} (x_t x_{t−l}ᵀ + x_{t−l} x_tᵀ). */
function neweyWestMeat(X: number[][], e: number[], lags: number): number[][] {
  const p = X[0].length;
  const s = Array.from({ length: p }, () => new Array(p).fill(0));
  for (let l = 0; l <= lags; l++) {
    const w = l === 0 ? 1 : 1 - l / (lags + 1);
    for (let t = l; t < X.length; t++) {
      const ee = e[t] * e[t - l] * w;
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) s[i][j] += ee * (l === 0 ? X[t][i] * X[t][j] : X[t][i] * X[t - l][j] + X[t - l][i] * X[t][j]);
    }
  }
  return s;
}

/** rows are consecutive months, oldest first; returns null when the data cannot support a fit. */
export function fitDriverRegression(rows: readonly DriverRow[], opts: { horizon?: number } = {}): DriverForecast | null {
  const h = Math.max(1, Math.floor(opts.horizon ?? 1));
  if (rows.length < h + 2) return null;
  const { varying, xs, ys } = regressionData(rows, h);
  const n = ys.length;
  const k = varying.length;
  if (k === 0 || n < k + 4) return null;
  const { mu, sd, design } = standardize(varying, xs);
  const fit = leastSquares(xs.map(design), ys, h);
  if (!fit) return null;
  const { beta, cov, s2, sse, sst, df } = fit;
  const { b, terms } = originalScaleTerms(varying, mu, sd, beta, cov, df);
  const x0 = design(rows[rows.length - 1].drivers);
  const mean = x0.reduce((s, x, i) => s + x * beta[i], 0);
  const predSd = Math.sqrt(s2 + Math.max(0, quad(cov, x0)));
  const t90 = studentTQuantile(0.9, df);
  const warnings: string[] = [];
  if (n < PERIODS_PER_DRIVER * k)
    warnings.push(
      `only ${n} periods for ${k} driver${k === 1 ? '' : 's'}: with fewer than ${PERIODS_PER_DRIVER} periods per driver the coefficients are unreliable (their signs can be implausible)`,
    );
  if (h > 1) warnings.push(`${h}-month targets overlap: standard errors are Newey-West (HAC) with ${h - 1} lags`);
  const coefficients: Record<string, number> = {};
  varying.forEach((nm, j) => {
    coefficients[nm] = b[j + 1];
  });
  return {
    drivers: varying,
    coefficients,
    intercept: b[0],
    terms,
    residualSd: Math.sqrt(s2),
    rSquared: sst > 0 ? 1 - sse / sst : 0,
    adjustedRSquared: sst > 0 ? 1 - sse / df / (sst / (n - 1)) : 0,
    n,
    horizon: h,
    covariance: h > 1 ? 'newey-west' : 'ols',
    warnings,
    next: { mean: Math.max(0, mean), p10: Math.max(0, mean - t90 * predSd), p90: Math.max(0, mean + t90 * predSd) },
  };
}

/** The drivers of each month with the sum of the h months' bookings after it, and the drivers that vary. */
function regressionData(rows: readonly DriverRow[], h: number): { varying: string[]; xs: Record<string, number>[]; ys: number[] } {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.drivers)))].sort();
  // Target: the sum of the h months after the drivers' month.
  const xs = rows.slice(0, rows.length - h).map((r) => r.drivers);
  const ys = xs.map((_, t) => {
    let s = 0;
    for (let k = 1; k <= h; k++) s += rows[t + k].bookings;
    return s;
  });
  const varying = names.filter((nm) => {
    const v = xs.map((x) => x[nm] ?? 0);
    return Math.max(...v) > Math.min(...v);
  });
  return { varying, xs, ys };
}

/** Drivers standardised to mean 0 and sd 1 (a missing driver reads 0), with an intercept column. */
function standardize(varying: string[], xs: Record<string, number>[]) {
  const n = xs.length;
  const mu = varying.map((nm) => xs.reduce((a, x) => a + (x[nm] ?? 0), 0) / n);
  const sd = varying.map((nm, j) => Math.sqrt(xs.reduce((a, x) => a + ((x[nm] ?? 0) - mu[j]) ** 2, 0) / n) || 1);
  const design = (x: Record<string, number>) => [1, ...varying.map((nm, j) => ((x[nm] ?? 0) - mu[j]) / sd[j])];
  return { mu, sd, design };
}

/**
 * Ordinary least squares on the design X; the coefficients' covariance is s²(XᵀX)⁻¹ for one-month
 * targets and Newey-West for overlapping ones. null when XᵀX is singular.
 */
function leastSquares(X: number[][], ys: number[], h: number) {
  const n = ys.length;
  const k = X[0].length - 1;
  const xtx = Array.from({ length: k + 1 }, (_, i) => Array.from({ length: k + 1 }, (_, j) => X.reduce((s, r) => s + r[i] * r[j], 0)));
  const inv = invert(xtx);
  if (!inv) return null;
  const beta = matVec(
    inv,
    Array.from({ length: k + 1 }, (_, i) => X.reduce((s, r, t) => s + r[i] * ys[t], 0)),
  );
  const fitted = X.map((r) => r.reduce((s, x, i) => s + x * beta[i], 0));
  const resid = ys.map((y, t) => y - fitted[t]);
  const df = n - k - 1;
  const sse = resid.reduce((a, e) => a + e * e, 0);
  const ybar = ys.reduce((a, b) => a + b, 0) / n;
  const sst = ys.reduce((a, y) => a + (y - ybar) ** 2, 0);
  const s2 = sse / df;
  let cov: number[][];
  if (h > 1) {
    // Sandwich (XᵀX)⁻¹ S (XᵀX)⁻¹ with the small-sample scaling n / (n − k − 1) of HC1.
    const meat = neweyWestMeat(X, resid, h - 1);
    cov = inv.map((ri) => inv.map((rj) => (bilinear(meat, ri, rj) * n) / df));
  } else cov = inv.map((row) => row.map((v) => v * s2));
  return { beta, cov, s2, sse, sst, df };
}

/** Coefficients on the drivers' own scale with standard errors, t, p-values and 95% intervals. */
function originalScaleTerms(
  varying: string[],
  mu: number[],
  sd: number[],
  beta: number[],
  cov: number[][],
  df: number,
): { b: number[]; terms: DriverTerm[] } {
  const k = varying.length;
  // Back to the original scale: b_j = β_j / sd_j, b0 = β0 − Σ β_j μ_j / sd_j (a linear map A).
  const A = Array.from({ length: k + 1 }, (_, i) =>
    Array.from({ length: k + 1 }, (_, j) => {
      if (i === 0) return j === 0 ? 1 : -mu[j - 1] / sd[j - 1];
      return i === j ? 1 / sd[i - 1] : 0;
    }),
  );
  const b = matVec(A, beta);
  const covB = A.map((ai) => A.map((aj) => bilinear(cov, ai, aj)));
  const tq = studentTQuantile(0.975, df);
  const terms: DriverTerm[] = ['(intercept)', ...varying].map((term, i) => {
    const se = Math.sqrt(Math.max(0, covB[i][i]));
    const t = se > 0 ? b[i] / se : 0;
    return {
      term,
      estimate: b[i],
      standardError: se,
      t,
      pValue: se > 0 ? 2 * (1 - studentTCdf(Math.abs(t), df)) : 1,
      ci95: [b[i] - tq * se, b[i] + tq * se],
    };
  });
  return { b, terms };
}

function bilinear(a: number[][], u: number[], v: number[]): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) for (let j = 0; j < v.length; j++) s += u[i] * a[i][j] * v[j];
  return s;
}
