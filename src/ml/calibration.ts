// Probability calibrators, so that "0.7" means seven in ten. Each is an estimator (estimator.ts)
// on one column: fit(p, y) with p the n raw probabilities of a classifier and y the n labels,
// then transform(p) for one value. All are monotone non-decreasing (a calibrator must never
// reverse a classifier's ranking) and never answer exactly 0 or 1 (probability.ts).
// - Platt scaling: p' = sigmoid(a * logit(p) + b) with a >= 0, fitted by Newton on log loss
//   (Platt 1999, with the target smoothing of Niculescu-Mizil & Caruana 2005 / Lin, Lin & Weng 2007
//   to avoid overconfidence on small slices). Log loss is convex in (a, b), so when the
//   unconstrained optimum has a < 0 the constrained one lies on a = 0: a constant, the smoothed rate.
// - Isotonic regression: pool-adjacent-violators (Zadrozny & Elkan 2002), a monotone step function
//   linearly interpolated between block centres; its two end blocks are kept off 0 and 1 by the
//   Jeffreys posterior mean of a block with no events (0.5 / (n + 1), n the block's rows).
// - Identity: the classifier's own probabilities (clipped).
import { type ArtifactHeader, checkArtifact } from './artifact';
import type { Estimator } from './estimator';
import { clipProbability } from './probability';
import { logit, sigmoid } from '../math/link';

export type CalibrationMethod = 'platt' | 'isotonic' | 'identity';

export const CALIBRATOR_KIND = 'salescast.calibrator';
/** v2: estimator vocabulary, Platt slope >= 0, isotonic ends off 0 and 1 (v1 artifacts are refused). */
export const CALIBRATOR_FORMAT_VERSION = 2;

/**
 * Fewest examples of EACH class a calibrator is fitted on. Below the isotonic minimum the step
 * function is unstable (model selection falls back to Platt); below the Platt minimum nothing is
 * calibrated and training refuses (see model-selection.ts).
 */
export const CALIBRATION_MINIMUM_PER_CLASS = { platt: 20, isotonic: 100 } as const;

export interface CalibratorArtifact extends ArtifactHeader<typeof CALIBRATOR_KIND> {
  method: CalibrationMethod;
  /** Platt: slope (>= 0) and intercept on the logit scale. */
  a?: number;
  b?: number;
  /** Isotonic: increasing knots (x = raw probability, y = calibrated). */
  x?: number[];
  y?: number[];
}

export interface Calibrator extends Estimator<CalibratorArtifact> {
  readonly method: CalibrationMethod;
  /** p: n raw probabilities; y: n labels 0/1. */
  fit(p: ArrayLike<number>, y: ArrayLike<number>): this;
  /** One raw probability -> calibrated, in [eps, 1 - eps]. */
  transform(p: number): number;
  /** n raw probabilities -> n calibrated ones. */
  predictProba(p: ArrayLike<number>): Float64Array;
}

function checkCalibrationData(p: ArrayLike<number>, y: ArrayLike<number>): number {
  if (p.length !== y.length) throw new Error(`calibration: p has ${p.length} values but y has ${y.length}`);
  if (p.length === 0) throw new Error('calibration: cannot fit on zero rows');
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`calibration: y[${i}] is ${y[i]}; labels must be 0 or 1`);
    if (!(p[i] >= 0 && p[i] <= 1)) throw new Error(`calibration: p[${i}] is ${p[i]}; probabilities must lie in [0, 1]`);
    pos += y[i];
  }
  return pos;
}

abstract class BaseCalibrator implements Calibrator {
  abstract readonly method: CalibrationMethod;
  abstract readonly isFitted: boolean;
  abstract fit(p: ArrayLike<number>, y: ArrayLike<number>): this;
  abstract transform(p: number): number;
  abstract toArtifact(): CalibratorArtifact;
  predictProba(p: ArrayLike<number>): Float64Array {
    return Float64Array.from(p, (v) => this.transform(v));
  }
  protected header(): ArtifactHeader<typeof CALIBRATOR_KIND> {
    return { kind: CALIBRATOR_KIND, formatVersion: CALIBRATOR_FORMAT_VERSION };
  }
}

