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
import { wilsonInterval, type Interval } from '../../domain/analytics/statistics';
import { monthIndexOf } from '../../domain/analytics/payback';
import { fromSqlDate } from '../../db/sql';
import { periodIndex, periodKey, sqlDialect, type Granularity } from '../../db/sql-dialect';
import {
  ACCOUNT_JOINS,
  DEAL_JOINS,
  Filters,
  PeriodFields,
  accountCtes,
  filterWhere,
  groupExpr,
  noNeeds,
  parseInput,
  periodWhere,
  resolvePeriod,
} from './filters';

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
  const d = sqlDialect(db.sql.dialect);
  const range = resolvePeriod(q.from, q.to);
  const byPeriod = q.by === 'month' || q.by === 'quarter';
  const g: Granularity = q.period ?? (q.by === 'quarter' ? 'quarter' : 'month');
  if (q.kind === 'deals') {
    const needs = noNeeds();
    const key = byPeriod ? periodKey(d, q.by as Granularity, 'o.created_at') : groupExpr(d, 'deals', q.by, needs);
    const params: unknown[] = [];
    const conds = [...periodWhere('o.created_at', range, params), ...filterWhere(d, 'deals', q.filters, params, needs)];
    const rows = await db.sql.all<Record<string, unknown>>(
      `WITH ${accountCtes(d, needs)}
       SELECT ${key} AS cohort, COUNT(*) AS deals,
         SUM(CASE WHEN o.outcome = 'won' THEN 1 ELSE 0 END) AS won, SUM(CASE WHEN o.outcome = 'lost' THEN 1 ELSE 0 END) AS lost,
         SUM(CASE WHEN o.outcome = 'won' THEN o.amount ELSE 0 END) AS won_amount,
         AVG(CASE WHEN o.outcome <> 'open' AND o.closed_at IS NOT NULL THEN ${d.daysBetween('o.created_at', 'o.closed_at')} END) AS cycle
       FROM opportunity o ${DEAL_JOINS} ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
       GROUP BY ${key} ORDER BY 1`,
      params,
    );
    const dealCohorts = rows.map((r) => {
      const deals = Number(r.deals);
      const won = Number(r.won);
      const lost = Number(r.lost);
      return {
        cohort: r.cohort === null ? null : String(r.cohort),
        deals,
        won,
        lost,
        open: deals - won - lost,
        winRate: wilsonInterval(won, won + lost),
        avgCycleDays: r.cycle === null ? null : Number(r.cycle),
        wonAmount: Number(r.won_amount),
      };
    });
    const t = dealCohorts.reduce(
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
      dealCohorts,
      totals: { ...t, winRate: wilsonInterval(t.won, t.won + t.lost) },
    };
  }

  const needs = { ...noNeeds(), cohort: true };
  const key = byPeriod ? periodKey(d, q.by as Granularity, 'acct.cohort_at') : groupExpr(d, 'clients', q.by, needs);
  const params: unknown[] = [];
  const conds = [
    'acct.cohort_at IS NOT NULL',
    ...periodWhere('acct.cohort_at', range, params),
    ...filterWhere(d, 'clients', q.filters, params, needs),
  ];
  const pi = (e: string) => periodIndex(d, g, e);
  const withSql = `WITH ${accountCtes(d, needs)},
ac AS ${d.materialized} (SELECT acct.id, ${key} AS cohort, acct.cohort_at FROM acct ${ACCOUNT_JOINS} WHERE ${conds.join(' AND ')}),
ap AS ${d.materialized} (SELECT o.account_id, ${pi('o.ordered_at')} - ${pi('ac.cohort_at')} AS k, SUM(o.revenue) AS rev
       FROM orders o JOIN ac ON ac.id = o.account_id
       GROUP BY o.account_id, ${pi('o.ordered_at')} - ${pi('ac.cohort_at')}),
b AS ${d.materialized} (SELECT account_id, rev AS rev0 FROM ap WHERE k = 0)`;
  const cells = await db.sql.all<Record<string, unknown>>(
    `${withSql}
     SELECT ac.cohort, ap.k, COUNT(*) AS active, SUM(ap.rev) AS revenue,
            SUM(CASE WHEN ap.rev < COALESCE(b.rev0, 0) THEN ap.rev ELSE COALESCE(b.rev0, 0) END) AS capped
     FROM ap JOIN ac ON ac.id = ap.account_id LEFT JOIN b ON b.account_id = ap.account_id
     WHERE ap.k >= 0 AND ap.k < ?
     GROUP BY ac.cohort, ap.k`,
    [...params, q.periods],
  );
  const sizes = await db.sql.all<Record<string, unknown>>(
    `${withSql} SELECT cohort, COUNT(*) AS size FROM ac GROUP BY cohort ORDER BY 1`,
    params,
  );
  const [span] = await db.sql.all<{ f: unknown; m: unknown }>('SELECT MIN(ordered_at) AS f, MAX(ordered_at) AS m FROM orders');
  const toIndex = (d: Date | null) => (d ? (g === 'month' ? monthIndexOf(d) : Math.floor(monthIndexOf(d) / 3)) : null);
  const firstIndex = toIndex(fromSqlDate(span?.f));
  const lastIndex = toIndex(fromSqlDate(span?.m));

  const byCohort = new Map<string, Map<number, Record<string, unknown>>>();
  for (const c of cells) {
    const k = String(c.cohort);
    if (!byCohort.has(k)) byCohort.set(k, new Map());
    byCohort.get(k)!.set(Number(c.k), c);
  }
  const cohorts: ClientCohort[] = sizes.map((s) => {
    const cohort = s.cohort === null ? null : String(s.cohort);
    const size = Number(s.size);
    const m = byCohort.get(String(s.cohort)) ?? new Map();
    const rev0 = Number(m.get(0)?.revenue ?? 0);
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
      const active = Number(cell?.active ?? 0);
      const revenue = Number(cell?.revenue ?? 0);
      cum += revenue;
      out.push({
        period: k,
        activeClients: active,
        retention: size ? active / size : null,
        revenue,
        netRevenueRetention: rev0 ? revenue / rev0 : null,
        grossRevenueRetention: rev0 ? Number(cell?.capped ?? 0) / rev0 : null,
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
