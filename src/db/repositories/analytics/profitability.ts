// The profitability report's queries: per-client money over a period summed in SQL (see
// client-economics.ts for the definitions), as a sorted page with totals over every matching
// client, or broken down by a client field; and the monthly net profit series behind payback.
import { fromSqlDate, placeholders, type SqlRunner } from '../../sql';
import { sqlDialect, type SqlDialect } from '../../sql-dialect';
import { COST_TO_SERVE, ECON, GROSS_MARGIN, NET_PROFIT, economicsSql } from './client-economics';
import { groupExpr, noNeeds, type Period } from './report-fields';

const SORT_COLUMNS: Record<string, string> = {
  name: 'acct.name',
  segment: 'acct.segment',
  region: 'acct.region',
  rep: 'acct.rep_name',
  cohort: 'acct.cohort_at',
  revenue: ECON.revenue,
  cogs: ECON.cogs,
  grossMargin: GROSS_MARGIN,
  grossMarginPct: `CASE WHEN ${ECON.revenue} <> 0 THEN ${GROSS_MARGIN} / ${ECON.revenue} END`,
  costToServe: COST_TO_SERVE,
  netProfit: NET_PROFIT,
  netMarginPct: `CASE WHEN ${ECON.revenue} <> 0 THEN ${NET_PROFIT} / ${ECON.revenue} END`,
  orders: ECON.orders,
  aov: `CASE WHEN ${ECON.orders} > 0 THEN ${ECON.revenue} / ${ECON.orders} END`,
  firstPurchase: ECON.firstPurchase,
  lastPurchase: ECON.lastPurchase,
  acquisitionCost: 'acct.acquisition_cost',
  clv: 'acct.clv',
  // Computed for every matching client only when asked for (see paybackCtes), joined as pb.
  paybackMonths: 'pb.months',
};
/** The fields the client list can be sorted by. */
export const PROFITABILITY_SORT_FIELDS = Object.keys(SORT_COLUMNS);

/** Money summed over clients (one client for a row of the list). */
export interface MoneySums {
  clients: number;
  revenue: number;
  cogs: number;
  orderDiscounts: number;
  serviceCost: number;
  discountCost: number;
  activityCost: number;
  salesEffort: number;
  orders: number;
  acquisitionCost: number;
}

const AGG_EXPR: Record<string, string> = {
  clients: '',
  revenue: ECON.revenue,
  cogs: ECON.cogs,
  order_discounts: ECON.orderDiscounts,
  service_cost: ECON.serviceCost,
  discount_cost: ECON.discountCost,
  activity_cost: ECON.activityCost,
  sales_effort: ECON.salesEffort,
  orders: ECON.orders,
  acquisition_cost: 'COALESCE(acct.acquisition_cost, 0)',
};
const AGG_KEYS = Object.keys(AGG_EXPR);
const AGG_SELECT = AGG_KEYS.map((k) => (k === 'clients' ? 'COUNT(*) AS clients' : `SUM(${AGG_EXPR[k]}) AS ${k}`)).join(', ');

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const textOrNull = (v: unknown) => (v === null || v === undefined ? null : (v as string));

/** The sums of a result row whose columns are named `${prefix}${AGG key}`. */
function sumsOf(r: Record<string, unknown>, prefix = ''): MoneySums {
  return {
    clients: num(r[`${prefix}clients`]),
    revenue: num(r[`${prefix}revenue`]),
    cogs: num(r[`${prefix}cogs`]),
    orderDiscounts: num(r[`${prefix}order_discounts`]),
    serviceCost: num(r[`${prefix}service_cost`]),
    discountCost: num(r[`${prefix}discount_cost`]),
    activityCost: num(r[`${prefix}activity_cost`]),
    salesEffort: num(r[`${prefix}sales_effort`]),
    orders: num(r[`${prefix}orders`]),
    acquisitionCost: num(r[`${prefix}acquisition_cost`]),
  };
}

/**
 * NULLs sort as the smallest value on both dialects (SQLite's rule), except payback: clients that
 * have not paid back (or have no acquisition cost) come after those that have, either way round.
 */
function orderBy(d: SqlDialect, col: string, dir: 'ASC' | 'DESC'): string {
  if (col === SORT_COLUMNS.paybackMonths) return `CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END, ${col} ${dir}`;
  return `${col} ${dir}${d.dialect === 'postgresql' ? (dir === 'DESC' ? ' NULLS LAST' : ' NULLS FIRST') : ''}`;
}

export interface ProfitabilityGroup {
  group: string | null;
  sums: MoneySums;
}

