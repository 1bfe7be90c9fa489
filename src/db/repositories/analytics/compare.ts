// The comparison report's queries, each for one group given as filters: sums of deal outcomes,
// won amounts and cycle days (n, Σx, Σx²); revenue, margin and net profit per client; churn and
// retention counts; and the largest values of a field (to compare one group per value).
import type { SqlRunner } from '../../sql';
import { sqlDialect } from '../../sql-dialect';
import { ECON, GROSS_MARGIN, NET_PROFIT, economicsSql } from './client-economics';
import {
  ACCOUNT_JOINS,
  accountCtes,
  DEAL_JOINS,
  filterWhere,
  filtersApply,
  groupExpr,
  noNeeds,
  periodWhere,
  type Period,
  type Scope,
} from './report-fields';

const n = (v: unknown) => Number(v ?? 0);

export interface DealSums {
  deals: number;
  won: number;
  lost: number;
  /** Won amounts: count, sum, sum of squares. */
  amountN: number;
  amountSum: number;
  amountSumSq: number;
  /** Days from creation to close of closed deals: count, sum, sum of squares. */
  cycleN: number;
  cycleSum: number;
  cycleSumSq: number;
}

/** Sums over the deals created in the period that match the filters. */
export async function dealSums(q: SqlRunner, opts: { period: Period; filters: Record<string, unknown> }): Promise<DealSums> {
  const d = sqlDialect(q.dialect);
  const needs = noNeeds();
  const params: unknown[] = [];
  const conds = [...periodWhere('o.created_at', opts.period, params), ...filterWhere(d, 'deals', opts.filters, params, needs)];
  const cyc = `CASE WHEN o.outcome <> 'open' AND o.closed_at IS NOT NULL THEN ${d.daysBetween('o.created_at', 'o.closed_at')} END`;
  const amt = `CASE WHEN o.outcome = 'won' THEN o.amount END`;
  const [r] = await q.all<Record<string, number>>(
    `WITH ${accountCtes(d, needs)}
     SELECT COUNT(*) AS deals, SUM(CASE WHEN o.outcome = 'won' THEN 1 ELSE 0 END) AS won, SUM(CASE WHEN o.outcome = 'lost' THEN 1 ELSE 0 END) AS lost,
            COUNT(${amt}) AS amt_n, SUM(${amt}) AS amt_s, SUM(${amt} * ${amt}) AS amt_ss,
            COUNT(${cyc}) AS cyc_n, SUM(${cyc}) AS cyc_s, SUM(${cyc} * ${cyc}) AS cyc_ss
     FROM opportunity o ${DEAL_JOINS} ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}`,
    params,
  );
  return {
    deals: n(r.deals),
    won: n(r.won),
    lost: n(r.lost),
    amountN: n(r.amt_n),
    amountSum: n(r.amt_s),
    amountSumSq: n(r.amt_ss),
    cycleN: n(r.cyc_n),
    cycleSum: n(r.cyc_s),
    cycleSumSq: n(r.cyc_ss),
  };
}

/** Revenue, gross margin and net profit of every client with money in the period that matches the filters. */
export async function clientMoney(
  q: SqlRunner,
  opts: { period: Period; filters: Record<string, unknown> },
): Promise<{ revenue: number; grossMargin: number; netProfit: number }[]> {
  const e = economicsSql(sqlDialect(q.dialect), opts.period, opts.filters, noNeeds());
  const rows = await q.all<{ revenue: number; gm: number; np: number }>(
    `${e.with} SELECT ${ECON.revenue} AS revenue, ${GROSS_MARGIN} AS gm, ${NET_PROFIT} AS np ${e.from}`,
    e.params,
  );
  return rows.map((r) => ({ revenue: Number(r.revenue), grossMargin: Number(r.gm), netProfit: Number(r.np) }));
}

/**
 * Churn among the clients that match the filters: with a whole period, those present at its start
 * (acquired before its end, not churned before its start) and how many churned in it; without one,
 * every client and how many have status churned.
 */
