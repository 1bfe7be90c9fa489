// RFM scoring, the CLV sum and the per-customer repeat-buying summary, with numbers worked by hand.
import { customerLifetimeValue, monthlyDiscountRate } from '../../src/domain/clv';
import { summarizeOrders } from '../../src/domain/features/customer-summary';
import { quintileScores, rfmSegment, scoreRfm, RFM_SEGMENTS } from '../../src/domain/rfm';

describe('RFM quintiles', () => {
  test('ten distinct values fall two per quintile', () => {
    expect(quintileScores([10, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([5, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
  });
  test('tied values always share one score, taken from their mid-rank', () => {
    // Six customers bought once (ranks 1-6, mid-rank 3.5 of 10 -> score 2); the rest are distinct.
    expect(quintileScores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5])).toEqual([2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
  });
  test('every cell of the 5x5 grid has exactly one named segment, and the corners are the expected ones', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let fm = 1; fm <= 5; fm++) seen.add(rfmSegment(r, fm, fm));
    expect([...seen].sort()).toEqual([...RFM_SEGMENTS].sort());
    expect(rfmSegment(5, 5, 5)).toBe('champions');
    expect(rfmSegment(5, 1, 1)).toBe('new');
    expect(rfmSegment(1, 5, 5)).toBe("can't lose them");
    expect(rfmSegment(1, 1, 1)).toBe('lost');
    expect(rfmSegment(2, 1, 2)).toBe('hibernating');
  });
  test('a recent big spender is a champion and a long-gone one-off buyer is lost', () => {
    const customers = Array.from({ length: 20 }, (_, i) => ({ recencyDays: i * 10, frequency: 20 - i, monetary: (20 - i) * 100 }));
    const s = scoreRfm(customers);
    expect(s[0]).toMatchObject({ r: 5, f: 5, m: 5, score: '555', segment: 'champions' });
    expect(s[19]).toMatchObject({ r: 1, f: 1, m: 1, segment: 'lost' });
  });
});

describe('CLV', () => {
  test('a monthly discount rate compounds to the annual one', () => {
    expect((1 + monthlyDiscountRate(0.1)) ** 12).toBeCloseTo(1.1, 12);
  });
  test('with a constant purchase rate the CLV is a discounted annuity', () => {
    // One purchase a month (weeks as the time unit), $50 each, 40 % margin, 3 months, 12 % a year.
    const month = 30.4375 / 7;
    const res = customerLifetimeValue((t) => t / month, 50, { horizonMonths: 3, annualDiscountRate: 0.12, margin: 0.4, unitDays: 7 });
    const d = 1.12 ** (1 / 12) - 1;
    expect(res.clv).toBeCloseTo(20 / (1 + d) + 20 / (1 + d) ** 2 + 20 / (1 + d) ** 3, 10);
    expect(res.expectedPurchases).toBeCloseTo(3, 10);
  });
});

describe('repeat-buying summary', () => {
  const d = (s: string) => new Date(`${s}T00:00:00Z`);
  test('counts purchase days, measures recency and T from the first purchase and averages repeat spend', () => {
    const s = summarizeOrders(
      [
        { orderedAt: d('2024-01-01'), revenue: 100 },
        { orderedAt: new Date('2024-01-01T15:00:00Z'), revenue: 20 }, // same day: the same occasion
        { orderedAt: d('2024-01-15'), revenue: 30 },
        { orderedAt: d('2024-01-29'), revenue: 50 },
        { orderedAt: d('2024-03-01'), revenue: 999 }, // after the calibration end
      ],
      d('2024-02-12'),
      'week',
    )!;
    expect(s.frequency).toBe(2);
    expect(s.recency).toBeCloseTo(4, 12);
    expect(s.T).toBeCloseTo(6, 12);
    expect(s.monetaryValue).toBe(40);
    expect(s.totalRevenue).toBe(200);
  });
  test('a customer with no order before the calibration end has no summary', () => {
    expect(summarizeOrders([{ orderedAt: d('2024-03-01'), revenue: 5 }], d('2024-02-01'), 'day')).toBeNull();
  });
});
