// The client cohorts' queries: clients grouped by cohort (acquisition period or a client field) and
// by their own acquisition period, and their active clients, revenue and capped revenue per period
// since acquisition; plus the clients acquired before the order history begins (left out or flagged).
import type { SqlRunner } from '../../sql';
import { fromSqlDate } from '../../sql';
import { ACCOUNT_JOINS, accountCtes, filterWhere, groupExpr, noNeeds, type Period, periodWhere } from './report-fields';
import { type Granularity, periodIndex, periodKey, sqlDialect } from '../../sql-dialect';
import type { CohortCellRow, CohortSizeRow } from '../../../domain/analytics/cohort-retention';

export interface ClientCohortQuery {
  period: Period;
  filters: Record<string, unknown>;
  /** month, quarter or a client field. */
  by: string;
  granularity: Granularity;
  periods: number;
  /** Month index of the first recorded order (null: no orders). */
  historyMonth: number | null;
  /** Leave out the clients acquired before historyMonth. */
  observedOnly: boolean;
}

function prepare(q: SqlRunner, opts: ClientCohortQuery, early: 'include' | 'only') {
  const d = sqlDialect(q.dialect);
  const needs = { ...noNeeds(), cohort: true };
  const key =
    opts.by === 'month' || opts.by === 'quarter' ? periodKey(d, opts.by, 'acct.cohort_at') : groupExpr(d, 'clients', opts.by, needs);
  const params: unknown[] = [];
  const conds = [
    'acct.cohort_at IS NOT NULL',
    ...periodWhere('acct.cohort_at', opts.period, params),
    ...filterWhere(d, 'clients', opts.filters, params, needs),
  ];
  const mi = d.monthIndex('acct.cohort_at');
  if (opts.historyMonth !== null && (early === 'only' || opts.observedOnly)) {
    conds.push(early === 'only' ? `${mi} < ?` : `${mi} >= ?`);
    params.push(opts.historyMonth);
  }
  // The early flag's placeholder comes before the conditions' in the statement text.
  const earlyExpr = opts.historyMonth === null ? '0' : `CASE WHEN ${mi} < ? THEN 1 ELSE 0 END`;
  const earlyParams = opts.historyMonth === null ? [] : [opts.historyMonth];
  return { d, needs, key, params, conds, earlyExpr, earlyParams };
}

/** Cohort sizes per acquisition period, and the cells per period since acquisition (k < periods). */
export async function clientCohortRows(q: SqlRunner, opts: ClientCohortQuery): Promise<{ sizes: CohortSizeRow[]; cells: CohortCellRow[] }> {
  const p = prepare(q, opts, 'include');
  const pi = (e: string) => periodIndex(p.d, opts.granularity, e);
  const withSql = `WITH ${accountCtes(p.d, p.needs)},
ac AS ${p.d.materialized} (SELECT acct.id, ${p.key} AS cohort, ${pi('acct.cohort_at')} AS ci, ${p.earlyExpr} AS early
       FROM acct ${ACCOUNT_JOINS} WHERE ${p.conds.join(' AND ')}),
ap AS ${p.d.materialized} (SELECT o.account_id, ${pi('o.ordered_at')} - ac.ci AS k, SUM(o.revenue) AS rev
       FROM orders o JOIN ac ON ac.id = o.account_id GROUP BY o.account_id, ${pi('o.ordered_at')} - ac.ci),
b AS ${p.d.materialized} (SELECT account_id, rev AS rev0 FROM ap WHERE k = 0)`;
  const cells = await q.all<Record<string, unknown>>(
    `${withSql}
     SELECT ac.cohort, ac.ci, ap.k, COUNT(*) AS active, SUM(ap.rev) AS revenue,
            SUM(CASE WHEN ap.rev < COALESCE(b.rev0, 0) THEN ap.rev ELSE COALESCE(b.rev0, 0) END) AS capped
     FROM ap JOIN ac ON ac.id = ap.account_id LEFT JOIN b ON b.account_id = ap.account_id
     WHERE ap.k >= 0 AND ap.k < ?
     GROUP BY ac.cohort, ac.ci, ap.k`,
    [...p.earlyParams, ...p.params, opts.periods],
  );
  const sizes = await q.all<Record<string, unknown>>(
    `${withSql} SELECT cohort, ci, early, COUNT(*) AS size FROM ac GROUP BY cohort, ci, early ORDER BY 1, 2`,
    [...p.earlyParams, ...p.params],
  );
  const key = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    sizes: sizes.map((s) => ({ cohort: key(s.cohort), acquired: Number(s.ci), early: Number(s.early) === 1, size: Number(s.size) })),
    cells: cells.map((c) => ({
      cohort: key(c.cohort),
      acquired: Number(c.ci),
      k: Number(c.k),
      activeClients: Number(c.active ?? 0),
      revenue: Number(c.revenue ?? 0),
      cappedRevenue: Number(c.capped ?? 0),
    })),
  };
}

/** The clients (matching the filters) acquired before the month of the first recorded order. */
export async function clientsAcquiredBeforeHistory(
  q: SqlRunner,
  opts: ClientCohortQuery,
): Promise<{ clients: number; from: Date | null; to: Date | null }> {
  if (opts.historyMonth === null) return { clients: 0, from: null, to: null };
  const p = prepare(q, opts, 'only');
  const [r] = await q.all<Record<string, unknown>>(
    `WITH ${accountCtes(p.d, p.needs)} SELECT COUNT(*) AS n, MIN(acct.cohort_at) AS f, MAX(acct.cohort_at) AS l FROM acct ${ACCOUNT_JOINS} WHERE ${p.conds.join(' AND ')}`,
    p.params,
  );
  return { clients: Number(r?.n ?? 0), from: fromSqlDate(r?.f), to: fromSqlDate(r?.l) };
}
