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
import type { SqlDialect } from './sql-dialect';
import { ACCOUNT_JOINS, accountCtes, filterWhere, periodWhere, type Needs, type Period } from './filters';

export interface EconomicsSql {
  /** `WITH ...` text defining acct, ord, svc, act. */
  with: string;
  /** `FROM ... WHERE ...` over acct and the aggregates (columns: see ECON_COLUMNS). */
  from: string;
  params: unknown[];
}

/** Column expressions over the FROM of economicsSql. */
export const ECON = {
  revenue: 'COALESCE(ord.revenue, 0)',
  cogs: 'COALESCE(ord.cogs, 0)',
  orderDiscounts: 'COALESCE(ord.order_discounts, 0)',
  orders: 'COALESCE(ord.orders, 0)',
  serviceCost: 'COALESCE(svc.service_cost, 0)',
  discountCost: 'COALESCE(svc.discount_cost, 0)',
  activityCost: 'COALESCE(act.activity_cost, 0)',
  salesEffort: 'COALESCE(act.sales_effort, 0)',
} as const;
export const GROSS_MARGIN = `(${ECON.revenue} - ${ECON.cogs})`;
export const COST_TO_SERVE = `(${ECON.serviceCost} + ${ECON.discountCost} + ${ECON.activityCost} + ${ECON.salesEffort})`;
export const NET_PROFIT = `(${GROSS_MARGIN} - ${COST_TO_SERVE})`;

export function economicsSql(d: SqlDialect, period: Period, filters: Record<string, unknown>, needs: Needs, extraWhere: string[] = []): EconomicsSql {
  const filterParams: unknown[] = [];
  const conds = filterWhere(d, 'clients', filters, filterParams, needs);
  const params: unknown[] = [];
  const pOrd = periodWhere('ordered_at', period, params);
  const pSvc = periodWhere('incurred_at', period, params);
  const pAct = periodWhere('ac.occurred_at', period, params);
  const w = (c: string[]) => (c.length ? `WHERE ${c.join(' AND ')}` : '');
  const withSql = `WITH ${accountCtes(d, needs)},
ord AS (SELECT account_id, SUM(revenue) AS revenue, SUM(cost_of_goods) AS cogs, SUM(discount) AS order_discounts, COUNT(*) AS orders,
               MIN(ordered_at) AS first_at, MAX(ordered_at) AS last_at
        FROM orders ${w(pOrd)} GROUP BY account_id),
svc AS (SELECT account_id, SUM(CASE WHEN kind = 'discount' THEN 0 ELSE amount END) AS service_cost,
               SUM(CASE WHEN kind = 'discount' THEN amount ELSE 0 END) AS discount_cost
        FROM service_cost ${w(pSvc)} GROUP BY account_id),
act AS (SELECT COALESCE(op.account_id, ac.account_id) AS account_id,
               SUM(CASE WHEN ac.opportunity_id IS NULL THEN ac.cost ELSE 0 END) AS activity_cost,
               SUM(CASE WHEN ac.opportunity_id IS NULL THEN 0 ELSE ac.cost END) AS sales_effort
        FROM activity ac LEFT JOIN opportunity op ON op.id = ac.opportunity_id ${w(pAct)}
        GROUP BY COALESCE(op.account_id, ac.account_id))`;
  const from = `FROM acct ${ACCOUNT_JOINS}
LEFT JOIN ord ON ord.account_id = acct.id
LEFT JOIN svc ON svc.account_id = acct.id
LEFT JOIN act ON act.account_id = acct.id
WHERE (ord.account_id IS NOT NULL OR svc.account_id IS NOT NULL OR act.account_id IS NOT NULL)${[...conds, ...extraWhere].map((c) => ` AND ${c}`).join('')}`;
  return { with: withSql, from, params: [...params, ...filterParams] };
}
