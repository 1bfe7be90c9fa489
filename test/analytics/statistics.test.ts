// The interval estimates and tests used by the compare report, checked against published or
// textbook values (noted per case) rather than against themselves.
import {
  bootstrapRatioDifference,
  bootstrapRatioInterval,
  meanInterval,
  momentsFromSums,
  twoProportionTest,
  welchTest,
  wilsonInterval,
} from '../../src/domain/analytics/statistics';
import { normalCdf, normalQuantile } from '../../src/math/normal';
import { studentTCdf, studentTQuantile } from '../../src/math/student-t';
import { pareto } from '../../src/domain/analytics/pareto';
import { paybackMonths } from '../../src/domain/analytics/payback';

describe('statistics for group comparisons', () => {
  test('normal and Student t quantiles match the tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 5); // t table, ν = 10
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTCdf(2.0, 5)).toBeCloseTo(0.9490303, 6);
  });

  test('Wilson interval: Newcombe (1998) table I examples', () => {
    // 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605 (Newcombe 1998, Table I, method 3).
    const a = wilsonInterval(81, 263);
    expect(a.lo).toBeCloseTo(0.2553, 4);
    expect(a.hi).toBeCloseTo(0.3662, 4);
    const b = wilsonInterval(15, 148);
    expect(b.lo).toBeCloseTo(0.0624, 4);
    expect(b.hi).toBeCloseTo(0.1605, 4);
    expect(wilsonInterval(0, 10).lo).toBe(0);
    expect(wilsonInterval(0, 0).estimate).toBeNull();
  });

  test('difference of proportions: Newcombe (1998) method 10 example 56/70 vs 48/80', () => {
    // Newcombe 1998, Table II (a): 56/70 − 48/80 = 0.2000, hybrid score interval 0.0524 to 0.3339.
    const t = twoProportionTest(48, 80, 56, 70);
    expect(t.difference).toBeCloseTo(0.2, 9);
    expect(t.lo).toBeCloseTo(0.0524, 4);
    expect(t.hi).toBeCloseTo(0.3339, 4);
    expect(t.pValue!).toBeLessThan(0.01);
  });

  test("Welch's t test from sufficient statistics", () => {
    // a = {1,2,3,4,5} (mean 3, s² 2.5), b = {2,4,6,8,10} (mean 6, s² 10): se = √(0.5 + 2) = 1.5811,
    // t = 3/1.5811 = 1.897367, ν = 2.5²/(0.5²/4 + 2²/4) = 6.25/1.0625 = 5.882353.
    const a = momentsFromSums(5, 15, 55);
    const b = momentsFromSums(5, 30, 220);
    expect(a.variance).toBeCloseTo(2.5, 12);
    const w = welchTest(a, b);
    expect(w.statistic).toBeCloseTo(1.897367, 6);
    expect(w.pValue!).toBeCloseTo(2 * (1 - studentTCdf(1.897367, 5.882353)), 6);
    expect(w.pValue!).toBeGreaterThan(0.1);
    const m = meanInterval(a); // 3 ± 2.776445·√(2.5/5)
    expect(m.lo).toBeCloseTo(3 - 2.776445 * Math.sqrt(0.5), 5);
  });

  test('bootstrap with a fixed seed repeats exactly and covers the observed difference', () => {
    const g1 = { num: [10, 20, 30, 40, 50, 60], den: [100, 100, 100, 100, 100, 100] };
    const g2 = { num: [30, 40, 50, 60, 70, 80], den: [100, 100, 100, 100, 100, 100] };
    const r1 = bootstrapRatioDifference(g1, g2, { seed: 7 });
    const r2 = bootstrapRatioDifference(g1, g2, { seed: 7 });
    expect(r1).toEqual(r2);
    expect(r1.difference).toBeCloseTo(0.2, 12);
    expect(r1.lo!).toBeLessThan(0.2);
    expect(r1.hi!).toBeGreaterThan(0.2);
    const i = bootstrapRatioInterval(g1, { seed: 7 });
    expect(i.estimate).toBeCloseTo(0.35, 12);
    expect(i.lo!).toBeLessThan(0.35);
  });
});

describe('Pareto and payback post-processing', () => {
  test('ten clients: top 20% share, ABC classes and destroyers', () => {
    // Profits 50, 20, 10, 8, 5, 4, 3, 0, −5, −15 (total 80, positive 100); revenue = 100 each.
    const profits = [50, 20, 10, 8, 5, 4, 3, 0, -5, -15];
    const r = pareto(profits.map((p, i) => ({ id: `c${i}`, name: `c${i}`, revenue: 100, profit: p })));
    expect(r.top20.clients).toBe(2);
    expect(r.top20.profitShare).toBeCloseTo(70 / 80, 12);
    expect(r.top20.revenueShare).toBeCloseTo(0.2, 12);
    expect(r.peakProfitShare).toBeCloseTo(100 / 80, 12);
    // Cumulative share before each client: 0, .5, .7 → A; .8, .88 → B (< .95); .93 → B; .97, 1.0 → C; negatives D.
    expect(r.classes.map((c) => [c.class, c.clients])).toEqual([
      ['A', 3],
      ['B', 3],
      ['C', 2],
      ['D', 2],
    ]);
    expect(r.destroyers.map((d) => d.id)).toEqual(['c9', 'c8']);
  });

  test('payback counts months from the acquisition month; never reached is "not yet"', () => {
    const jan2024 = new Date('2024-01-15T00:00:00Z');
    const m = 2024 * 12; // January 2024
    expect(
      paybackMonths(
        [
          { month: m, netProfit: 100 },
          { month: m + 2, netProfit: 150 },
        ],
        200,
        jan2024,
      ),
    ).toEqual({ months: 2, status: 'paid_back' });
    expect(paybackMonths([{ month: m, netProfit: 100 }], 200, jan2024)).toEqual({ months: null, status: 'not_yet' });
    expect(paybackMonths([], null, jan2024)).toEqual({ months: null, status: 'no_acquisition_cost' });
  });
});
