// The campaign-effect report's query: for one campaign with a target list, every account that could
// have been targeted when the campaign started, whether it was, the strata it falls in (matching
// fields), and its outcomes in the window that follows; summed per arm and stratum in SQL
// (n, Σy, Σy²), so that the comparison needs no per-account rows in Node.
import type { SqlRunner } from '../../sql';
import { fromSqlDate } from '../../sql';
import { ACCOUNT_JOINS, accountCtes, filterWhere, groupExpr, noNeeds } from './report-fields';
import { sqlDialect } from '../../sql-dialect';

const DAY_MS = 86_400_000;
/** How far back "recent purchases" look from the campaign's start. */
export const RECENT_DAYS = 90;

export interface EffectCampaign {
  id: number;
  externalId: string;
  name: string;
  channel: string | null;
  cost: number;
  startedAt: Date | null;
  targets: number;
  firstTargetedAt: Date | null;
}

/** Campaigns with a target list (optionally only those named by external id or name). */
export async function campaignsWithTargets(q: SqlRunner, names: readonly string[]): Promise<EffectCampaign[]> {
  const ph = names.map(() => '?').join(', ');
  const rows = await q.all<Record<string, unknown>>(
    `SELECT c.id, c.external_id, c.name, c.channel, c.cost, c.started_at, COUNT(ct.id) AS targets, MIN(ct.targeted_at) AS first_targeted
     FROM campaign c JOIN campaign_target ct ON ct.campaign_id = c.id
     ${names.length ? `WHERE (c.external_id IN (${ph}) OR c.name IN (${ph}))` : ''}
     GROUP BY c.id, c.external_id, c.name, c.channel, c.cost, c.started_at ORDER BY c.started_at, c.external_id`,
    [...names, ...names],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    externalId: String(r.external_id),
    name: String(r.name),
    channel: (r.channel as string | null) ?? null,
    cost: Number(r.cost ?? 0),
    startedAt: fromSqlDate(r.started_at),
    targets: Number(r.targets ?? 0),
    firstTargetedAt: fromSqlDate(r.first_targeted),
  }));
}

/** How many campaigns are recorded. */
export async function campaignCount(q: SqlRunner): Promise<number> {
  const [r] = await q.all<{ n: unknown }>('SELECT COUNT(*) AS n FROM campaign');
  return Number(r?.n ?? 0);
}

/** Whether a campaign of that external id or name exists at all (with or without targets). */
export async function campaignExists(q: SqlRunner, name: string): Promise<boolean> {
  return (await q.all('SELECT 1 AS ok FROM campaign WHERE external_id = ? OR name = ?', [name, name])).length > 0;
}

export type Arm = { n: number; sum: number; sumSq: number };
export interface EffectStratum {
  /** The values of the matching fields, in their order. */
  key: (string | null)[];
  treated: boolean;
  n: number;
  converted: number;
  revenue: Arm;
  margin: Arm;
  bookings: Arm;
}

/** Matching fields beyond the client fields of report-fields: customer status and recent purchases. */
export const DERIVED_MATCH_FIELDS = ['status', 'recent', 'trend'] as const;

/**
 * Per arm (targeted or not) and stratum: accounts, converted (won a deal created in the window),
 * and Σ/Σ² of order revenue, margin and won deal amounts in the window [start, end).
 * The population: the targets, and every account known before the start (acquired, or with a deal,
 * order or activity before it) that had not churned before it, matching the filters.
 */
