// The growth report's queries: turnover (order revenue by order date) or bookings (won deal amounts
// by close date) per group and calendar period, the span of dates the data covers, and the same
// sums over a window of days (for the like-for-like comparison of a period cut by the report's end).
import type { SqlRunner } from '../../sql';
import { fromSqlDate } from '../../sql';
import {
  ACCOUNT_JOINS,
  accountCtes,
  DEAL_BUSINESS,
  DEAL_JOINS,
  filterWhere,
  groupExpr,
  type Needs,
  noNeeds,
  type Period,
  periodWhere,
} from './report-fields';
import { type SqlDialect, sqlDialect } from '../../sql-dialect';

export type GrowthMeasure = 'turnover' | 'bookings';
export type GrowthPeriodUnit = 'year' | 'quarter' | 'month';

const MONTHS: Record<GrowthPeriodUnit, number> = { year: 12, quarter: 3, month: 1 };

/**
 * New-client or existing-client business of an order: that of its deal when it belongs to one,
 * else existing when the account was a client (acquired, won a deal or ordered) before it.
 */
export const ORDER_BUSINESS = `CASE WHEN op.id IS NOT NULL THEN (CASE WHEN acct.since_at < op.created_at THEN 'existing' ELSE 'new' END)
  WHEN acct.since_at < od.ordered_at THEN 'existing' ELSE 'new' END`;

interface Source {
  /** FROM ... joins. */
  from: string;
  date: string;
  value: string;
  /** Always-true conditions of the source (won deals only). */
  base: string[];
  product: string;
}

function source(measure: GrowthMeasure): Source {
  return measure === 'turnover'
    ? {
        from: `orders od JOIN acct ON acct.id = od.account_id ${ACCOUNT_JOINS} LEFT JOIN product p ON p.id = od.product_id LEFT JOIN opportunity op ON op.id = od.opportunity_id`,
        date: 'od.ordered_at',
        value: 'od.revenue',
        base: [],
        product: 'p',
      }
    : {
        from: `opportunity o ${DEAL_JOINS}`,
        date: 'o.closed_at',
        value: 'o.amount',
        base: ["o.outcome = 'won'", 'o.closed_at IS NOT NULL'],
        product: 'p',
      };
}

/** The group expression of `by`: the product's family or name, new/existing business, or a client (deal) field. */
function groupOf(d: SqlDialect, measure: GrowthMeasure, by: string, needs: Needs): string {
  if (by === 'family') return 'p.family';
  if (by === 'product') return 'p.name';
  if (by === 'business') {
    needs.since = true;
    return measure === 'turnover' ? ORDER_BUSINESS : DEAL_BUSINESS;
  }
  return groupExpr(d, measure === 'turnover' ? 'clients' : 'deals', by, needs);
}

/**
 * The filters: product and family restrict the orders (deals) themselves; every other field the
 * clients (for turnover) or the deals (for bookings), refused by name when unknown.
 */
function filterConds(d: SqlDialect, measure: GrowthMeasure, filters: Record<string, unknown>, params: unknown[], needs: Needs): string[] {
  const conds: string[] = [];
  const rest: Record<string, unknown> = {};
  for (const [field, raw] of Object.entries(filters)) {
    const values = (Array.isArray(raw) ? raw : [raw]).map(String);
    const ph = values.map(() => '?').join(', ');
    if (field === 'product') {
      conds.push(`(p.external_id IN (${ph}) OR p.name IN (${ph}))`);
      params.push(...values, ...values);
    } else if (field === 'family') {
      conds.push(`p.family IN (${ph})`);
      params.push(...values);
    } else if (field === 'business') {
      needs.since = true;
      conds.push(`${measure === 'turnover' ? ORDER_BUSINESS : DEAL_BUSINESS} IN (${ph})`);
      params.push(...values);
    } else rest[field] = raw;
  }
  return [...conds, ...filterWhere(d, measure === 'turnover' ? 'clients' : 'deals', rest, params, needs)];
}

export interface GrowthQuery {
  measure: GrowthMeasure;
  by: string;
  period: GrowthPeriodUnit;
  range: Period;
  filters: Record<string, unknown>;
}

interface Prepared {
  withSql: string;
  from: string;
  conds: string[];
  params: unknown[];
  group: string;
  date: string;
  value: string;
  d: SqlDialect;
}

function prepare(q: SqlRunner, opts: GrowthQuery, extra: (date: string, params: unknown[]) => string[]): Prepared {
  const d = sqlDialect(q.dialect);
  const needs = noNeeds();
  const src = source(opts.measure);
  const group = groupOf(d, opts.measure, opts.by, needs);
  const params: unknown[] = [];
  const filterParams: unknown[] = [];
  const fconds = filterConds(d, opts.measure, opts.filters, filterParams, needs);
  const conds = [...src.base, ...extra(src.date, params), ...fconds];
  return {
    withSql: `WITH ${accountCtes(d, needs)}`,
    from: src.from,
    conds,
    params: [...params, ...filterParams],
    group,
    date: src.date,
    value: src.value,
    d,
  };
}

/** Turnover (bookings) per group and period index (year, Y·4 + q − 1 or Y·12 + m − 1) over the range. */
export async function growthCells(q: SqlRunner, opts: GrowthQuery): Promise<{ group: string | null; period: number; value: number }[]> {
  const p = prepare(q, opts, (date, params) => periodWhere(date, opts.range, params));
  const idx = `(${p.d.monthIndex(p.date)}) / ${MONTHS[opts.period]}`;
  const rows = await q.all<{ grp: unknown; pi: unknown; v: unknown }>(
    `${p.withSql} SELECT ${p.group} AS grp, ${idx} AS pi, SUM(${p.value}) AS v FROM ${p.from}
     ${p.conds.length ? `WHERE ${p.conds.join(' AND ')}` : ''} GROUP BY ${p.group}, ${idx}`,
    p.params,
  );
  return rows.map((r) => ({
    group: r.grp === null || r.grp === undefined ? null : String(r.grp),
    period: Number(r.pi),
    value: Number(r.v ?? 0),
  }));
}

/** Turnover (bookings) per group over [from, to). */
export async function growthWindow(q: SqlRunner, opts: GrowthQuery, window: { from: Date; to: Date }): Promise<Map<string | null, number>> {
  const p = prepare(q, opts, (date, params) => periodWhere(date, { from: window.from, toExclusive: window.to }, params));
  const rows = await q.all<{ grp: unknown; v: unknown }>(
    `${p.withSql} SELECT ${p.group} AS grp, SUM(${p.value}) AS v FROM ${p.from} WHERE ${p.conds.join(' AND ')} GROUP BY ${p.group}`,
    p.params,
  );
  return new Map(rows.map((r) => [r.grp === null || r.grp === undefined ? null : String(r.grp), Number(r.v ?? 0)]));
}

/** First and last date of the measure's records in the whole database (null when there are none). */
export async function measureSpan(q: SqlRunner, measure: GrowthMeasure): Promise<{ first: Date; last: Date } | null> {
  const [r] = await q.all<{ f: unknown; l: unknown }>(
    measure === 'turnover'
      ? 'SELECT MIN(ordered_at) AS f, MAX(ordered_at) AS l FROM orders'
      : "SELECT MIN(closed_at) AS f, MAX(closed_at) AS l FROM opportunity WHERE outcome = 'won' AND closed_at IS NOT NULL",
  );
  const first = fromSqlDate(r?.f);
  const last = fromSqlDate(r?.l);
  return first && last ? { first, last } : null;
}
