// The new-vs-existing report's queries: deals of a period split into new-client and existing-client
// business (outcome sums, cycle, activities logged on the won ones), and order revenue split the
// same way (see growth.ts for an order's business). Optionally also per value of a deal field.
import type { SqlRunner } from '../../sql';
import { accountCtes, DEAL_BUSINESS, DEAL_JOINS, filterWhere, groupExpr, noNeeds, type Period, periodWhere } from './report-fields';
import { sqlDialect } from '../../sql-dialect';
import { ORDER_BUSINESS } from './growth';

export type Business = 'new' | 'existing';

export interface BusinessDealSums {
  business: Business | null;
  group: string | null;
  deals: number;
  won: number;
  lost: number;
  wonAmount: number;
  /** Mean days from creation to close of the won deals, or null. */
  wonCycleDays: number | null;
  /** Activities (calls, emails, meetings, ...) logged on the won deals. */
  wonActivities: number;
}

const keyOf = (v: unknown) => (v === null || v === undefined ? null : String(v));
const business = (v: unknown): Business | null => (v === 'new' || v === 'existing' ? v : null);

/**
 * Deals created (or closed) in the period that match the filters, per business (and per value of
 * `by` when given). The field and the filters are checked first (INVALID_INPUT naming them).
 */
export async function dealsByBusiness(
  q: SqlRunner,
  opts: { period: Period; basis: 'created' | 'closed'; filters: Record<string, unknown>; by?: string },
): Promise<BusinessDealSums[]> {
  const d = sqlDialect(q.dialect);
  const needs = { ...noNeeds(), since: true };
  const group = opts.by ? groupExpr(d, 'deals', opts.by, needs) : 'NULL';
  const params: unknown[] = [];
  const conds = [
    ...periodWhere(opts.basis === 'created' ? 'o.created_at' : 'o.closed_at', opts.period, params),
    ...filterWhere(d, 'deals', opts.filters, params, needs),
  ];
  const rows = await q.all<Record<string, unknown>>(
    `WITH ${accountCtes(d, needs)},
     deal_activity AS (SELECT opportunity_id, COUNT(*) AS n FROM activity WHERE opportunity_id IS NOT NULL GROUP BY opportunity_id)
     SELECT ${DEAL_BUSINESS} AS business, ${group} AS grp, COUNT(*) AS deals,
       SUM(CASE WHEN o.outcome = 'won' THEN 1 ELSE 0 END) AS won,
       SUM(CASE WHEN o.outcome = 'lost' THEN 1 ELSE 0 END) AS lost,
       SUM(CASE WHEN o.outcome = 'won' THEN o.amount ELSE 0 END) AS won_amount,
       AVG(CASE WHEN o.outcome = 'won' AND o.closed_at IS NOT NULL THEN ${d.daysBetween('o.created_at', 'o.closed_at')} END) AS won_cycle,
       SUM(CASE WHEN o.outcome = 'won' THEN COALESCE(da.n, 0) ELSE 0 END) AS won_activities
     FROM opportunity o ${DEAL_JOINS} LEFT JOIN deal_activity da ON da.opportunity_id = o.id
     ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
     GROUP BY ${DEAL_BUSINESS}${opts.by ? `, ${group}` : ''}`,
    params,
  );
  return rows.map((r) => ({
    business: business(r.business),
    group: keyOf(r.grp),
    deals: Number(r.deals ?? 0),
    won: Number(r.won ?? 0),
    lost: Number(r.lost ?? 0),
    wonAmount: Number(r.won_amount ?? 0),
    wonCycleDays: r.won_cycle === null || r.won_cycle === undefined ? null : Number(r.won_cycle),
    wonActivities: Number(r.won_activities ?? 0),
  }));
}

export interface BusinessOrderSums {
  business: Business;
  revenue: number;
  orders: number;
  clients: number;
}

/** Order revenue in the period of the clients matching the filters, per business. */
export async function ordersByBusiness(
  q: SqlRunner,
  opts: { period: Period; filters: Record<string, unknown> },
): Promise<BusinessOrderSums[]> {
  const d = sqlDialect(q.dialect);
  const needs = { ...noNeeds(), since: true };
  const params: unknown[] = [];
  const conds = [...periodWhere('od.ordered_at', opts.period, params), ...filterWhere(d, 'clients', opts.filters, params, needs)];
  const rows = await q.all<Record<string, unknown>>(
    `WITH ${accountCtes(d, needs)}
     SELECT ${ORDER_BUSINESS} AS business, SUM(od.revenue) AS revenue, COUNT(*) AS orders, COUNT(DISTINCT od.account_id) AS clients
     FROM orders od JOIN acct ON acct.id = od.account_id LEFT JOIN campaign acq ON acq.id = acct.acquisition_campaign_id
       LEFT JOIN opportunity op ON op.id = od.opportunity_id
     ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
     GROUP BY ${ORDER_BUSINESS}`,
    params,
  );
  return rows
    .filter((r) => business(r.business) !== null)
    .map((r) => ({
      business: business(r.business)!,
      revenue: Number(r.revenue ?? 0),
      orders: Number(r.orders ?? 0),
      clients: Number(r.clients ?? 0),
    }));
}

/** Whether any activity is logged on a deal at all (a CRM export may have none: then contacts are unknown, not zero). */
export async function dealActivitiesRecorded(q: SqlRunner): Promise<boolean> {
  const rows = await q.all('SELECT 1 AS ok FROM activity WHERE opportunity_id IS NOT NULL LIMIT 1');
  return rows.length > 0;
}
