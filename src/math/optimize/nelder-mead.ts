// Derivative-free minimisation for small, smooth problems: maximum-likelihood fits of a handful
// of parameters (BG/NBD's r, α, a, b; Gamma-Gamma's p, q, γ) and Holt-Winters' smoothing
// parameters. Nelder & Mead (1965) with box bounds by projection and restarts from the best vertex
// (a collapsed simplex is the usual false convergence). Two sets of coefficients:
// - 'adaptive' (default): Gao & Han (2012, "Implementing the Nelder-Mead simplex algorithm with
//   adaptive parameters"), reflection 1, expansion 1 + 2/n, contraction 0.75 − 1/(2n), shrink
//   1 − 1/n, which behave better than the standard ones as the dimension n grows;
// - 'standard': 1, 2, ½, ½ as in Lagarias et al. (1998), which Holt-Winters' fits were made with.
import type { MinimizeResult } from './result';

export type { MinimizeResult } from './result';

export interface NelderMeadOptions {
  /** 'adaptive' (Gao & Han 2012, the default) or 'standard' (1, 2, ½, ½). */
  coefficients?: 'adaptive' | 'standard';
  /** Lower/upper bound per coordinate (projection keeps every vertex inside). */
  lower?: number[];
  upper?: number[];
  /** Initial simplex edge per coordinate (default 0.5, or 5% of |x0| when larger). */
  initialStep?: number | number[];
  /**
   * Stop when the spread of f over the simplex is at most fTolerance·(|f_best| + fFloor) (default
   * 1e-10, fFloor 1: relative for large |f|, absolute near 0) and the simplex diameter is at most
   * xTolerance·(1 + max|x_best|) (default 1e-8; Infinity: no test on the diameter).
   */
  fTolerance?: number;
  fFloor?: number;
  xTolerance?: number;
  /** Iterations per round (default 2000 per coordinate). */
  maxIterations?: number;
  /** Restarts from the best point after convergence (default 2); stops early when a restart no longer improves. */
  restarts?: number;
}

function project(x: number[], lower?: number[], upper?: number[]): number[] {
  if (!lower && !upper) return x;
  return x.map((v, i) => Math.min(upper?.[i] ?? Infinity, Math.max(lower?.[i] ?? -Infinity, v)));
}

/** Whether the simplex diameter (max-norm distance to the best vertex) is within xTol·(1 + max|x_best|). */
function simplexSmall(simplex: number[][], xTol: number): boolean {
  if (xTol === Infinity) return true;
  const n = simplex.length - 1;
  let diameter = 0;
  for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) diameter = Math.max(diameter, Math.abs(simplex[i][j] - simplex[0][j]));
  return diameter <= xTol * (1 + Math.max(...simplex[0].map(Math.abs)));
}

/** Minimises f from x0. Non-finite values of f are treated as +Infinity (outside the feasible region). */
export function nelderMead(f: (x: number[]) => number, x0: number[], options: NelderMeadOptions = {}): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new Error('nelderMead: x0 must have at least one coordinate');
  const { lower, upper } = options;
  const restarts = options.restarts ?? 2;
  let evaluations = 0;
  const fx = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const standard = options.coefficients === 'standard';
  const settings: RoundSettings = {
    fx,
    lower,
    upper,
    fTol: options.fTolerance ?? 1e-10,
    fFloor: options.fFloor ?? 1,
    xTol: options.xTolerance ?? 1e-8,
    maxIter: options.maxIterations ?? 2000 * n,
    alpha: 1, // reflection
    beta: standard ? 2 : 1 + 2 / n, // expansion
    gamma: standard ? 0.5 : 0.75 - 1 / (2 * n), // contraction
    delta: standard ? 0.5 : 1 - 1 / n, // shrink
  };

  let best = project(x0.slice(), lower, upper);
  let bestF = fx(best);
  let totalIter = 0;
  let converged = false;

  for (let round = 0; round <= restarts; round++) {
    const simplex = initialSimplex(best, options);
    const values = simplex.map(fx);
    const result = runRound(simplex, values, settings);
    converged = result.converged;
    totalIter += result.iterations;
    let k = 0;
    for (let i = 1; i <= n; i++) if (values[i] < values[k]) k = i;
    const improved = bestF - values[k];
    if (values[k] <= bestF) {
      best = simplex[k].slice();
      bestF = values[k];
    }
    if (round > 0 && improved <= settings.fTol * (1 + Math.abs(bestF))) break;
  }
  return { x: best, fx: bestF, iterations: totalIter, evaluations, converged };
}

