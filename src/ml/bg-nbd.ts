// The BG/NBD model of repeat buying for non-contractual customers: Fader, Hardie & Lee (2005),
// "'Counting Your Customers' the Easy Way: An Alternative to the Pareto/NBD Model", Marketing
// Science 24(2), and the technical notes on www.brucehardie.com ("Computing P(alive) using the
// BG/NBD model", 2008). Equation numbers below refer to the paper.
//
// Per customer we observe x (number of repeat purchases), t_x (time of the last one, measured from
// the first purchase) and T (time from the first purchase to the end of calibration), in one time
// unit (day, week or month). While active, purchases follow a Poisson process with rate
// λ ~ Gamma(r, α); after each repeat purchase the customer drops out with probability p ~ Beta(a, b).
import { type ArtifactHeader, checkArtifact } from './artifact';
import type { Estimator } from './estimator';
import { digamma, hyp2f1, logAddExp, logGamma } from '../math/special-functions';
import { bfgs } from '../math/optimize/bfgs';
import { nelderMead } from '../math/optimize/nelder-mead';
import type { Rng } from '../math/random';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Per-customer sufficient statistics, columnar so 100,000 customers stay cheap. */
export interface RfmSummary {
  /** x: repeat purchases (integer >= 0). */
  frequency: ArrayLike<number>;
  /** t_x: time of the last purchase since the first (0 when x = 0). */
  recency: ArrayLike<number>;
  /** T: time since the first purchase at the end of calibration. */
  T: ArrayLike<number>;
}

export interface BgNbdOptions {
  /** L2 penalty on the log-parameters (0 = plain maximum likelihood, as in the paper). */
  penalizer?: number;
  maxIterations?: number;
  /** Relative tolerance on the mean negative log-likelihood. */
  tolerance?: number;
}

export const BG_NBD_KIND = 'salescast.bg-nbd';
/** v2: common artifact header (`kind`, was `format`). */
export const BG_NBD_FORMAT_VERSION = 2;

export interface BgNbdArtifact extends ArtifactHeader<typeof BG_NBD_KIND> {
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  converged: boolean;
  iterations: number;
  penalizer: number;
}

function validateSummary(data: RfmSummary): number {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.T.length !== n) throw new RangeError('frequency, recency and T must have the same length');
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i];
    const tx = data.recency[i];
    const T = data.T[i];
    if (!Number.isInteger(x) || x < 0) throw new RangeError(`customer ${i}: frequency must be a non-negative integer (got ${x})`);
    if (!(tx >= 0) || !(T >= tx) || !Number.isFinite(T))
      throw new RangeError(`customer ${i}: need 0 <= recency <= T (got recency ${tx}, T ${T})`);
    if (x === 0 && tx !== 0) throw new RangeError(`customer ${i}: recency must be 0 when frequency is 0`);
  }
  return n;
}

/**
 * ln L(r, α, a, b | x, t_x, T), eq. (6) in log space:
 *   L = A1 · A2 · (A3 + δ(x>0) A4)
 *   A1 = Γ(r+x) α^r / Γ(r),   A2 = Γ(a+b) Γ(b+x) / (Γ(b) Γ(a+b+x)),
 *   A3 = (α+T)^-(r+x),        A4 = a/(b+x-1) · (α+t_x)^-(r+x).
 */
export function bgNbdLogLikelihoodOne(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const lA1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const lA2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const lA3 = -(r + x) * Math.log(alpha + T);
  const lA4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return lA1 + lA2 + logAddExp(lA3, lA4);
}

/**
 * Sum of eq. (6) over customers. The Γ terms depend on x only, so they are computed once per distinct
 * frequency; only the α terms are per customer.
 */
export function bgNbdLogLikelihood(p: BgNbdParams, data: RfmSummary): number {
  return prepareLogLikelihood(data)(p);
}

/** ∂ ln L / ∂(r, α, a, b) summed over customers (analytic; used by the fit, checked by tests). */
export function bgNbdGradient(p: BgNbdParams, data: RfmSummary): { r: number; alpha: number; a: number; b: number } {
  const [, r, alpha, a, b] = prepareLogLikelihoodAndGradient(data)(p, true);
  return { r, alpha, a, b };
}

/** Indexes customers by distinct frequency once, for the many evaluations of an optimisation. */
function prepareLogLikelihood(data: RfmSummary): (p: BgNbdParams) => number {
  const f = prepareLogLikelihoodAndGradient(data);
  return (p) => f(p, false)[0];
}

