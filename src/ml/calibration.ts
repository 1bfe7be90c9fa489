// Probability calibration, fitted on a held-out later time slice so that "0.7" means seven in ten.
// - Platt scaling: p' = sigmoid(a * logit(p) + b), fitted by Newton on log loss (Platt 1999, with
//   the target smoothing of Niculescu-Mizil & Caruana 2005 / Lin, Lin & Weng 2007 to avoid
//   overconfidence on small slices).
// - Isotonic regression: pool-adjacent-violators (Zadrozny & Elkan 2002), monotone step function,
//   linearly interpolated between block centres at prediction time.
import { logit, sigmoid } from '../math/link';

export type CalibrationMethod = 'platt' | 'isotonic' | 'identity';

export interface CalibratorState {
  method: CalibrationMethod;
  a?: number;
  b?: number;
  /** Isotonic: increasing knots (x = raw probability, y = calibrated). */
  x?: number[];
  y?: number[];
}

export interface Calibrator {
  readonly method: CalibrationMethod;
  transform(p: number): number;
  toJSON(): CalibratorState;
}

export class IdentityCalibrator implements Calibrator {
  readonly method = 'identity' as const;
  transform(p: number): number {
    return p;
  }
  toJSON(): CalibratorState {
    return { method: 'identity' };
  }
}

export class PlattCalibrator implements Calibrator {
  readonly method = 'platt' as const;
  constructor(
    readonly a = 1,
    readonly b = 0,
  ) {}

  static fit(p: ArrayLike<number>, y: ArrayLike<number>): PlattCalibrator {
    const n = p.length;
    let pos = 0;
    for (let i = 0; i < n; i++) pos += y[i];
    const hi = (pos + 1) / (pos + 2);
    const lo = 1 / (n - pos + 2);
    const t = Array.from(y, (v) => (v === 1 ? hi : lo));
    const z = Array.from(p, (v) => logit(v));
    const loss = (a: number, b: number) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        const eta = a * z[i] + b;
        f += (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta))) - t[i] * eta;
      }
      return f;
    };
    let a = 1;
    let b = 0;
    let current = loss(a, b);
    for (let it = 0; it < 100; it++) {
      let ga = 0,
        gb = 0,
        haa = 1e-9,
        hab = 0,
        hbb = 1e-9;
      for (let i = 0; i < n; i++) {
        const q = sigmoid(a * z[i] + b);
        const r = q - t[i];
        const w = q * (1 - q);
        ga += r * z[i];
        gb += r;
        haa += w * z[i] * z[i];
        hab += w * z[i];
        hbb += w;
      }
      const det = haa * hbb - hab * hab;
      if (Math.abs(det) < 1e-15) break;
      const da = (hbb * ga - hab * gb) / det;
      const db = (haa * gb - hab * ga) / det;
      // Newton with step halving (Lin, Lin & Weng 2007, algorithm 1) so the loss never increases.
      let step = 1;
      let value = loss(a - da, b - db);
      while (value > current + 1e-12 && step > 1e-10) {
        step /= 2;
        value = loss(a - step * da, b - step * db);
      }
      if (value > current + 1e-12) break;
      a -= step * da;
      b -= step * db;
      const improvement = current - value;
      current = value;
      if ((Math.abs(step * da) < 1e-10 && Math.abs(step * db) < 1e-10) || improvement < 1e-12 * Math.max(1, Math.abs(current))) break;
    }
    return new PlattCalibrator(a, b);
  }

  transform(p: number): number {
    return sigmoid(this.a * logit(p) + this.b);
  }

  toJSON(): CalibratorState {
    return { method: 'platt', a: this.a, b: this.b };
  }
}

export class IsotonicCalibrator implements Calibrator {
  readonly method = 'isotonic' as const;
  constructor(
    readonly x: number[],
    readonly y: number[],
  ) {}

  static fit(p: ArrayLike<number>, y: ArrayLike<number>): IsotonicCalibrator {
    const idx = Array.from({ length: p.length }, (_, i) => i).sort((i, j) => p[i] - p[j]);
    // Blocks of (sum of y, weight, mean x); merge while a block's mean is below its predecessor's.
    const sumY: number[] = [];
    const weight: number[] = [];
    const sumX: number[] = [];
    for (const i of idx) {
      sumY.push(y[i]);
      weight.push(1);
      sumX.push(p[i]);
      while (sumY.length > 1) {
        const k = sumY.length - 1;
        if (sumY[k - 1] / weight[k - 1] < sumY[k] / weight[k]) break;
        sumY[k - 1] += sumY[k];
        weight[k - 1] += weight[k];
        sumX[k - 1] += sumX[k];
        sumY.pop();
        weight.pop();
        sumX.pop();
      }
    }
    const xs = sumX.map((s, k) => s / weight[k]);
    // Keep probabilities off exactly 0 and 1 so log loss stays finite on new data.
    const ys = sumY.map((s, k) => Math.min(1 - 1e-4, Math.max(1e-4, s / weight[k])));
    return new IsotonicCalibrator(xs, ys);
  }

  transform(p: number): number {
    const { x, y } = this;
    if (x.length === 0) return p;
    if (p <= x[0]) return y[0];
    if (p >= x[x.length - 1]) return y[y.length - 1];
    let lo = 0;
    let hi = x.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid] <= p) lo = mid;
      else hi = mid;
    }
    const span = x[hi] - x[lo];
    return span > 0 ? y[lo] + ((p - x[lo]) / span) * (y[hi] - y[lo]) : y[hi];
  }

  toJSON(): CalibratorState {
    return { method: 'isotonic', x: this.x, y: this.y };
  }
}

/**
 * Fits a calibrator on a held-out slice. 'auto' uses isotonic when the slice is large enough for
 * a step function to be stable (>= 1,000 rows with >= 100 of each class), Platt otherwise.
 */
export function fitCalibrator(p: ArrayLike<number>, y: ArrayLike<number>, method: CalibrationMethod | 'auto' = 'auto'): Calibrator {
  if (p.length !== y.length) throw new Error('calibration: p and y differ in length');
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  if (pos === 0 || pos === y.length) return new IdentityCalibrator();
  const chosen = method === 'auto' ? (p.length >= 1000 && pos >= 100 && y.length - pos >= 100 ? 'isotonic' : 'platt') : method;
  if (chosen === 'isotonic') return IsotonicCalibrator.fit(p, y);
  if (chosen === 'platt') return PlattCalibrator.fit(p, y);
  return new IdentityCalibrator();
}

export function loadCalibrator(state: CalibratorState): Calibrator {
  switch (state?.method) {
    case 'platt':
      return new PlattCalibrator(state.a, state.b);
    case 'isotonic':
      if (!state.x || !state.y || state.x.length !== state.y.length) throw new Error('isotonic calibrator state is corrupt');
      return new IsotonicCalibrator(state.x, state.y);
    case 'identity':
      return new IdentityCalibrator();
    default:
      throw new Error(`unknown calibration method "${(state as { method?: string })?.method}"`);
  }
}
