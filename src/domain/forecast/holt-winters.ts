// Holt-Winters exponential smoothing with additive or multiplicative seasonality (Hyndman &
// Athanasopoulos, Forecasting: Principles and Practice, 3rd ed. (FPP3), §8.3), fitted by
// minimising the sum of squared one-step errors (SSE) with Nelder-Mead.
//
// Additive:       ℓ_t = α(y_t − s_{t−m}) + (1−α)(ℓ_{t−1} + b_{t−1})
//                 b_t = β*(ℓ_t − ℓ_{t−1}) + (1−β*) b_{t−1}
//                 s_t = γ(y_t − ℓ_{t−1} − b_{t−1}) + (1−γ) s_{t−m}
//                 ŷ_{t+h|t} = ℓ_t + h b_t + s_{t+h−m(k+1)}
// Multiplicative: ℓ_t = α(y_t / s_{t−m}) + (1−α)(ℓ_{t−1} + b_{t−1})
//                 s_t = γ y_t / (ℓ_{t−1} + b_{t−1}) + (1−γ) s_{t−m}
//                 ŷ_{t+h|t} = (ℓ_t + h b_t) s_{t+h−m(k+1)}
// with 0 < α, β* < 1 and 0 < γ < 1 − α (FPP3 §8.3). Initial states as in Hyndman et al. (2008,
// §2.6.1): level = mean of the first season, trend = (mean of season 2 − mean of season 1)/m,
// seasonal = first season's deviations (ratios) from the level.
//
// Prediction intervals. Additive: the ETS(A,A,A) closed form (Hyndman et al. 2008, Table 6.1;
// FPP3 §8.7):  σ_h² = σ²[1 + Σ_{j=1}^{h−1} (α(1 + β* j) + γ d_{j,m})²],  d_{j,m} = 1 if j mod m = 0.
// Multiplicative: no closed form; sample paths are simulated from the ETS(A,A,M) state-space
// equations with Gaussian errors (FPP3 §8.7) and the quantiles read from them.
// σ² = SSE / (n − p), p = number of smoothing parameters.
import { invalidInput, unprocessable } from '../../errors';
import { nelderMead, type NelderMeadOptions } from '../../math/optimize/nelder-mead';
import { createRng } from '../../math/random';
import { normalQuantile } from '../../math/normal';
import { quantileSorted } from '../../math/quantile';

export type Seasonality = 'additive' | 'multiplicative';

export interface ForecastIntervals {
  mean: number[];
  lo: Record<number, number[]>;
  hi: Record<number, number[]>;
}

export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
}

// The simplex search the smoothing parameters have always been fitted with (standard
// coefficients, stop on the spread of the SSE alone, no restarts): stored run-rate figures
// reproduce only with the same search.
const HOLT_WINTERS_SEARCH: NelderMeadOptions = {
  coefficients: 'standard',
  initialStep: 0.5,
  fTolerance: 1e-10,
  fFloor: 1e-10,
  xTolerance: Infinity,
  restarts: 0,
  maxIterations: 600,
};

export class HoltWinters {
  readonly seasonLength: number;
  readonly seasonality: Seasonality;
  private state: {
    level: number;
    trend: number;
    season: number[];
    params: HoltWintersParams;
    sse: number;
    sigma2: number;
    n: number;
    fitted: number[];
  } | null = null;

  constructor(opts: { seasonLength?: number; seasonality?: Seasonality } = {}) {
    this.seasonLength = opts.seasonLength ?? 12;
    this.seasonality = opts.seasonality ?? 'additive';
  }

  get params(): HoltWintersParams {
    return this.fitted().params;
  }
  get sse(): number {
    return this.fitted().sse;
  }
  get sigma2(): number {
    return this.fitted().sigma2;
  }
  get fittedValues(): number[] {
    return this.fitted().fitted.slice();
  }

  fit(y: readonly number[], params?: HoltWintersParams): this {
    const m = this.seasonLength;
    if (y.length < 2 * m) throw unprocessable(`Holt-Winters needs at least two full seasons (${2 * m} points); got ${y.length}`);
    if (y.some((v) => !Number.isFinite(v))) throw invalidInput('The series has non-finite values');
    if (this.seasonality === 'multiplicative' && y.some((v) => v <= 0))
      throw unprocessable('Multiplicative seasonality needs a strictly positive series');
    let best: HoltWintersParams;
    if (params) best = params;
    else {
      // Unconstrained search: α = σ(u0), β* = σ(u1), γ = σ(u2)(1 − α).
      const decode = (u: number[]): HoltWintersParams => {
        const alpha = logistic(u[0]);
        return { alpha, beta: logistic(u[1]), gamma: logistic(u[2]) * (1 - alpha) };
      };
      let bestVal = Infinity;
      best = decode([0, -2, -2]);
      // A few starts guard against the flat regions of the SSE surface.
      for (const start of [
        [0, -2, -2],
        [-1.5, -3, -1],
        [1.5, -1, -3],
      ]) {
        const r = nelderMead((u) => run(y, m, this.seasonality, decode(u)).sse, start, HOLT_WINTERS_SEARCH);
        if (r.fx < bestVal) {
          bestVal = r.fx;
          best = decode(r.x);
        }
      }
    }
    const r = run(y, m, this.seasonality, best);
    const p = 3;
    this.state = {
      level: r.level,
      trend: r.trend,
      season: r.season,
      params: best,
      sse: r.sse,
      sigma2: r.sse / Math.max(1, y.length - p),
      n: y.length,
      fitted: r.fitted,
    };
    return this;
  }