/**
 * Returns (params, withGradient) → [Σ ln L, ∂/∂r, ∂/∂α, ∂/∂a, ∂/∂b]. With w the share of the A4 term
 * in A3 + A4 (0 when x = 0) and ψ the digamma function, per customer:
 *   ∂/∂r = ψ(r+x) - ψ(r) + ln α - (1-w) ln(α+T) - w ln(α+t_x)
 *   ∂/∂α = r/α - (r+x) [(1-w)/(α+T) + w/(α+t_x)]
 *   ∂/∂a = ψ(a+b) - ψ(a+b+x) + w/a
 *   ∂/∂b = ψ(a+b) - ψ(b) + ψ(b+x) - ψ(a+b+x) - w/(b+x-1)
 */
function prepareLogLikelihoodAndGradient(data: RfmSummary): (p: BgNbdParams, withGradient: boolean) => number[] {
  const n = data.frequency.length;
  const distinct = [...new Set(Array.from(data.frequency))].sort((u, v) => u - v);
  const slot = new Map(distinct.map((x, i) => [x, i]));
  const idx = new Int32Array(n);
  const counts = new Float64Array(distinct.length);
  for (let i = 0; i < n; i++) {
    idx[i] = slot.get(data.frequency[i])!;
    counts[idx[i]]++;
  }
  const xs = Float64Array.from(data.frequency as ArrayLike<number>);
  const T = Float64Array.from(data.T as ArrayLike<number>);
  const tx = Float64Array.from(data.recency as ArrayLike<number>);
  const K = distinct.length;
  const g = new Float64Array(K);
  const l4 = new Float64Array(K);
  const inv4 = new Float64Array(K);
  return ({ r, alpha, a, b }: BgNbdParams, withGradient: boolean) => {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return [-Infinity, 0, 0, 0, 0];
    const logAlpha = Math.log(alpha);
    const common = logGamma(a + b) - logGamma(b) - logGamma(r) + r * logAlpha;
    const logA = Math.log(a);
    let gr = 0;
    let ga = 0;
    let gb = 0;
    const psiR = withGradient ? digamma(r) : 0;
    const psiAB = withGradient ? digamma(a + b) : 0;
    const psiB = withGradient ? digamma(b) : 0;
    for (let k = 0; k < K; k++) {
      const x = distinct[k];
      g[k] = common + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x);
      l4[k] = x > 0 ? logA - Math.log(b + x - 1) : -Infinity;
      inv4[k] = x > 0 ? 1 / (b + x - 1) : 0;
      if (withGradient) {
        const psiABX = digamma(a + b + x);
        gr += counts[k] * (digamma(r + x) - psiR + logAlpha);
        ga += counts[k] * (psiAB - psiABX);
        gb += counts[k] * (psiAB - psiB + digamma(b + x) - psiABX);
      }
    }
    let ll = 0;
    let galpha = withGradient ? (n * r) / alpha : 0;
    for (let i = 0; i < n; i++) {
      const k = idx[i];
      const rx = r + xs[i];
      const logT = Math.log(alpha + T[i]);
      const lA3 = -rx * logT;
      if (xs[i] > 0) {
        const logTx = Math.log(alpha + tx[i]);
        const lA4 = l4[k] - rx * logTx;
        // log(e^lA3 + e^lA4) and w = e^lA4 / (e^lA3 + e^lA4), without overflow.
        let w: number;
        if (lA3 > lA4) {
          const e = Math.exp(lA4 - lA3);
          ll += g[k] + lA3 + Math.log1p(e);
          w = e / (1 + e);
        } else {
          const e = Math.exp(lA3 - lA4);
          ll += g[k] + lA4 + Math.log1p(e);
          w = 1 / (1 + e);
        }
        if (withGradient) {
          gr -= (1 - w) * logT + w * logTx;
          galpha -= rx * ((1 - w) / (alpha + T[i]) + w / (alpha + tx[i]));
          ga += w / a;
          gb -= w * inv4[k];
        }
      } else {
        ll += g[k] + lA3;
        if (withGradient) {
          gr -= logT;
          galpha -= rx / (alpha + T[i]);
        }
      }
    }
    return [ll, gr, galpha, ga, gb];
  };
}

/** Fader, Hardie & Lee (2005) BG/NBD, fitted by maximum likelihood. */
export class BgNbdModel implements Estimator<BgNbdArtifact> {
  readonly penalizer: number;
  readonly maxIterations: number;
  readonly tolerance: number;
  private learned: { params: BgNbdParams; logLikelihood: number; customers: number; converged: boolean; iterations: number } | null = null;

