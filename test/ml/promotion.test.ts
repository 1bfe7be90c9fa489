// The one promotion rule (paired cluster bootstrap, margins, leakage veto) and the leakage screen.
import { leakageVerdict, screenFeatures } from '../../src/ml/leakage';
import { decidePromotion, pairedBootstrap } from '../../src/ml/promotion';
import { sigmoid } from '../../src/math/link';
import { createRng } from '../../src/math/random';
import { TEST_SEED } from './synthetic';

const passed = leakageVerdict([], 0.8);

function scored(n: number, seed: number) {
  const rng = createRng(seed, 'mulberry32');
  const y: number[] = [];
  const good: number[] = [];
  const flat: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = (rng.next() - 0.5) * 4;
    const p = sigmoid(z);
    y.push(rng.next() < p ? 1 : 0);
    good.push(p);
    flat.push(0.5);
  }
  return { y, good, flat };
}

describe(`promotion rule (seed ${TEST_SEED})`, () => {
  const { y, good, flat } = scored(1000, TEST_SEED);

  test('a candidate clearly better than the baseline is promoted, with the interval below zero', () => {
    const d = decidePromotion({ mode: 'auto', y, candidate: good, baseline: flat, active: null, leakage: passed, seed: 1 });
    expect(d.promote).toBe(true);
    expect(d.comparisons[0]).toMatchObject({ against: 'baseline', beats: true, identical: false });
    expect(d.comparisons[0].difference.high).toBeLessThan(0);
    expect(d.decision).toMatch(/^promoted: log loss/);
  });

  test('a candidate identical to the active model is never promoted (auto), whatever it does against the baseline', () => {
    const d = decidePromotion({
      mode: 'auto',
      y,
      candidate: good,
      baseline: flat,
      active: { version: 3, p: [...good] },
      leakage: passed,
      seed: 1,
    });
    expect(d.promote).toBe(false);
    expect(d.comparisons[1]).toMatchObject({ against: 'active', version: 3, identical: true, beats: false });
    expect(d.decision).toMatch(/not promoted: does not beat active v3.*identical to active v3/);
  });

  test('a small gain within the noise is not enough: the interval must exclude zero', () => {
    const rng = createRng(TEST_SEED + 1, 'mulberry32');
    const noisy = good.map((p) => Math.min(0.99, Math.max(0.01, p + (rng.next() - 0.5) * 0.02)));
    const d = decidePromotion({
      mode: 'auto',
      y,
      candidate: noisy,
      baseline: flat,
      active: { version: 1, p: good },
      leakage: passed,
      seed: 1,
    });
    expect(d.promote).toBe(false);
    expect(d.comparisons[1].beats).toBe(false);
  });

  test('the leakage guard vetoes promotion even with --promote always; never keeps a candidate', () => {
    const leaky = leakageVerdict([{ feature: 'closeNote', auc: 0.99 }], 0.99);
    const d = decidePromotion({ mode: 'always', y, candidate: good, baseline: flat, active: null, leakage: leaky, seed: 1 });
    expect(d.promote).toBe(false);
    expect(d.decision).toMatch(/leakage guard.*"closeNote" alone separates the outcomes with AUC 0\.990.*test AUC 0\.990 >= 0\.98/);
    expect(decidePromotion({ mode: 'never', y, candidate: good, baseline: flat, active: null, leakage: passed, seed: 1 }).promote).toBe(
      false,
    );
  });

  test('the cluster bootstrap widens the interval when rows come in correlated clusters', () => {
    const rng = createRng(TEST_SEED + 2, 'mulberry32');
    const d = new Float64Array(1000);
    const groups: number[] = [];
    for (let g = 0; g < 100; g++) {
      const shared = rng.next() - 0.5;
      for (let k = 0; k < 10; k++) {
        d[g * 10 + k] = shared + (rng.next() - 0.5) * 0.1;
        groups.push(g);
      }
    }
    const rows = pairedBootstrap(d, undefined, { seed: 1 });
    const clusters = pairedBootstrap(d, groups, { seed: 1 });
    expect(clusters.mean).toBeCloseTo(rows.mean, 12);
    expect(clusters.high - clusters.low).toBeGreaterThan(2 * (rows.high - rows.low));
  });
});

describe('leakage screen', () => {
  test('a column that is the label in disguise is flagged; an id-like column and noise are not', () => {
    const rng = createRng(TEST_SEED, 'mulberry32');
    const rows = [];
    const y: number[] = [];
    const order: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const signal = rng.next() - 0.5;
      const label = rng.next() < sigmoid(2 * signal) ? 1 : 0;
      y.push(label);
      order.push(i);
      rows.push({
        signal,
        noise: rng.next(),
        closeValue: label ? 1000 + rng.next() * 9000 : 0, // 0 on every lost deal: the outcome itself
        dealCode: `D${i}`, // unique per row: memorises, does not generalise
      });
    }
    const screen = screenFeatures(rows, y, order, { numeric: ['signal', 'noise', 'closeValue'], categorical: ['dealCode'] });
    const auc = Object.fromEntries(screen.map((s) => [s.feature, s.auc]));
    expect(screen[0].feature).toBe('closeValue');
    expect(auc.closeValue).toBeGreaterThan(0.99);
    expect(auc.signal).toBeGreaterThan(0.6);
    expect(auc.signal).toBeLessThan(0.9);
    expect(auc.noise).toBeLessThan(0.56);
    expect(auc.dealCode).toBeLessThan(0.56);
    const verdict = leakageVerdict(screen, 0.8);
    expect(verdict.passed).toBe(false);
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.reasons[0]).toMatch(/"closeValue"/);
  });
});
