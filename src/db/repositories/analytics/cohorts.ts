// The cohort report's deal cohorts: deals by created month/quarter (or a deal field) with counts,
// won amount and mean cycle. The client cohorts' queries are in client-cohorts.ts.
import type { SqlRunner } from '../../sql';
import { type Granularity, periodKey, sqlDialect } from '../../sql-dialect';
import { accountCtes, DEAL_JOINS, filterWhere, groupExpr, noNeeds, periodWhere, type Period } from './report-fields';

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
