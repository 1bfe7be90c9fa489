// The cohort report's queries. Deal cohorts: deals by created month/quarter (or a deal field) with
// counts, won amount and mean cycle. Client cohorts: accounts by acquisition period (or a client
// field), their sizes, and per cohort and period since acquisition k the active clients, revenue,
// and revenue capped at each client's own period-0 revenue.
import type { SqlRunner } from '../../sql';
import { type Granularity, periodIndex, periodKey, sqlDialect } from '../../sql-dialect';
import { ACCOUNT_JOINS, accountCtes, DEAL_JOINS, filterWhere, groupExpr, noNeeds, periodWhere, type Period } from './report-fields';

export type { Granularity };

/** A cohort key: a calendar period or a field of the scope. */
const isPeriod = (by: string): by is Granularity => by === 'month' || by === 'quarter';
const keyOf = (v: unknown) => (v === null || v === undefined ? null : String(v));

export interface DealCohortFigures {
  cohort: string | null;
  deals: number;
  won: number;
  lost: number;
  wonAmount: number;
  /** Mean days from creation to close of the closed deals, or null. */
  cycleDays: number | null;
}

/** Deals created in the period grouped by created month/quarter or a deal field, in cohort order. */
export async function dealCohorts(
  q: SqlRunner,
  opts: { period: Period; filters: Record<string, unknown>; by: string },
): Promise<DealCohortFigures[]> {
  const d = sqlDialect(q.dialect);
  const needs = noNeeds();
  const key = isPeriod(opts.by) ? periodKey(d, opts.by, 'o.created_at') : groupExpr(d, 'deals', opts.by, needs);
  const params: unknown[] = [];
  const conds = [...periodWhere('o.created_at', opts.period, params), ...filterWhere(d, 'deals', opts.filters, params, needs)];
  const rows = await q.all<Record<string, unknown>>(
    `WITH ${accountCtes(d, needs)}
     SELECT ${key} AS cohort, COUNT(*) AS deals,
       SUM(CASE WHEN o.outcome = 'won' THEN 1 ELSE 0 END) AS won, SUM(CASE WHEN o.outcome = 'lost' THEN 1 ELSE 0 END) AS lost,
       SUM(CASE WHEN o.outcome = 'won' THEN o.amount ELSE 0 END) AS won_amount,
       AVG(CASE WHEN o.outcome <> 'open' AND o.closed_at IS NOT NULL THEN ${d.daysBetween('o.created_at', 'o.closed_at')} END) AS cycle
     FROM opportunity o ${DEAL_JOINS} ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
     GROUP BY ${key} ORDER BY 1`,
    params,
  );
  return rows.map((r) => ({
    cohort: keyOf(r.cohort),
    deals: Number(r.deals),
    won: Number(r.won),
    lost: Number(r.lost),
    wonAmount: Number(r.won_amount),
    cycleDays: r.cycle === null ? null : Number(r.cycle),
  }));
}

export interface ClientCohortCell {
  cohort: string | null;
  /** Periods since the client's own acquisition period. */
  k: number;
  activeClients: number;
  revenue: number;
  /** Σ over clients of min(revenue in period k, the client's period-0 revenue). */
  cappedRevenue: number;
}

/**
 * Clients acquired in the period (acquired_at, else their first order) grouped by acquisition
 * month/quarter or a client field: each cohort's size, and its cells for k = 0 .. periods - 1 in
 * periods of `granularity` (cells without an order are absent).
 */
export async function clientCohorts(
  q: SqlRunner,
  opts: { period: Period; filters: Record<string, unknown>; by: string; granularity: Granularity; periods: number },
): Promise<{ sizes: { cohort: string | null; size: number }[]; cells: ClientCohortCell[] }> {
  const d = sqlDialect(q.dialect);
  const needs = { ...noNeeds(), cohort: true };
  const key = isPeriod(opts.by) ? periodKey(d, opts.by, 'acct.cohort_at') : groupExpr(d, 'clients', opts.by, needs);
  const params: unknown[] = [];
  const conds = [
    'acct.cohort_at IS NOT NULL',
    ...periodWhere('acct.cohort_at', opts.period, params),
    ...filterWhere(d, 'clients', opts.filters, params, needs),
  ];
  const pi = (e: string) => periodIndex(d, opts.granularity, e);
  const withSql = `WITH ${accountCtes(d, needs)},
ac AS ${d.materialized} (SELECT acct.id, ${key} AS cohort, acct.cohort_at FROM acct ${ACCOUNT_JOINS} WHERE ${conds.join(' AND ')}),
ap AS ${d.materialized} (SELECT o.account_id, ${pi('o.ordered_at')} - ${pi('ac.cohort_at')} AS k, SUM(o.revenue) AS rev
       FROM orders o JOIN ac ON ac.id = o.account_id
       GROUP BY o.account_id, ${pi('o.ordered_at')} - ${pi('ac.cohort_at')}),
b AS ${d.materialized} (SELECT account_id, rev AS rev0 FROM ap WHERE k = 0)`;
  const cells = await q.all<Record<string, unknown>>(
    `${withSql}
     SELECT ac.cohort, ap.k, COUNT(*) AS active, SUM(ap.rev) AS revenue,
            SUM(CASE WHEN ap.rev < COALESCE(b.rev0, 0) THEN ap.rev ELSE COALESCE(b.rev0, 0) END) AS capped
     FROM ap JOIN ac ON ac.id = ap.account_id LEFT JOIN b ON b.account_id = ap.account_id
     WHERE ap.k >= 0 AND ap.k < ?
     GROUP BY ac.cohort, ap.k`,
    [...params, opts.periods],
  );
  const sizes = await q.all<Record<string, unknown>>(
    `${withSql} SELECT cohort, COUNT(*) AS size FROM ac GROUP BY cohort ORDER BY 1`,
    params,
  );
  return {
    sizes: sizes.map((s) => ({ cohort: keyOf(s.cohort), size: Number(s.size) })),
    cells: cells.map((c) => ({
      cohort: keyOf(c.cohort),
      k: Number(c.k),
      activeClients: Number(c.active ?? 0),
      revenue: Number(c.revenue ?? 0),
      cappedRevenue: Number(c.capped ?? 0),
    })),
  };
}
