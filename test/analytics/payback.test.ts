// Payback month by month: the curve from acquisition to the month the balance turns positive,
// costs booked before acquisition in month 0, and the cases that cannot be counted said so.
import { payback } from '../../src/domain/analytics/payback';

const jan2025 = new Date('2025-01-20T00:00:00Z');
const m = 2025 * 12; // January 2025

describe('payback', () => {
  it('follows the balance month by month, empty months included, until it turns positive', () => {
    const p = payback(
      [
        { month: m - 2, netProfit: -300 }, // sales effort on the first deal, before it was won
        { month: m, netProfit: 500 },
        { month: m + 3, netProfit: 400 },
        { month: m + 4, netProfit: 400 },
        { month: m + 9, netProfit: 400 },
      ],
      900,
      jan2025,
    );
    expect(p.status).toBe('paid_back');
    expect(p.months).toBe(4);
    expect(p.curve.map((c) => [c.month, c.calendarMonth, c.netProfit, c.balance])).toEqual([
      [0, '2025-01', 200, -700],
      [1, '2025-02', 0, -700],
      [2, '2025-03', 0, -700],
      [3, '2025-04', 400, -300],
      [4, '2025-05', 400, 100],
    ]);
  });

  it('runs to the end of the period when the cost is not covered yet', () => {
    const p = payback([{ month: m, netProfit: 100 }], 500, jan2025, { endMonth: m + 5 });
    expect(p).toMatchObject({ status: 'not_yet', months: null });
    expect(p.curve).toHaveLength(6);
    expect(p.curve[5]).toMatchObject({ calendarMonth: '2025-06', balance: -400 });
  });

  it('does not count clients acquired before the recorded history begins', () => {
    const p = payback([{ month: m + 1, netProfit: 5000 }], 500, new Date('2024-06-01T00:00:00Z'), { historyStartMonth: m });
    expect(p).toEqual({ months: null, status: 'acquired_before_history', curve: [] });
    // Acquired in the first month of the history: counted.
    expect(payback([{ month: m, netProfit: 500 }], 500, jan2025, { historyStartMonth: m }).months).toBe(0);
  });

  it('says when there is no acquisition cost to pay back', () => {
    expect(payback([{ month: m, netProfit: 500 }], null, jan2025).status).toBe('no_acquisition_cost');
    expect(payback([{ month: m, netProfit: 500 }], 0, jan2025).status).toBe('no_acquisition_cost');
  });
});