/** The clients' money broken down by a client field (INVALID_INPUT for an unknown one), largest net profit first. */
export async function profitabilityByGroup(
  q: SqlRunner,
  opts: { period: Period; filters: Record<string, unknown>; by: string },
): Promise<ProfitabilityGroup[]> {
  const d = sqlDialect(q.dialect);
  const needs = noNeeds();
  const byExpr = groupExpr(d, 'clients', opts.by, needs);
  const e = economicsSql(d, opts.period, opts.filters, needs);
  const rows = await q.all<Record<string, unknown>>(
    `${e.with} SELECT ${byExpr} AS grp, ${AGG_SELECT} ${e.from} GROUP BY ${byExpr} ORDER BY SUM(${NET_PROFIT}) DESC`,
    e.params,
  );
  return rows.map((r) => ({ group: r.grp === null || r.grp === undefined ? null : String(r.grp), sums: sumsOf(r) }));
}

/** A client of the list with its money and the fields shown beside it. */
export interface ClientMoney {
  id: number;
  externalId: string;
  name: string;
  segment: string | null;
  region: string | null;
  repName: string | null;
  churnedAt: Date | null;
  cohortAt: Date | null;
  /** Acquisition month YYYY-MM. */
  cohort: string | null;
  acquisitionCost: number | null;
  /** account: the account's own cost; campaign: its acquiring campaign's cost per acquired account. */
  acquisitionCostSource: 'account' | 'campaign' | null;
  clv: number | null;
  rfmSegment: string | null;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  /** This client's money (clients = 1). */
  sums: MoneySums;
}

/**
 * A page of clients sorted by a PROFITABILITY_SORT_FIELDS field, and the totals over every matching
 * client (window aggregates of the same pass; their own query only past the last page).
 */
export async function profitabilityPage(
  q: SqlRunner,
  opts: {
    period: Period;
    filters: Record<string, unknown>;
    sort: string;
    descending: boolean;
    limit: number;
    offset: number;
    /** Month index of the first recorded order: clients acquired before it have no payback to sort by. */
    historyMonth?: number | null;
  },
): Promise<{ rows: ClientMoney[]; totals: MoneySums }> {
  if (!Object.hasOwn(SORT_COLUMNS, opts.sort)) throw new Error(`unknown profitability sort field ${opts.sort}`);
  const col = SORT_COLUMNS[opts.sort];
  const d = sqlDialect(q.dialect);
  // The client list shows owner, cohort and score.
  const needs = { ...noNeeds(), owner: true, cohort: true, score: true };
  const byPayback = col === SORT_COLUMNS.paybackMonths;
  // Joined on econ (the driving table), SQLite indexes the lookup; joined on acct.id it scanned
  // payback once per client (9 s instead of 2.7 s at 20k clients and 1M order lines).
  const e = economicsSql(
    d,
    opts.period,
    opts.filters,
    needs,
    [],
    byPayback ? 'LEFT JOIN payback pb ON pb.account_id = econ.account_id' : '',
  );
  if (byPayback) {
    // Sorting by payback needs it for every matching client, not just the page: in SQL.
    const pbParams: unknown[] = [];
    e.with = `${e.with},\n${paybackCtes(d, opts.period.toExclusive, opts.historyMonth ?? null, pbParams)}`;
    e.params = [...e.withParams, ...pbParams, ...e.fromParams];
  }
  const rows = await q.all<Record<string, unknown>>(
    `${e.with} SELECT acct.id, acct.external_id, acct.name, acct.segment, acct.region, acct.rep_name, acct.status, acct.churned_at, acct.cohort_at,
       acct.acquisition_cost, acct.acquisition_cost_source, acct.clv, acct.rfm_segment, ${d.monthKey('acct.cohort_at')} AS cohort,
       ${ECON.revenue} AS revenue, ${ECON.cogs} AS cogs, ${ECON.orderDiscounts} AS order_discounts, ${ECON.serviceCost} AS service_cost,
       ${ECON.discountCost} AS discount_cost, ${ECON.activityCost} AS activity_cost, ${ECON.salesEffort} AS sales_effort, ${ECON.orders} AS orders,
       econ.first_at, econ.last_at,
       ${AGG_KEYS.map((k) => `${k === 'clients' ? 'COUNT(*)' : `SUM(${AGG_EXPR[k]})`} OVER () AS t_${k}`).join(', ')}
     ${e.from}
     ORDER BY ${orderBy(d, col, opts.descending ? 'DESC' : 'ASC')}, acct.id
     LIMIT ? OFFSET ?`,
    [...e.params, opts.limit, opts.offset],
  );
  let totals: MoneySums;
  if (rows.length) totals = sumsOf(rows[0], 't_');
  else {
    // Past the last page (or nothing matches): the totals need their own query.
    const [t] = await q.all<Record<string, unknown>>(`${e.with} SELECT ${AGG_SELECT} ${e.from}`, e.params);
    totals = sumsOf(t ?? {});
  }
  return {
    totals,
    rows: rows.map((r) => ({
      id: Number(r.id),
      externalId: String(r.external_id),
      name: String(r.name),
      segment: textOrNull(r.segment),
      region: textOrNull(r.region),
      repName: textOrNull(r.rep_name),
      churnedAt: fromSqlDate(r.churned_at),
      cohortAt: fromSqlDate(r.cohort_at),
      cohort: textOrNull(r.cohort),
      acquisitionCost: numOrNull(r.acquisition_cost),
      acquisitionCostSource:
        r.acquisition_cost_source === 'account' || r.acquisition_cost_source === 'campaign' ? r.acquisition_cost_source : null,
      clv: numOrNull(r.clv),
      rfmSegment: textOrNull(r.rfm_segment),
      firstPurchaseAt: fromSqlDate(r.first_at),
      lastPurchaseAt: fromSqlDate(r.last_at),
      sums: sumsOf({ ...r, clients: 1 }),
    })),
  };
}

