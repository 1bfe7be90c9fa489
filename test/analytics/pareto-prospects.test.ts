// A director reading "clients that destroy profit" means customers who cost more than they bring,
// not prospects that never bought: those are reported apart as sales effort.
import { paretoReport } from '../../src/services/analytics/pareto';
import { upsertRecords } from '../../src/services/import/upsert-records';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe('pareto: customers versus prospects', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await upsertRecords(t.db, {
      accounts: [
        { externalId: 'GOOD', name: 'Good customer', status: 'active' },
        { externalId: 'COSTLY', name: 'Costly customer', status: 'active' },
        { externalId: 'PROSPECT', name: 'Never bought', status: 'active' },
      ],
      orders: [
        { externalId: 'o1', accountId: 'GOOD', orderedAt: d('2024-02-01'), revenue: 1000, costOfGoods: 400, quantity: 1, discount: 0 },
        { externalId: 'o2', accountId: 'COSTLY', orderedAt: d('2024-02-01'), revenue: 100, costOfGoods: 50, quantity: 1, discount: 0 },
      ],
      'service-costs': [{ externalId: 's1', accountId: 'COSTLY', incurredAt: d('2024-03-01'), kind: 'support', amount: 250 }],
      activities: [{ externalId: 'a1', accountId: 'PROSPECT', type: 'meeting', occurredAt: d('2024-03-01'), cost: 80 }],
    });
  });
  afterAll(async () => t.cleanup());

  test('the curve and the destroyers cover customers only; prospects are counted apart with their cost', async () => {
    const r = await paretoReport(t.db, { from: '2024-01-01', to: '2024-12-31' } as never);
    // GOOD: 1000 - 400 = 600 net; COSTLY: 100 - 50 - 250 = -200 net; PROSPECT: -80 (sales effort only).
    expect(r.destroyerCount).toBe(1);
    expect(r.destroyers.map((x) => [x.accountId, x.netProfit])).toEqual([['COSTLY', -200]]);
    expect(r.prospects).toEqual({ accounts: 1, netProfit: -80 });
  });
});
