// Churn features and labels are point in time: a feature computed as of a date ignores everything
// from that date on, and the label window starts where the features end.
import { churnLabel, customerFeatures, type CustomerHistory } from '../../src/domain/features/customer-features';
import { DAY_MS } from '../../src/math/time';

const T0 = Date.UTC(2025, 5, 1);
const days = (n: number) => T0 + n * DAY_MS;

function customer(over: Partial<CustomerHistory> = {}): CustomerHistory {
  return {
    accountId: 1,
    externalId: 'A1',
    segment: 'SMB',
    acquiredAt: days(-400),
    status: 'active',
    churnedAt: null,
    attributes: { plan: 'basic', nps: 7, Churn: 'Yes' },
    orders: [
      { at: days(-200), revenue: 100 },
      { at: days(-120), revenue: 50 },
      { at: days(-30), revenue: 80 },
      { at: days(-1), revenue: 20 },
    ],
    activities: [days(-150), days(-100), days(-10)],
    serviceCosts: [
      { at: days(-160), amount: 10 },
      { at: days(-20), amount: 40 },
    ],
    deals: [
      {
        stage: 'Proposal',
        outcome: 'open',
        createdAt: days(-50),
        closedAt: null,
        amount: 1000,
        stageChanges: [{ at: days(-50), fromStage: null, toStage: 'Proposal', amount: 1000 }],
      },
      { stage: 'Closed Won', outcome: 'won', createdAt: days(-300), closedAt: days(-250), amount: 500, stageChanges: [] },
    ],
    ...over,
  };
}

describe('customer features as of an observation date', () => {
  test('behaviour, trends and open deals are computed from events before the date only', () => {
    const row = customerFeatures(customer(), T0);
    expect(row.tenureDays).toBe(400);
    expect(row.daysSinceLastOrder).toBe(1);
    expect(row.ordersTotal).toBe(4);
    expect(row.orders90d).toBe(2);
    expect(row.ordersPrev90d).toBe(1);
    expect(row.orderTrend).toBeCloseTo(Math.log(3 / 2), 12);
    expect(row.revenue90d).toBe(100);
    expect(row.revenuePrev90d).toBe(50);
    expect(row.activities90d).toBe(1);
    expect(row.activitiesPrev90d).toBe(2);
    expect(row.serviceCost90d).toBe(40);
    expect(row.serviceCostPrev90d).toBe(10);
    expect(row.openDeals).toBe(1);
    expect(row.openDealAmount).toBe(1000);
    expect(row['attr.plan']).toBe('basic');
    expect(row['attr.nps']).toBe(7);
  });

  test('an exported churn column is never a feature (it is the label)', () => {
    expect(Object.keys(customerFeatures(customer(), T0))).not.toContain('attr.Churn');
  });

  test('adding events on or after the date changes no feature (leak test)', () => {
    const base = customerFeatures(customer(), T0);
    const later = customer();
    later.orders!.push({ at: T0, revenue: 9999 }, { at: days(10), revenue: 5 });
    later.activities!.push(T0, days(3));
    later.serviceCosts!.push({ at: days(1), amount: 500 });
    later.deals!.push({ stage: 'Proposal', createdAt: days(2), closedAt: null, amount: 7 });
    // Won after the date at another amount: still open as of the date, at the amount recorded then.
    Object.assign(later.deals![0], { outcome: 'won', stage: 'Closed Won', closedAt: days(5), amount: 77_777 });
    expect(customerFeatures(later, T0)).toEqual(base);
  });
});

describe('churn labels start where the features end', () => {
  test('status labels: churn inside [asOf, asOf + window) is 1, after it 0, before asOf not an example', () => {
    expect(churnLabel(customer({ status: 'churned', churnedAt: days(90) - 1 }), T0, 90, 'status')).toBe(1);
    expect(churnLabel(customer({ status: 'churned', churnedAt: days(90) }), T0, 90, 'status')).toBe(0);
    // A churn stamped exactly at the observation moment is not seen by the features: it is the label.
    expect(churnLabel(customer({ status: 'churned', churnedAt: T0 }), T0, 90, 'status')).toBe(1);
    expect(churnLabel(customer({ status: 'churned', churnedAt: T0 - 1 }), T0, 90, 'status')).toBeNull();
    expect(churnLabel(customer({ status: 'churned', churnedAt: null }), T0, 90, 'status')).toBeNull();
    expect(churnLabel(customer({ acquiredAt: days(1) }), T0, 90, 'status')).toBeNull();
    expect(churnLabel(customer(), T0, 90, 'status')).toBe(0);
  });

  test('no-purchase labels: an order in [asOf, asOf + window) means retained; only recently active customers count', () => {
    const c = customer();
    expect(churnLabel(c, T0, 30, 'no-purchase')).toBe(1);
    c.orders!.push({ at: T0, revenue: 1 });
    expect(churnLabel(c, T0, 30, 'no-purchase')).toBe(0);
    expect(churnLabel(customer({ orders: [{ at: days(-500), revenue: 1 }] }), T0, 30, 'no-purchase')).toBeNull();
    // The order on the observation date is a label event, not a feature.
    expect(customerFeatures(c, T0).ordersTotal).toBe(4);
  });
});
