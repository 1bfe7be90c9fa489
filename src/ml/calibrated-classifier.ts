// A classifier and its calibrator as one estimator (scikit-learn's CalibratedClassifierCV with
// ensemble=False): fit() gets out-of-fold probabilities from time-ordered folds
// (cross-validation.ts), fits the calibrator on them (cross-fitted calibration: no row calibrates
// a model that learned from it), then refits the classifier on ALL the rows it was given. Serving
// reads one row at a time through probability(x): encoded row -> log-odds -> sigmoid ->
// calibrator -> clip to [eps, 1 - eps] (probability.ts).
import { loadClassifier, createClassifier } from './algorithms';
import { type ArtifactHeader, checkArtifact } from './artifact';
import { type CalibrationMethod, type Calibrator, type CalibratorArtifact, calibratorFromArtifact, createCalibrator } from './calibration';
import { crossValPredict, type Fold } from './cross-validation';
import { type BinaryClassifier, type ClassifierArtifact, type Estimator, type FitOptions, notFittedError } from './estimator';
import { clipProbability } from './probability';
import { sigmoid } from '../math/link';

export const CALIBRATED_CLASSIFIER_KIND = 'salescast.calibrated-classifier';
export const CALIBRATED_CLASSIFIER_FORMAT_VERSION = 1;

export interface CalibratedClassifierArtifact extends ArtifactHeader<typeof CALIBRATED_CLASSIFIER_KIND> {
  classifier: ClassifierArtifact;
  calibrator: CalibratorArtifact;
}

export interface CalibratedClassifierSpec {
  algorithm: string;
  params?: Record<string, unknown>;
  method: CalibrationMethod;
}

/** Rows with an out-of-fold prediction, and those predictions. */
export function outOfFoldRows(oof: Float64Array, y: ArrayLike<number>): { p: Float64Array; y: Uint8Array } {
  const keep: number[] = [];
  for (let i = 0; i < oof.length; i++) if (!Number.isNaN(oof[i])) keep.push(i);
  return { p: Float64Array.from(keep, (i) => oof[i]), y: Uint8Array.from(keep, (i) => y[i]) };
}

export class CalibratedClassifier implements Estimator<CalibratedClassifierArtifact> {
  private parts: { classifier: BinaryClassifier; calibrator: Calibrator } | null = null;

  constructor(readonly spec: CalibratedClassifierSpec) {}

  /** A wrapper around an already fitted classifier and calibrator (scikit-learn's cv="prefit"). */
  static fromParts(classifier: BinaryClassifier, calibrator: Calibrator): CalibratedClassifier {
    if (!classifier.isFitted || !calibrator.isFitted)
      throw new Error('CalibratedClassifier.fromParts needs a fitted classifier and calibrator');
    const m = new CalibratedClassifier({ algorithm: classifier.algorithm, params: classifier.params, method: calibrator.method });
    m.parts = { classifier, calibrator };
    return m;
  }

  get isFitted(): boolean {
    return this.parts !== null;
  }

  get algorithm(): string {
    return this.spec.algorithm;
  }

  get classifier(): BinaryClassifier {
    return this.need().classifier;
  }

  get calibrator(): Calibrator {
    return this.need().calibrator;
  }

  private need() {
    if (!this.parts) throw notFittedError(`calibrated ${this.spec.algorithm}`);
    return this.parts;
  }

  /** X: n x d, y: n labels 0/1, folds: time-ordered folds over those n rows. */
  async fit(X: number[][], y: ArrayLike<number>, options: FitOptions & { folds: Fold[] }): Promise<this> {
    const create = () => createClassifier(this.spec.algorithm, this.spec.params);
    const { oof } = await crossValPredict(create, X, y, options.folds, {
      onProgress: (f, m) => options.onProgress?.(f * 0.8, m),
    });
    const held = outOfFoldRows(oof, y);
    if (held.p.length === 0) throw new Error('no fold produced out-of-fold predictions to calibrate on');
    const calibrator = createCalibrator(this.spec.method).fit(held.p, held.y);
    const classifier = await create().fit(X, y, { onProgress: (f, m) => options.onProgress?.(0.8 + f * 0.2, `refit on all rows: ${m}`) });
    this.parts = { classifier, calibrator };
    return this;
  }

  /** x: d encoded numbers -> calibrated, clipped P(y = 1): the serving path. */
  probability(x: ArrayLike<number>): number {
    const { classifier, calibrator } = this.need();
    return clipProbability(calibrator.transform(sigmoid(classifier.logit(x))));
  }

  /** X: n x d -> n calibrated probabilities. */
  predictProba(X: number[][]): Float64Array {
    return Float64Array.from(X, (x) => this.probability(x));
  }

  toArtifact(): CalibratedClassifierArtifact {
    const { classifier, calibrator } = this.need();
    return {
      kind: CALIBRATED_CLASSIFIER_KIND,
      formatVersion: CALIBRATED_CLASSIFIER_FORMAT_VERSION,
      classifier: classifier.toArtifact(),
      calibrator: calibrator.toArtifact(),
    };
  }

  static fromArtifact(a: CalibratedClassifierArtifact): CalibratedClassifier {
    checkArtifact(a, CALIBRATED_CLASSIFIER_KIND, CALIBRATED_CLASSIFIER_FORMAT_VERSION);
    return CalibratedClassifier.fromParts(loadClassifier(a.classifier), calibratorFromArtifact(a.calibrator));
  }
}
