// Sorting clients by payback: the months are computed in SQL for every matching client (not only
// the returned page), and must agree with the payback each row reports (computed per page in JS).
import { profitabilityReport } from '../../src/services/analytics';
import { loadDemoData } from '../../src/services/demo-service';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await loadDemoData(t.db, { seed: 11, accounts: 120, months: 24, asOf: new Date('2026-06-30T00:00:00Z') });
});
afterAll(async () => t?.cleanup());

it.each(['paybackMonths', '-paybackMonths'])('sort=%s orders every client by the payback its row reports, unpaid last', async (sort) => {
  const all = await profitabilityReport(t.db, { sort, limit: 1000 });
  const months = all.rows.map((r) => r.paybackMonths);
  const paid = months.filter((m): m is number => m !== null);
  expect(paid.length).toBeGreaterThan(10);
  expect(months.slice(paid.length).every((m) => m === null)).toBe(true);
  const expected = [...paid].sort((a, b) => (sort.startsWith('-') ? b - a : a - b));
  expect(paid).toEqual(expected);
  expect(new Set(paid).size).toBeGreaterThan(2); // the order is not trivially flat

  // A page of the sorted list is that slice of the full list, and a filter narrows it.
  const page = await profitabilityReport(t.db, { sort, limit: 7, offset: 5 });
  expect(page.rows.map((r) => r.accountId)).toEqual(all.rows.slice(5, 12).map((r) => r.accountId));
  const smb = await profitabilityReport(t.db, { sort, limit: 1000, filters: { segment: 'SMB' } });
  expect(smb.rows.length).toBeGreaterThan(0);
  expect(smb.rows.map((r) => r.accountId)).toEqual(all.rows.filter((r) => r.segment === 'SMB').map((r) => r.accountId));

  // With a period end, payback counts only history before it.
  const early = await profitabilityReport(t.db, { sort, limit: 1000, to: '2025-06-30' });
  const em = early.rows.map((r) => r.paybackMonths).filter((m): m is number => m !== null);
  expect(em).toEqual([...em].sort((a, b) => (sort.startsWith('-') ? b - a : a - b)));
});
