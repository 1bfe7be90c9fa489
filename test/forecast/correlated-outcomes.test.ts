// The Monte Carlo engine with period-level shocks and amount pools: it draws exactly the model it
// states (compared with a direct implementation), keeps every deal's score as its mean, widens the
// range when periods vary, and covers outcomes drawn from that model where independent draws do not.
import { logitNormalIntercept } from '../../src/math/logit-normal';
import { sigmoid } from '../../src/math/link';
import { quantileSorted } from '../../src/math/quantile';
import { createRng } from '../../src/math/random';
import { simulatePipeline, type DealOutlook } from '../../src/domain/forecast/monte-carlo';

const SEED = 20261204;
console.log(`correlated-outcomes tests: seed ${SEED}`);

const deal = (id: number, amount: number, w: number, t: number, segment = 'A'): DealOutlook => ({
  id,
  amount,
  winProbability: w,
  inPeriodProbability: t,
  groups: { segment },
});
const pipeline = [
  deal(1, 10_000, 0.6, 0.5),
  deal(2, 25_000, 0.3, 0.9, 'B'),
  deal(3, 4_000, 0.9, 1),
  deal(4, 60_000, 0.1, 0.4, 'B'),
  deal(5, 12_500, 0.45, 0.7),
  deal(6, 8_000, 0.02, 0.6),
];
const shocks = { winSd: 0.7, timingSd: 0.4 };

/** The model written out directly: per simulation one (Z, Z') pair, then one uniform per deal. */
function direct(deals: DealOutlook[], sims: number, seed: number) {
  const rng = createRng(seed, 'xoshiro128');
  const a = deals.map((d) => logitNormalIntercept(d.winProbability, shocks.winSd));
  const b = deals.map((d) => logitNormalIntercept(d.inPeriodProbability, shocks.timingSd));
  const totals = new Float64Array(sims);
  for (let s = 0; s < sims; s++) {
    const zw = rng.normalUnpaired() * shocks.winSd;
    const zt = rng.normalUnpaired() * shocks.timingSd;
    deals.forEach((d, i) => {
      if (rng.next() < sigmoid(a[i] + zw) * sigmoid(b[i] + zt)) totals[s] += d.amount;
    });
  }
  return totals.sort();
}

