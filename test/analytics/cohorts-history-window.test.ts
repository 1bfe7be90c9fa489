// Accounts acquired before the imported order history begins: their early periods were never
// observed, so the retention matrix must say "unknown" (null) there, not 0% retention.
import { cohortsReport } from '../../src/services/analytics/cohorts';
import { upsertRecords } from '../../src/services/import/upsert-records';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe('cohort retention at the edges of the order history', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await upsertRecords(t.db, {
      accounts: [
        { externalId: 'OLD', name: 'Acquired before the history', acquiredAt: d('2024-01-10'), status: 'active' },
        { externalId: 'NEW', name: 'Acquired inside the history', acquiredAt: d('2024-03-05'), status: 'active' },
      ],
      orders: [
        // The order history starts in March 2024 and ends in May 2024.
        { externalId: 'o1', accountId: 'OLD', orderedAt: d('2024-03-02'), revenue: 100, costOfGoods: 0, quantity: 1, discount: 0 },
        { externalId: 'o2', accountId: 'NEW', orderedAt: d('2024-03-06'), revenue: 50, costOfGoods: 0, quantity: 1, discount: 0 },
        { externalId: 'o3', accountId: 'NEW', orderedAt: d('2024-05-20'), revenue: 30, costOfGoods: 0, quantity: 1, discount: 0 },
      ],
    });
  });
  afterAll(async () => t.cleanup());

  test('periods before the first order and after the last one are null; observed ones are counted', async () => {
    const r = (await cohortsReport(t.db, { kind: 'clients', by: 'month', periods: 4, cohorts: 'all' } as never)) as unknown as {
      cohorts: { cohort: string; size: number; cells: { period: number; retention: number | null; observed: boolean }[] }[];
    };
    const byCohort = Object.fromEntries(r.cohorts.map((c) => [c.cohort, c.cells.map((x) => x.retention)]));
    // January cohort: Jan and Feb 2024 precede the history (null); March observed (1 of 1 bought); April observed, no order (0); May… period 4 is out of range.
    expect(byCohort['2024-01']).toEqual([null, null, 1, 0]);
    // March cohort: March (1/1), April (0), May (1/1), June is after the last order (null).
    expect(byCohort['2024-03']).toEqual([1, 0, 1, null]);
    expect(r.cohorts[0].cells.map((c) => c.observed)).toEqual([false, false, true, true]);
  });

  test('by default the clients acquired before the history are left out, counted and explained', async () => {
    const r = await cohortsReport(t.db, { kind: 'clients', by: 'month', periods: 4 });
    expect(r.cohorts!.map((c) => c.cohort)).toEqual(['2024-03']);
    expect(r.leftOut).toMatchObject({ clients: 1, acquiredFrom: '2024-01-10T00:00:00.000Z' });
    expect(r.notes!.join(' ')).toMatch(/1 clients acquired before the order history begins \(2024-03\) are left out/);
  });

  test('a field cohort counts in each period only the clients that could be seen in it', async () => {
    // One cohort (no segment) of both clients, with every client: period 0 sees NEW only (OLD's
    // January is before the history), period 2 sees both (OLD's March, NEW's May).
    const r = await cohortsReport(t.db, { kind: 'clients', by: 'segment', period: 'month', periods: 3, cohorts: 'all' });
    const cells = r.cohorts![0].cells;
    expect(cells.map((c) => c.eligibleClients)).toEqual([1, 1, 2]);
    expect(cells.map((c) => c.retention)).toEqual([1, 0, 1]);
    // Net revenue retention rests on the clients whose period 0 is seen: NEW, 30 / 50 in period 2.
    expect(cells[2].netRevenueRetention).toBeCloseTo(0.6, 12);
    expect(r.cohorts![0].leftCensored).toBe(true);
  });
});
