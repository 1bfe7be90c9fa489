// Per-client money over a period, aggregated in SQL: the building block of the profitability,
// Pareto and comparison reports. Definitions (also in docs/reports.md):
//   revenue        = Σ orders.revenue (already net of order-level discounts)
//   cogs           = Σ orders.cost_of_goods;   gross margin = revenue − cogs
//   order discounts= Σ orders.discount — shown for information, NOT subtracted again
//   cost to serve  = service costs (service_cost, kind ≠ 'discount')
//                  + discounts granted as costs (service_cost kind = 'discount': credits, rebates)
//                  + account activity costs (activity without an opportunity)
//                  + sales effort (cost of activities on the account's opportunities)
//   net profit     = gross margin − cost to serve
// A client appears when it has any order, service cost or activity in the period.
import type { SqlDialect } from '../../sql-dialect';
import { ACCOUNT_JOINS, accountCtes, filterWhere, periodWhere, type Needs, type Period } from './report-fields';

export interface EconomicsSql {
  /** `WITH ...` text defining acct, ord, svc, act. */
  with: string;
  /** `FROM ... WHERE ...` over acct and the aggregates (columns: see ECON_COLUMNS). */
  from: string;
  params: unknown[];
  /** The parameters of `with` alone, then of `from` alone (to add CTEs between the two). */
  withParams: unknown[];
  fromParams: unknown[];
}

/** Column expressions over the FROM of economicsSql. */
export const ECON = {
  revenue: 'econ.revenue',
  cogs: 'econ.cogs',
  orderDiscounts: 'econ.order_discounts',
  orders: 'econ.orders',
  serviceCost: 'econ.service_cost',
  discountCost: 'econ.discount_cost',
  activityCost: 'econ.activity_cost',
  salesEffort: 'econ.sales_effort',
  firstPurchase: 'econ.first_at',
  lastPurchase: 'econ.last_at',
} as const;
export const GROSS_MARGIN = `(${ECON.revenue} - ${ECON.cogs})`;
export const COST_TO_SERVE = `(${ECON.serviceCost} + ${ECON.discountCost} + ${ECON.activityCost} + ${ECON.salesEffort})`;
export const NET_PROFIT = `(${GROSS_MARGIN} - ${COST_TO_SERVE})`;

/**
 * One pass over each source table: the rows of orders, service costs and activities in the period
 * are stacked (UNION ALL) with their amounts in separate columns and summed per account in a single
 * GROUP BY. This keeps the plan linear in the number of rows on both databases (no join of several
 * aggregates, which SQLite may evaluate as a nested scan).
 */
export function economicsSql(
  d: SqlDialect,
  period: Period,
  filters: Record<string, unknown>,
  needs: Needs,
  extraWhere: string[] = [],
  extraJoins = '',
): EconomicsSql {
  const filterParams: unknown[] = [];
  const conds = filterWhere(d, 'clients', filters, filterParams, needs);
  const params: unknown[] = [];
  const pOrd = periodWhere(d.scanColumn('ordered_at'), period, params);
  const pSvc = periodWhere('incurred_at', period, params);
  const pAct = periodWhere('ac.occurred_at', period, params);
  const w = (c: string[]) => (c.length ? `WHERE ${c.join(' AND ')}` : '');
  const noDate = d.dialect === 'postgresql' ? 'CAST(NULL AS TIMESTAMP(3))' : 'NULL';
  const withSql = `WITH ${accountCtes(d, needs)},
money AS (
  SELECT account_id, revenue, cost_of_goods AS cogs, discount AS order_discounts, 1 AS orders, ordered_at AS first_at, ordered_at AS last_at,
         0 AS service_cost, 0 AS discount_cost, 0 AS activity_cost, 0 AS sales_effort
  FROM orders ${w(pOrd)}
  UNION ALL
  SELECT account_id, 0, 0, 0, 0, ${noDate}, ${noDate},
         CASE WHEN kind = 'discount' THEN 0 ELSE amount END, CASE WHEN kind = 'discount' THEN amount ELSE 0 END, 0, 0
  FROM service_cost ${w(pSvc)}
  UNION ALL
  SELECT COALESCE(op.account_id, ac.account_id), 0, 0, 0, 0, ${noDate}, ${noDate}, 0, 0,
         CASE WHEN ac.opportunity_id IS NULL THEN ac.cost ELSE 0 END, CASE WHEN ac.opportunity_id IS NULL THEN 0 ELSE ac.cost END
  FROM activity ac LEFT JOIN opportunity op ON op.id = ac.opportunity_id ${w(pAct)}
),
econ AS ${d.materialized} (
  SELECT account_id, SUM(revenue) AS revenue, SUM(cogs) AS cogs, SUM(order_discounts) AS order_discounts, SUM(orders) AS orders,
         MIN(first_at) AS first_at, MAX(last_at) AS last_at, SUM(service_cost) AS service_cost, SUM(discount_cost) AS discount_cost,
         SUM(activity_cost) AS activity_cost, SUM(sales_effort) AS sales_effort
  FROM money WHERE account_id IS NOT NULL GROUP BY account_id
)`;
  // econ is materialized and drives the join (CROSS JOIN fixes the order on SQLite; PostgreSQL plans
  // it as an inner join): otherwise SQLite may scan accounts first and re-run the aggregate per account.
  const from = `FROM econ CROSS JOIN acct ${ACCOUNT_JOINS}${extraJoins ? ` ${extraJoins}` : ''} WHERE ${['acct.id = econ.account_id', ...conds, ...extraWhere].join(' AND ')}`;
  return { with: withSql, from, params: [...params, ...filterParams], withParams: params, fromParams: filterParams };
}
