// The one deal loader: opportunities with their resolved references (account, product, rep,
// campaign), recorded stage changes and activities, as the deal timeline type
// (src/domain/deal-timeline/deal.ts). Win features, forecasts, what-if, backtests and serving all
// read deals through here. It returns what is stored, whole: cutting the data at a past moment is
// the timeline's job (dealKnownAt), because whether a stored field holds at t depends on the
// changes recorded after t. A handful of set-based queries, no per-deal round trips; every value
// is a bound parameter.
import type { AttributeValue, Deal, DealActivity, DealStageChange } from '../../domain/deal-timeline/deal';
import { fromSqlDate, fromSqlJson, type SqlRunner } from '../sql';

export interface LoadDealsQuery {
  /** Only these deals (row ids). */
  ids?: readonly number[];
  /** Only deals of these accounts (row ids). */
  accountIds?: readonly number[];
  /** Only deals created strictly before this moment (deals created later do not exist as of it). */
  createdBefore?: Date;
  /** Only deals whose stored outcome is open (deals open now). */
  openNow?: boolean;
  /**
   * Load activities (default true). When false, or when the database holds no deal activity at all
   * (a CRM export without activities), every deal's `activities` is left undefined: not provided,
   * rather than "none". Likewise `stageChanges` when the database holds no stage change at all.
   */
  activities?: boolean;
}

const IN_CHUNK = 500;

function chunks<T>(xs: readonly T[], n = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');
const ms = (v: unknown): number | null => fromSqlDate(v)?.getTime() ?? null;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function attributes(v: unknown): Record<string, AttributeValue> | null {
  try {
    const o = fromSqlJson<unknown>(v);
    return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, AttributeValue>) : null;
  } catch {
    return null;
  }
}

interface OpportunityRow {
  id: number | bigint;
  external_id: string;
  stage: string;
  amount: number | null;
  discount: number | null;
  outcome: string | null;
  created_at: unknown;
  expected_close_at: unknown;
  closed_at: unknown;
  forecast_category: string | null;
  source: string | null;
  attributes: unknown;
  account_id: number | bigint | null;
  account_external_id: string | null;
  segment: string | null;
  industry: string | null;
  account_region: string | null;
  country: string | null;
  size: string | null;
  employees: number | null;
  annual_revenue: number | null;
  product: string | null;
  product_family: string | null;
  rep: string | null;
  team: string | null;
  rep_region: string | null;
  campaign: string | null;
  campaign_channel: string | null;
}

const SELECT_OPPORTUNITIES = `SELECT o.id, o.external_id, o.stage, o.amount, o.discount, o.outcome, o.created_at, o.expected_close_at, o.closed_at,
        o.forecast_category, o.source, o.attributes,
        o.account_id, a.external_id AS account_external_id, a.segment, a.industry, a.region AS account_region, a.country, a.size, a.employees,
        a.annual_revenue, p.name AS product, p.family AS product_family, r.name AS rep, r.team, r.region AS rep_region,
        c.name AS campaign, c.channel AS campaign_channel
   FROM opportunity o
   LEFT JOIN account a ON a.id = o.account_id
   LEFT JOIN product p ON p.id = o.product_id
   LEFT JOIN rep r ON r.id = o.rep_id
   LEFT JOIN campaign c ON c.id = o.campaign_id`;

