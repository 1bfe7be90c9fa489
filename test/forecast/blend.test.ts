// The blend: inverse-MSRE weights shrunk toward the pooled error, a method picked alone when its
// record beats the combination's, a band conformalised by the blend's own past misses — all from
// earlier periods only.
import {
  blendForecast,
  combinationWeights,
  conformalAdjustment,
  type BlendHistoryEntry,
  type MethodForecast,
} from '../../src/domain/forecast/blend';

const f = (expected: number, p10: number | null = null, p90: number | null = null): MethodForecast => ({ expected, p10, p90 });

/** n past periods with actual 100, where method a misses by ea·100 and b by eb·100. */
function past(n: number, ea: number, eb: number): BlendHistoryEntry[] {
  const out: BlendHistoryEntry[] = [];
  for (let i = 0; i < n; i++) {
    const forecasts = { a: f(100 * (1 + ea), 80, 120), b: f(100 * (1 + eb), 70, 130) };
    const b = blendForecast(forecasts, out);
    out.push({ actual: 100, forecasts, blend: b });
  }
  return out;
}

describe('blend weights', () => {
  it('are the inverse mean squared relative errors, each shrunk toward the pooled error with 2 pseudo-periods (by hand)', () => {
    const w = combinationWeights(['a', 'b'], past(12, 0.1, 0.2));
    // MSRE a = 0.01, b = 0.04, pooled 0.025: a' = (12·0.01 + 2·0.025)/14, b' = (12·0.04 + 2·0.025)/14.
    const a = 1 / ((0.12 + 0.05) / 14);
    const b = 1 / ((0.48 + 0.05) / 14);
    expect(w.a).toBeCloseTo(a / (a + b), 12);
    expect(w.b).toBeCloseTo(b / (a + b), 12);
  });

  it('are equal without any record', () => {
    expect(combinationWeights(['a', 'b', 'c'], [])).toEqual({ a: 1 / 3, b: 1 / 3, c: 1 / 3 });
  });
});

describe('the blend of a period', () => {
  it('combines while no method has a record of 3 periods, then picks the method whose record beats the combination', () => {
    const h = past(2, 0.02, -0.4);
    expect(blendForecast({ a: f(100, 80, 120), b: f(200, 150, 250) }, h)?.picked).toBe('combination');
    const longer = past(6, 0.02, -0.4);
    const b = blendForecast({ a: f(100, 80, 120), b: f(200, 150, 250) }, longer)!;
    expect(b.picked).toBe('a');
    expect(b.expected).toBe(100);
    expect(b.weights).toEqual({ a: 1, b: 0 });
  });

  it('keeps combining when the methods err in opposite directions (the combination has the better record)', () => {
    const h = past(8, 0.2, -0.2);
    const b = blendForecast({ a: f(120, 100, 140), b: f(80, 60, 100) }, h)!;
    expect(b.picked).toBe('combination');
    expect(b.expected).toBeCloseTo(100, 6);
  });

  it('averages the methods’ bands relative to their points, and a method without a band borrows it', () => {
    const b = blendForecast({ a: f(100, 80, 120), s: f(100) }, [])!;
    expect([b.rawP10, b.rawP90]).toEqual([80, 120]);
  });

  it('widens its band by the ⌈(n+1)·0.8⌉-th smallest past miss (worked by hand), and only the part not yet won', () => {
    const entry = (actual: number): BlendHistoryEntry => ({
      actual,
      forecasts: {},
      blend: { expected: 100, rawP10: 90, rawP90: 110, combination: f(100, 90, 110) },
    });
    // Scores max(90 − y, y − 110)/100: 60 → 0.3, 100 → −0.1, 125 → 0.15, 105 → −0.05, 112 → 0.02.
    const h = [60, 100, 125, 105, 112].map(entry);
    // n = 5: ⌈6·0.8⌉ = 5th smallest = 0.3.
    expect(conformalAdjustment(h)).toBeCloseTo(0.3, 12);
    expect(conformalAdjustment(h.slice(0, 3))).toBe(0); // fewer than 4 past periods: no step
    const b = blendForecast({ a: f(200, 180, 220) }, h, 150)!;
    // Only the 50 not yet won is widened: 0.3 · 50 = 15.
    expect(b.conformal).toBeCloseTo(0.3, 12);
    expect(b.p10).toBeCloseTo(165, 6);
    expect(b.p90).toBeCloseTo(235, 6);
  });

  it('never reads the actual of the period it forecasts, nor of any later one', () => {
    const h = past(8, 0.1, 0.3);
    const current = { a: f(130, 110, 150), b: f(90, 70, 110) };
    const before = blendForecast(current, h);
    const later = [...h, { actual: 1e9, forecasts: current, blend: before }];
    expect(blendForecast(current, h)).toEqual(before);
    expect(blendForecast(current, later)).not.toEqual(before); // a later record does change later blends
  });
});
