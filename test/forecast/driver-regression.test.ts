// The driver regression against numpy (the same least squares and Newey-West covariance computed
// independently), its warnings, and a horizon of several months.
import { fitDriverRegression } from '../../src/domain/forecast/driver-regression';

const rows = Array.from({ length: 30 }, (_, i) => ({
  bookings: 1000 + 37 * ((i * 7919) % 23) + 5 * i,
  drivers: { a: (i * 31) % 17, b: 100 + ((i * 13) % 11) * 3 + i },
}));

describe('driver regression', () => {
  it('matches numpy: estimates, standard errors, p-values and adjusted R² (one month ahead)', () => {
    const r = fitDriverRegression(rows)!;
    const [b0, a, b] = r.terms;
    // numpy.linalg.lstsq on y_{t+1} ~ 1 + a_t + b_t; SE from s²(XᵀX)⁻¹; p from scipy.stats.t.
    expect(b0.estimate).toBeCloseTo(1090.71832, 4);
    expect(b0.standardError).toBeCloseTo(479.32819732, 5);
    expect(b0.pValue).toBeCloseTo(0.0313545, 6);
    expect(a.term).toBe('a');
    expect(a.estimate).toBeCloseTo(3.81276445, 7);
    expect(a.standardError).toBeCloseTo(9.6712153, 6);
    expect(a.pValue).toBeCloseTo(0.69662012, 6);
    expect(b.estimate).toBeCloseTo(2.92991987, 7);
    expect(b.standardError).toBeCloseTo(3.56055401, 7);
    expect(r.rSquared).toBeCloseTo(0.02773119, 7);
    expect(r.adjustedRSquared).toBeCloseTo(-0.04705872, 7);
    expect(a.ci95[0]).toBeLessThan(0);
    expect(a.ci95[1]).toBeGreaterThan(0);
    expect(r.covariance).toBe('ols');
    expect(r.next.p10).toBeLessThan(r.next.mean);
  });

  it('forecasts a 3-month total by the direct strategy with Newey-West standard errors (numpy)', () => {
    const r = fitDriverRegression(rows, { horizon: 3 })!;
    expect(r.n).toBe(27);
    expect(r.horizon).toBe(3);
    expect(r.covariance).toBe('newey-west');
    expect(r.terms.map((t) => t.estimate)).toEqual([
      expect.closeTo(4127.57302763, 5),
      expect.closeTo(6.82193349, 7),
      expect.closeTo(2.31649492, 7),
    ]);
    expect(r.terms.map((t) => t.standardError)).toEqual([
      expect.closeTo(631.17057907, 5),
      expect.closeTo(13.28179343, 6),
      expect.closeTo(4.64077947, 7),
    ]);
    expect(r.next.mean).toBeCloseTo(4549.57832889, 5);
    expect(r.warnings.join(' ')).toMatch(/3-month targets overlap/);
  });

  it('warns plainly with fewer than 10 periods per driver, and refuses a fit it cannot make', () => {
    const short = fitDriverRegression(rows.slice(0, 12))!;
    expect(short.warnings[0]).toMatch(
      /^only 11 periods for 2 drivers: with fewer than 10 periods per driver the coefficients are unreliable/,
    );
    expect(fitDriverRegression(rows.slice(0, 5))).toBeNull();
    expect(fitDriverRegression(rows.map((r) => ({ ...r, drivers: { flat: 1 } })))).toBeNull();
  });
});
