// The campaign-effect statistics: subclassification (ATT) and the Cochran–Mantel–Haenszel test,
// checked on a constructed Simpson's-paradox case with a known answer and on R's documented
// mantelhaen.test(UCBAdmissions) output.
import { type ArmSums, type StratumSums, cochranMantelHaenszel, stratifiedDifference } from '../../src/domain/analytics/stratified-effect';

/** n accounts of which k converted (a 0/1 outcome: Σy = Σy² = k). */
const bin = (n: number, k: number): ArmSums => ({ n, sum: k, sumSq: k });

describe('stratifiedDifference', () => {
  // Targets sit mostly in the stratum that converts more anyway: the plain comparison is biased,
  // the within-stratum differences are +10 points in both strata.
  const strata: StratumSums[] = [
    { stratum: 'Enterprise', treated: bin(80, 56), control: bin(20, 12) },
    { stratum: 'SMB', treated: bin(20, 6), control: bin(180, 36) },
  ];

  it('removes the bias of a confounded target list (naive +38 points, within strata +10)', () => {
    const e = stratifiedDifference(strata);
    expect(e.naive.difference).toBeCloseTo(0.62 - 0.24, 10);
    expect(e.difference).toBeCloseTo(0.1, 10);
    expect(e.treatedMean).toBeCloseTo(0.62, 10);
    expect(e.controlMean).toBeCloseTo(0.8 * 0.6 + 0.2 * 0.2, 10);
    expect(e.treatedMatched).toBe(100);
    expect(e.treatedUnmatched).toBe(0);
    expect(e.strataUsed).toBe(2);
  });

  it('gives the Neyman variance of the weighted differences, a normal interval and a z test', () => {
    const e = stratifiedDifference(strata);
    // s² with the n − 1 denominator of a 0/1 variable: p(1 − p) n/(n − 1).
    const s2 = (n: number, p: number) => (p * (1 - p) * n) / (n - 1);
    const v = 0.8 ** 2 * (s2(80, 0.7) / 80 + s2(20, 0.6) / 20) + 0.2 ** 2 * (s2(20, 0.3) / 20 + s2(180, 0.2) / 180);
    expect(e.standardError).toBeCloseTo(Math.sqrt(v), 12);
    expect(e.lo).toBeCloseTo(0.1 - 1.959963985 * Math.sqrt(v), 8);
    expect(e.hi).toBeCloseTo(0.1 + 1.959963985 * Math.sqrt(v), 8);
    expect(e.statistic).toBeCloseTo(0.1 / Math.sqrt(v), 10);
    expect(e.pValue).toBeGreaterThan(0.05); // 0.1 with 20 Enterprise controls: not distinguishable from noise
    expect(e.pValue).toBeLessThan(0.5);
  });

  it('leaves out targets with no similar control, and counts them', () => {
    const e = stratifiedDifference([...strata, { stratum: 'APAC only', treated: bin(5, 5), control: bin(0, 0) }]);
    expect(e.treatedUnmatched).toBe(5);
    expect(e.difference).toBeCloseTo(0.1, 10);
    expect(e.naive.treatedMean).toBeCloseTo(67 / 105, 10);
  });

  it('lets a stratum arm of one account borrow the pooled variance of its arm', () => {
    const e = stratifiedDifference([
      { stratum: 'a', treated: { n: 1, sum: 10, sumSq: 100 }, control: { n: 3, sum: 6, sumSq: 14 } },
      { stratum: 'b', treated: { n: 3, sum: 30, sumSq: 302 }, control: { n: 2, sum: 4, sumSq: 8 } },
    ]);
    // treated pooled: stratum a contributes 0 squares and 0 df; b: Σ(y−ȳ)² = 302 − 300 = 2 over 2 df.
    const pooledT = 1;
    const vControlA = (14 - 12) / 2;
    const vControlB = (8 - 8) / 1;
    const v = 0.25 ** 2 * (pooledT / 1 + vControlA / 3) + 0.75 ** 2 * (1 / 3 + vControlB / 2);
    expect(e.difference).toBeCloseTo(0.25 * (10 - 2) + 0.75 * (10 - 2), 10);
    expect(e.standardError).toBeCloseTo(Math.sqrt(v), 12);
  });

  it('has no estimate without a single matched target, and no interval without any spread to measure', () => {
    expect(stratifiedDifference([{ stratum: 'x', treated: bin(3, 1), control: bin(0, 0) }]).difference).toBeNull();
    const one = stratifiedDifference([{ stratum: 'x', treated: bin(1, 1), control: bin(1, 0) }]);
    expect(one.difference).toBe(1);
    expect(one.lo).toBeNull();
    expect(one.pValue).toBeNull();
  });
});

describe('cochranMantelHaenszel', () => {
  // R: mantelhaen.test(UCBAdmissions) — admitted × gender (male first) × department, with
  // continuity correction: "Mantel-Haenszel X-squared = 1.4269, df = 1, p-value = 0.2323 …
  // common odds ratio 0.9046968".
  const ucb: [number, number, number, number][] = [
    [512, 313, 89, 19],
    [353, 207, 17, 8],
    [120, 205, 202, 391],
    [138, 279, 131, 244],
    [53, 138, 94, 299],
    [22, 351, 24, 317],
  ];
  const strata: StratumSums[] = ucb.map(([ma, mr, fa, fr], i) => ({
    stratum: String(i),
    treated: bin(ma + mr, ma),
    control: bin(fa + fr, fa),
  }));

  it("reproduces R's documented result on the Berkeley admissions data", () => {
    const t = cochranMantelHaenszel(strata, { continuityCorrection: true });
    expect(t.statistic).toBeCloseTo(1.4269, 4);
    expect(t.pValue).toBeCloseTo(0.2323, 4);
    expect(t.commonOddsRatio).toBeCloseTo(0.9046968, 7);
  });

  it('without the correction gives the larger statistic of Agresti §6.3.2', () => {
    const t = cochranMantelHaenszel(strata);
    expect(t.statistic).toBeCloseTo(1.5246, 4);
    expect(t.pValue).toBeCloseTo(0.2169, 3);
  });

  it('has no test when no stratum holds both arms', () => {
    expect(cochranMantelHaenszel([{ stratum: 'x', treated: bin(4, 2), control: bin(0, 0) }]).statistic).toBeNull();
  });
});
