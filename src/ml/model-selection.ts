// Model selection shared by the deal-win and churn models. Given the training window only (the
// held-out test slice is never passed in), it:
// 1. gets out-of-fold probabilities of every candidate (algorithm + hyper-parameters) from
//    time-ordered expanding-window folds (cross-validation.ts);
// 2. scores each calibration method on those out-of-fold probabilities, again in time order: the
//    calibrator for validation block j is fitted on the out-of-fold rows of blocks before j;
// 3. picks the (candidate, calibration) pair with the lowest log loss so measured;
// 4. fits the chosen calibrator on all out-of-fold rows (cross-fitted calibration) and REFITS the
//    chosen classifier on all training rows (CalibratedClassifier.fromParts).
// Minimums (per class, out-of-fold rows): isotonic needs 100, Platt 20 (calibration.ts). Isotonic
// below its minimum is not considered (Platt is the fallback); below Platt's, training refuses.
import { unprocessable } from '../errors';
import { createClassifier } from './algorithms';
import { CalibratedClassifier, outOfFoldRows } from './calibrated-classifier';
import { CALIBRATION_MINIMUM_PER_CLASS, type CalibrationMethod, calibrationMethodsFor, createCalibrator } from './calibration';
import { type CandidateConfig, candidateLabel } from './candidate';
import { crossValPredict, type Fold } from './cross-validation';
import { logLoss, rocAuc } from './metrics';

export { candidateLabel, type CandidateConfig } from './candidate';

/** One L2 grid for every logistic model (1/C in scikit-learn terms); inputs are standardised. */
export const L2_GRID = [0.3, 1, 3, 10, 30, 100] as const;

export interface CandidateResult extends CandidateConfig {
  /** Out-of-fold log loss of each calibration method (null: not enough rows to judge it). */
  cv: { rows: number; positives: number; auc: number | null; rawLogLoss: number; calibrated: Partial<Record<CalibrationMethod, number>> };
  calibration: CalibrationMethod;
  /** The log loss this candidate was ranked by. */
  score: number;
  fitSeconds: number;
}

export interface SelectionReport {
  scheme: string;
  folds: { train: number; validate: number; validateFrom: number }[];
  candidates: CandidateResult[];
  chosen: CandidateConfig & { calibration: CalibrationMethod; cvLogLoss: number };
  calibration: {
    method: CalibrationMethod;
    rows: number;
    positives: number;
    negatives: number;
    minimumPerClass: typeof CALIBRATION_MINIMUM_PER_CLASS;
    note: string;
  };
  refit: { rows: number; seconds: number };
}

export interface SelectModelOptions {
  candidates: CandidateConfig[];
  folds: Fold[];
  onProgress?: (stage: string, fraction: number, message?: string) => void;
}

const METHOD_ORDER: CalibrationMethod[] = ['platt', 'isotonic', 'identity'];

/**
 * Log loss of each calibration method over the out-of-fold rows, calibrated in time order: the
 * rows of validation block j by a calibrator fitted on the blocks before it (only blocks whose
 * earlier rows reach Platt's minimum are judged).
 */
export function calibrationScores(oof: Float64Array, y: ArrayLike<number>, used: Fold[]): Partial<Record<CalibrationMethod, number>> {
  const sums: Partial<Record<CalibrationMethod, number>> = {};
  let rows = 0;
  const fitP: number[] = [];
  const fitY: number[] = [];
  let pos = 0;
  for (const fold of used) {
    const fewest = Math.min(pos, fitY.length - pos);
    if (fewest >= CALIBRATION_MINIMUM_PER_CLASS.platt) {
      const p = Float64Array.from(fold.validate, (i) => oof[i]);
      const yy = Uint8Array.from(fold.validate, (i) => y[i]);
      for (const method of METHOD_ORDER) {
        const cal = createCalibrator(method).fit(fitP, fitY);
        sums[method] = (sums[method] ?? 0) + logLoss(cal.predictProba(p), yy) * p.length;
      }
      rows += fold.validate.length;
    }
    for (const i of fold.validate) {
      fitP.push(oof[i]);
      fitY.push(y[i]);
      pos += y[i];
    }
  }
  const out: Partial<Record<CalibrationMethod, number>> = {};
  if (rows > 0) for (const m of METHOD_ORDER) out[m] = sums[m]! / rows;
  return out;
}