export async function churnCounts(
  q: SqlRunner,
  opts: { period: Period; filters: Record<string, unknown> },
): Promise<{ n: number; k: number }> {
  const d = sqlDialect(q.dialect);
  const { period } = opts;
  const needs = noNeeds();
  const cp: unknown[] = [];
  let churnSql: string;
  const fParams: unknown[] = [];
  const fConds = filterWhere(d, 'clients', opts.filters, fParams, needs);
  if (period.from && period.toExclusive) {
    churnSql = `SUM(CASE WHEN acct.churned_at >= ? AND acct.churned_at < ? THEN 1 ELSE 0 END)`;
    cp.push(period.from, period.toExclusive);
    fConds.unshift('(acct.acquired_at IS NULL OR acct.acquired_at < ?)', '(acct.churned_at IS NULL OR acct.churned_at >= ?)');
    fParams.unshift(period.toExclusive, period.from);
  } else churnSql = `SUM(CASE WHEN acct.status = 'churned' THEN 1 ELSE 0 END)`;
  const [ch] = await q.all<Record<string, number>>(
    `WITH ${accountCtes(d, needs)} SELECT COUNT(*) AS n, ${churnSql} AS k FROM acct ${ACCOUNT_JOINS} ${fConds.length ? `WHERE ${fConds.join(' AND ')}` : ''}`,
    [...cp, ...fParams],
  );
  return { n: n(ch.n), k: n(ch.k) };
}

/**
 * Retention over [from, to): clients matching the filters that ordered in the window of the same
 * length before `from` (n), and how many of them ordered again in the period (k).
 */
export async function retentionCounts(
  q: SqlRunner,
  opts: { from: Date; toExclusive: Date; filters: Record<string, unknown> },
): Promise<{ n: number; k: number }> {
  const d = sqlDialect(q.dialect);
  const len = opts.toExclusive.getTime() - opts.from.getTime();
  const needs = noNeeds();
  const params: unknown[] = [new Date(opts.from.getTime() - len), opts.from, opts.from, opts.toExclusive];
  const conds = filterWhere(d, 'clients', opts.filters, params, needs);
  const [rt] = await q.all<Record<string, number>>(
    `WITH ${accountCtes(d, needs)},
     prev AS (SELECT DISTINCT account_id FROM orders WHERE ordered_at >= ? AND ordered_at < ?),
     cur AS (SELECT DISTINCT account_id FROM orders WHERE ordered_at >= ? AND ordered_at < ?)
     SELECT COUNT(*) AS n, SUM(CASE WHEN cur.account_id IS NOT NULL THEN 1 ELSE 0 END) AS k
     FROM acct ${ACCOUNT_JOINS} JOIN prev ON prev.account_id = acct.id LEFT JOIN cur ON cur.account_id = acct.id
     ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}`,
    params,
  );
  return { n: n(rt.n), k: n(rt.k) };
}

/**
 * The most frequent values of a field (clients when it is a client field, else deals) among the
 * records matching `filters`, most records first, at most `limit`; INVALID_INPUT for a field that
 * cannot group.
 */
export async function fieldValues(
  q: SqlRunner,
  opts: { field: string; filters: Record<string, unknown>; limit: number },
): Promise<{ value: string; records: number }[]> {
  const d = sqlDialect(q.dialect);
  const scope: Scope = filtersApply('clients', { [opts.field]: 'x' }) ? 'clients' : 'deals';
  const needs = noNeeds();
  const expr = groupExpr(d, scope, opts.field, needs);
  const params: unknown[] = [];
  const conds = filterWhere(d, scope, opts.filters, params, needs);
  const from = scope === 'clients' ? `acct ${ACCOUNT_JOINS}` : `opportunity o ${DEAL_JOINS}`;
  const rows = await q.all<{ g: unknown; n: number }>(
    `WITH ${accountCtes(d, needs)} SELECT ${expr} AS g, COUNT(*) AS n FROM ${from} WHERE ${[`${expr} IS NOT NULL`, ...conds].join(' AND ')} GROUP BY ${expr} ORDER BY COUNT(*) DESC, 1 LIMIT ?`,
    [...params, opts.limit],
  );
  return rows.map((r) => ({ value: String(r.g), records: Number(r.n) }));
}
