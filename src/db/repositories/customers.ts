// Customers (accounts) as the churn and CLV models see them: each account with its order,
// activity and service-cost history (its deals come from the one deal loader, deals.ts), and the
// repeat-buying aggregates of its orders. A handful of set-based queries, no per-account round trips.
import type { Dialect } from '../sql';
import { fromSqlDate, placeholders, type SqlRunner } from '../sql';

/**
 * An account with its history as epoch-ms arrays sorted by time (the domain's CustomerHistory).
 * `deals` is left empty for the caller to fill from the deal loader, with deals of type D.
 */
export interface CustomerHistoryRecord<D = never> {
  accountId: number;
  externalId: string;
  segment: string | null;
  industry: string | null;
  region: string | null;
  country: string | null;
  size: string | null;
  employees: number | null;
  annualRevenue: number | null;
  acquisitionCost: number | null;
  acquiredAt: number | null;
  status: string | null;
  churnedAt: number | null;
  attributes: Record<string, string | number | boolean | null> | null;
  orders: { at: number; revenue: number }[];
  activities: number[];
  serviceCosts: { at: number; amount: number }[];
  deals: D[];
}

const ms = (v: unknown): number | null => fromSqlDate(v)?.getTime() ?? null;
const numOrNull = (v: unknown) => (v == null ? null : Number(v));

function parseAttributes(v: unknown): CustomerHistoryRecord['attributes'] {
  if (v === null || v === undefined || v === '') return null;
  const o = typeof v === 'string' ? JSON.parse(v) : v;
  return o && typeof o === 'object' && !Array.isArray(o) ? (o as CustomerHistoryRecord['attributes']) : null;
}

/** A far-future bound that still compares correctly as ISO text on SQLite (no 6-digit years). */
const NO_BOUND = new Date('9999-12-31T00:00:00Z');

/**
 * Every account (or the given ones), by id, with the orders, account activities and service costs
 * recorded strictly before `before` (default: all); `deals` empty.
 */
export async function customerHistories<D = never>(
  q: SqlRunner,
  options: { accountIds?: readonly number[]; before?: Date } = {},
): Promise<CustomerHistoryRecord<D>[]> {
  const ids = options.accountIds;
  const inList = (col: string) => (ids?.length ? ` AND ${col} IN (${placeholders(ids.length)})` : '');
  const before = options.before ?? NO_BOUND;
  const accounts = await q.all<Record<string, unknown>>(
    `SELECT id, external_id, segment, industry, region, country, size, employees, annual_revenue, acquisition_cost, acquired_at, status, churned_at, attributes
     FROM account WHERE 1 = 1${inList('id')} ORDER BY id`,
    ids ? [...ids] : [],
  );
  const byId = new Map<number, CustomerHistoryRecord<D>>();
  const out: CustomerHistoryRecord<D>[] = accounts.map((a) => {
    const h: CustomerHistoryRecord<D> = {
      accountId: Number(a.id),
      externalId: String(a.external_id),
      segment: (a.segment as string | null) ?? null,
      industry: (a.industry as string | null) ?? null,
      region: (a.region as string | null) ?? null,
      country: (a.country as string | null) ?? null,
      size: (a.size as string | null) ?? null,
      employees: numOrNull(a.employees),
      annualRevenue: numOrNull(a.annual_revenue),
      acquisitionCost: numOrNull(a.acquisition_cost),
      acquiredAt: ms(a.acquired_at),
      status: (a.status as string | null) ?? null,
      churnedAt: ms(a.churned_at),
      attributes: parseAttributes(a.attributes),
      orders: [],
      activities: [],
      serviceCosts: [],
      deals: [],
    };
    byId.set(h.accountId, h);
    return h;
  });
  const params = [before, ...(ids ?? [])];
  for (const r of await q.all<Record<string, unknown>>(
    `SELECT account_id, ordered_at, revenue FROM orders WHERE ordered_at < ?${inList('account_id')} ORDER BY account_id, ordered_at`,
    params,
  )) {
    byId.get(Number(r.account_id))?.orders.push({ at: ms(r.ordered_at)!, revenue: Number(r.revenue) });
  }
  for (const r of await q.all<Record<string, unknown>>(
    `SELECT account_id, occurred_at FROM activity WHERE account_id IS NOT NULL AND occurred_at < ?${inList('account_id')} ORDER BY account_id, occurred_at`,
    params,
  )) {
    byId.get(Number(r.account_id))?.activities.push(ms(r.occurred_at)!);
  }
  for (const r of await q.all<Record<string, unknown>>(
    `SELECT account_id, incurred_at, amount FROM service_cost WHERE incurred_at < ?${inList('account_id')} ORDER BY account_id, incurred_at`,
    params,
  )) {
    byId.get(Number(r.account_id))?.serviceCosts.push({ at: ms(r.incurred_at)!, amount: Number(r.amount) });
  }
  return out;
}