export class IdentityCalibrator extends BaseCalibrator {
  readonly method = 'identity' as const;
  readonly isFitted = true;
  fit(p: ArrayLike<number>, y: ArrayLike<number>): this {
    checkCalibrationData(p, y);
    return this;
  }
  transform(p: number): number {
    return clipProbability(p);
  }
  toArtifact(): CalibratorArtifact {
    return { ...this.header(), method: 'identity' };
  }
}

/** Log loss of sigmoid(a z + b) against smoothed targets t, summed. */
function plattLoss(z: ArrayLike<number>, t: ArrayLike<number>, a: number, b: number): number {
  let f = 0;
  for (let i = 0; i < z.length; i++) {
    const eta = a * z[i] + b;
    f += (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta))) - t[i] * eta;
  }
  return f;
}

/** Newton with step halving (Lin, Lin & Weng 2007, algorithm 1), so the loss never increases. */
function plattNewton(z: ArrayLike<number>, t: ArrayLike<number>): { a: number; b: number } {
  let a = 1;
  let b = 0;
  let current = plattLoss(z, t, a, b);
  for (let it = 0; it < 100; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < z.length; i++) {
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
    let step = 1;
    let value = plattLoss(z, t, a - da, b - db);
    while (value > current + 1e-12 && step > 1e-10) {
      step /= 2;
      value = plattLoss(z, t, a - step * da, b - step * db);
    }
    if (value > current + 1e-12) break;
    a -= step * da;
    b -= step * db;
    const improvement = current - value;
    current = value;
    if ((Math.abs(step * da) < 1e-10 && Math.abs(step * db) < 1e-10) || improvement < 1e-12 * Math.max(1, Math.abs(current))) break;
  }
  return { a, b };
}

export class PlattCalibrator extends BaseCalibrator {
  readonly method = 'platt' as const;
  private coef: { a: number; b: number } | null = null;

  get isFitted(): boolean {
    return this.coef !== null;
  }

  /** Slope on the logit scale (>= 0). */
  get a(): number {
    return this.need().a;
  }

  get b(): number {
    return this.need().b;
  }

  private need(): { a: number; b: number } {
    if (!this.coef) throw new Error('PlattCalibrator is not fitted: call fit() before transform()');
    return this.coef;
  }

  fit(p: ArrayLike<number>, y: ArrayLike<number>): this {
    const pos = checkCalibrationData(p, y);
    const n = p.length;
    const hi = (pos + 1) / (pos + 2);
    const lo = 1 / (n - pos + 2);
    const t = Float64Array.from(y, (v) => (v === 1 ? hi : lo));
    const z = Float64Array.from(p, (v) => logit(v));
    const free = plattNewton(z, t);
    if (free.a >= 0) this.coef = free;
    else {
      // Constrained to a >= 0: the optimum on a = 0 is the constant of the mean smoothed target.
      let mean = 0;
      for (let i = 0; i < n; i++) mean += t[i];
      this.coef = { a: 0, b: logit(mean / n) };
    }
    return this;
  }

  transform(p: number): number {
    const { a, b } = this.need();
    return clipProbability(sigmoid(a * logit(p) + b));
  }

  toArtifact(): CalibratorArtifact {
    const { a, b } = this.need();
    return { ...this.header(), method: 'platt', a, b };
  }

  static fromCoefficients(a: number, b: number): PlattCalibrator {
    if (!(a >= 0) || !Number.isFinite(a) || !Number.isFinite(b))
      throw new Error(`Platt coefficients must be finite with a >= 0 (got a=${a}, b=${b})`);
    const c = new PlattCalibrator();
    c.coef = { a, b };
    return c;
  }
}

