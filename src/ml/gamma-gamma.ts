// The Gamma-Gamma model of spend per transaction: Fader, Hardie & Lee (2005), "RFM and CLV: Using
// Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4), and Fader &
// Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note on www.brucehardie.com).
//
// A customer's transaction values are i.i.d. Gamma(p, ν); ν varies across customers as Gamma(q, γ).
// Only the average repeat-transaction value m_x over x transactions is needed: x·m_x ~ Gamma(px, ν).
// The model assumes spend is independent of the purchase process (check: correlation of m_x and x).
import { type ArtifactHeader, checkArtifact } from './artifact';
import type { Estimator } from './estimator';
import { logGamma } from '../math/special-functions';
import { nelderMead } from '../math/optimize/nelder-mead';
import type { Rng } from '../math/random';

export interface GammaGammaParams {
  p: number;
  q: number;
  /** γ, called v in the lifetimes package. */
  gamma: number;
}

export interface SpendSummary {
  /** x: number of (repeat) transactions behind the average; customers with x = 0 are ignored by fit. */
  frequency: ArrayLike<number>;
  /** m_x: average value of those transactions (> 0). */
  monetaryValue: ArrayLike<number>;
}

export const GAMMA_GAMMA_KIND = 'salescast.gamma-gamma';
/** v2: common artifact header (`kind`, was `format`). */
export const GAMMA_GAMMA_FORMAT_VERSION = 2;

export interface GammaGammaArtifact extends ArtifactHeader<typeof GAMMA_GAMMA_KIND> {
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
  converged: boolean;
  iterations: number;
  penalizer: number;
  /** Pearson correlation of frequency and average spend among the fitted customers (should be near 0). */
  frequencySpendCorrelation: number;
}

/**
 * ln f(m_x | p, q, γ; x) (Fader & Hardie 2013, eq. 4):
 *   f = Γ(px+q)/(Γ(px)Γ(q)) · γ^q m_x^(px-1) x^(px) / (γ + x m_x)^(px+q).
 */
export function gammaGammaLogLikelihoodOne(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  const px = p * x;
  return (
    logGamma(px + q) -
    logGamma(px) -
    logGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(gamma + x * m)
  );
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendSummary): number {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0)) return -Infinity;
  const cache = new Map<number, number>();
  const base = q * Math.log(gamma) - logGamma(q);
  let ll = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    const x = data.frequency[i];
    const m = data.monetaryValue[i];
    if (!(x > 0) || !(m > 0)) continue;
    const px = p * x;
    let g = cache.get(x);
    if (g === undefined) {
      g = logGamma(px + q) - logGamma(px) + px * Math.log(x);
      cache.set(x, g);
    }
    ll += base + g + (px - 1) * Math.log(m) - (px + q) * Math.log(gamma + x * m);
  }
  return ll;
}

export interface GammaGammaOptions {
  penalizer?: number;
  maxIterations?: number;
  tolerance?: number;
}

export class GammaGammaModel implements Estimator<GammaGammaArtifact> {
  readonly penalizer: number;
  readonly maxIterations: number;
  readonly tolerance: number;
  private learned: Omit<GammaGammaArtifact, 'kind' | 'formatVersion' | 'penalizer'> | null = null;

  constructor(options: GammaGammaOptions = {}) {
    this.penalizer = options.penalizer ?? 0;
    this.maxIterations = options.maxIterations ?? 3000;
    this.tolerance = options.tolerance ?? 1e-11;
  }

