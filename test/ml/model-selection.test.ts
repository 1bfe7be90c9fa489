// Time-ordered folds, the calibrated-classifier wrapper and the shared model selection.
import { CalibratedClassifier } from '../../src/ml/calibrated-classifier';
import { timeHoldout, timeOrderedFolds } from '../../src/ml/cross-validation';
import { LogisticRegression } from '../../src/ml/logistic-regression';
import { logLoss } from '../../src/ml/metrics';
import { selectModel } from '../../src/ml/model-selection';
import { PROBABILITY_EPSILON } from '../../src/ml/probability';
import { logisticData, TEST_SEED } from './synthetic';

const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('time-ordered splits', () => {
  test('expanding windows: every fold trains only on earlier keys and validates the next block', () => {
    const keys = Array.from({ length: 100 }, (_, i) => 1000 - i * 3); // given latest first
    const folds = timeOrderedFolds(keys, { folds: 4 });
    expect(folds).toHaveLength(4);
    for (const f of folds) {
      const latestTrain = Math.max(...Array.from(f.train, (i) => keys[i]));
      const earliestValidate = Math.min(...Array.from(f.validate, (i) => keys[i]));
      expect(latestTrain).toBeLessThan(earliestValidate);
      expect(f.validateFrom).toBe(earliestValidate);
    }
    // Expanding: each fold trains on more rows than the one before; validation blocks do not overlap.
    expect(folds.map((f) => f.train.length)).toEqual([20, 40, 60, 80]);
    expect(new Set(folds.flatMap((f) => Array.from(f.validate))).size).toBe(80);
  });

  test('the snapshots of one deal stay together, at the deal earliest key, and ties never straddle a cut', () => {
    // Deal d has snapshots at d*10 and d*10 + 95 (late): grouped, both count at d*10.
    const keys: number[] = [];
    const groups: number[] = [];
    for (let d = 0; d < 50; d++) {
      keys.push(d * 10, d * 10 + 95);
      groups.push(d, d);
    }
    const { train, test } = timeHoldout(keys, 0.2, groups);
    const trainDeals = new Set(Array.from(train, (i) => groups[i]));
    for (const i of test) expect(trainDeals.has(groups[i])).toBe(false);
    expect(test.length).toBe(20);
    const tied = timeHoldout([1, 1, 1, 1, 2, 2, 2, 2, 2, 2], 0.5);
    expect(Array.from(tied.test)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  test('with knownAt, a fold trains only on labels known when its validation block starts', () => {
    const keys = Array.from({ length: 50 }, (_, i) => i);
    const folds = timeOrderedFolds(keys, { folds: 4, knownAt: keys.map((k) => k + 5) });
    for (const f of folds) for (const i of f.train) expect(keys[i] + 5).toBeLessThanOrEqual(f.validateFrom);
  });
});

describe(`model selection (seed ${TEST_SEED})`, () => {
  const { X, y } = logisticData(3000, [1.2, -0.8, 0, 0, 0, 0], -0.7);
  const keys = X.map((_, i) => i);
  const folds = timeOrderedFolds(keys, { folds: 4 });

  test('chooses among candidates by out-of-fold log loss, calibrates on out-of-fold rows and refits on all rows', async () => {
    const { model, report } = await selectModel(X, y, {
      candidates: [
        { algorithm: 'logistic', params: { l2: 3000 } }, // far too strong: shrinks the signal away
        { algorithm: 'logistic', params: { l2: 1 } },
      ],
      folds,
    });
    expect(report.chosen.params.l2).toBe(1);
    expect(report.candidates.map((c) => c.params.l2)).toEqual([3000, 1]);
    expect(report.candidates[1].score).toBeLessThan(report.candidates[0].score);
    expect(report.folds).toHaveLength(4);
    // The calibrator saw only out-of-fold predictions (blocks 1..4), the classifier every row.
    expect(report.calibration.rows).toBe(2400);
    expect(report.refit.rows).toBe(3000);
    const direct = await new LogisticRegression({ l2: 1 }).fit(X, y);
    expect(model.classifier.logit(X[7])).toBeCloseTo(direct.logit(X[7]), 9);
    // Served probabilities are never exactly 0 or 1 and the wrapper round-trips exactly.
    const back = CalibratedClassifier.fromArtifact(roundTrip(model.toArtifact()));
    for (const x of X.slice(0, 50)) {
      expect(back.probability(x)).toBe(model.probability(x));
      expect(model.probability(x)).toBeGreaterThanOrEqual(PROBABILITY_EPSILON);
    }
    expect(logLoss(model.predictProba(X), y)).toBeLessThan(logLoss(new Float64Array(3000).fill(0.35), y));
  });

  test('isotonic is not considered below its minimum, and too few positives are refused', async () => {
    const rare = y.map((v, i) => (v === 1 && i % 20 === 0 ? 1 : 0));
    const { report } = await selectModel(X, rare, { candidates: [{ algorithm: 'logistic', params: { l2: 1 } }], folds });
    expect(report.calibration.positives).toBeLessThan(100);
    expect(report.calibration.method).not.toBe('isotonic');
    expect(report.calibration.note).toMatch(/isotonic not considered/);
    const tooRare = y.map((_, i) => (i % 400 === 399 ? 1 : 0));
    await expect(selectModel(X, tooRare, { candidates: [{ algorithm: 'logistic', params: { l2: 1 } }], folds })).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
      message: expect.stringMatching(/at least 20 of each/),
    });
  });

  test('the wrapper fits itself: cross-fitted calibration, then the classifier on every row', async () => {
    const m = new CalibratedClassifier({ algorithm: 'logistic', params: { l2: 1 }, method: 'platt' });
    expect(m.isFitted).toBe(false);
    expect(() => m.probability(X[0])).toThrow(/not fitted/);
    expect(await m.fit(X, y, { folds })).toBe(m);
    expect(m.calibrator.method).toBe('platt');
    const direct = await new LogisticRegression({ l2: 1 }).fit(X, y);
    expect(m.classifier.logit(X[3])).toBeCloseTo(direct.logit(X[3]), 9);
  });
});
