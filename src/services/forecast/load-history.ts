// Monthly driver series for the run-rate and driver-regression forecasts (revenue, activities,
// campaign spend), read by src/db/repositories/monthly-drivers.ts. Deals themselves come from the
// one deal loader (src/db/repositories/deals.ts).
import type { Database } from '../../db/database';
import { campaignCosts, type MonthlySeries, monthlyActivityCounts, monthlyRevenue } from '../../db/repositories/monthly-drivers';
import { monthIndex } from '../../domain/forecast/period';
import { DAY_MS } from '../../math/time';

export type { MonthlySeries };

export interface MonthlyDrivers {
  revenue: MonthlySeries;
  activities: MonthlySeries;
  campaignSpend: MonthlySeries;
}

export async function loadMonthlyDrivers(db: Database): Promise<MonthlyDrivers> {
  const revenue = await monthlyRevenue(db.sql);
  const activities = await monthlyActivityCounts(db.sql);
  // A campaign's cost is spread evenly over its days (start to end, or its start month alone).
  const campaignSpend: MonthlySeries = new Map();
  for (const c of await campaignCosts(db.sql)) {
    const s = c.startedAt;
    if (s === null) continue;
    const e = Math.max(s, c.endedAt ?? s);
    const days = Math.max(1, Math.round((e - s) / DAY_MS) + 1);
    for (let k = 0; k < days; k++) {
      const mi = monthIndex(s + k * DAY_MS);
      campaignSpend.set(mi, (campaignSpend.get(mi) ?? 0) + c.cost / days);
    }
  }
  return { revenue, activities, campaignSpend };
}