  /**
   * Maximum likelihood over (ln p, ln q, ln γ) on customers with x > 0 and m_x > 0. Money is
   * rescaled by the mean m_x during the search (γ scales with money; p and q do not).
   * Start: p = 1, q = 2, γ = mean m_x (so the prior mean spend pγ/(q-1) equals the observed mean).
   */
  fit(data: SpendSummary): this {
    if (data.frequency.length !== data.monetaryValue.length) throw new RangeError('frequency and monetaryValue must have the same length');
    const xs: number[] = [];
    const ms: number[] = [];
    for (let i = 0; i < data.frequency.length; i++) {
      const x = data.frequency[i];
      const m = data.monetaryValue[i];
      if (!Number.isFinite(m) || m < 0) throw new RangeError(`customer ${i}: monetary value must be a non-negative number (got ${m})`);
      if (x > 0 && m > 0) {
        xs.push(x);
        ms.push(m);
      }
    }
    const n = xs.length;
    if (n < 3) throw new RangeError(`Gamma-Gamma needs at least 3 customers with repeat purchases and positive spend (got ${n})`);
    const meanM = ms.reduce((s, v) => s + v, 0) / n;
    const scaled = { frequency: xs, monetaryValue: ms.map((m) => m / meanM) };
    const objective = (th: number[]) => {
      const penalty = this.penalizer * th.reduce((s, v) => s + v * v, 0);
      return -gammaGammaLogLikelihood({ p: Math.exp(th[0]), q: Math.exp(th[1]), gamma: Math.exp(th[2]) }, scaled) / n + penalty;
    };
    const res = nelderMead(objective, [0, Math.log(2), 0], {
      lower: [-12, -12, -12],
      upper: [12, 12, 12],
      initialStep: 1,
      maxIterations: this.maxIterations,
      fTolerance: this.tolerance,
      xTolerance: 1e-7,
      restarts: 3,
    });
    const params = { p: Math.exp(res.x[0]), q: Math.exp(res.x[1]), gamma: Math.exp(res.x[2]) * meanM };
    const mx = xs.reduce((s, v) => s + v, 0) / n;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += (xs[i] - mx) * (ms[i] - meanM);
      sxx += (xs[i] - mx) ** 2;
      syy += (ms[i] - meanM) ** 2;
    }
    this.learned = {
      params,
      logLikelihood: gammaGammaLogLikelihood(params, { frequency: xs, monetaryValue: ms }),
      customers: n,
      converged: res.converged,
      iterations: res.iterations,
      frequencySpendCorrelation: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0,
    };
    return this;
  }

  private state() {
    if (!this.learned) throw new Error('GammaGammaModel is not fitted: call fit() or GammaGammaModel.fromArtifact() first');
    return this.learned;
  }

  get isFitted(): boolean {
    return this.learned !== null;
  }

  get params(): GammaGammaParams {
    return { ...this.state().params };
  }

  get logLikelihood(): number {
    return this.state().logLikelihood;
  }

  static withParams(params: GammaGammaParams): GammaGammaModel {
    const m = new GammaGammaModel();
    m.learned = { params: { ...params }, logLikelihood: NaN, customers: 0, converged: true, iterations: 0, frequencySpendCorrelation: NaN };
    return m;
  }

  /** Mean spend per transaction in the population, E[Z] = pγ/(q-1) (finite only for q > 1). */
  populationMeanSpend(): number {
    const { p, q, gamma } = this.state().params;
    return q > 1 ? (p * gamma) / (q - 1) : NaN;
  }

  /**
   * E[M | p, q, γ, m_x, x] = (γ + x m_x) p / (px + q - 1) (Fader & Hardie 2013, eq. 5): a weighted
   * mean of the population mean pγ/(q-1) and the customer's own m_x, with weight px/(px+q-1) on m_x.
   * For x = 0 this is the population mean.
   */
  conditionalExpectedAverageSpend(x: number, m: number): number {
    const { p, q, gamma } = this.state().params;
    if (!(x > 0) || !(m > 0)) return this.populationMeanSpend();
    return (p * (gamma + x * m)) / (p * x + q - 1);
  }

  toArtifact(): GammaGammaArtifact {
    return {
      kind: GAMMA_GAMMA_KIND,
      formatVersion: GAMMA_GAMMA_FORMAT_VERSION,
      penalizer: this.penalizer,
      ...this.state(),
      params: { ...this.state().params },
    };
  }

  static fromArtifact(a: GammaGammaArtifact): GammaGammaModel {
    checkArtifact(a, GAMMA_GAMMA_KIND, GAMMA_GAMMA_FORMAT_VERSION);
    const m = new GammaGammaModel({ penalizer: a.penalizer });
    const { kind: _k, formatVersion: _v, penalizer: _p, ...rest } = a;
    m.learned = { ...rest, params: { ...a.params } };
    return m;
  }
}

/** Draws average spends from the Gamma-Gamma process for customers with the given transaction counts. */
export function simulateGammaGamma(params: GammaGammaParams, frequency: ArrayLike<number>, rng: Rng): Float64Array {
  const out = new Float64Array(frequency.length);
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    if (x <= 0) continue;
    const nu = rng.gammaWithRate(params.q, params.gamma);
    let s = 0;
    for (let k = 0; k < x; k++) s += rng.gammaWithRate(params.p, nu);
    out[i] = s / x;
  }
  return out;
}
