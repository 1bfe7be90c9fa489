// One vocabulary for every estimator, in the style of scikit-learn: hyper-parameters in the
// constructor, learned state only after fit(), fit() returns `this`, `isFitted` says whether it
// has been fitted, predicting with an unfitted estimator throws a clear error, and the fitted
// estimator round-trips through a plain JSON artifact (`toArtifact()` / static `fromArtifact()`)
// that starts with the common header of artifact.ts. Classifiers take features already encoded
// (feature-encoder.ts); calibrators (calibration.ts) are estimators on one column of raw
// probabilities; calibrated-classifier.ts joins the two. The algorithms a model can be trained
// with are listed statically in algorithms.ts.
import type { ArtifactHeader } from './artifact';

/** Shapes below: n = rows, d = encoded columns (feature-encoder.ts `width`). */
export interface FitOptions {
  /** Called with a fraction 0..1 and a short message while fitting (epochs, iterations). */
  onProgress?: (fraction: number, message: string) => void;
}

/** What every fitted estimator offers. */
export interface Estimator<A extends ArtifactHeader> {
  readonly isFitted: boolean;
  /** The fitted state as JSON-serialisable data; throws when not fitted. */
  toArtifact(): A;
}

export const CLASSIFIER_KIND = 'salescast.classifier';
/** v2: one header for every artifact (`kind` "salescast.classifier", was "salescast-classifier"). */
export const CLASSIFIER_FORMAT_VERSION = 2;

/** A JSON-serialisable snapshot of a fitted classifier. */
export interface ClassifierArtifact extends ArtifactHeader<typeof CLASSIFIER_KIND> {
  algorithm: string;
  /** Hyper-parameters as given to the constructor. */
  params: Record<string, unknown>;
  /** d: number of encoded input columns the model expects. */
  inputSize: number;
  /** Learned state (weights); shape depends on the algorithm. */
  state: Record<string, unknown>;
  /** Versions of the libraries that produced the artifact. */
  libraries: Record<string, string>;
}

export interface BinaryClassifier extends Estimator<ClassifierArtifact> {
  readonly algorithm: string;
  /** Hyper-parameters (constructor arguments with defaults filled in). */
  readonly params: Record<string, unknown>;
  /** X: n rows of d numbers; y: n labels, each 0 or 1 (both classes present). */
  fit(X: number[][], y: ArrayLike<number>, options?: FitOptions): Promise<this>;
  /** X: n x d. Returns n values, P(y = 1) of each row. */
  predictProba(X: number[][]): Float64Array;
  /** x: d numbers. The log-odds of one row: the fast path used for serving. */
  logit(x: ArrayLike<number>): number;
  /**
   * x: d numbers; groups: g lists of column indices (default: d groups of one column). Returns g
   * contributions to the log-odds of x relative to the average training row (the reference). For
   * linear models they sum exactly to logit(x) - logit(reference); otherwise they are occlusion
   * effects.
   */
  contributions(x: ArrayLike<number>, groups?: number[][]): number[];
}

export function notFittedError(what: string): Error {
  return new Error(`${what} is not fitted: call fit() (or load a fitted artifact) before predicting`);
}

/** Checks X (n x d, rectangular) and y (n labels of 0/1, both classes present). */
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

/** Reference point for contributions: the d column means of the training matrix X (n x d). */
export function columnMeans(X: number[][]): number[] {
  const m = new Array<number>(X[0].length).fill(0);
  for (const row of X) for (let j = 0; j < row.length; j++) m[j] += row[j];
  return m.map((v) => v / X.length);
}