/** Pool-adjacent-violators over p sorted ascending: block centres, rates and sizes. */
function poolAdjacentViolators(p: ArrayLike<number>, y: ArrayLike<number>): { x: number[]; rate: number[]; weight: number[] } {
  const idx = Array.from({ length: p.length }, (_, i) => i).sort((i, j) => p[i] - p[j]);
  const sumY: number[] = [];
  const weight: number[] = [];
  const sumX: number[] = [];
  for (const i of idx) {
    sumY.push(y[i]);
    weight.push(1);
    sumX.push(p[i]);
    // Merge while a block's mean is not above its predecessor's.
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
  return { x: sumX.map((s, k) => s / weight[k]), rate: sumY.map((s, k) => s / weight[k]), weight };
}

export class IsotonicCalibrator extends BaseCalibrator {
  readonly method = 'isotonic' as const;
  private knots: { x: number[]; y: number[] } | null = null;

  get isFitted(): boolean {
    return this.knots !== null;
  }

  get x(): number[] {
    return this.need().x;
  }

  get y(): number[] {
    return this.need().y;
  }

  private need(): { x: number[]; y: number[] } {
    if (!this.knots) throw new Error('IsotonicCalibrator is not fitted: call fit() before transform()');
    return this.knots;
  }

  fit(p: ArrayLike<number>, y: ArrayLike<number>): this {
    checkCalibrationData(p, y);
    const { x, rate, weight } = poolAdjacentViolators(p, y);
    // The rates are non-decreasing, so clamping them into [lo, hi] keeps them so.
    const lo = 0.5 / (weight[0] + 1);
    const hi = 1 - 0.5 / (weight[weight.length - 1] + 1);
    this.knots = { x, y: rate.map((r) => Math.min(hi, Math.max(lo, r))) };
    return this;
  }

  transform(p: number): number {
    const { x, y } = this.need();
    if (p <= x[0]) return clipProbability(y[0]);
    if (p >= x[x.length - 1]) return clipProbability(y[y.length - 1]);
    let lo = 0;
    let hi = x.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid] <= p) lo = mid;
      else hi = mid;
    }
    const span = x[hi] - x[lo];
    return clipProbability(span > 0 ? y[lo] + ((p - x[lo]) / span) * (y[hi] - y[lo]) : y[hi]);
  }

  toArtifact(): CalibratorArtifact {
    const { x, y } = this.need();
    return { ...this.header(), method: 'isotonic', x, y };
  }

  static fromKnots(x: number[], y: number[]): IsotonicCalibrator {
    if (x.length === 0 || x.length !== y.length) throw new Error('isotonic knots must be two non-empty arrays of the same length');
    for (let i = 1; i < x.length; i++)
      if (!(x[i] >= x[i - 1]) || !(y[i] >= y[i - 1])) throw new Error('isotonic knots must be non-decreasing in x and y');
    const c = new IsotonicCalibrator();
    c.knots = { x: [...x], y: [...y] };
    return c;
  }
}

/** An unfitted calibrator of the given method. */
export function createCalibrator(method: CalibrationMethod): Calibrator {
  switch (method) {
    case 'platt':
      return new PlattCalibrator();
    case 'isotonic':
      return new IsotonicCalibrator();
    case 'identity':
      return new IdentityCalibrator();
    default:
      throw new Error(`unknown calibration method "${String(method)}"`);
  }
}

/** Rebuilds a fitted calibrator; refuses other kinds, other format versions and corrupt state. */
export function calibratorFromArtifact(artifact: CalibratorArtifact): Calibrator {
  checkArtifact(artifact, CALIBRATOR_KIND, CALIBRATOR_FORMAT_VERSION);
  switch (artifact.method) {
    case 'platt':
      return PlattCalibrator.fromCoefficients(Number(artifact.a), Number(artifact.b));
    case 'isotonic':
      if (!Array.isArray(artifact.x) || !Array.isArray(artifact.y)) throw new Error('isotonic calibrator artifact is corrupt');
      return IsotonicCalibrator.fromKnots(artifact.x, artifact.y);
    case 'identity':
      return new IdentityCalibrator();
    default:
      throw new Error(`unknown calibration method "${String((artifact as { method?: unknown }).method)}"`);
  }
}

/** The methods that may be fitted on this many examples of each class, most flexible first. */
export function calibrationMethodsFor(positives: number, negatives: number): CalibrationMethod[] {
  const fewest = Math.min(positives, negatives);
  const out: CalibrationMethod[] = [];
  if (fewest >= CALIBRATION_MINIMUM_PER_CLASS.isotonic) out.push('isotonic');
  if (fewest >= CALIBRATION_MINIMUM_PER_CLASS.platt) out.push('platt');
  out.push('identity');
  return out;
}
