import {
  calibrationMethodsFor,
  calibratorFromArtifact,
  createCalibrator,
  IdentityCalibrator,
  IsotonicCalibrator,
  PlattCalibrator,
} from '../../src/ml/calibration';
import { expectedCalibrationError } from '../../src/ml/metrics';
import { PROBABILITY_EPSILON } from '../../src/ml/probability';
import { logit, sigmoid } from '../../src/math/link';
import { createRng } from '../../src/math/random';
import { TEST_SEED } from './synthetic';

// Synthetic scores whose true probability is known: true p = sigmoid(z); the "model" reports an
// overconfident sigmoid(slope * z + 0.8). Calibration must undo the distortion.
function distorted(n: number, seed: number, slope = 2.5) {
  const rng = createRng(seed, 'mulberry32');
  const raw: number[] = [];
  const truth: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = (rng.next() - 0.5) * 6;
    const p = sigmoid(z);
    truth.push(p);
    raw.push(sigmoid(slope * z + 0.8));
    y.push(rng.next() < p ? 1 : 0);
  }
  return { raw, truth, y };
}

describe(`calibration recovers known probabilities (seed ${TEST_SEED})`, () => {
  const fitSet = distorted(20000, TEST_SEED);
  const testSet = distorted(20000, TEST_SEED + 1);

  test('calibrators are estimators: unfitted ones refuse, fit() returns this', () => {
    expect(() => new PlattCalibrator().transform(0.5)).toThrow(/not fitted/);
    expect(() => new IsotonicCalibrator().transform(0.5)).toThrow(/not fitted/);
    const c = new PlattCalibrator();
    expect(c.isFitted).toBe(false);
    expect(c.fit(fitSet.raw, fitSet.y)).toBe(c);
    expect(c.isFitted).toBe(true);
    expect(() => new PlattCalibrator().fit([0.2, 0.3], [1])).toThrow(/2 values but y has 1/);
  });

  test('Platt scaling inverts a logit-linear distortion (a = 1/2.5, b = -0.8/2.5)', () => {
    const cal = new PlattCalibrator().fit(fitSet.raw, fitSet.y);
    expect(cal.a).toBeCloseTo(0.4, 1);
    expect(cal.b).toBeCloseTo(-0.32, 1);
    const maxErr = Math.max(...testSet.raw.map((r, i) => Math.abs(cal.transform(r) - testSet.truth[i])));
    expect(maxErr).toBeLessThan(0.05);
  });

  test('Platt never reverses a ranking: a reversed score gets slope 0 (a constant), not a negative slope', () => {
    // The classifier ranks backwards (as a model trained on a shifted past may): the unconstrained
    // fit would flip it with a < 0; the calibrator must stay increasing.
    const reversed = distorted(5000, TEST_SEED + 2, -1.5);
    const cal = new PlattCalibrator().fit(reversed.raw, reversed.y);
    expect(cal.a).toBe(0);
    const rate = reversed.y.reduce((s, v) => s + v, 0) / reversed.y.length;
    expect(cal.transform(0.1)).toBeCloseTo(cal.transform(0.9), 12);
    expect(cal.transform(0.5)).toBeCloseTo(rate, 2);
  });

  test('isotonic regression is monotone and brings ECE down', () => {
    const cal = new IsotonicCalibrator().fit(fitSet.raw, fitSet.y);
    for (let i = 1; i < cal.y.length; i++) expect(cal.y[i]).toBeGreaterThanOrEqual(cal.y[i - 1]);
    const before = expectedCalibrationError(testSet.raw, testSet.y);
    const after = expectedCalibrationError(cal.predictProba(testSet.raw), testSet.y);
    expect(before).toBeGreaterThan(0.05);
    expect(after).toBeLessThan(0.02);
    const meanAbs = testSet.raw.reduce((s, r, i) => s + Math.abs(cal.transform(r) - testSet.truth[i]), 0) / testSet.raw.length;
    expect(meanAbs).toBeLessThan(0.03);
  });

  test('pool-adjacent-violators on a tiny hand example; the end blocks stay off 0 and 1', () => {
    const cal = new IsotonicCalibrator().fit([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1]);
    // blocks: [0.1] -> 0, [0.2, 0.3] -> 0.5, [0.4] -> 1; the one-row end blocks become the
    // Jeffreys posterior means 0.5 / (1 + 1) = 0.25 and 0.75 (never a certainty).
    expect(cal.x).toEqual([0.1, 0.25, 0.4]);
    expect(cal.y).toEqual([0.25, 0.5, 0.75]);
    expect(cal.transform(0.175)).toBeCloseTo(0.375, 12);
    expect(cal.transform(0)).toBe(0.25);
  });

  test('no calibrator answers exactly 0 or 1, even on separable data', () => {
    const p = [0.001, 0.002, 0.003, 0.997, 0.998, 0.999];
    const y = [0, 0, 0, 1, 1, 1];
    for (const method of ['platt', 'isotonic', 'identity'] as const) {
      const cal = createCalibrator(method).fit(p, y);
      for (const x of [0, 1e-12, 0.5, 1 - 1e-12, 1]) {
        const q = cal.transform(x);
        expect(q).toBeGreaterThanOrEqual(PROBABILITY_EPSILON);
        expect(q).toBeLessThanOrEqual(1 - PROBABILITY_EPSILON);
      }
    }
  });

  test('calibrators round-trip through their artifacts; the minimums decide which may be fitted', () => {
    for (const cal of [
      new PlattCalibrator().fit(fitSet.raw, fitSet.y),
      new IsotonicCalibrator().fit(fitSet.raw, fitSet.y),
      new IdentityCalibrator(),
    ]) {
      const back = calibratorFromArtifact(JSON.parse(JSON.stringify(cal.toArtifact())));
      expect(back.method).toBe(cal.method);
      for (const r of [0.01, 0.3, 0.5, 0.77, 0.99]) expect(back.transform(r)).toBeCloseTo(cal.transform(r), 12);
    }
    expect(() => calibratorFromArtifact({ kind: 'salescast.calibrator', formatVersion: 1, method: 'platt', a: 1, b: 0 } as never)).toThrow(
      /format v1/,
    );
    expect(() => calibratorFromArtifact({ kind: 'salescast.calibrator', formatVersion: 2, method: 'platt', a: -1, b: 0 } as never)).toThrow(
      /a >= 0/,
    );
    expect(calibrationMethodsFor(150, 2000)).toEqual(['isotonic', 'platt', 'identity']);
    expect(calibrationMethodsFor(40, 2000)).toEqual(['platt', 'identity']);
    expect(calibrationMethodsFor(8, 1282)).toEqual(['identity']);
    expect(logit(0.5)).toBe(0);
  });
});
