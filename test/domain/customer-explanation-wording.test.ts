// Churn reasons a sales director can read (issue 15, defect 6): units on every figure, changes
// that never read as "up 34225%", tenure in months since acquisition, values rounded.
import {
  changeInWords,
  customerFactorUnits,
  customerFactors,
  explainCustomerFactor,
} from '../../src/domain/features/customer-explanations';

const ctx = { retainedMedians: { tenureDays: 581, orders90d: 6.4, daysSinceLastOrder: 21, serviceCost90d: 120 } };

describe('churn reasons in words', () => {
  it('says what a change is with bounded words: a percentage up to double, then times, then "more than ten times"', () => {
    expect(changeInWords(1.45)).toBe('up 45% on');
    expect(changeInWords(0.4)).toBe('down 60% on');
    expect(changeInWords(1.001)).toBe('about the same as');
    expect(changeInWords(3.44)).toBe('3.4 times');
    expect(changeInWords(343.25)).toBe('more than ten times');
  });

  it('gives support costs with both windows instead of a percentage of almost nothing', () => {
    // Before: "Support and service costs in the last 90 days 342 (up 34225% on the 90 days before)".
    const row = { serviceCost90d: 342.25, serviceCostPrev90d: 0, serviceCostTrend: Math.log(343.25) };
    const units = customerFactorUnits(Object.keys(row));
    const [f] = customerFactors(
      units,
      units.map(() => 0.8),
      row,
      ctx,
    );
    expect(f.text).toBe('Support and service costs in the last 90 days 342 (none in the 90 days before)');
    const more = { serviceCost90d: 860, serviceCostPrev90d: 100, serviceCostTrend: Math.log(861 / 101) };
    expect(customerFactors(units, [0.8], more, ctx)[0].text).toBe(
      'Support and service costs in the last 90 days 860 (100 in the 90 days before: 8.6 times as much)',
    );
    // A trend without its windows (a model trained on the trend alone) is bounded the same way.
    expect(explainCustomerFactor('serviceCostTrend', Math.log(343.25), ctx)).toBe(
      'Support and service costs in the last 90 days more than ten times the 90 days before',
    );
    expect(explainCustomerFactor('serviceCostTrend', Math.log(1.2), ctx)).toBe(
      'Support and service costs in the last 90 days up 20% on the 90 days before',
    );
  });

  it('states tenure in whole months since acquisition, with the unit on the typical value too', () => {
    // Before: "Customer for 44 months (customers who stayed: typically 19.1)".
    expect(explainCustomerFactor('tenureDays', 1340, ctx)).toBe(
      'Customer for 44 months since acquisition (customers who stayed: typically 19 months)',
    );
  });

  it('puts the unit on counts and their typical value', () => {
    // Before: "Orders in the last 90 days: 2 (customers who stayed: typically 6.4)".
    expect(explainCustomerFactor('orders90d', 2, ctx)).toBe(
      'Orders in the last 90 days: 2 orders (customers who stayed: typically 6.4 orders)',
    );
  });

  it('rounds the values a factor carries', () => {
    const row = { revenueTotal: 2442.285714285714, revenue90d: 0, revenuePrev90d: 0, revenueTrend: 0 };
    const units = customerFactorUnits(Object.keys(row));
    const [f] = customerFactors(units, [0.5], row, ctx);
    expect(f.value).toBe(2442.29);
    expect(f.text).toBe('Revenue in the last 90 days 0 (none in the 90 days before either); 2,442 so far');
  });
});
