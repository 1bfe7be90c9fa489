// Nelder-Mead downhill simplex minimiser (Nelder & Mead 1965; coefficients 1, 2, 0.5, 0.5 as in
// Lagarias et al. 1998). Used to fit smoothing parameters by minimising the sum of squared
// one-step errors; parameters are passed unconstrained and mapped to their ranges by the caller.

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
}

export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  opts: { maxIterations?: number; tolerance?: number; step?: number } = {},
): MinimizeResult {
  const n = x0.length;
  const maxIt = opts.maxIterations ?? 200 * n;
  const tol = opts.tolerance ?? 1e-10;
  const step = opts.step ?? 0.5;
  let simplex: { x: number[]; v: number }[] = [{ x: x0.slice(), v: f(x0) }];
  for (let i = 0; i < n; i++) {
    const x = x0.slice();
    x[i] += step;
    simplex.push({ x, v: f(x) });
  }
  let it = 0;
  for (; it < maxIt; it++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0];
    const worst = simplex[n];
    if (Math.abs(worst.v - best.v) <= tol * (Math.abs(best.v) + tol)) break;
    const centroid = new Array(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i].x[j] / n;
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j] - c));
    const xr = along(-1);
    const vr = f(xr);
    if (vr < best.v) {
      const xe = along(-2);
      const ve = f(xe);
      simplex[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
    } else if (vr < simplex[n - 1].v) {
      simplex[n] = { x: xr, v: vr };
    } else {
      const outside = vr < worst.v;
      const xc = along(outside ? -0.5 : 0.5);
      const vc = f(xc);
      if (vc < (outside ? vr : worst.v)) simplex[n] = { x: xc, v: vc };
      else {
        simplex = simplex.map((p, i) =>
          i === 0
            ? p
            : (() => {
                const x = p.x.map((xi, j) => best.x[j] + 0.5 * (xi - best.x[j]));
                return { x, v: f(x) };
              })(),
        );
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0].x, value: simplex[0].v, iterations: it };
}
