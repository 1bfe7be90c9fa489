import { fitCalibrator, IsotonicCalibrator, loadCalibrator, PlattCalibrator } from '../../src/ml/calibration';
import { expectedCalibrationError } from '../../src/ml/metrics';
import { logit, sigmoid } from '../../src/math/link';
import { createRng } from '../../src/math/random';
import { TEST_SEED } from './synthetic';

// Synthetic scores whose true probability is known: true p = sigmoid(z); the "model" reports an
// overconfident sigmoid(2.5 z + 0.8). Calibration must undo the distortion.
function distorted(n: number, seed: number) {
  const rng = createRng(seed, 'mulberry32');
  const raw: number[] = [];
  const truth: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = (rng.next() - 0.5) * 6;
    const p = sigmoid(z);
    truth.push(p);
    raw.push(sigmoid(2.5 * z + 0.8));
    y.push(rng.next() < p ? 1 : 0);
  }
  return { raw, truth, y };
}

describe(`calibration recovers known probabilities (seed ${TEST_SEED})`, () => {
  const fitSet = distorted(20000, TEST_SEED);
  const testSet = distorted(20000, TEST_SEED + 1);

  test('Platt scaling inverts a logit-linear distortion (a = 1/2.5, b = -0.8/2.5)', () => {
    const cal = PlattCalibrator.fit(fitSet.raw, fitSet.y);
    expect(cal.a).toBeCloseTo(0.4, 1);
    expect(cal.b).toBeCloseTo(-0.32, 1);
    const maxErr = Math.max(...testSet.raw.map((r, i) => Math.abs(cal.transform(r) - testSet.truth[i])));
    expect(maxErr).toBeLessThan(0.05);
  });

  test('isotonic regression is monotone and brings ECE down', () => {
    const cal = IsotonicCalibrator.fit(fitSet.raw, fitSet.y);
    for (let i = 1; i < cal.y.length; i++) expect(cal.y[i]).toBeGreaterThanOrEqual(cal.y[i - 1]);
    const before = expectedCalibrationError(testSet.raw, testSet.y);
    const after = expectedCalibrationError(
      testSet.raw.map((r) => cal.transform(r)),
      testSet.y,
    );
    expect(before).toBeGreaterThan(0.05);
    expect(after).toBeLessThan(0.02);
    const meanAbs = testSet.raw.reduce((s, r, i) => s + Math.abs(cal.transform(r) - testSet.truth[i]), 0) / testSet.raw.length;
    expect(meanAbs).toBeLessThan(0.03);
  });

  test('pool-adjacent-violators on a tiny hand example', () => {
    const cal = IsotonicCalibrator.fit([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1]);
    // blocks: [0.1]->0, [0.2,0.3]->0.5, [0.4]->1 (clipped to 1 - 1e-4)
    expect(cal.x).toEqual([0.1, 0.25, 0.4]);
    expect(cal.y[1]).toBeCloseTo(0.5, 12);
    expect(cal.transform(0.175)).toBeCloseTo(0.25, 3);
  });

  test('calibrators round-trip through JSON and auto picks by slice size', () => {
    const platt = fitCalibrator(fitSet.raw.slice(0, 500), fitSet.y.slice(0, 500), 'auto');
    expect(platt.method).toBe('platt');
    const iso = fitCalibrator(fitSet.raw, fitSet.y, 'auto');
    expect(iso.method).toBe('isotonic');
    for (const c of [platt, iso]) {
      const back = loadCalibrator(JSON.parse(JSON.stringify(c.toJSON())));
      for (const r of [0.01, 0.3, 0.5, 0.77, 0.99]) expect(back.transform(r)).toBeCloseTo(c.transform(r), 12);
    }
    expect(logit(0.5)).toBe(0);
  });
});