  /** Point forecasts and prediction intervals for h steps ahead. */
  predict(h: number, opts: { level?: number[]; seed?: number; paths?: number } = {}): ForecastIntervals {
    const s = this.fitted();
    const levels = opts.level ?? [80, 95];
    const m = this.seasonLength;
    const { alpha, beta, gamma } = s.params;
    const mean: number[] = [];
    for (let k = 1; k <= h; k++) {
      const seas = s.season[(k - 1) % m];
      mean.push(this.seasonality === 'additive' ? s.level + k * s.trend + seas : (s.level + k * s.trend) * seas);
    }
    const lo: Record<number, number[]> = {};
    const hi: Record<number, number[]> = {};
    if (this.seasonality === 'additive') {
      for (const lv of levels) {
        const z = normalQuantile(0.5 + lv / 200);
        lo[lv] = [];
        hi[lv] = [];
        let acc = 0;
        for (let k = 1; k <= h; k++) {
          if (k > 1) {
            const j = k - 1;
            const c = alpha * (1 + beta * j) + (j % m === 0 ? gamma : 0);
            acc += c * c;
          }
          const sd = Math.sqrt(s.sigma2 * (1 + acc));
          lo[lv].push(mean[k - 1] - z * sd);
          hi[lv].push(mean[k - 1] + z * sd);
        }
      }
    } else {
      const paths = this.simulate(h, { seed: opts.seed ?? 42, paths: opts.paths ?? 2000 });
      for (const lv of levels) {
        lo[lv] = [];
        hi[lv] = [];
      }
      for (let k = 0; k < h; k++) {
        const col = Float64Array.from(paths, (p) => p[k]).sort();
        for (const lv of levels) {
          lo[lv].push(quantileSorted(col, 0.5 - lv / 200));
          hi[lv].push(quantileSorted(col, 0.5 + lv / 200));
        }
      }
    }
    return { mean, lo, hi };
  }

  /** Future sample paths from the state-space form with N(0, σ²) errors (FPP3 §8.7). */
  simulate(h: number, opts: { seed: number; paths: number }): number[][] {
    const s = this.fitted();
    const m = this.seasonLength;
    const { alpha, beta, gamma } = s.params;
    const sigma = Math.sqrt(s.sigma2);
    const rng = createRng(opts.seed, 'xoshiro128');
    const out: number[][] = [];
    for (let p = 0; p < opts.paths; p++) {
      let level = s.level;
      let trend = s.trend;
      const season = s.season.slice();
      const path: number[] = [];
      for (let k = 0; k < h; k++) {
        const sPrev = season[k % m];
        const e = sigma * rng.normalUnpaired();
        const lb = level + trend;
        if (this.seasonality === 'additive') {
          path.push(lb + sPrev + e);
          level = lb + alpha * e;
          trend = trend + alpha * beta * e;
          season[k % m] = sPrev + gamma * e;
        } else {
          path.push(lb * sPrev + e);
          level = lb + (alpha * e) / sPrev;
          trend = trend + (alpha * beta * e) / sPrev;
          season[k % m] = sPrev + (gamma * e) / lb;
        }
      }
      out.push(path);
    }
    return out;
  }

  private fitted() {
    if (!this.state) throw new Error('HoltWinters: call fit(y) before predict()');
    return this.state;
  }
}

/**
 * σ(u) = 1/(1 + e^(-u)) in one branch, the map from the search space to (0, 1). Not math/link's
 * sigmoid: that one rounds differently for u < 0, which would move every fitted parameter (and
 * stored run-rate figure) in its last bits.
 */
function logistic(u: number): number {
  return 1 / (1 + Math.exp(-u));
}

/** Runs the recursions; returns SSE of one-step errors and the final states (season rotated so index 0 is the next step). */
function run(y: readonly number[], m: number, kind: Seasonality, { alpha, beta, gamma }: HoltWintersParams) {
  const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const first = y.slice(0, m);
  let level = mean(first);
  let trend = (mean(y.slice(m, 2 * m)) - level) / m;
  const season = first.map((v) => (kind === 'additive' ? v - level : v / level));
  // States initialised at t = 0 describe the first season; recursions start at t = 0 with s_{t−m}
  // taken from the initial seasonal vector and level/trend as of "t = −1" (backed out one step).
  level = level - trend * ((m + 1) / 2);
  let sse = 0;
  const fitted: number[] = [];
  for (let t = 0; t < y.length; t++) {
    const sPrev = season[t % m];
    const lb = level + trend;
    const yhat = kind === 'additive' ? lb + sPrev : lb * sPrev;
    fitted.push(yhat);
    const e = y[t] - yhat;
    sse += e * e;
    const newLevel = kind === 'additive' ? alpha * (y[t] - sPrev) + (1 - alpha) * lb : alpha * (y[t] / sPrev) + (1 - alpha) * lb;
    const newTrend = beta * (newLevel - level) + (1 - beta) * trend;
    season[t % m] = kind === 'additive' ? gamma * (y[t] - lb) + (1 - gamma) * sPrev : gamma * (y[t] / lb) + (1 - gamma) * sPrev;
    level = newLevel;
    trend = newTrend;
  }
  // Rotate so that season[0] is the seasonal index of the next step y_{n}.
  const n = y.length;
  const rotated = Array.from({ length: m }, (_, i) => season[(n + i) % m]);
  return { sse: Number.isFinite(sse) ? sse : Infinity, level, trend, season: rotated, fitted };
}
