import { accuracy } from '../../src/domain/forecast/backtest-metrics';
import { rollUpCategories } from '../../src/domain/forecast/categories';
import { windowProbabilityFromMonths } from '../../src/services/forecast/win-model-scorer';

describe('backtest accuracy (golden numbers by hand)', () => {
  it('computes bias, MAE, RMSE, MAPE and P10-P90 coverage', () => {
    const m = accuracy([
      { forecast: 110, actual: 100, p10: 90, p90: 120 }, // e = +10, inside
      { forecast: 80, actual: 100, p10: 70, p90: 95 }, // e = −20, outside
      { forecast: 50, actual: 0, p10: 0, p90: 60 }, // e = +50, inside; no APE (actual 0)
    ]);
    expect(m.periods).toBe(3);
    expect(m.bias).toBeCloseTo((10 - 20 + 50) / 3, 12);
    expect(m.mae).toBeCloseTo(80 / 3, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt((100 + 400 + 2500) / 3), 12);
    expect(m.mape).toBeCloseTo(100 * ((0.1 + 0.2) / 2), 12);
    expect(m.coverage).toBeCloseTo(2 / 3, 12);
    expect(accuracy([{ forecast: 1, actual: 2 }]).coverage).toBeNull();
  });
});

describe('forecast categories', () => {
  it('accumulates closed → commit → best case → pipeline and flags calls outside the model band', () => {
    const deals = [
      { amount: 100, category: 'closed', groups: { rep: 'A' } },
      { amount: 50, category: 'commit', groups: { rep: 'A' } },
      { amount: 30, category: 'Best Case', groups: { rep: 'A' } },
      { amount: 20, category: null, groups: { rep: 'A' } },
      { amount: 999, category: 'omitted', groups: { rep: 'A' } },
      { amount: 10, category: 'commit', groups: { rep: 'B' } },
    ];
    const [a, b] = rollUpCategories(
      deals,
      'rep',
      new Map([
        ['A', { expected: 170, p10: 160, p90: 190 }],
        ['B', { expected: 40, p10: 30, p90: 60 }],
      ]),
    );
    expect(a).toMatchObject({
      key: 'A',
      closed: 100,
      commit: 50,
      bestCase: 30,
      pipeline: 20,
      omitted: 999,
      commitCall: 150,
      bestCaseCall: 180,
      pipelineCall: 200,
      disagreement: 'below-model',
    });
    expect(b).toMatchObject({ key: 'B', commitCall: 10, disagreement: 'below-model' });
    const [only] = rollUpCategories(deals.slice(0, 2), 'rep', new Map([['A', { expected: 150, p10: 140, p90: 160 }]]));
    expect(only.disagreement).toBeNull();
  });
});

describe('deal-win model timing → probability of closing in the window', () => {
  const asOf = Date.UTC(2025, 6, 16); // mid-July: month 0 is the rest of July
  const dist = [
    { monthOffset: 0, probability: 0.5 },
    { monthOffset: 1, probability: 0.3 },
    { monthOffset: 2, probability: 0.2 },
  ];
  it('sums whole months inside the window', () => {
    expect(windowProbabilityFromMonths(dist, asOf, Date.UTC(2025, 6, 1), Date.UTC(2025, 9, 1))).toBeCloseTo(1, 12); // Q3
    expect(windowProbabilityFromMonths(dist, asOf, Date.UTC(2025, 7, 1), Date.UTC(2025, 8, 1))).toBeCloseTo(0.3, 12); // August
  });
  it('prorates a month cut by the window by its remaining days', () => {
    // Window ends on 24 July: 8 of the 16 remaining July days after as-of.
    expect(windowProbabilityFromMonths(dist, asOf, asOf, Date.UTC(2025, 6, 24))).toBeCloseTo(0.25, 12);
  });
});