function toDeal(r: OpportunityRow): Deal {
  const outcome = r.outcome === 'won' || r.outcome === 'lost' ? r.outcome : 'open';
  const amount = num(r.amount);
  return {
    id: Number(r.id),
    externalId: r.external_id,
    stage: String(r.stage),
    // The schema has no "no amount": imports write 0 for an empty cell, so 0 reads as none.
    amount: amount !== null && amount !== 0 ? amount : null,
    discount: num(r.discount),
    createdAt: ms(r.created_at)!,
    expectedCloseAt: ms(r.expected_close_at),
    closedAt: ms(r.closed_at),
    outcome,
    forecastCategory: str(r.forecast_category),
    source: str(r.source),
    product: str(r.product),
    productFamily: str(r.product_family),
    campaign: str(r.campaign),
    campaignChannel: str(r.campaign_channel),
    rep: str(r.rep),
    team: str(r.team),
    repRegion: str(r.rep_region),
    account: r.account_external_id
      ? {
          id: Number(r.account_id),
          externalId: r.account_external_id,
          segment: str(r.segment),
          industry: str(r.industry),
          region: str(r.account_region),
          country: str(r.country),
          size: str(r.size),
          employees: num(r.employees),
          annualRevenue: num(r.annual_revenue),
        }
      : null,
    attributes: attributes(r.attributes),
    stageChanges: [],
  };
}

/** Stored deals with their stage changes (and activities), ordered by id. */
export async function loadDeals(q: SqlRunner, query: LoadDealsQuery = {}): Promise<Deal[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.createdBefore) {
    where.push('o.created_at < ?');
    params.push(query.createdBefore);
  }
  if (query.openNow) where.push(`o.outcome NOT IN ('won', 'lost')`);
  // One IN list at a time: deals by id, else deals by account.
  const column = query.ids ? 'o.id' : 'o.account_id';
  const list = query.ids ?? query.accountIds;
  const idChunks = list ? chunks(list) : [null];
  const rows: OpportunityRow[] = [];
  for (const ids of idChunks) {
    if (ids && ids.length === 0) continue;
    const w = ids ? [...where, `${column} IN (${marks(ids.length)})`] : where;
    rows.push(
      ...(await q.all<OpportunityRow>(`${SELECT_OPPORTUNITIES}${w.length ? ` WHERE ${w.join(' AND ')}` : ''} ORDER BY o.id`, [
        ...params,
        ...(ids ?? []),
      ])),
    );
  }
  const deals = new Map<number, Deal>();
  for (const r of rows) deals.set(Number(r.id), toDeal(r));
  if (deals.size === 0) return [];
  // With a filter, records are read for the deals found; without one, for all (one pass per table).
  const scope = list || query.createdBefore || query.openNow ? chunks([...deals.keys()]) : [null];
  if (await recordsStageChanges(q)) await attachStageChanges(q, deals, scope);
  else for (const d of deals.values()) d.stageChanges = undefined;
  if ((query.activities ?? true) && (await recordsDealActivities(q))) await attachActivities(q, deals, scope);
  return [...deals.values()];
}

async function attachStageChanges(q: SqlRunner, deals: Map<number, Deal>, scope: (number[] | null)[]): Promise<void> {
  for (const ids of scope) {
    const rows = await q.all<Record<string, unknown>>(
      `SELECT opportunity_id, from_stage, to_stage, amount, expected_close_at, changed_at FROM stage_change${
        ids ? ` WHERE opportunity_id IN (${marks(ids.length)})` : ''
      } ORDER BY opportunity_id, changed_at, id`,
      ids ?? [],
    );
    for (const c of rows) {
      const d = deals.get(Number(c.opportunity_id));
      if (!d) continue;
      const change: DealStageChange = {
        fromStage: str(c.from_stage),
        toStage: String(c.to_stage),
        amount: num(c.amount),
        expectedCloseAt: ms(c.expected_close_at),
        at: ms(c.changed_at)!,
      };
      d.stageChanges!.push(change);
    }
  }
}

/** Whether the database records stage changes at all (else the history is "not provided"). */
async function recordsStageChanges(q: SqlRunner): Promise<boolean> {
  const rows = await q.all(`SELECT 1 AS x FROM stage_change LIMIT 1`);
  return rows.length > 0;
}

/** Whether the database records activities on deals at all (else they are "not provided"). */
async function recordsDealActivities(q: SqlRunner): Promise<boolean> {
  const rows = await q.all(`SELECT 1 AS x FROM activity WHERE opportunity_id IS NOT NULL LIMIT 1`);
  return rows.length > 0;
}

