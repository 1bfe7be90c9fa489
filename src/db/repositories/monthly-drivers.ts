// Monthly series the run-rate and driver-regression forecasts use besides the deals: order
// revenue and activity counts per calendar month, and the campaigns' costs with their dates.
import { fromSqlDate, type SqlRunner } from '../sql';
import { sqlDialect } from '../sql-dialect';

/** Monthly totals keyed by month index (year·12 + month - 1). */
export type MonthlySeries = Map<number, number>;

function monthKeyToIndex(key: string): number {
  const [y, m] = key.split('-').map(Number);
  return y * 12 + (m - 1);
}

async function monthly(q: SqlRunner, sql: string): Promise<MonthlySeries> {
  const out: MonthlySeries = new Map();
  for (const r of await q.all<{ m: string | null; v: number }>(sql)) if (r.m) out.set(monthKeyToIndex(r.m), Number(r.v));
  return out;
}

/** Order revenue per calendar month (UTC). */
export function monthlyRevenue(q: SqlRunner): Promise<MonthlySeries> {
  return monthly(q, `SELECT ${sqlDialect(q.dialect).monthKey('ordered_at')} AS m, SUM(revenue) AS v FROM orders GROUP BY 1`);
}

/** Activities per calendar month (UTC). */
export function monthlyActivityCounts(q: SqlRunner): Promise<MonthlySeries> {
  return monthly(q, `SELECT ${sqlDialect(q.dialect).monthKey('occurred_at')} AS m, COUNT(*) AS v FROM activity GROUP BY 1`);
}

/** Campaigns with a cost: the cost and the campaign's start and end (epoch ms; null when unknown). */
export async function campaignCosts(q: SqlRunner): Promise<{ cost: number; startedAt: number | null; endedAt: number | null }[]> {
  const rows = await q.all<{ cost: number; started_at: unknown; ended_at: unknown }>(
    'SELECT cost, started_at, ended_at FROM campaign WHERE cost > 0',
  );
  return rows.map((c) => ({
    cost: Number(c.cost),
    startedAt: fromSqlDate(c.started_at)?.getTime() ?? null,
    endedAt: fromSqlDate(c.ended_at)?.getTime() ?? null,
  }));
}
