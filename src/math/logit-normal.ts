// The logit-normal random effect: a probability p_s = expit(a + σ·Z_s), Z_s ~ N(0, 1), shared by
// every deal of a simulated period (the random-intercept logistic model of a GLMM, Breslow &
// Clayton 1993). A deal's score is its *marginal* probability p — the rate it converts at over
// many periods — so the conditional intercept a must satisfy E[expit(a + σZ)] = p. That
// expectation has no closed form; it is computed by Gauss-Hermite quadrature (Abramowitz & Stegun
// 1964, 25.4.46) and solved for a by Newton's method, starting from the approximation
// a ≈ logit(p)·√(1 + c²σ²), c = 16√3 / (15π) (Zeger, Liang & Albert 1988, eq. 2.3). Keeping the
// marginal fixed means the period effect widens the range without moving the expected value.
import { logit, sigmoid } from './link';

const NODES = 24;

/**
 * Gauss-Hermite nodes x_k and weights w_k for ∫ e^{−x²} f(x) dx (Numerical Recipes §4.6,
 * `gauher`: Newton on the orthonormal Hermite recurrence from asymptotic starting guesses).
 */
function gaussHermite(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const pim4 = Math.PI ** -0.25;
  const m = (n + 1) >> 1;
  let z = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0];
    else if (i === 3) z = 1.91 * z - 0.91 * x[1];
    else z = 2 * z - x[i - 2];
    let pp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 3e-14) break;
    }
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
    w[n - 1 - i] = w[i];
  }
  return { x, w };
}

const GH = gaussHermite(NODES);
/** Standard-normal nodes and probability weights: E[f(Z)] ≈ Σ W_k f(Z_k). */
const Z_NODES = Float64Array.from(GH.x, (v) => v * Math.SQRT2);
const Z_WEIGHTS = Float64Array.from(GH.w, (v) => v / Math.sqrt(Math.PI));
const ZEGER_C2 = ((16 * Math.sqrt(3)) / (15 * Math.PI)) ** 2;
const expit = sigmoid;

/** E[expit(a + σZ)], Z ~ N(0, 1). */
export function logitNormalMean(a: number, sd: number): number {
  if (!(sd > 0)) return expit(a);
  if (a === Infinity) return 1;
  if (a === -Infinity) return 0;
  let m = 0;
  for (let k = 0; k < NODES; k++) m += Z_WEIGHTS[k] * expit(a + sd * Z_NODES[k]);
  return m;
}

/**
 * The conditional intercept a with E[expit(a + σZ)] = p. p ≥ 1 gives +∞ (the deal converts in
 * every period whatever the shock), p ≤ 0 gives −∞.
 */
export function logitNormalIntercept(p: number, sd: number): number {
  if (!(p > 0)) return -Infinity;
  if (p >= 1) return Infinity;
  const l = logit(p, 1e-12);
  if (!(sd > 0)) return l;
  let a = l * Math.sqrt(1 + ZEGER_C2 * sd * sd);
  // Newton on f(a) = E[expit(a + σZ)] − p, f'(a) = E[expit'(a + σZ)] > 0; f is increasing, so a
  // bracket kept from the iterates makes the step safe where the derivative is tiny.
  let lo = -Infinity;
  let hi = Infinity;
  for (let iter = 0; iter < 50; iter++) {
    let f = -p;
    let df = 0;
    for (let k = 0; k < NODES; k++) {
      const s = expit(a + sd * Z_NODES[k]);
      f += Z_WEIGHTS[k] * s;
      df += Z_WEIGHTS[k] * s * (1 - s);
    }
    if (f > 0) hi = a;
    else lo = a;
    if (Math.abs(f) < 1e-13 * Math.max(p, 1e-300) + 1e-15) break;
    let next = df > 0 ? a - f / df : Number.NaN;
    if (!(next > lo && next < hi)) {
      if (Number.isFinite(lo) && Number.isFinite(hi)) next = (lo + hi) / 2;
      else next = f > 0 ? a - 1 - Math.abs(a) : a + 1 + Math.abs(a);
    }
    if (Math.abs(next - a) < 1e-12 * (1 + Math.abs(a))) {
      a = next;
      break;
    }
    a = next;
  }
  return a;
}

/** The marginal probability after a fixed shift δ of the logit: E[expit(a(p, σ) + δ + σZ)]. */
export function shiftMarginal(p: number, shift: number, sd: number): number {
  if (shift === 0 || !(p > 0) || p >= 1) return p;
  return logitNormalMean(logitNormalIntercept(p, sd) + shift, sd);
}
