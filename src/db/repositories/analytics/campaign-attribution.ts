// Campaign attribution within a window (issue 15, defect 10). An order counts for at most one
// campaign, and only within `windowDays` of that campaign's touch:
// - the campaign of the order's own deal, when the order is placed within the window after the
//   deal was created (the campaign sourced that sale);
// - else the campaign that acquired the client, when the order is placed within the window after
//   the acquisition (acquired_at, or the client's first order when the date is unknown): a new
//   client's purchases in its first year are what the campaign bought.
// Without the window, every later order of an acquired client went to its campaign forever (13,154%
// ROI for a newsletter on the demo). A campaign that sourced a deal with an existing client gets
// that deal's orders, not the client's whole business.
import type { SqlRunner } from '../../sql';
import { fromSqlDate } from '../../sql';
import { type SqlDialect, sqlDialect } from '../../sql-dialect';

export interface AttributionQuery {
  windowDays: number;
  /** Orders placed in [from, toExclusive) only (null: no bound). */
  orderPeriod: { from: Date | null; toExclusive: Date | null };
}

/** The CTE attributed(order_id, campaign_id): the one campaign each order goes to, if any. */
function attributedCtes(d: SqlDialect, opts: AttributionQuery, params: unknown[]): string {
  // Placeholders in text order: the two windows, then the period.
  params.push(opts.windowDays, opts.windowDays);
  const period: string[] = [];
  if (opts.orderPeriod.from) {
    period.push('od.ordered_at >= ?');
    params.push(opts.orderPeriod.from);
  }
  if (opts.orderPeriod.toExclusive) {
    period.push('od.ordered_at < ?');
    params.push(opts.orderPeriod.toExclusive);
  }
  return `acquisition AS (
  SELECT a.id AS account_id, a.acquisition_campaign_id AS campaign_id,
         COALESCE(a.acquired_at, (SELECT MIN(fo.ordered_at) FROM orders fo WHERE fo.account_id = a.id)) AS at
  FROM account a WHERE a.acquisition_campaign_id IS NOT NULL
),
attributed AS (
  SELECT order_id, campaign_id FROM (
    SELECT od.id AS order_id,
           CASE WHEN op.campaign_id IS NOT NULL AND ${d.daysBetween('op.created_at', 'od.ordered_at')} < ? THEN op.campaign_id
                WHEN acq.campaign_id IS NOT NULL AND od.ordered_at >= acq.at AND ${d.daysBetween('acq.at', 'od.ordered_at')} < ? THEN acq.campaign_id
           END AS campaign_id
    FROM orders od LEFT JOIN opportunity op ON op.id = od.opportunity_id LEFT JOIN acquisition acq ON acq.account_id = od.account_id
    ${period.length ? `WHERE ${period.join(' AND ')}` : ''}
  ) choice WHERE campaign_id IS NOT NULL
)`;
}

export interface AttributedSums {
  campaignId: number;
  revenue: number;
  margin: number;
  orders: number;
}

/** Attributed order revenue and margin (revenue − cost of goods) per campaign. */
export async function attributedSums(q: SqlRunner, opts: AttributionQuery): Promise<AttributedSums[]> {
  const d = sqlDialect(q.dialect);
  const params: unknown[] = [];
  const rows = await q.all<Record<string, unknown>>(
    `WITH ${attributedCtes(d, opts, params)}
     SELECT at.campaign_id, SUM(od.revenue) AS revenue, SUM(od.revenue - od.cost_of_goods) AS margin, COUNT(*) AS orders
     FROM attributed at JOIN orders od ON od.id = at.order_id GROUP BY at.campaign_id`,
    params,
  );
  return rows.map((r) => ({
    campaignId: Number(r.campaign_id),
    revenue: Number(r.revenue ?? 0),
    margin: Number(r.margin ?? 0),
    orders: Number(r.orders ?? 0),
  }));
}

