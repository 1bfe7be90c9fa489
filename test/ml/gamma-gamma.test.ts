// Gamma-Gamma spend model (Fader & Hardie 2013): the published CDNOW fit, parameter recovery from the
// generative process, and the likelihood against a numerical integral over ν.
import fs from 'node:fs';
import { GammaGammaModel, gammaGammaLogLikelihood, gammaGammaLogLikelihoodOne, simulateGammaGamma } from '../../src/ml/gamma-gamma';
import { createRng } from '../../src/math/random';
import { logGamma } from '../../src/math/special-functions';
import { describeWithData, realDataPath } from '../helpers/real-data';

const SEED = 7331;
const CDNOW = ['cdnow', 'cdnow_customers_summary_with_transactions.csv'];

describeWithData([CDNOW], 'Gamma-Gamma on the CDNOW sample', () => {
  // zbar is the mean value of each customer's repeat transactions over weeks 1-39 (the first
  // purchase excluded), the quantity the model describes; the note fits it on the 946 repeat buyers.
  const rows = fs
    .readFileSync(realDataPath(...CDNOW), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',').map(Number));
  const model = new GammaGammaModel().fit({ frequency: rows.map((r) => r[1]), monetaryValue: rows.map((r) => r[4]) });

  test('recovers p = 6.25, q = 3.74, γ = 15.44 published by Fader & Hardie', () => {
    const { p, q, gamma } = model.params;
    expect(p).toBeCloseTo(6.25, 1);
    expect(q).toBeCloseTo(3.74, 1);
    expect(gamma).toBeCloseTo(15.44, 0);
    expect(model.toArtifact().customers).toBe(946);
  });

  test("the conditional expected spend shrinks a customer's own average toward the population mean", () => {
    const pop = model.populationMeanSpend();
    const low = model.conditionalExpectedAverageSpend(1, 5);
    const high = model.conditionalExpectedAverageSpend(1, 200);
    expect(low).toBeGreaterThan(5);
    expect(low).toBeLessThan(pop);
    expect(high).toBeLessThan(200);
    expect(high).toBeGreaterThan(pop);
    // More transactions, more weight on the customer's own average.
    expect(Math.abs(model.conditionalExpectedAverageSpend(20, 200) - 200)).toBeLessThan(Math.abs(high - 200));
    expect(model.conditionalExpectedAverageSpend(0, 0)).toBe(pop);
  });

  test('save/load round trip', () => {
    const back = GammaGammaModel.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
    expect(back.conditionalExpectedAverageSpend(3, 40)).toBe(model.conditionalExpectedAverageSpend(3, 40));
    expect(() => new GammaGammaModel().populationMeanSpend()).toThrow(/not fitted/);
  });
});

test('Gamma-Gamma recovers known parameters from simulated spend', () => {
  console.log(`seed ${SEED}`);
  const rng = createRng(SEED, 'mulberry32');
  const truth = { p: 4, q: 3, gamma: 20 };
  const freq = Array.from({ length: 8000 }, (_, i) => 1 + (i % 6));
  const m = simulateGammaGamma(truth, freq, rng);
  const fit = new GammaGammaModel().fit({ frequency: freq, monetaryValue: m });
  const { p, q, gamma } = fit.params;
  expect(Math.abs(Math.log(p / truth.p))).toBeLessThan(0.15);
  expect(Math.abs(Math.log(q / truth.q))).toBeLessThan(0.15);
  expect(Math.abs(Math.log(gamma / truth.gamma))).toBeLessThan(0.25);
  expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(truth, { frequency: freq, monetaryValue: m }));
  // Population mean spend pγ/(q-1) is identified much better than the parameters themselves.
  expect(fit.populationMeanSpend()).toBeCloseTo((truth.p * truth.gamma) / (truth.q - 1), -1);
});

test('the marginal density of m_x equals the integral of Gamma(px, νx) over ν ~ Gamma(q, γ)', () => {
  const params = { p: 3, q: 2.5, gamma: 12 };
  for (const [x, mx] of [
    [1, 4],
    [3, 9.5],
    [7, 2],
  ]) {
    // f(m | ν) = (νx)^(px) m^(px-1) e^(-νx m) / Γ(px); g(ν) = γ^q ν^(q-1) e^(-γν) / Γ(q).
    const px = params.p * x;
    const f = (nu: number) =>
      nu <= 0
        ? 0
        : Math.exp(
            px * Math.log(nu * x) +
              (px - 1) * Math.log(mx) -
              nu * x * mx -
              logGamma(px) +
              params.q * Math.log(params.gamma) +
              (params.q - 1) * Math.log(nu) -
              params.gamma * nu -
              logGamma(params.q),
          );
    const hi = 20;
    const n = 20000;
    const h = hi / n;
    let s = f(0) + f(hi);
    for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
    expect(gammaGammaLogLikelihoodOne(params, x, mx)).toBeCloseTo(Math.log((s * h) / 3), 5);
  }
});
