// Derivative-free minimisation for small, smooth problems (maximum-likelihood fits of a handful of
// parameters such as BG/NBD's r, alpha, a, b). Nelder & Mead (1965) with the adaptive coefficients
// of Gao & Han (2012, "Implementing the Nelder-Mead simplex algorithm with adaptive parameters"),
// which behave better than the classic 1, 2, 0.5, 0.5 as the dimension grows, plus box bounds by
// projection and restarts from the best vertex (a collapsed simplex is the usual false convergence).

export interface MinimizeOptions {
  /** Lower/upper bound per coordinate (projection keeps every vertex inside). */
  lower?: number[];
  upper?: number[];
  /** Initial simplex edge per coordinate (default 0.5, or 5% of |x0| when larger). */
  initialStep?: number | number[];
  /** Stop when the spread of f over the simplex is below fTolerance and its diameter below xTolerance. */
  fTolerance?: number;
  xTolerance?: number;
  maxIterations?: number;
  /** Restarts from the best point after convergence; stops early when a restart no longer improves. */
  restarts?: number;
}

export interface MinimizeResult {
  x: number[];
  fx: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

function project(x: number[], lower?: number[], upper?: number[]): number[] {
  if (!lower && !upper) return x;
  return x.map((v, i) => Math.min(upper?.[i] ?? Infinity, Math.max(lower?.[i] ?? -Infinity, v)));
}

/** Minimises f from x0. Non-finite values of f are treated as +Infinity (outside the feasible region). */
export function nelderMead(f: (x: number[]) => number, x0: number[], options: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new Error('nelderMead: x0 must have at least one coordinate');
  const { lower, upper } = options;
  const fTol = options.fTolerance ?? 1e-10;
  const xTol = options.xTolerance ?? 1e-8;
  const maxIter = options.maxIterations ?? 2000 * n;
  const restarts = options.restarts ?? 2;
  let evaluations = 0;
  const fx = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const alpha = 1;
  const beta = 1 + 2 / n; // expansion
  const gamma = 0.75 - 1 / (2 * n); // contraction
  const delta = 1 - 1 / n; // shrink

  let best = project(x0.slice(), lower, upper);
  let bestF = fx(best);
  let totalIter = 0;
  let converged = false;

  for (let round = 0; round <= restarts; round++) {
    // Initial simplex around the current best point.
    const simplex: number[][] = [best.slice()];
    for (let i = 0; i < n; i++) {
      const step = Array.isArray(options.initialStep)
        ? options.initialStep[i]
        : (options.initialStep ?? Math.max(0.5, 0.05 * Math.abs(best[i])));
      const v = best.slice();
      v[i] += step;
      // Step the other way if the bound would flatten this edge.
      if (upper && v[i] > upper[i]) v[i] = best[i] - step;
      simplex.push(project(v, lower, upper));
    }
    const values = simplex.map(fx);
    let iter = 0;
    converged = false;
    while (iter < maxIter) {
      iter++;
      const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
      const s = order.map((i) => simplex[i]);
      const v = order.map((i) => values[i]);
      for (let i = 0; i <= n; i++) {
        simplex[i] = s[i];
        values[i] = v[i];
      }
      let diameter = 0;
      for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) diameter = Math.max(diameter, Math.abs(simplex[i][j] - simplex[0][j]));
      if (
        Math.abs(values[n] - values[0]) <= fTol * (1 + Math.abs(values[0])) &&
        diameter <= xTol * (1 + Math.max(...simplex[0].map(Math.abs)))
      ) {
        converged = true;
        break;
      }
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
        continue;
      }
      if (fr < values[n - 1]) {
        simplex[n] = xr;
        values[n] = fr;
        continue;
      }
      // Contraction: outside when the reflected point beat the worst, inside otherwise.
      const outside = fr < values[n];
      const xc = along(outside ? -alpha * gamma : gamma);
      const fc = fx(xc);
      if (fc < (outside ? fr : values[n])) {
        simplex[n] = xc;
        values[n] = fc;
        continue;
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
    totalIter += iter;
    let k = 0;
    for (let i = 1; i <= n; i++) if (values[i] < values[k]) k = i;
    const improved = bestF - values[k];
    if (values[k] <= bestF) {
      best = simplex[k].slice();
      bestF = values[k];
    }
    if (round > 0 && improved <= fTol * (1 + Math.abs(bestF))) break;
  }
  return { x: best, fx: bestF, iterations: totalIter, evaluations, converged };
}
