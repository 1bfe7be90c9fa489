// Quantiles and the normal distribution: textbook values, the edges of the domain, and the
// Hyndman & Fan type-7 sample quantile as R computes it.
import { normalCdf, normalQuantile } from '../../src/math/normal';
import { quantileSorted, summarize } from '../../src/math/quantile';
import { incompleteBeta } from '../../src/math/special-functions';

test('the normal quantile function: table values, infinite tails, a RangeError outside [0, 1]', () => {
  expect(normalQuantile(0.5)).toBe(0);
  expect(normalQuantile(0.9)).toBeCloseTo(1.281552, 6);
  expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6); // the lower-tail branch
  expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 6); // the upper-tail branch
  expect(normalQuantile(0)).toBe(-Infinity);
  expect(normalQuantile(1)).toBe(Infinity);
  for (const p of [-0.1, 1.1, Number.NaN]) expect(() => normalQuantile(p)).toThrow(RangeError);
  for (const p of [1e-6, 0.02, 0.3, 0.7, 0.98]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
});

test('the regularized incomplete beta function', () => {
  expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12); // symmetric
  expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12); // uniform
  expect(incompleteBeta(0.2, 2, 3)).toBeCloseTo(0.1808, 10); // Σ_{j=2..4} C(4,j) x^j (1−x)^(4−j)
  expect(incompleteBeta(0, 2, 3)).toBe(0);
  expect(incompleteBeta(1, 2, 3)).toBe(1);
});

test('sample quantiles are R type 7, and summarize leaves its input alone', () => {
  const xs = [1, 2, 3, 4];
  // R: quantile(1:4, c(0, 0.1, 0.5, 0.9, 1)) = 1.0 1.3 2.5 3.7 4.0
  expect([0, 0.1, 0.5, 0.9, 1].map((p) => quantileSorted(xs, p))).toEqual([1, 1.3, 2.5, 3.7, 4]);
  expect(quantileSorted([], 0.5)).toBeNaN();
  const draws = Float64Array.from([4, 1, 3, 2]);
  const s = summarize(draws);
  expect(s).toMatchObject({ mean: 2.5, p50: 2.5 });
  expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
  expect(Array.from(draws)).toEqual([4, 1, 3, 2]);
});