async function evaluateCandidate(
  c: CandidateConfig,
  X: number[][],
  y: ArrayLike<number>,
  folds: Fold[],
  progress: (f: number, m: string) => void,
): Promise<{ result: CandidateResult; oof: Float64Array; used: Fold[] }> {
  const started = Date.now();
  const { oof, used } = await crossValPredict(() => createClassifier(c.algorithm, c.params), X, y, folds, { onProgress: progress });
  const held = outOfFoldRows(oof, y);
  if (held.p.length === 0) throw unprocessable('no time-ordered fold had both outcomes in its training rows: more history is needed');
  let positives = 0;
  for (const v of held.y) positives += v;
  const allowed = calibrationMethodsFor(positives, held.p.length - positives);
  const calibrated = calibrationScores(oof, y, used);
  const rawLogLoss = logLoss(held.p, held.y);
  let calibration: CalibrationMethod = allowed.includes('platt') ? 'platt' : 'identity';
  let score = Number.POSITIVE_INFINITY;
  for (const m of METHOD_ORDER) {
    const v = calibrated[m];
    if (v !== undefined && allowed.includes(m) && v < score) {
      score = v;
      calibration = m;
    }
  }
  // Too few early rows to judge calibrators in time order: rank by the raw out-of-fold loss.
  if (!Number.isFinite(score)) score = rawLogLoss;
  const result: CandidateResult = {
    ...c,
    cv: { rows: held.p.length, positives, auc: rocAuc(held.p, held.y), rawLogLoss, calibrated },
    calibration,
    score,
    fitSeconds: (Date.now() - started) / 1000,
  };
  return { result, oof, used };
}

/** X: n x d training rows, y: n labels 0/1, folds over those rows (see the header). */
export async function selectModel(
  X: number[][],
  y: ArrayLike<number>,
  options: SelectModelOptions,
): Promise<{ model: CalibratedClassifier; report: SelectionReport }> {
  if (options.candidates.length === 0) throw new Error('model selection needs at least one candidate');
  if (options.folds.length === 0) throw unprocessable('too little history for time-ordered cross-validation (no usable fold)');
  const progress = options.onProgress ?? (() => undefined);
  let best: { result: CandidateResult; oof: Float64Array; used: Fold[] } | null = null;
  const results: CandidateResult[] = [];
  for (const c of options.candidates) {
    const label = candidateLabel(c);
    const r = await evaluateCandidate(c, X, y, options.folds, (f, m) => progress(c.algorithm, f, `${label}: ${m}`));
    results.push(r.result);
    progress(c.algorithm, 1, `${label}: out-of-fold log loss ${r.result.score.toFixed(4)} (${r.result.calibration})`);
    if (!best || r.result.score < best.result.score) best = r;
  }
  const chosen = best!;
  const held = outOfFoldRows(chosen.oof, y);
  const positives = held.y.reduce((s, v) => s + v, 0);
  const negatives = held.p.length - positives;
  if (Math.min(positives, negatives) < CALIBRATION_MINIMUM_PER_CLASS.platt)
    throw unprocessable(
      `too few examples to calibrate the model: ${positives} positive and ${negatives} negative out-of-fold predictions, at least ${CALIBRATION_MINIMUM_PER_CLASS.platt} of each are needed`,
    );
  const calibrator = createCalibrator(chosen.result.calibration).fit(held.p, held.y);
  const started = Date.now();
  progress('refit', 0, `refitting ${candidateLabel(chosen.result)} on all ${X.length} training rows`);
  const classifier = await createClassifier(chosen.result.algorithm, chosen.result.params).fit(X, y, {
    onProgress: (f, m) => progress('refit', f, m),
  });
  const refitSeconds = (Date.now() - started) / 1000;
  const note =
    Math.min(positives, negatives) < CALIBRATION_MINIMUM_PER_CLASS.isotonic
      ? `isotonic not considered: ${Math.min(positives, negatives)} out-of-fold examples of the rarer class, ${CALIBRATION_MINIMUM_PER_CLASS.isotonic} needed`
      : 'all methods considered';
  const report: SelectionReport = {
    scheme: `time-ordered expanding-window cross-validation, ${chosen.used.length} folds; calibrator fitted on the out-of-fold predictions; chosen model refitted on all ${X.length} training rows`,
    folds: chosen.used.map((f) => ({ train: f.train.length, validate: f.validate.length, validateFrom: f.validateFrom })),
    candidates: results,
    chosen: {
      algorithm: chosen.result.algorithm,
      params: chosen.result.params,
      calibration: chosen.result.calibration,
      cvLogLoss: chosen.result.score,
    },
    calibration: {
      method: chosen.result.calibration,
      rows: held.p.length,
      positives,
      negatives,
      minimumPerClass: CALIBRATION_MINIMUM_PER_CLASS,
      note,
    },
    refit: { rows: X.length, seconds: refitSeconds },
  };
  return { model: CalibratedClassifier.fromParts(classifier, calibrator), report };
}
