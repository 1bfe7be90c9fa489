// L2-regularised logistic regression fitted exactly by Newton-Raphson (iteratively reweighted
// least squares), Hastie, Tibshirani & Friedman, "The Elements of Statistical Learning", 2nd ed.,
// section 4.4.1, eq. 4.26. The objective is sum of log losses + (l2 / 2) * ||w||^2 (intercept not
// penalised) — the same objective as scikit-learn's LogisticRegression with C = 1 / l2.
// Inputs are expected standardised (feature-encoder.ts), so one l2 fits all columns.
import { checkArtifact } from './artifact';
import {
  CLASSIFIER_FORMAT_VERSION,
  CLASSIFIER_KIND,
  checkTrainingData,
  columnMeans,
  notFittedError,
  type BinaryClassifier,
  type ClassifierArtifact,
  type FitOptions,
} from './estimator';
import { sigmoid } from '../math/link';

export interface LogisticRegressionParams {
  /** L2 penalty strength (1 / C in scikit-learn terms). */
  l2?: number;
  maxIterations?: number;
  /** Stop when the largest coefficient step is below this. */
  tolerance?: number;
}

/** Solves A x = b for symmetric positive definite A (n x n, row-major) by Cholesky; A is overwritten. */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= A[j * n + k] * A[j * n + k];
    if (d <= 0) d = 1e-12; // numerically singular direction: damp instead of failing
    const ljj = Math.sqrt(d);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s / ljj;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * n + k] * z[k];
    z[i] = s / A[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= A[k * n + i] * x[k];
    x[i] = s / A[i * n + i];
  }
  return x;
}

/**
 * X (n x p) as sparse rows with a leading 1 for the intercept (column 0): one-hot columns are mostly
 * zero, so X'WX is accumulated over each row's non-zero pairs only (several times fewer operations
 * on deal rows). Columns within a row are ascending.
 */
interface SparseRows {
  n: number;
  q: number;
  start: Uint32Array;
  col: Uint32Array;
  val: Float64Array;
}

function sparseRows(X: number[][]): SparseRows {
  const n = X.length;
  const p = X[0].length;
  const start = new Uint32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    nnz++; // intercept
    const row = X[i];
    for (let j = 0; j < p; j++) if (row[j] !== 0) nnz++;
    start[i + 1] = nnz;
  }
  const col = new Uint32Array(nnz);
  const val = new Float64Array(nnz);
  for (let i = 0, k = 0; i < n; i++) {
    col[k] = 0;
    val[k++] = 1;
    const row = X[i];
    for (let j = 0; j < p; j++) {
      const v = row[j];
      if (v !== 0) {
        col[k] = j + 1;
        val[k++] = v;
      }
    }
  }
  return { n, q: p + 1, start, col, val };
}

/** Sum of log losses at coefficients b + (l2 / 2) ||b without intercept||^2. */
function penalisedLoss(r: SparseRows, y: ArrayLike<number>, b: Float64Array, l2: number): number {
  let f = 0;
  for (let i = 0; i < r.n; i++) {
    let eta = 0;
    for (let k = r.start[i]; k < r.start[i + 1]; k++) eta += r.val[k] * b[r.col[k]];
    // log(1 + e^eta) - y*eta, computed stably
    f += (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta))) - y[i] * eta;
  }
  for (let j = 1; j < r.q; j++) f += 0.5 * l2 * b[j] * b[j];
  return f;
}

/** Gradient g (q) and Hessian H (q x q, row-major) of the penalised loss at beta, in place. */
function gradientAndHessian(r: SparseRows, y: ArrayLike<number>, beta: Float64Array, l2: number, g: Float64Array, H: Float64Array): void {
  const { q, start, col, val } = r;
  H.fill(0);
  g.fill(0);
  for (let i = 0; i < r.n; i++) {
    const a = start[i];
    const b = start[i + 1];
    let eta = 0;
    for (let k = a; k < b; k++) eta += val[k] * beta[col[k]];
    const mu = sigmoid(eta);
    const w = Math.max(mu * (1 - mu), 1e-10);
    const res = mu - y[i];
    for (let k = a; k < b; k++) {
      const j = col[k]; // columns ascending, so col[m] <= j for m <= k
      const zj = val[k];
      g[j] += res * zj;
      const wz = w * zj;
      const hrow = j * q;
      for (let m = a; m <= k; m++) H[hrow + col[m]] += wz * val[m];
    }
  }
  for (let j = 1; j < q; j++) {
    g[j] += l2 * beta[j];
    H[j * q + j] += l2;
  }
  for (let j = 0; j < q; j++) for (let k = 0; k < j; k++) H[k * q + j] = H[j * q + k];
  H[0] += 1e-9;
}

