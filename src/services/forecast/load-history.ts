// Monthly driver series for the run-rate and driver-regression forecasts (revenue, activities,
// campaign spend). Deals themselves come from the one deal loader (services/deals/load-deals.ts).
import type { Database } from '../../db/database';
import { fromSqlDate } from '../../db/sql';
import { monthIndex } from '../../domain/forecast/period';
import { DAY_MS } from '../../math/time';

const ms = (v: unknown): number | null => {
  const d = fromSqlDate(v);
  return d ? d.getTime() : null;
};

/** Monthly totals keyed by month index (year·12 + month). */
export type MonthlySeries = Map<number, number>;

export interface MonthlyDrivers {
  revenue: MonthlySeries;
  activities: MonthlySeries;
  campaignSpend: MonthlySeries;
}

function monthExpr(db: Database, column: string): string {
  return db.dialect === 'sqlite' ? `substr(${column}, 1, 7)` : `to_char(${column}, 'YYYY-MM')`;
}

function monthKeyToIndex(key: string): number {
  const [y, m] = key.split('-').map(Number);
  return y * 12 + (m - 1);
}

export async function loadMonthlyDrivers(db: Database): Promise<MonthlyDrivers> {
  const revenue: MonthlySeries = new Map();
  for (const r of await db.sql.all<{ m: string; v: number }>(
    `SELECT ${monthExpr(db, 'ordered_at')} AS m, SUM(revenue) AS v FROM orders GROUP BY 1`,
  )) {
    if (r.m) revenue.set(monthKeyToIndex(r.m), Number(r.v));
  }
  const activities: MonthlySeries = new Map();
  for (const r of await db.sql.all<{ m: string; v: number }>(
    `SELECT ${monthExpr(db, 'occurred_at')} AS m, COUNT(*) AS v FROM activity GROUP BY 1`,
  )) {
    if (r.m) activities.set(monthKeyToIndex(r.m), Number(r.v));
  }
  // A campaign's cost is spread evenly over its days (start to end, or its start month alone).
  const campaignSpend: MonthlySeries = new Map();
  for (const c of await db.sql.all<{ cost: number; started_at: unknown; ended_at: unknown }>(
    `SELECT cost, started_at, ended_at FROM campaign WHERE cost > 0`,
  )) {
    const s = ms(c.started_at);
    if (s === null) continue;
    const e = Math.max(s, ms(c.ended_at) ?? s);
    const days = Math.max(1, Math.round((e - s) / DAY_MS) + 1);
    for (let k = 0; k < days; k++) {
      const mi = monthIndex(s + k * DAY_MS);
      campaignSpend.set(mi, (campaignSpend.get(mi) ?? 0) + Number(c.cost) / days);
    }
  }
  return { revenue, activities, campaignSpend };
}