async function attachActivities(q: SqlRunner, deals: Map<number, Deal>, scope: (number[] | null)[]): Promise<void> {
  for (const d of deals.values()) d.activities = [];
  for (const ids of scope) {
    const rows = await q.all<Record<string, unknown>>(
      `SELECT opportunity_id, type, occurred_at FROM activity WHERE opportunity_id IS NOT NULL${
        ids ? ` AND opportunity_id IN (${marks(ids.length)})` : ''
      } ORDER BY opportunity_id, occurred_at, id`,
      ids ?? [],
    );
    for (const a of rows) {
      const list = deals.get(Number(a.opportunity_id))?.activities;
      if (!list) continue;
      const activity: DealActivity = { type: String(a.type), at: ms(a.occurred_at)! };
      list.push(activity);
    }
  }
}

/** A closed deal as the win-rate history needs it (cheap; refreshed by servers). */
export interface ClosedDealRow {
  closedAt: number;
  won: boolean;
  rep: string | null;
  product: string | null;
  source: string | null;
  segment: string | null;
  accountExternalId: string | null;
}

/** An open deal as the idle rule needs it: its keys and the time of its latest recorded event. */
export interface OpenDealActivityRow extends Omit<ClosedDealRow, 'closedAt' | 'won'> {
  /** The latest of its creation, its stage changes and its activities. */
  lastEventAt: number;
}

/** Deals open now with the time of their latest recorded event (one aggregate query). */
export async function loadOpenDealLastEvents(q: SqlRunner): Promise<OpenDealActivityRow[]> {
  const rows = await q.all<Record<string, unknown>>(
    `SELECT o.created_at, o.source, a.external_id AS account_external_id, a.segment, p.name AS product, r.name AS rep,
            (SELECT MAX(s.changed_at) FROM stage_change s WHERE s.opportunity_id = o.id) AS last_change,
            (SELECT MAX(x.occurred_at) FROM activity x WHERE x.opportunity_id = o.id) AS last_activity
       FROM opportunity o
       LEFT JOIN account a ON a.id = o.account_id
       LEFT JOIN product p ON p.id = o.product_id
       LEFT JOIN rep r ON r.id = o.rep_id
      WHERE o.outcome NOT IN ('won', 'lost')`,
  );
  return rows.map((r) => ({
    lastEventAt: Math.max(ms(r.created_at)!, ms(r.last_change) ?? -Infinity, ms(r.last_activity) ?? -Infinity),
    rep: str(r.rep),
    product: str(r.product),
    source: str(r.source),
    segment: str(r.segment),
    accountExternalId: str(r.account_external_id),
  }));
}

/** Won and lost deals with a close date (closed strictly before `closedBefore` when given). */
export async function loadClosedDeals(q: SqlRunner, options: { closedBefore?: Date } = {}): Promise<ClosedDealRow[]> {
  const rows = await q.all<Record<string, unknown>>(
    `SELECT o.outcome, o.closed_at, o.source, a.external_id AS account_external_id, a.segment, p.name AS product, r.name AS rep
       FROM opportunity o
       LEFT JOIN account a ON a.id = o.account_id
       LEFT JOIN product p ON p.id = o.product_id
       LEFT JOIN rep r ON r.id = o.rep_id
      WHERE o.outcome IN ('won', 'lost') AND o.closed_at IS NOT NULL${options.closedBefore ? ' AND o.closed_at < ?' : ''}`,
    options.closedBefore ? [options.closedBefore] : [],
  );
  return rows.map((r) => ({
    closedAt: ms(r.closed_at)!,
    won: r.outcome === 'won',
    rep: str(r.rep),
    product: str(r.product),
    source: str(r.source),
    segment: str(r.segment),
    accountExternalId: str(r.account_external_id),
  }));
}