  constructor(options: BgNbdOptions = {}) {
    this.penalizer = options.penalizer ?? 0;
    this.maxIterations = options.maxIterations ?? 4000;
    this.tolerance = options.tolerance ?? 1e-11;
    if (!(this.penalizer >= 0)) throw new RangeError('penalizer must be >= 0');
  }

  /**
   * Maximum likelihood over θ = (ln r, ln α, ln a, ln b) (positivity for free, better conditioning),
   * with times rescaled by their mean T so that α is of order 1 whatever the time unit; α is scaled
   * back afterwards (the likelihood is invariant under t → t/s, α → α/s). Bounds |θ| <= 12.
   * Start: r = 1, α matching the observed purchase rate (r/α = Σx / ΣT), a = 1, b = 3.
   */
  fit(data: RfmSummary): this {
    const n = validateSummary(data);
    if (n < 2) throw new RangeError('BG/NBD needs at least 2 customers');
    let sumT = 0;
    let sumX = 0;
    for (let i = 0; i < n; i++) {
      sumT += data.T[i];
      sumX += data.frequency[i];
    }
    if (sumX === 0) throw new RangeError('BG/NBD needs at least one repeat purchase in the data');
    const scale = sumT / n > 0 ? sumT / n : 1;
    const scaled: RfmSummary = {
      frequency: data.frequency,
      recency: Float64Array.from(data.recency as ArrayLike<number>, (v) => v / scale),
      T: Float64Array.from(data.T as ArrayLike<number>, (v) => v / scale),
    };
    const rate = sumX / (sumT / scale);
    const start = [0, Math.log(1 / rate), 0, Math.log(3)];
    // BFGS with the analytic gradient first; Nelder-Mead from its end point as a safeguard when it
    // reports no convergence (e.g. a parameter running into a bound).
    const llg = prepareLogLikelihoodAndGradient(scaled);
    const toParams = (th: number[]) => ({ r: Math.exp(th[0]), alpha: Math.exp(th[1]), a: Math.exp(th[2]), b: Math.exp(th[3]) });
    const objective = (th: number[]) => {
      const penalty = this.penalizer * th.reduce((s, v) => s + v * v, 0);
      return -llg(toParams(th), false)[0] / n + penalty;
    };
    const objectiveAndGradient = (th: number[]): [number, number[]] => {
      const p = toParams(th);
      const [ll, dr, dalpha, da, db] = llg(p, true);
      const penalty = this.penalizer * th.reduce((s, v) => s + v * v, 0);
      // Chain rule for θ = ln p: ∂/∂θ = p ∂/∂p.
      const grad = [p.r * dr, p.alpha * dalpha, p.a * da, p.b * db].map((v, j) => -v / n + 2 * this.penalizer * th[j]);
      return [-ll / n + penalty, grad];
    };
    const bounds = { lower: [-12, -12, -12, -12], upper: [12, 12, 12, 12] };
    let res = bfgs(objectiveAndGradient, start, { ...bounds, maxIterations: 500, gradientTolerance: 1e-9 });
    if (!res.converged) {
      const nm = nelderMead(objective, res.x, {
        ...bounds,
        initialStep: 0.5,
        maxIterations: this.maxIterations,
        fTolerance: this.tolerance,
        xTolerance: 1e-7,
        restarts: 3,
      });
      res = { ...nm, iterations: res.iterations + nm.iterations, evaluations: res.evaluations + nm.evaluations };
    }
    const params = { r: Math.exp(res.x[0]), alpha: Math.exp(res.x[1]) * scale, a: Math.exp(res.x[2]), b: Math.exp(res.x[3]) };
    this.learned = {
      params,
      logLikelihood: bgNbdLogLikelihood(params, data),
      customers: n,
      converged: res.converged,
      iterations: res.iterations,
    };
    return this;
  }

  get isFitted(): boolean {
    return this.learned !== null;
  }

  private state() {
    if (!this.learned) throw new Error('BgNbdModel is not fitted: call fit() or BgNbdModel.fromArtifact() first');
    return this.learned;
  }

  get params(): BgNbdParams {
    return { ...this.state().params };
  }

  get logLikelihood(): number {
    return this.state().logLikelihood;
  }

  /** Fixes the parameters directly (e.g. published values), without fitting. */
  static withParams(params: BgNbdParams): BgNbdModel {
    const m = new BgNbdModel();
    m.learned = { params: { ...params }, logLikelihood: NaN, customers: 0, converged: true, iterations: 0 };
    return m;
  }