/** The objective (counting evaluations), bounds, stopping rule and coefficients of one run. */
interface RoundSettings {
  fx: (x: number[]) => number;
  lower?: number[];
  upper?: number[];
  fTol: number;
  fFloor: number;
  xTol: number;
  maxIter: number;
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
}

/** The initial simplex around the current best point. */
function initialSimplex(best: number[], options: NelderMeadOptions): number[][] {
  const { lower, upper } = options;
  const simplex: number[][] = [best.slice()];
  for (let i = 0; i < best.length; i++) {
    const step = Array.isArray(options.initialStep)
      ? options.initialStep[i]
      : (options.initialStep ?? Math.max(0.5, 0.05 * Math.abs(best[i])));
    const v = best.slice();
    v[i] += step;
    // Step the other way if the bound would flatten this edge.
    if (upper && v[i] > upper[i]) v[i] = best[i] - step;
    simplex.push(project(v, lower, upper));
  }
  return simplex;
}

/** Iterates on the simplex (in place) until it converges or maxIter iterations have run. */
function runRound(simplex: number[][], values: number[], settings: RoundSettings): { iterations: number; converged: boolean } {
  const n = simplex.length - 1;
  const { fTol, fFloor, xTol, maxIter } = settings;
  let iter = 0;
  while (iter < maxIter) {
    iter++;
    const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
    const s = order.map((i) => simplex[i]);
    const v = order.map((i) => values[i]);
    for (let i = 0; i <= n; i++) {
      simplex[i] = s[i];
      values[i] = v[i];
    }
    if (Math.abs(values[n] - values[0]) <= fTol * (Math.abs(values[0]) + fFloor) && simplexSmall(simplex, xTol)) {
      return { iterations: iter, converged: true };
    }
    step(simplex, values, settings);
  }
  return { iterations: iter, converged: false };
}

/** One Nelder-Mead move on a sorted simplex: reflect, expand, contract or shrink. */
function step(simplex: number[][], values: number[], settings: RoundSettings): void {
  const n = simplex.length - 1;
  const { fx, lower, upper, alpha, beta, gamma, delta } = settings;
  const centroid = new Array(n).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
  const along = (t: number) =>
    project(
      centroid.map((c, j) => c + t * (simplex[n][j] - c)),
      lower,
      upper,
    );
  const xr = along(-alpha);
  const fr = fx(xr);
  if (fr < values[0]) {
    const xe = along(-alpha * beta);
    const fe = fx(xe);
    if (fe < fr) {
      simplex[n] = xe;
      values[n] = fe;
    } else {
      simplex[n] = xr;
      values[n] = fr;
    }
    return;
  }
  if (fr < values[n - 1]) {
    simplex[n] = xr;
    values[n] = fr;
    return;
  }
  // Contraction: outside when the reflected point beat the worst, inside otherwise.
  const outside = fr < values[n];
  const xc = along(outside ? -alpha * gamma : gamma);
  const fc = fx(xc);
  if (fc < (outside ? fr : values[n])) {
    simplex[n] = xc;
    values[n] = fc;
    return;
  }
  for (let i = 1; i <= n; i++) {
    simplex[i] = project(
      simplex[i].map((x, j) => simplex[0][j] + delta * (x - simplex[0][j])),
      lower,
      upper,
    );
    values[i] = fx(simplex[i]);
  }
}
