// Quasi-Newton minimisation with an analytic gradient: BFGS (Nocedal & Wright 2006, "Numerical
// Optimization", algorithm 6.1) with a backtracking Armijo line search, box bounds by projection
// (steps are cut back to stay inside; a coordinate pinned at a bound stops moving). For smooth
// likelihoods of a few parameters it needs tens of gradient evaluations where Nelder-Mead needs
// hundreds of function evaluations.
import type { MinimizeResult } from './result';

export interface BfgsOptions {
  lower?: number[];
  upper?: number[];
  maxIterations?: number;
  /** Stop when the largest |gradient| component (free coordinates) is below this. */
  gradientTolerance?: number;
  /** ... or when an iteration improves f by less than this, relative. */
  fTolerance?: number;
}

/** fg returns [f(x), ∇f(x)]; non-finite f counts as +Infinity (the line search backs off). */
export function bfgs(fg: (x: number[]) => [number, number[]], x0: number[], options: BfgsOptions = {}): MinimizeResult {
  const n = x0.length;
  const lo = options.lower ?? new Array(n).fill(-Infinity);
  const hi = options.upper ?? new Array(n).fill(Infinity);
  const clamp = (x: number[]) => x.map((v, i) => Math.min(hi[i], Math.max(lo[i], v)));
  const maxIter = options.maxIterations ?? 200;
  const gTol = options.gradientTolerance ?? 1e-7;
  const fTol = options.fTolerance ?? 1e-13;
  let evaluations = 0;
  const eval_ = (x: number[]): [number, number[]] => {
    evaluations++;
    const [f, g] = fg(x);
    return [Number.isFinite(f) ? f : Infinity, g];
  };
  let x = clamp(x0.slice());
  let [f, g] = eval_(x);
  if (!Number.isFinite(f)) return { x, fx: f, iterations: 0, evaluations, converged: false };
  // Inverse Hessian approximation, starting from the identity.
  let H: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const free = (x: number[], g: number[]) => g.map((gi, i) => !((x[i] <= lo[i] && gi > 0) || (x[i] >= hi[i] && gi < 0)));
  let converged = false;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    const active = free(x, g);
    const gFree = g.map((gi, i) => (active[i] ? gi : 0));
    if (Math.max(...gFree.map(Math.abs)) < gTol) {
      converged = true;
      break;
    }
    let d: number[] = H.map((row) => -row.reduce((s: number, h: number, j: number) => s + h * gFree[j], 0));
    d = d.map((di, i) => (active[i] ? di : 0));
    let slope = d.reduce((s, di, i) => s + di * g[i], 0);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information went bad): restart from steepest descent.
      H = H.map((row, i) => row.map((_, j): number => (i === j ? 1 : 0)));
      d = gFree.map((v) => -v);
      slope = d.reduce((s, di, i) => s + di * g[i], 0);
    }
    let step = 1;
    let xNew = x;
    let fNew = Infinity;
    let gNew = g;
    for (let k = 0; k < 60; k++) {
      xNew = clamp(x.map((v, i) => v + step * d[i]));
      [fNew, gNew] = eval_(xNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f)) {
      converged = Math.max(...gFree.map(Math.abs)) < 1e3 * gTol;
      break;
    }
    const s = xNew.map((v, i) => v - x[i]);
    const yv = gNew.map((v, i) => v - g[i]);
    const sy = s.reduce((acc, v, i) => acc + v * yv[i], 0);
    const improvement = f - fNew;
    x = xNew;
    g = gNew;
    const fOld = f;
    f = fNew;
    if (sy > 1e-12) {
      // H ← (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ, ρ = 1 / yᵀs.
      const rho = 1 / sy;
      const Hy = H.map((row) => row.reduce((acc: number, h: number, j: number) => acc + h * yv[j], 0));
      const yHy = yv.reduce((acc, v, i) => acc + v * Hy[i], 0);
      H = H.map((row, i) => row.map((h, j) => h - rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j]));
    }
    if (improvement <= fTol * (1 + Math.abs(fOld))) {
      const gNow = g.map((gi, i) => (free(x, g)[i] ? gi : 0));
      converged = Math.max(...gNow.map(Math.abs)) < 1e3 * gTol;
      if (converged) break;
    }
  }
  return { x, fx: f, iterations: iter, evaluations, converged };
}