/** Attributed margin per campaign and calendar month (month index Y·12 + m − 1), for payback. */
export async function attributedMarginByMonth(
  q: SqlRunner,
  opts: AttributionQuery,
): Promise<{ campaignId: number; month: number; margin: number }[]> {
  const d = sqlDialect(q.dialect);
  const params: unknown[] = [];
  const mi = d.monthIndex('od.ordered_at');
  const rows = await q.all<Record<string, unknown>>(
    `WITH ${attributedCtes(d, opts, params)}
     SELECT at.campaign_id, ${mi} AS mi, SUM(od.revenue - od.cost_of_goods) AS margin
     FROM attributed at JOIN orders od ON od.id = at.order_id GROUP BY at.campaign_id, ${mi}`,
    params,
  );
  return rows.map((r) => ({ campaignId: Number(r.campaign_id), month: Number(r.mi), margin: Number(r.margin ?? 0) }));
}

export interface AcquisitionSums {
  campaignId: number;
  /** Accounts the campaign acquired. */
  acquired: number;
  /** Of those, how many ordered again at least a day after their first order within the window. */
  loyal: number;
  /** Acquired accounts whose window is still open at `end` (they may still become loyal). */
  windowOpen: number;
  /** First acquisition (or the first order of an acquired account without a date). */
  firstAcquiredAt: Date | null;
}

/**
 * Per campaign: the accounts it acquired, how many became loyal (a repeat purchase within the
 * window after acquisition), and how many windows are still open at `end`.
 */
export async function acquisitionSums(q: SqlRunner, opts: { windowDays: number; end: Date }): Promise<AcquisitionSums[]> {
  const d = sqlDialect(q.dialect);
  const rows = await q.all<Record<string, unknown>>(
    `WITH acquired AS (
       SELECT a.id AS account_id, a.acquisition_campaign_id AS campaign_id,
              COALESCE(a.acquired_at, (SELECT MIN(fo.ordered_at) FROM orders fo WHERE fo.account_id = a.id)) AS at
       FROM account a WHERE a.acquisition_campaign_id IS NOT NULL),
     span AS (
       SELECT ac.account_id, MIN(od.ordered_at) AS first_at, MAX(od.ordered_at) AS last_at
       FROM acquired ac JOIN orders od ON od.account_id = ac.account_id
       WHERE ac.at IS NOT NULL AND od.ordered_at >= ac.at AND ${d.daysBetween('ac.at', 'od.ordered_at')} < ?
       GROUP BY ac.account_id)
     SELECT ac.campaign_id, COUNT(*) AS acquired, MIN(ac.at) AS first_at,
            SUM(CASE WHEN s.last_at IS NOT NULL AND ${d.daysBetween('s.first_at', 's.last_at')} >= 1 THEN 1 ELSE 0 END) AS loyal,
            SUM(CASE WHEN ac.at > ? THEN 1 ELSE 0 END) AS open_windows
     FROM acquired ac LEFT JOIN span s ON s.account_id = ac.account_id GROUP BY ac.campaign_id`,
    [opts.windowDays, new Date(opts.end.getTime() - opts.windowDays * 86_400_000)],
  );
  return rows.map((r) => ({
    campaignId: Number(r.campaign_id),
    acquired: Number(r.acquired ?? 0),
    loyal: Number(r.loyal ?? 0),
    windowOpen: Number(r.open_windows ?? 0),
    firstAcquiredAt: fromSqlDate(r.first_at),
  }));
}

/** How many accounts each campaign's target list holds, and the first targeting date. */
export async function targetCounts(q: SqlRunner): Promise<{ campaignId: number; targets: number; firstTargetedAt: Date | null }[]> {
  const rows = await q.all<Record<string, unknown>>(
    'SELECT campaign_id, COUNT(*) AS n, MIN(targeted_at) AS first_at FROM campaign_target GROUP BY campaign_id',
  );
  return rows.map((r) => ({ campaignId: Number(r.campaign_id), targets: Number(r.n ?? 0), firstTargetedAt: fromSqlDate(r.first_at) }));
}