export async function effectStrata(
  q: SqlRunner,
  opts: { campaignId: number; start: Date; end: Date; matchOn: readonly string[]; filters: Record<string, unknown> },
): Promise<EffectStratum[]> {
  const d = sqlDialect(q.dialect);
  const needs = { ...noNeeds(), since: true };
  const recentFrom = new Date(opts.start.getTime() - RECENT_DAYS * DAY_MS);
  const exprs = matchExpressions(d, opts.matchOn, needs);
  const filterParams: unknown[] = [];
  const fconds = filterWhere(d, 'clients', opts.filters, filterParams, needs);
  const s = opts.start;
  const e = opts.end;
  const params: unknown[] = [
    opts.campaignId,
    recentFrom,
    s,
    new Date(recentFrom.getTime() - RECENT_DAYS * DAY_MS),
    recentFrom,
    s,
    e,
    s,
    e,
    e,
    s,
    s,
    s,
    s,
    ...opts.matchOn.filter((f) => f === 'status').map(() => s),
    s,
    ...filterParams,
  ];
  const cols = exprs.map((x, i) => `${x} AS k${i}`);
  const keys = exprs.map((_, i) => `k${i}`);
  const rows = await q.all<Record<string, unknown>>(
    `WITH ${accountCtes(d, needs)},
     tg AS (SELECT DISTINCT account_id FROM campaign_target WHERE campaign_id = ?),
     pre AS (SELECT account_id, COUNT(*) AS n FROM orders WHERE ordered_at >= ? AND ordered_at < ? GROUP BY account_id),
     pre2 AS (SELECT account_id, COUNT(*) AS n FROM orders WHERE ordered_at >= ? AND ordered_at < ? GROUP BY account_id),
     win_orders AS (SELECT account_id, SUM(revenue) AS rev, SUM(revenue - cost_of_goods) AS margin FROM orders
                    WHERE ordered_at >= ? AND ordered_at < ? GROUP BY account_id),
     win_deals AS (SELECT account_id, COUNT(*) AS won, SUM(amount) AS amount FROM opportunity
                   WHERE outcome = 'won' AND account_id IS NOT NULL AND created_at >= ? AND created_at < ? AND closed_at < ? GROUP BY account_id),
     known AS (SELECT DISTINCT account_id FROM (
                 SELECT id AS account_id FROM account WHERE acquired_at < ?
                 UNION ALL SELECT account_id FROM opportunity WHERE created_at < ?
                 UNION ALL SELECT account_id FROM orders WHERE ordered_at < ?
                 UNION ALL SELECT account_id FROM activity WHERE occurred_at < ?) k WHERE account_id IS NOT NULL),
     pop AS (
       SELECT CASE WHEN tg.account_id IS NULL THEN 0 ELSE 1 END AS treated, ${cols.length ? `${cols.join(', ')},` : ''}
              CASE WHEN COALESCE(wd.won, 0) > 0 THEN 1 ELSE 0 END AS conv,
              COALESCE(wo.rev, 0) AS rev, COALESCE(wo.margin, 0) AS margin, COALESCE(wd.amount, 0) AS booked
       FROM acct ${ACCOUNT_JOINS}
         LEFT JOIN tg ON tg.account_id = acct.id LEFT JOIN pre ON pre.account_id = acct.id LEFT JOIN pre2 ON pre2.account_id = acct.id
         LEFT JOIN win_orders wo ON wo.account_id = acct.id LEFT JOIN win_deals wd ON wd.account_id = acct.id
         LEFT JOIN known kn ON kn.account_id = acct.id
       WHERE (tg.account_id IS NOT NULL OR (kn.account_id IS NOT NULL AND (acct.churned_at IS NULL OR acct.churned_at >= ?)))
         ${fconds.map((c) => ` AND ${c}`).join('')}
     )
     SELECT treated, ${keys.length ? `${keys.join(', ')},` : ''} COUNT(*) AS n, SUM(conv) AS conv,
            SUM(rev) AS rev, SUM(rev * rev) AS rev2, SUM(margin) AS margin, SUM(margin * margin) AS margin2,
            SUM(booked) AS booked, SUM(booked * booked) AS booked2
     FROM pop GROUP BY treated${keys.length ? `, ${keys.join(', ')}` : ''}`,
    params,
  );
  return rows.map((r) => stratumOf(r, keys));
}

/**
 * The SQL expression of each matching field: customer or prospect at the start (one bound
 * parameter: the start), recent orders, their trend, or a client field of report-fields.
 */
function matchExpressions(d: ReturnType<typeof sqlDialect>, matchOn: readonly string[], needs: ReturnType<typeof noNeeds>): string[] {
  return matchOn.map((f, i) => {
    if (f === 'status') return "CASE WHEN acct.since_at < ? THEN 'customer' ELSE 'prospect' END";
    if (f === 'recent') return "CASE WHEN COALESCE(pre.n, 0) = 0 THEN 'none' WHEN pre.n <= 2 THEN '1-2' ELSE '3+' END";
    // Falling: fewer than half as many orders in the 90 days before the start as in the 90 before those.
    if (f === 'trend') return "CASE WHEN 2 * COALESCE(pre.n, 0) < COALESCE(pre2.n, 0) THEN 'falling' ELSE 'steady' END";
    return groupExpr(d, 'clients', f, needs, ['matchOn', i]);
  });
}

/** One result row (an arm of a stratum) as numbers. */
function stratumOf(r: Record<string, unknown>, keys: string[]): EffectStratum {
  const arm = (a: string, b: string): Arm => ({
    n: Number(r.n ?? 0),
    sum: Number(r[a] ?? 0),
    sumSq: Number(r[b] ?? 0),
  });
  return {
    key: keys.map((k) => (r[k] === null || r[k] === undefined ? null : String(r[k]))),
    treated: Number(r.treated) === 1,
    n: Number(r.n ?? 0),
    converted: Number(r.conv ?? 0),
    revenue: arm('rev', 'rev2'),
    margin: arm('margin', 'margin2'),
    bookings: arm('booked', 'booked2'),
  };
}
