// One interface for every binary classifier (deal win, customer churn), in the style of
// scikit-learn: hyper-parameters in the constructor, learned state only after fit(), fit() returns
// this, predictProba() on an unfitted model throws, and the model round-trips through a plain JSON
// artifact that carries its own metadata. Features arrive already encoded (see feature-encoder.ts).

export const CLASSIFIER_FORMAT_VERSION = 1;

export interface FitOptions {
  /** Called with a fraction 0..1 and a short message while fitting (epochs, iterations). */
  onProgress?: (fraction: number, message: string) => void;
}

/** A JSON-serialisable snapshot of a fitted classifier. */
export interface ClassifierArtifact {
  kind: 'salescast-classifier';
  formatVersion: number;
  algorithm: string;
  /** Hyper-parameters as given to the constructor. */
  params: Record<string, unknown>;
  /** Number of encoded input columns the model expects. */
  inputSize: number;
  /** Learned state (weights); shape depends on the algorithm. */
  state: Record<string, unknown>;
  /** Versions of the libraries that produced the artifact. */
  libraries: Record<string, string>;
}

export interface BinaryClassifier {
  readonly algorithm: string;
  readonly fitted: boolean;
  fit(X: number[][], y: ArrayLike<number>, options?: FitOptions): Promise<this>;
  /** P(y = 1) for each row. */
  predictProba(X: number[][]): Float64Array;
  /** Log-odds of one row: the fast path used for serving. */
  logit(x: ArrayLike<number>): number;
  /**
   * Contribution of each group of columns to the log-odds of x, relative to the average training
   * row (the reference). Groups default to one column each. For linear models the contributions sum
   * exactly to logit(x) - logit(reference); for non-linear ones they are occlusion effects.
   */
  contributions(x: ArrayLike<number>, groups?: number[][]): number[];
  toArtifact(): ClassifierArtifact;
}

export function notFittedError(algorithm: string): Error {
  return new Error(`${algorithm} is not fitted: call fit() (or load a fitted artifact) before predicting`);
}

export function checkTrainingData(X: number[][], y: ArrayLike<number>): void {
  if (X.length === 0) throw new Error('cannot fit on zero rows');
  if (X.length !== y.length) throw new Error(`X has ${X.length} rows but y has ${y.length}`);
  const width = X[0].length;
  for (let i = 0; i < X.length; i++) if (X[i].length !== width) throw new Error(`row ${i} has ${X[i].length} columns, expected ${width}`);
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`y[${i}] is ${y[i]}; labels must be 0 or 1`);
    pos += y[i];
  }
  if (pos === 0 || pos === y.length) throw new Error('both classes (0 and 1) are needed to fit a classifier');
}

type Loader = (artifact: ClassifierArtifact) => BinaryClassifier;
const loaders = new Map<string, Loader>();

/** Estimator modules register how to rebuild themselves from an artifact. */
export function registerClassifierLoader(algorithm: string, loader: Loader): void {
  loaders.set(algorithm, loader);
}

/** Rebuilds a fitted classifier from its artifact; refuses unknown formats and algorithms. */
export function loadClassifier(artifact: ClassifierArtifact): BinaryClassifier {
  if (artifact?.kind !== 'salescast-classifier') throw new Error('not a Salescast classifier artifact');
  if (artifact.formatVersion !== CLASSIFIER_FORMAT_VERSION)
    throw new Error(
      `classifier artifact format ${artifact.formatVersion} is not supported (this build reads format ${CLASSIFIER_FORMAT_VERSION})`,
    );
  // Built-in estimators register on import; require them lazily to avoid an import cycle.
  if (!loaders.has(artifact.algorithm)) {
    require('./logistic-regression');
    require('./mlp');
  }
  const loader = loaders.get(artifact.algorithm);
  if (!loader) throw new Error(`unknown classifier algorithm "${artifact.algorithm}"`);
  return loader(artifact);
}

/** Reference point for contributions: the column means of the training matrix. */
export function columnMeans(X: number[][]): number[] {
  const m = new Array<number>(X[0].length).fill(0);
  for (const row of X) for (let j = 0; j < row.length; j++) m[j] += row[j];
  return m.map((v) => v / X.length);
}
