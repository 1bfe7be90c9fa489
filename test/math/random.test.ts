// The seeded generators: streams pinned to the values they produced before src/math existed (the
// demo company, trained models and stored forecasts depend on them), and the distributions
// sampling what they claim.
import { createRng, type Rng, seedForStream, seedFromLabels } from '../../src/math/random';

const draws = (n: number, f: () => number) => Array.from({ length: n }, f);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

describe('streams stay bit-identical (values from the generators the figures were made with)', () => {
  test('mulberry32', () => {
    const r = createRng(42, 'mulberry32');
    expect([r.next(), r.next(), r.next()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    const d = createRng(42, 'mulberry32');
    expect([d.normal(), d.normal(), d.normal()]).toEqual([-0.956162229384149, 0.3220702493215296, -0.2730261048826104]);
    expect([d.gammaWithScale(0.5, 2), d.gammaWithScale(3, 2), d.gammaWithMean(2, 60)]).toEqual([
      0.9666177234832843, 2.4076090408287367, 17.622410525744463,
    ]);
    expect([d.poissonApprox(4), d.poissonApprox(50)]).toEqual([4, 47]);
  });

  test('xoshiro128**', () => {
    const r = createRng(42, 'xoshiro128');
    expect([r.next(), r.next(), r.nextUint32()]).toEqual([0.6606157226487994, 0.12688010395504534, 479756282]);
    const n = createRng(42, 'xoshiro128');
    expect([n.normalUnpaired(), n.normalUnpaired()]).toEqual([0.6362302298483115, 0.8308018983638238]);
    expect([n.poisson(3), n.poisson(75.5)]).toEqual([1, 71]);
    expect(n.seed).toBe(42);
  });

  test('sub-stream seeds', () => {
    expect(seedForStream(42, 7)).toBe(1654334392);
    expect(seedFromLabels(42, 'account', 7)).toBe(1255069728);
  });
});

describe('the generator', () => {
  test('repeats itself for a seed and kind; kinds and seeds give different streams', () => {
    for (const kind of ['mulberry32', 'xoshiro128'] as const) {
      const a = createRng(7, kind);
      const b = createRng(7, kind);
      expect(draws(5, () => a.next())).toEqual(draws(5, () => b.next()));
      expect(draws(5, () => createRng(8, kind).next())).not.toEqual(draws(5, () => createRng(7, kind).next()));
    }
    expect(createRng(7, 'mulberry32').next()).not.toBe(createRng(7, 'xoshiro128').next());
  });

  test('permutation holds every index once', () => {
    const p = Array.from(createRng(3, 'mulberry32').permutation(1000));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  test('sub-stream seeds separate labels and streams', () => {
    expect(seedFromLabels(1, 'ab', 'c')).not.toBe(seedFromLabels(1, 'a', 'bc'));
    expect(seedFromLabels(1, 'account', 1)).not.toBe(seedFromLabels(2, 'account', 1));
    expect(new Set(Array.from({ length: 1000 }, (_, k) => seedForStream(42, k))).size).toBe(1000);
  });
});

describe.each(['mulberry32', 'xoshiro128'] as const)('distributions (%s)', (kind) => {
  const n = 40000;
  let r: Rng;
  beforeEach(() => {
    r = createRng(123, kind);
  });

  test('uniforms, integers and Bernoulli draws', () => {
    const u = draws(n, () => r.uniform(2, 4));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u)).toBeLessThan(4);
    expect(mean(u)).toBeCloseTo(3, 1);
    const k = draws(n, () => r.int(1, 6));
    expect(new Set(k)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect(mean(draws(n, () => (r.bernoulli(0.3) ? 1 : 0)))).toBeCloseTo(0.3, 1);
    const w = Array.from({ length: n }, () =>
      r.weighted([
        ['a', 1],
        ['b', 3],
      ] as const),
    );
    expect(w.filter((x) => x === 'b').length / n).toBeCloseTo(0.75, 1);
  });

  test('normals, paired and unpaired', () => {
    const z = draws(n, () => r.normal(2, 3));
    expect(mean(z)).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance(z))).toBeCloseTo(3, 1);
    const w = draws(n, () => r.normalUnpaired());
    expect(mean(w)).toBeCloseTo(0, 1);
    expect(variance(w)).toBeCloseTo(1, 1);
  });

  test('gamma with a scale and gamma with a rate are different distributions', () => {
    // Gamma(k, scale θ) has mean kθ; Gamma(k, rate β) has mean k/β: with θ = β = 4 they differ 16-fold.
    expect(mean(draws(n, () => r.gammaWithScale(3, 4)))).toBeCloseTo(12, 0);
    expect(mean(draws(n, () => r.gammaWithRate(3, 4)))).toBeCloseTo(0.75, 1);
    expect(mean(draws(n, () => r.gammaWithScale(0.5, 2)))).toBeCloseTo(1, 1);
    expect(variance(draws(n, () => r.gammaWithRate(0.5, 2)))).toBeCloseTo(0.125, 1);
    expect(mean(draws(n, () => r.gammaWithMean(2, 60)))).toBeCloseTo(60, -1);
    expect(() => r.gammaWithScale(0, 1)).toThrow(RangeError);
    expect(() => r.gammaWithRate(2, 0)).toThrow(RangeError);
  });

  test('beta, exponential, log-normal', () => {
    expect(mean(draws(n, () => r.beta(2, 6)))).toBeCloseTo(0.25, 1);
    expect(mean(draws(n, () => r.exponential(4)))).toBeCloseTo(0.25, 1);
    const ln = draws(n, () => r.logNormal(100, 0.5)).sort((a, b) => a - b);
    expect(ln[n / 2] / 100).toBeCloseTo(1, 1);
  });

  test('Poisson: exact, and the approximation above a mean of 30', () => {
    for (const m of [0.5, 4, 50, 120]) {
      const x = draws(10000, () => r.poisson(m));
      expect(mean(x) / m).toBeCloseTo(1, 1);
      expect(variance(x) / m).toBeCloseTo(1, 1);
      expect(x.every(Number.isInteger)).toBe(true);
    }
    expect(mean(draws(10000, () => r.poissonApprox(50))) / 50).toBeCloseTo(1, 1);
    expect(r.poisson(0)).toBe(0);
    expect(r.poisson(Number.NaN)).toBe(0);
  });
});