  /**
   * P(alive | x, t_x, T) (eq. 13 as corrected in "Computing P(alive) using the BG/NBD model"):
   *   1 / (1 + δ(x>0) · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)).
   * A customer with no repeat purchase cannot have dropped out under the model, so P(alive) = 1.
   */
  probabilityAlive(x: number, tx: number, T: number): number {
    const { r, alpha, a, b } = this.state().params;
    if (x === 0) return 1;
    const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
    return 1 / (1 + Math.exp(logOdds));
  }

  /**
   * E[X(t)] for a customer just acquired, eq. (7):
   *   (a+b-1)/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b; a+b-1; t/(α+t))].
   * Computed through Euler's transformation (A&S 15.3.3), 2F1(A,B;C;z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z),
   * which turns (1-z)^r · 2F1(r, b; a+b-1; z) into (1-z)^(a-1) · 2F1(a+b-1-r, a-1; a+b-1; z): the
   * parameters stay small, the terms do not grow, and nothing overflows for large r or b.
   */
  expectedPurchases(t: number): number {
    return this.conditionalExpectedPurchases(t, 0, 0, 0);
  }

  /**
   * E[Y(t) | x, t_x, T], purchases in (T, T+t], eq. (10):
   *   (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
   *   / (1 + δ(x>0) a/(b+x-1) ((α+T)/(α+t_x))^(r+x)).
   * With z = t/(α+T+t) and Euler's transformation as in expectedPurchases, the bracket is
   * 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z). At a = 1 the ratio is a 0/0 limit; we use the mean
   * of a ± 1e-6 there. With T = 0 and x = 0 this is eq. (7).
   */
  conditionalExpectedPurchases(t: number, x: number, tx: number, T: number): number {
    if (!(t >= 0)) throw new RangeError('t must be >= 0');
    if (t === 0) return 0;
    const p = this.state().params;
    return conditionalExpectation(p, t, x, tx, T);
  }

  toArtifact(): BgNbdArtifact {
    const s = this.state();
    return {
      kind: BG_NBD_KIND,
      formatVersion: BG_NBD_FORMAT_VERSION,
      params: { ...s.params },
      logLikelihood: s.logLikelihood,
      customers: s.customers,
      converged: s.converged,
      iterations: s.iterations,
      penalizer: this.penalizer,
    };
  }

  static fromArtifact(artifact: BgNbdArtifact): BgNbdModel {
    checkArtifact(artifact, BG_NBD_KIND, BG_NBD_FORMAT_VERSION);
    const m = new BgNbdModel({ penalizer: artifact.penalizer });
    m.learned = {
      params: { ...artifact.params },
      logLikelihood: artifact.logLikelihood,
      customers: artifact.customers,
      converged: artifact.converged,
      iterations: artifact.iterations,
    };
    return m;
  }
}

function conditionalExpectation(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  if (Math.abs(a - 1) < 1e-6) {
    const h = 1e-6;
    return 0.5 * (conditionalExpectation({ ...p, a: 1 + h }, t, x, tx, T) + conditionalExpectation({ ...p, a: 1 - h }, t, x, tx, T));
  }
  const z = t / (alpha + T + t);
  const bracket = 1 - (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const numerator = ((a + b + x - 1) / (a - 1)) * bracket;
  if (x === 0) return numerator;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return numerator / (1 + Math.exp(logOdds));
}

/**
 * Draws customers from the BG/NBD generative process (section 3 of the paper): first purchase at 0,
 * exponential inter-purchase times with rate λ ~ Gamma(r, α), and after each repeat purchase a drop
 * out with probability p ~ Beta(a, b). Observation lengths T are given per customer or shared.
 */
export function simulateBgNbd(
  params: BgNbdParams,
  n: number,
  T: number | ((i: number) => number),
  rng: Rng,
): { frequency: Int32Array; recency: Float64Array; T: Float64Array } {
  const frequency = new Int32Array(n);
  const recency = new Float64Array(n);
  const Ts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const Ti = typeof T === 'number' ? T : T(i);
    const lambda = rng.gammaWithRate(params.r, params.alpha);
    const p = rng.beta(params.a, params.b);
    let t = 0;
    let x = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > Ti) break;
      x++;
      recency[i] = t;
      if (rng.next() < p) break;
    }
    frequency[i] = x;
    Ts[i] = Ti;
  }
  return { frequency, recency, T: Ts };
}
