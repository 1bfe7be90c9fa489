// The logit-normal intercept: the conditional logit whose mean over the shock is the deal's score.
import { createRng } from '../../src/math/random';
import { sigmoid } from '../../src/math/link';
import { logitNormalIntercept, logitNormalMean, shiftMarginal } from '../../src/math/logit-normal';

const SEED = 8812;
console.log(`logit-normal tests: seed ${SEED}`);

describe('logit-normal random effect', () => {
  it('solves E[expit(a + σZ)] = p to machine precision, from tiny to near-certain probabilities', () => {
    for (const sd of [0.1, 0.5, 1.2, 2.5])
      for (const p of [1e-6, 0.003, 0.2, 0.5, 0.81, 0.999]) {
        const a = logitNormalIntercept(p, sd);
        expect(Math.abs(logitNormalMean(a, sd) - p) / p).toBeLessThan(1e-9);
      }
  });

  it('agrees with a brute-force average over normal draws (the quadrature is right)', () => {
    const rng = createRng(SEED, 'xoshiro128');
    const a = -1.3;
    const sd = 0.9;
    let sum = 0;
    const n = 400_000;
    for (let i = 0; i < n; i++) sum += sigmoid(a + sd * rng.normalUnpaired());
    // sd of one term ≤ 0.5, so the mean's standard error is below 0.5 / √n ≈ 8e-4.
    expect(Math.abs(sum / n - logitNormalMean(a, sd))).toBeLessThan(3e-3);
  });

  it('pushes the intercept away from zero as the shock grows (Zeger, Liang & Albert 1988)', () => {
    const l = Math.log(0.2 / 0.8);
    expect(logitNormalIntercept(0.2, 0)).toBeCloseTo(l, 12);
    expect(logitNormalIntercept(0.2, 1)).toBeLessThan(l);
    // The closed-form approximation logit(p)·√(1 + c²σ²) is within a few percent.
    const c2 = ((16 * Math.sqrt(3)) / (15 * Math.PI)) ** 2;
    expect(logitNormalIntercept(0.2, 1) / (l * Math.sqrt(1 + c2))).toBeCloseTo(1, 1);
  });

  it('keeps certain and impossible outcomes certain and impossible', () => {
    expect(logitNormalIntercept(1, 0.8)).toBe(Infinity);
    expect(logitNormalIntercept(0, 0.8)).toBe(-Infinity);
    expect(shiftMarginal(1, 0.5, 0.8)).toBe(1);
    expect(shiftMarginal(0.3, 0, 0.8)).toBe(0.3);
    expect(shiftMarginal(0.3, 0.5, 0.8)).toBeGreaterThan(0.3);
  });
});