/** The Newton step, halved until the loss does not increase (keeps Newton monotone on separable data). */
function halvingStep(
  r: SparseRows,
  y: ArrayLike<number>,
  beta: Float64Array,
  step: Float64Array,
  current: number,
  l2: number,
): { next: Float64Array; value: number } {
  let t = 1;
  const next = new Float64Array(r.q);
  let value = Infinity;
  for (let half = 0; half < 30; half++) {
    for (let j = 0; j < r.q; j++) next[j] = beta[j] - t * step[j];
    value = penalisedLoss(r, y, next, l2);
    if (value <= current + 1e-12) break;
    t /= 2;
  }
  return { next, value };
}

export class LogisticRegression implements BinaryClassifier {
  readonly algorithm = 'logistic';
  readonly params: Required<LogisticRegressionParams>;
  private weights: Float64Array | null = null;
  private intercept = 0;
  private reference: number[] = [];
  /** Iterations used by the last fit (for reports). */
  iterations = 0;

  constructor(params: LogisticRegressionParams = {}) {
    this.params = { l2: params.l2 ?? 1, maxIterations: params.maxIterations ?? 50, tolerance: params.tolerance ?? 1e-7 };
    if (!(this.params.l2 >= 0)) throw new Error('l2 must be >= 0');
  }

  get isFitted(): boolean {
    return this.weights !== null;
  }

  get coefficients(): { intercept: number; weights: number[] } {
    if (!this.weights) throw notFittedError(this.algorithm);
    return { intercept: this.intercept, weights: Array.from(this.weights) };
  }

  async fit(X: number[][], y: ArrayLike<number>, options: FitOptions = {}): Promise<this> {
    checkTrainingData(X, y);
    const rows = sparseRows(X);
    const q = rows.q;
    const { l2, maxIterations, tolerance } = this.params;
    const beta = new Float64Array(q);
    let current = penalisedLoss(rows, y, beta, l2);
    const H = new Float64Array(q * q);
    const g = new Float64Array(q);
    let it = 0;
    for (; it < maxIterations; it++) {
      gradientAndHessian(rows, y, beta, l2, g, H);
      const step = choleskySolve(H, g, q);
      const { next, value } = halvingStep(rows, y, beta, step, current, l2);
      let maxStep = 0;
      for (let j = 0; j < q; j++) maxStep = Math.max(maxStep, Math.abs(next[j] - beta[j]));
      beta.set(next);
      current = value;
      options.onProgress?.((it + 1) / maxIterations, `Newton iteration ${it + 1}, objective ${current.toFixed(4)}`);
      if (maxStep < tolerance) {
        it++;
        break;
      }
    }
    this.iterations = it;
    this.intercept = beta[0];
    this.weights = beta.slice(1);
    this.reference = columnMeans(X);
    return this;
  }

  logit(x: ArrayLike<number>): number {
    const w = this.weights;
    if (!w) throw notFittedError(this.algorithm);
    let eta = this.intercept;
    for (let j = 0; j < w.length; j++) eta += w[j] * x[j];
    return eta;
  }

  predictProba(X: number[][]): Float64Array {
    if (!this.weights) throw notFittedError(this.algorithm);
    const out = new Float64Array(X.length);
    for (let i = 0; i < X.length; i++) out[i] = sigmoid(this.logit(X[i]));
    return out;
  }

  contributions(x: ArrayLike<number>, groups?: number[][]): number[] {
    const w = this.weights;
    if (!w) throw notFittedError(this.algorithm);
    const ref = this.reference;
    if (!groups) {
      const per = new Array<number>(w.length);
      for (let j = 0; j < w.length; j++) per[j] = w[j] * (x[j] - ref[j]);
      return per;
    }
    const out = new Array<number>(groups.length);
    for (let g = 0; g < groups.length; g++) {
      const cols = groups[g];
      let sum = 0;
      for (let k = 0; k < cols.length; k++) sum += w[cols[k]] * (x[cols[k]] - ref[cols[k]]);
      out[g] = sum;
    }
    return out;
  }

  toArtifact(): ClassifierArtifact {
    if (!this.weights) throw notFittedError(this.algorithm);
    return {
      kind: CLASSIFIER_KIND,
      formatVersion: CLASSIFIER_FORMAT_VERSION,
      algorithm: this.algorithm,
      params: { ...this.params },
      inputSize: this.weights.length,
      state: { intercept: this.intercept, weights: Array.from(this.weights), reference: this.reference, iterations: this.iterations },
      libraries: { salescast: 'logistic-irls' },
    };
  }

  static fromArtifact(a: ClassifierArtifact): LogisticRegression {
    checkArtifact(a, CLASSIFIER_KIND, CLASSIFIER_FORMAT_VERSION);
    if (a.algorithm !== 'logistic') throw new Error(`not a logistic artifact (algorithm "${a.algorithm}")`);
    const m = new LogisticRegression(a.params as LogisticRegressionParams);
    const s = a.state as { intercept: number; weights: number[]; reference: number[]; iterations?: number };
    if (!Array.isArray(s.weights) || s.weights.length !== a.inputSize) throw new Error('logistic artifact: weights do not match inputSize');
    m.intercept = s.intercept;
    m.weights = Float64Array.from(s.weights);
    m.reference = s.reference;
    m.iterations = s.iterations ?? 0;
    return m;
  }
}
