import { HoltWinters } from '../../src/domain/forecast/holt-winters';
import { createRng } from '../../src/math/random';
import { forecastRunRate } from '../../src/domain/forecast/run-rate';
import { fitDriverRegression } from '../../src/domain/forecast/driver-regression';

const SEED = 1234;
console.log(`holt-winters tests: seed ${SEED}`);
const season = [12, -5, 3, 20, -8, -15, 0, 7, -3, 9, -11, -9];

describe('Holt-Winters (FPP3 §8.3)', () => {
  it('forecasts a noiseless linear trend with additive seasonality almost exactly', () => {
    const y = Array.from({ length: 48 }, (_, t) => 100 + 2 * t + season[t % 12]);
    const hw = new HoltWinters({ seasonLength: 12, seasonality: 'additive' }).fit(y);
    const f = hw.predict(12);
    f.mean.forEach((v, k) => {
      expect(Math.abs(v - (100 + 2 * (48 + k) + season[(48 + k) % 12]))).toBeLessThan(1.5);
    });
    // Intervals widen with the horizon and are ordered lo < mean < hi.
    expect(f.hi[95][11] - f.lo[95][11]).toBeGreaterThanOrEqual(f.hi[95][0] - f.lo[95][0]);
    expect(f.lo[80][0]).toBeLessThan(f.mean[0]);
    expect(f.hi[80][0]).toBeGreaterThan(f.mean[0]);
  });

  it('forecasts a noiseless multiplicative seasonal series almost exactly', () => {
    const idx = season.map((s) => 1 + s / 50);
    const y = Array.from({ length: 48 }, (_, t) => (200 + 3 * t) * idx[t % 12]);
    const hw = new HoltWinters({ seasonality: 'multiplicative' }).fit(y);
    const f = hw.predict(6, { seed: SEED });
    f.mean.forEach((v, k) => {
      expect(Math.abs(v / ((200 + 3 * (48 + k)) * idx[(48 + k) % 12]) - 1)).toBeLessThan(0.02);
    });
  });

  it('with fixed smoothing parameters reproduces the textbook recursions by hand', () => {
    // Season length 2, α = 0.5, β* = 0.5, γ = 0.25: initial level = mean(y0, y1) = 11, trend = (mean(y2, y3) − 11)/2 = 1,
    // seasonal = (10 − 11, 12 − 11) = (−1, 1); level shifted back (m+1)/2 = 1.5 trends to 9.5.
    const y = [10, 12, 12, 14, 14];
    const hw = new HoltWinters({ seasonLength: 2, seasonality: 'additive' }).fit(y, { alpha: 0.5, beta: 0.5, gamma: 0.25 });
    // t=0: ŷ = (9.5 + 1) + (−1) = 9.5; ℓ = 0.5(10 + 1) + 0.5(10.5) = 10.75; b = 0.5(1.25) + 0.5(1) = 1.125;
    //      s0 = 0.25(10 − 10.5) + 0.75(−1) = −0.875.
    expect(hw.fittedValues[0]).toBeCloseTo(9.5, 12);
    // t=1: ŷ = (10.75 + 1.125) + 1 = 12.875.
    expect(hw.fittedValues[1]).toBeCloseTo(12.875, 12);
  });

  it('80% intervals cover about 80% of next values on simulated ETS(A,A,A) histories', () => {
    const rng = createRng(SEED, 'xoshiro128');
    let covered = 0;
    const runs = 150;
    for (let r = 0; r < runs; r++) {
      // Simulate from the state-space model with α = 0.3, β* = 0.1, γ = 0.2, σ = 5.
      let level = 100;
      let trend = 1;
      const s = season.slice();
      const y: number[] = [];
      for (let t = 0; t < 61; t++) {
        const e = 5 * rng.normalUnpaired();
        const sp = s[t % 12];
        y.push(level + trend + sp + e);
        level = level + trend + 0.3 * e;
        trend = trend + 0.03 * e;
        s[t % 12] = sp + 0.2 * e;
      }
      const f = new HoltWinters().fit(y.slice(0, 60)).predict(1, { level: [80] });
      if (y[60] >= f.lo[80][0] && y[60] <= f.hi[80][0]) covered++;
    }
    const rate = covered / runs;
    // Binomial(150, 0.8) has sd 3.3%; estimated parameters make intervals slightly narrow.
    expect(rate).toBeGreaterThan(0.68);
    expect(rate).toBeLessThan(0.92);
  });

  it('refuses to fit fewer than two seasons and to predict before fit', () => {
    expect(() => new HoltWinters().fit([1, 2, 3])).toThrow(/two full seasons/);
    expect(() => new HoltWinters().predict(1)).toThrow(/fit/);
  });
});

describe('run-rate forecast', () => {
  it('uses a linear trend (ml-regression) on short histories and Holt-Winters on three years', () => {
    const short = Array.from({ length: 10 }, (_, t) => 1000 + 50 * t);
    const f = forecastRunRate(short, 3);
    expect(f.method).toBe('trend');
    expect(f.mean[0]).toBeCloseTo(1500, 6);
    expect(f.sum.mean).toBeCloseTo(1500 + 1550 + 1600, 6);
    const long = Array.from({ length: 40 }, (_, t) => 1000 + 10 * t + 10 * season[t % 12]);
    expect(forecastRunRate(long, 3).method).toMatch(/^holt-winters/);
  });

  it('drops the warm-up of a history that starts mid-stream', () => {
    const y = [0, 50, 400, 1000, 1010, 990, 1005, 1000, 995, 1010];
    const f = forecastRunRate(y, 1);
    expect(f.details.warmUpMonthsDropped).toBe(3);
    expect(Math.abs(f.mean[0] - 1000)).toBeLessThan(30);
  });
});

describe('driver regression', () => {
  it('recovers lag-1 coefficients of bookings on pipeline created and activities', () => {
    const rng = createRng(SEED, 'xoshiro128');
    const rows = Array.from({ length: 30 }, () => ({
      bookings: 0,
      drivers: { pipelineCreated: 1000 + 500 * rng.next(), activities: 50 + 30 * rng.next() },
    }));
    for (let t = 1; t < rows.length; t++)
      rows[t].bookings = 200 + 0.4 * rows[t - 1].drivers.pipelineCreated + 3 * rows[t - 1].drivers.activities;
    const fit = fitDriverRegression(rows)!;
    expect(fit.coefficients.pipelineCreated).toBeCloseTo(0.4, 6);
    expect(fit.coefficients.activities).toBeCloseTo(3, 6);
    expect(fit.intercept).toBeCloseTo(200, 4);
    const last = rows[rows.length - 1].drivers;
    expect(fit.next.mean).toBeCloseTo(200 + 0.4 * last.pipelineCreated + 3 * last.activities, 4);
  });

  it('declines when there are too few periods for the drivers', () => {
    expect(
      fitDriverRegression([
        { bookings: 1, drivers: { a: 1 } },
        { bookings: 2, drivers: { a: 2 } },
      ]),
    ).toBeNull();
  });
});