/**
 * Monthly net profit (all history up to the period end) of the given accounts: one entry per
 * account and calendar month (month index as in sqlDialect's monthIndex), summed in SQL.
 */
export async function monthlyNetProfit(
  q: SqlRunner,
  ids: readonly number[],
  toExclusive: Date | null,
): Promise<Map<number, { month: number; netProfit: number }[]>> {
  const out = new Map<number, { month: number; netProfit: number }[]>();
  if (ids.length === 0) return out;
  const d = sqlDialect(q.dialect);
  const params: unknown[] = [];
  const sql = `${monthlyNetProfitSql(d, ids, toExclusive, params)} ORDER BY account_id, mi`;
  const rows = await q.all<{ account_id: number; mi: number; np: number }>(sql, params);
  for (const r of rows) {
    const id = Number(r.account_id);
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push({ month: Number(r.mi), netProfit: Number(r.np) });
  }
  return out;
}

/**
 * Net profit per account and calendar month (month index mi, sum np) over all history up to the
 * period end: order margin less service costs and activity costs. Restricted to `ids` when given.
 * Parameters are appended to `params` in the order they appear.
 */
function monthlyNetProfitSql(d: SqlDialect, ids: readonly number[] | null, toExclusive: Date | null, params: unknown[]): string {
  const ph = ids ? placeholders(ids.length) : '';
  const where = (accountCol: string, dateCol: string) => {
    const conds: string[] = [];
    if (ids) {
      conds.push(`${accountCol} IN (${ph})`);
      params.push(...ids);
    }
    if (toExclusive) {
      conds.push(`${dateCol} < ?`);
      params.push(toExclusive);
    }
    return conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
  };
  return `SELECT account_id, mi, SUM(x) AS np FROM (
      SELECT account_id, ${d.monthIndex('ordered_at')} AS mi, revenue - cost_of_goods AS x FROM orders${where('account_id', 'ordered_at')}
      UNION ALL
      SELECT account_id, ${d.monthIndex('incurred_at')} AS mi, -amount AS x FROM service_cost${where('account_id', 'incurred_at')}
      UNION ALL
      SELECT COALESCE(op.account_id, ac.account_id) AS account_id, ${d.monthIndex('ac.occurred_at')} AS mi, -ac.cost AS x
        FROM activity ac LEFT JOIN opportunity op ON op.id = ac.opportunity_id${where('COALESCE(op.account_id, ac.account_id)', 'ac.occurred_at')}
    ) u WHERE account_id IS NOT NULL GROUP BY account_id, mi`;
}

/**
 * CTEs ending in payback(account_id, months): the months from acquisition until cumulative net
 * profit first covers the acquisition cost, for every client that has paid back, the same as
 * domain/analytics/payback's payback() computes for a page (month 0 = the acquisition month, or
 * the first month with activity when the acquisition date is unknown; the same tolerance for sums
 * of cents). Clients acquired before `historyMonth` (the first recorded order) have none.
 */
function paybackCtes(d: SqlDialect, toExclusive: Date | null, historyMonth: number | null, params: unknown[]): string {
  const monthly = monthlyNetProfitSql(d, null, toExclusive, params);
  const historyCond = historyMonth === null ? '' : ` AND ${d.monthIndex('cohort_at')} >= ?`;
  if (historyMonth !== null) params.push(historyMonth);
  return `pb_month AS (${monthly}),
pb_cum AS (
  SELECT account_id, mi, SUM(np) OVER (PARTITION BY account_id ORDER BY mi ROWS UNBOUNDED PRECEDING) AS cum, MIN(mi) OVER (PARTITION BY account_id) AS first_mi
  FROM pb_month
),
payback AS ${d.materialized} (
  SELECT c.account_id, CASE WHEN MIN(c.mi) - MIN(COALESCE(a.cohort_mi, c.first_mi)) < 0 THEN 0
                            ELSE MIN(c.mi) - MIN(COALESCE(a.cohort_mi, c.first_mi)) END AS months
  FROM pb_cum c JOIN (SELECT id, acquisition_cost, ${d.monthIndex('cohort_at')} AS cohort_mi FROM acct
    WHERE acquisition_cost > 0${historyCond}) a ON a.id = c.account_id
  WHERE c.cum >= a.acquisition_cost - 1e-9
  GROUP BY c.account_id
)`;
}