describe('Monte Carlo with a period-level random effect', () => {
  const expected = pipeline.reduce((s, d) => s + d.amount * d.winProbability * d.inPeriodProbability, 0);

  it('draws the same distribution as the model written out directly (mean, sd and quantiles)', () => {
    const sims = 200_000;
    const r = simulatePipeline(pipeline, { sims, seed: SEED, shocks });
    const ref = direct(pipeline, sims, SEED + 1);
    const mean = ref.reduce((a, b) => a + b, 0) / sims;
    const sd = Math.sqrt(ref.reduce((a, v) => a + (v - mean) ** 2, 0) / (sims - 1));
    expect(Math.abs(r.open.mean - mean)).toBeLessThan((4 * sd) / Math.sqrt(sims / 2));
    expect(r.open.sd / sd).toBeGreaterThan(0.98);
    expect(r.open.sd / sd).toBeLessThan(1.02);
    for (const [q, got] of [
      [0.5, r.open.p50],
      [0.9, r.open.p90],
    ] as const)
      expect(Math.abs(got - quantileSorted(ref, q))).toBeLessThanOrEqual(0.05 * expected);
  });

  it('keeps each deal at its score (the closed-form expectation) and widens the range of a broad pipeline', () => {
    const sims = 100_000;
    const r = simulatePipeline(pipeline, { sims, seed: SEED, shocks });
    expect(r.open.expected).toBeCloseTo(expected, 6);
    expect(Math.abs(r.open.mean - expected)).toBeLessThan((4 * r.open.sd) / Math.sqrt(sims));
    // With many deals the independent range shrinks like 1/√n; the shared shock does not.
    const broad = Array.from({ length: 300 }, (_, i) => deal(i + 1, 1000 + (i % 7) * 500, 0.2 + (i % 5) * 0.15, 0.3 + (i % 4) * 0.2));
    const indep = simulatePipeline(broad, { sims: 20_000, seed: SEED });
    const shocked = simulatePipeline(broad, { sims: 20_000, seed: SEED, shocks });
    expect(Math.abs(shocked.open.mean - shocked.open.expected)).toBeLessThan((4 * shocked.open.sd) / Math.sqrt(20_000));
    expect(shocked.open.sd).toBeGreaterThan(2 * indep.open.sd);
  });

  it('changes nothing when every shock is zero', () => {
    const a = simulatePipeline(pipeline, { sims: 5000, seed: SEED, dimensions: ['segment'] });
    const b = simulatePipeline(pipeline, { sims: 5000, seed: SEED, dimensions: ['segment'], shocks: { winSd: 0, timingSd: 0 } });
    expect(b).toEqual(a);
  });

  it('covers about 80% of periods drawn from the random-effect model; independent draws cover far fewer', () => {
    const rng = createRng(SEED + 2, 'xoshiro128');
    const deals = Array.from({ length: 200 }, (_, i) => deal(i + 1, 1000 + Math.floor(rng.next() * 20) * 1000, rng.next(), rng.next()));
    const shocked = simulatePipeline(deals, { sims: 10_000, seed: SEED, shocks });
    const indep = simulatePipeline(deals, { sims: 10_000, seed: SEED });
    const a = deals.map((d) => logitNormalIntercept(d.winProbability, shocks.winSd));
    const b = deals.map((d) => logitNormalIntercept(d.inPeriodProbability, shocks.timingSd));
    const periods = 1000;
    let inShocked = 0;
    let inIndep = 0;
    for (let h = 0; h < periods; h++) {
      const zw = rng.normalUnpaired() * shocks.winSd;
      const zt = rng.normalUnpaired() * shocks.timingSd;
      let actual = 0;
      deals.forEach((d, i) => {
        if (rng.next() < sigmoid(a[i] + zw) * sigmoid(b[i] + zt)) actual += d.amount;
      });
      if (actual >= shocked.open.p10 && actual <= shocked.open.p90) inShocked++;
      if (actual >= indep.open.p10 && actual <= indep.open.p90) inIndep++;
    }
    // Binomial(1000, 0.8): sd 1.3 points.
    expect(inShocked / periods).toBeGreaterThan(0.76);
    expect(inShocked / periods).toBeLessThan(0.84);
    expect(inIndep / periods).toBeLessThan(0.5);
  });

  it('a group-level shock moves the deals of one group together, not the others', () => {
    const many = Array.from({ length: 400 }, (_, i) => deal(i + 1, 1000, 0.4, 0.8, i % 2 ? 'A' : 'B'));
    const r = simulatePipeline(many, {
      sims: 20_000,
      seed: SEED,
      dimensions: ['segment'],
      shocks: { winSd: 0, timingSd: 0, group: { dimension: 'segment', winSd: 0.8 } },
    });
    const indep = simulatePipeline(many, { sims: 20_000, seed: SEED, dimensions: ['segment'] });
    const sdOf = (x: typeof r, k: string) => x.byDimension.segment.find((g) => g.key === k)!.forecast.sd;
    for (const k of ['A', 'B']) expect(sdOf(r, k)).toBeGreaterThan(2 * sdOf(indep, k));
    // Two independent group shocks: the total's variance is the sum of the groups' (no covariance).
    const sum = sdOf(r, 'A') ** 2 + sdOf(r, 'B') ** 2;
    expect(r.open.sd ** 2 / sum).toBeGreaterThan(0.93);
    expect(r.open.sd ** 2 / sum).toBeLessThan(1.07);
  });

  it('is deterministic, does not depend on deal order, and leaves the other deals alone when one changes', () => {
    const many = Array.from({ length: 60 }, (_, i) => deal(i + 1, 1000 * (i + 1), 0.5, 0.5, i % 3 ? 'A' : 'B'));
    const opts = { sims: 3000, seed: 5, shocks: { ...shocks, group: { dimension: 'segment', winSd: 0.3 } } };
    const a = simulatePipeline(many, opts);
    expect(simulatePipeline(many, opts)).toEqual(a);
    expect(simulatePipeline([...many].reverse(), opts).open).toEqual(a.open);
    const without = simulatePipeline(many.slice(0, 59), opts);
    const alone = simulatePipeline([many[59]], opts);
    expect(a.open.mean - without.open.mean).toBeCloseTo(alone.open.mean, 6);
  });
});

describe('deals without an amount draw it from a pool of won amounts', () => {
  const pool = [1000, 2000, 6000, 15_000];
  const poolMean = pool.reduce((a, b) => a + b, 0) / pool.length;
  const poolSq = pool.reduce((a, b) => a + b * b, 0) / pool.length;

  it('expects p × the pool mean, with the variance of a random amount (E[A²]p − (E[A]p)²)', () => {
    const deals = [{ ...deal(1, 0, 0.5, 0.8), amountPool: 0 }];
    const sims = 200_000;
    const r = simulatePipeline(deals, { sims, seed: SEED, amountPools: [pool] });
    const p = 0.4;
    expect(r.open.expected).toBeCloseTo(p * poolMean, 6);
    const sd = Math.sqrt(poolSq * p - (poolMean * p) ** 2);
    expect(Math.sqrt(r.open.variance)).toBeCloseTo(sd, 6);
    expect(Math.abs(r.open.mean - p * poolMean)).toBeLessThan((4 * sd) / Math.sqrt(sims));
    expect(r.open.sd / sd).toBeGreaterThan(0.98);
    expect(r.open.sd / sd).toBeLessThan(1.02);
    // A point amount at the pool mean has a narrower range than the pool itself.
    const point = simulatePipeline([deal(1, poolMean, 0.5, 0.8)], { sims, seed: SEED });
    expect(r.open.sd).toBeGreaterThan(point.open.sd);
  });

  it('refuses a pool index that does not exist, naming the deal', () => {
    expect(() => simulatePipeline([{ ...deal(7, 0, 0.5, 0.5), amountPool: 3 }], { sims: 100, seed: 1, amountPools: [pool] })).toThrow(
      /deal 7 names amount pool 3/,
    );
  });
});