/** The UTC day number (days since 1970-01-01) of a date column, on either dialect. */
function dayExpr(dialect: Dialect, column: string): string {
  return dialect === 'sqlite'
    ? `CAST(julianday(substr(${column}, 1, 10)) - 2440587.5 AS INTEGER)`
    : `(CAST(${column} AS date) - DATE '1970-01-01')`;
}

/** The repeat-buying aggregates of one account's orders, per purchase day (UTC day numbers). */
export interface PurchaseAggregates {
  accountId: number;
  firstDay: number;
  lastDay: number;
  /** Distinct purchase days. */
  days: number;
  revenue: number;
  firstDayRevenue: number;
  costOfGoods: number;
}

/**
 * Orders collapsed to purchase days per account, then aggregated: for every account with an order
 * strictly before `before` (optionally only some accounts), by account id.
 */
export async function purchaseAggregates(
  q: SqlRunner,
  options: { before: Date; accountIds?: readonly number[] },
): Promise<PurchaseAggregates[]> {
  const day = dayExpr(q.dialect, 'ordered_at');
  const ids = options.accountIds;
  const filter = ids?.length ? `AND account_id IN (${placeholders(ids.length)})` : '';
  const rows = await q.all<Record<string, unknown>>(
    `WITH d AS (
       SELECT account_id, ${day} AS day, SUM(revenue) AS rev, SUM(cost_of_goods) AS cogs
       FROM orders WHERE ordered_at < ? ${filter}
       GROUP BY account_id, ${day}
     ), f AS (
       SELECT account_id, MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS days, SUM(rev) AS rev, SUM(cogs) AS cogs
       FROM d GROUP BY account_id
     )
     SELECT f.account_id, f.first_day, f.last_day, f.days, f.rev, f.cogs, d.rev AS first_rev
     FROM f JOIN d ON d.account_id = f.account_id AND d.day = f.first_day
     ORDER BY f.account_id`,
    [options.before, ...(ids ?? [])],
  );
  return rows.map((r) => ({
    accountId: Number(r.account_id),
    firstDay: Number(r.first_day),
    lastDay: Number(r.last_day),
    days: Number(r.days),
    revenue: Number(r.rev),
    firstDayRevenue: Number(r.first_rev),
    costOfGoods: Number(r.cogs),
  }));
}

/** Distinct purchase days per account in [from, to). */
export async function purchaseDaysBetween(q: SqlRunner, from: Date, to: Date): Promise<Map<number, number>> {
  const day = dayExpr(q.dialect, 'ordered_at');
  const rows = await q.all<{ account_id: number; n: number }>(
    `SELECT account_id, COUNT(DISTINCT ${day}) AS n FROM orders WHERE ordered_at >= ? AND ordered_at < ? GROUP BY account_id`,
    [from, to],
  );
  return new Map(rows.map((r) => [Number(r.account_id), Number(r.n)]));
}

/** First and last order instants, or null without orders. */
export async function orderSpan(q: SqlRunner): Promise<{ first: Date; last: Date } | null> {
  const rows = await q.all<{ a: unknown; b: unknown }>('SELECT MIN(ordered_at) AS a, MAX(ordered_at) AS b FROM orders');
  const first = fromSqlDate(rows[0]?.a);
  const last = fromSqlDate(rows[0]?.b);
  return first && last ? { first, last } : null;
}

/** The latest date of each kind of customer event (orders, activities, service costs, churn, acquisition); absent kinds left out. */
export async function latestCustomerEventDates(q: SqlRunner): Promise<Date[]> {
  const rows = await q.all<Record<string, unknown>>(
    `SELECT (SELECT MAX(ordered_at) FROM orders) AS o, (SELECT MAX(occurred_at) FROM activity) AS a, (SELECT MAX(incurred_at) FROM service_cost) AS s,
            (SELECT MAX(churned_at) FROM account) AS c, (SELECT MAX(acquired_at) FROM account) AS q`,
  );
  return Object.values(rows[0] ?? {})
    .map(fromSqlDate)
    .filter((d): d is Date => d !== null);
}
