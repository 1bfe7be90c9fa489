import { exactDistribution, simulatePipeline, type DealOutlook } from '../../src/domain/forecast/monte-carlo';
import { quantileSorted } from '../../src/math/quantile';
import { createRng } from '../../src/math/random';

const SEED = 20250701;
// Printed so a failure can be replayed with the same stream.
console.log(`monte-carlo tests: seed ${SEED}`);

const deal = (id: number, amount: number, winProbability: number, inPeriodProbability: number, rep = 'A'): DealOutlook => ({
  id,
  amount,
  winProbability,
  inPeriodProbability,
  groups: { rep },
});

describe('Monte Carlo pipeline forecast', () => {
  const pipeline = [
    deal(1, 10_000, 0.6, 0.5),
    deal(2, 25_000, 0.3, 0.9, 'B'),
    deal(3, 4_000, 0.9, 1),
    deal(4, 60_000, 0.1, 0.4, 'B'),
    deal(5, 12_500, 0.45, 0.7),
  ];
  const p = pipeline.map((d) => d.winProbability * d.inPeriodProbability);
  const mean = pipeline.reduce((s, d, i) => s + d.amount * p[i], 0);
  const variance = pipeline.reduce((s, d, i) => s + d.amount ** 2 * p[i] * (1 - p[i]), 0);

  it('reports the closed-form expectation Σ amount·p_win·P(in period) and variance exactly', () => {
    const r = simulatePipeline(pipeline, { sims: 1000, seed: SEED });
    expect(r.open.expected).toBeCloseTo(mean, 6);
    expect(r.open.variance).toBeCloseTo(variance, 4);
  });

  it('converges to the closed-form mean and standard deviation within sampling error', () => {
    const sims = 200_000;
    const r = simulatePipeline(pipeline, { sims, seed: SEED });
    const se = Math.sqrt(variance / sims);
    expect(Math.abs(r.open.mean - mean)).toBeLessThan(4 * se);
    expect(r.open.sd / Math.sqrt(variance)).toBeGreaterThan(0.98);
    expect(r.open.sd / Math.sqrt(variance)).toBeLessThan(1.02);
  });

  it('matches the exact distribution of a three-deal pipeline (every outcome frequency)', () => {
    const three = [deal(1, 100, 0.5, 0.8), deal(2, 250, 0.2, 1), deal(3, 400, 0.7, 0.5)];
    const exact = exactDistribution(three);
    expect([...exact.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const sims = 100_000;
    const r = simulatePipeline(three, { sims, seed: SEED });
    // The quantiles of the simulated totals must be those of the exact distribution.
    const sorted = [...exact.entries()].sort((a, b) => a[0] - b[0]);
    const exactQuantile = (q: number) => {
      let c = 0;
      for (const [v, pr] of sorted) {
        c += pr;
        if (c >= q - 1e-12) return v;
      }
      return sorted[sorted.length - 1][0];
    };
    // P(total = 0) = 0.6 · 0.8 · 0.65 = 0.312, so P10 is 0; P50 and P90 fall on atoms.
    expect(exact.get(0)).toBeCloseTo(0.6 * 0.8 * 0.65, 12);
    expect(r.open.p10).toBe(exactQuantile(0.1));
    expect(r.open.p50).toBe(exactQuantile(0.5));
    expect(r.open.p90).toBe(exactQuantile(0.9));
  });

  it('reproduces the exact outcome probabilities of two deals by frequency', () => {
    // Checked through per-group totals: each deal alone in its group shows its own Bernoulli frequency.
    const two = [deal(1, 100, 0.25, 1, 'x'), deal(2, 300, 0.9, 0.5, 'y')];
    const sims = 50_000;
    const r = simulatePipeline(two, { sims, seed: SEED, dimensions: ['rep'] });
    const x = r.byDimension.rep.find((g) => g.key === 'x')!;
    const y = r.byDimension.rep.find((g) => g.key === 'y')!;
    const se = (pr: number, a: number) => a * Math.sqrt((pr * (1 - pr)) / sims);
    expect(Math.abs(x.forecast.mean - 25)).toBeLessThan(4 * se(0.25, 100));
    expect(Math.abs(y.forecast.mean - 135)).toBeLessThan(4 * se(0.45, 300));
    const exact = exactDistribution(two);
    expect(exact.get(400)).toBeCloseTo(0.25 * 0.45, 12);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const a = simulatePipeline(pipeline, { sims: 5000, seed: 7, dimensions: ['rep'] });
    const b = simulatePipeline(pipeline, { sims: 5000, seed: 7, dimensions: ['rep'] });
    const c = simulatePipeline(pipeline, { sims: 5000, seed: 8, dimensions: ['rep'] });
    expect(b).toEqual(a);
    expect(c.open.mean).not.toBe(a.open.mean);
  });

  it('group forecasts add up to the total (expected values and per-simulation sums)', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      deal(i, 1000 + ((i * 7919) % 5000), ((i * 37) % 100) / 100, ((i * 53) % 100) / 100, `rep${i % 7}`),
    );
    const r = simulatePipeline(many, { sims: 2000, seed: SEED, dimensions: ['rep'], fixed: [{ amount: 5000, groups: { rep: 'rep1' } }] });
    const sumExpected = r.byDimension.rep.reduce((s, g) => s + g.forecast.expected, 0);
    const sumMean = r.byDimension.rep.reduce((s, g) => s + g.forecast.mean, 0);
    expect(sumExpected).toBeCloseTo(r.wonToDate + r.open.expected, 6);
    expect(sumMean).toBeCloseTo(r.wonToDate + r.open.mean, 4);
    expect(r.byDimension.rep.reduce((s, g) => s + g.openDeals, 0)).toBe(300);
  });

  it('takes the P10/P90 of new business from a compound Poisson with the stated mean', () => {
    const amounts = [1000, 2000, 3000];
    const r = simulatePipeline([], { sims: 40_000, seed: SEED, newBusiness: { expectedCount: 4, amounts } });
    expect(r.newBusiness.expected).toBeCloseTo(8000, 6);
    // Var of a compound Poisson = λ E[A²] = 4 · (1e6 + 4e6 + 9e6)/3.
    const sd = Math.sqrt((4 * 14e6) / 3);
    expect(Math.abs(r.newBusiness.mean - 8000)).toBeLessThan((4 * sd) / Math.sqrt(40_000));
    expect(r.newBusiness.sd / sd).toBeGreaterThan(0.97);
    expect(r.newBusiness.sd / sd).toBeLessThan(1.03);
  });

  it('P10-P90 covers about 80% of outcomes drawn from the same deal probabilities (simulated histories)', () => {
    const rng = createRng(SEED + 1, 'xoshiro128');
    const deals = Array.from({ length: 150 }, (_, i) => deal(i, 1000 + Math.floor(rng.next() * 30) * 1000, rng.next(), rng.next()));
    const r = simulatePipeline(deals, { sims: 10_000, seed: SEED });
    const histories = 1000;
    let inside = 0;
    for (let h = 0; h < histories; h++) {
      let actual = 0;
      for (const d of deals) if (rng.next() < d.winProbability * d.inPeriodProbability) actual += d.amount;
      if (actual >= r.open.p10 && actual <= r.open.p90) inside++;
    }
    // Binomial(1000, 0.8): sd 1.3 points.
    expect(inside / histories).toBeGreaterThan(0.76);
    expect(inside / histories).toBeLessThan(0.84);
  });

  it("results do not depend on the order of deals, and changing one deal leaves the others' draws alone", () => {
    const many = Array.from({ length: 50 }, (_, i) => deal(i + 1, 1000 * (i + 1), 0.5, 0.5, `r${i % 3}`));
    const a = simulatePipeline(many, { sims: 3000, seed: 5, dimensions: ['rep'] });
    const b = simulatePipeline([...many].reverse(), { sims: 3000, seed: 5, dimensions: ['rep'] });
    expect(b.open).toEqual(a.open);
    // Drop deal 50 (amount 50,000, p = 0.25): the per-simulation totals differ by exactly its own draws,
    // so the mean moves by its simulated contribution and nothing else.
    const c = simulatePipeline(many.slice(0, 49), { sims: 3000, seed: 5 });
    const alone = simulatePipeline([many[49]], { sims: 3000, seed: 5 });
    expect(a.open.mean - c.open.mean).toBeCloseTo(alone.open.mean, 6);
  });

  it('quantiles follow Hyndman-Fan type 7', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10, 20], 0.1)).toBeCloseTo(11, 12);
  });
});
