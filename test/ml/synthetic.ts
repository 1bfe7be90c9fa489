// Synthetic classification data with known probabilities, for estimator and calibration tests.
import { sigmoid } from '../../src/math/link';
import { createRng } from '../../src/math/random';

export const TEST_SEED = 20261123;

/** y ~ Bernoulli(sigmoid(w·x + b)) with standard normal x; returns the true probabilities too. */
export function logisticData(n: number, weights: number[], intercept: number, seed = TEST_SEED) {
  const rng = createRng(seed, 'mulberry32');
  const X: number[][] = [];
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = weights.map(() => rng.normalUnpaired());
    const pi = sigmoid(intercept + x.reduce((s, v, j) => s + v * weights[j], 0));
    X.push(x);
    p.push(pi);
    y.push(rng.next() < pi ? 1 : 0);
  }
  return { X, y, p };
}

/** A non-linear problem (XOR-like interaction) a linear model cannot solve but an MLP can. */
export function interactionData(n: number, seed = TEST_SEED) {
  const rng = createRng(seed, 'mulberry32');
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normalUnpaired();
    const b = rng.normalUnpaired();
    const pi = sigmoid(3 * a * b);
    X.push([a, b]);
    y.push(rng.next() < pi ? 1 : 0);
  }
  return { X, y };
}
