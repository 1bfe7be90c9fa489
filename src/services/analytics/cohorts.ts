// Cohort report (issue 5 §3). Client cohorts: accounts grouped by acquisition month/quarter (or by
// any client field), followed over periods since their own acquisition period k = 0, 1, 2, ...:
//   retention_k      = active_k / size            (share of the cohort with an order in period k)
//   nrr_k            = Σ_a rev_k(a) / Σ_a rev_0(a)                 (net revenue retention)
//   grr_k            = Σ_a min(rev_k(a), rev_0(a)) / Σ_a rev_0(a)  (gross: expansion capped at the
//                      client's own period-0 revenue, so it never exceeds 1)
//   cumRevPerClient_k = Σ_{j ≤ k} Σ_a rev_j(a) / size
// Acquisition = account.acquired_at, or the first order when it is unknown. Deal cohorts: deals by
// created month/quarter with counts, win rate (won / closed) with a Wilson interval, mean cycle days.
import { z } from 'zod';
import type { Database } from '../../db/database';
import { type ClientCohortCell, clientCohorts, dealCohorts, type Granularity } from '../../db/repositories/analytics/cohorts';
import { orderSpan } from '../../db/repositories/customers';
import { wilsonInterval, type Interval } from '../../domain/analytics/statistics';
import { monthIndexOf } from '../../domain/analytics/payback';
import { Filters, PeriodFields, parseInput, resolvePeriod } from './filters';

export const CohortsInput = z.object({
  ...PeriodFields,
  filters: Filters,
  /** clients (retention matrices) or deals (created-month cohorts). */
  kind: z.enum(['clients', 'deals']).default('clients'),
  /** Cohort key: 'month', 'quarter' or any client field (segment, region, attr.<name>, ...). */
  by: z.string().default('month'),
  /** Length of the periods since acquisition. Defaults to the cohort granularity (month unless by=quarter). */
  period: z.enum(['month', 'quarter']).optional(),
  /** How many periods since acquisition to show. */
  periods: z.coerce.number().int().min(1).max(120).default(12),
});
export type CohortsInputT = z.input<typeof CohortsInput>;

export interface CohortCell {
  period: number;
  activeClients: number | null;
  retention: number | null;
  revenue: number | null;
  netRevenueRetention: number | null;
  grossRevenueRetention: number | null;
  cumulativeRevenuePerClient: number | null;
}
export interface ClientCohort {
  cohort: string | null;
  size: number;
  cells: CohortCell[];
}
export interface DealCohort {
  cohort: string | null;
  deals: number;
  won: number;
  lost: number;
  open: number;
  winRate: Interval;
  avgCycleDays: number | null;
  wonAmount: number;
}
export interface CohortsResult {
  report: 'cohorts';
  kind: 'clients' | 'deals';
  by: string;
  period: Granularity;
  periods: number;
  cohorts?: ClientCohort[];
  dealCohorts?: DealCohort[];
  totals?: { size: number } | { deals: number; won: number; lost: number; open: number; wonAmount: number; winRate: Interval };
}

/** Index of a 'YYYY-MM' or 'YYYY-Qn' key in the same numbering as sqlDialect's monthIndex/quarterIndex. */
function keyIndex(key: string, g: Granularity): number | null {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m && g === 'month') return Number(m[1]) * 12 + Number(m[2]) - 1;
  const qm = /^(\d{4})-Q([1-4])$/.exec(key);
  if (qm && g === 'quarter') return Number(qm[1]) * 4 + Number(qm[2]) - 1;
  return null;
}

export async function cohortsReport(db: Database, input: CohortsInputT = {}): Promise<CohortsResult> {
  const q = parseInput(CohortsInput, input, 'cohorts');
  const range = resolvePeriod(q.from, q.to);
  const byPeriod = q.by === 'month' || q.by === 'quarter';
  const g: Granularity = q.period ?? (q.by === 'quarter' ? 'quarter' : 'month');
  if (q.kind === 'deals') {
    const dealCohortRows = (await dealCohorts(db.sql, { period: range, filters: q.filters, by: q.by })).map((r) => ({
      cohort: r.cohort,
      deals: r.deals,
      won: r.won,
      lost: r.lost,
      open: r.deals - r.won - r.lost,
      winRate: wilsonInterval(r.won, r.won + r.lost),
      avgCycleDays: r.cycleDays,
      wonAmount: r.wonAmount,
    }));
    const t = dealCohortRows.reduce(
      (a, c) => ({
        deals: a.deals + c.deals,
        won: a.won + c.won,
        lost: a.lost + c.lost,
        open: a.open + c.open,
        wonAmount: a.wonAmount + c.wonAmount,
      }),
      { deals: 0, won: 0, lost: 0, open: 0, wonAmount: 0 },
    );
    return {
      report: 'cohorts',
      kind: 'deals',
      by: q.by,
      period: g,
      periods: q.periods,
      dealCohorts: dealCohortRows,
      totals: { ...t, winRate: wilsonInterval(t.won, t.won + t.lost) },
    };
  }

  const { sizes, cells } = await clientCohorts(db.sql, { period: range, filters: q.filters, by: q.by, granularity: g, periods: q.periods });
  const span = await orderSpan(db.sql);
  const toIndex = (d: Date | null) => (d ? (g === 'month' ? monthIndexOf(d) : Math.floor(monthIndexOf(d) / 3)) : null);
  const firstIndex = toIndex(span?.first ?? null);
  const lastIndex = toIndex(span?.last ?? null);

  const byCohort = new Map<string, Map<number, ClientCohortCell>>();
  for (const c of cells) {
    const k = String(c.cohort);
    if (!byCohort.has(k)) byCohort.set(k, new Map());
    byCohort.get(k)!.set(c.k, c);
  }
  const cohorts: ClientCohort[] = sizes.map(({ cohort, size }) => {
    const m = byCohort.get(String(cohort)) ?? new Map<number, ClientCohortCell>();
    const rev0 = m.get(0)?.revenue ?? 0;
    // Period cohorts cannot be observed outside the order history (after the last order, or
    // before the first one when accounts were acquired before the imported history begins):
    // those cells are null, not 0.
    const start = byPeriod && cohort && q.by === g ? keyIndex(cohort, g) : null;
    let cum = 0;
    const out: CohortCell[] = [];
    for (let k = 0; k < q.periods; k++) {
      if (start !== null && ((lastIndex !== null && start + k > lastIndex) || (firstIndex !== null && start + k < firstIndex))) {
        out.push({
          period: k,
          activeClients: null,
          retention: null,
          revenue: null,
          netRevenueRetention: null,
          grossRevenueRetention: null,
          cumulativeRevenuePerClient: null,
        });
        continue;
      }
      const cell = m.get(k);
      const active = cell?.activeClients ?? 0;
      const revenue = cell?.revenue ?? 0;
      cum += revenue;
      out.push({
        period: k,
        activeClients: active,
        retention: size ? active / size : null,
        revenue,
        netRevenueRetention: rev0 ? revenue / rev0 : null,
        grossRevenueRetention: rev0 ? (cell?.cappedRevenue ?? 0) / rev0 : null,
        cumulativeRevenuePerClient: size ? cum / size : null,
      });
    }
    return { cohort, size, cells: out };
  });
  return {
    report: 'cohorts',
    kind: 'clients',
    by: q.by,
    period: g,
    periods: q.periods,
    cohorts,
    totals: { size: cohorts.reduce((s, c) => s + c.size, 0) },
  };
}
