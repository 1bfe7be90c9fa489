// Reads deals with their stage history, activities and resolved references from the database, in
// the shape the deal features take (domain/features/deal-input.ts). With `asOf`, the data is cut
// to what was known at that moment: deals created later are left out, later stage changes and
// activities are dropped, and deals that closed later are shown as still open — so training and
// backtests "as of" a past date cannot see the future.
import type { Database } from '../../db/database';
import { fromSqlDate } from '../../db/sql';
import type { AttributeValue, DealInput } from '../../domain/features/deal-input';
import { historyKeys } from '../../domain/features/deal-history';

export interface LoadDealsOptions {
  asOf?: Date;
  opportunityIds?: number[];
  /** Only open deals (as of asOf). */
  openOnly?: boolean;
}

const ms = (v: unknown): number | null => {
  const d = fromSqlDate(v);
  return d ? d.getTime() : null;
};

function parseAttributes(v: unknown): Record<string, AttributeValue> | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    try {
      return JSON.parse(v);
    } catch {
      return null;
    }
  }
  return v as Record<string, AttributeValue>;
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export async function loadDeals(db: Database, options: LoadDealsOptions = {}): Promise<DealInput[]> {
  const asOf = options.asOf?.getTime() ?? null;
  const where: string[] = [];
  const params: unknown[] = [];
  if (options.asOf) {
    where.push('o.created_at <= ?');
    params.push(options.asOf);
  }
  const idChunks = options.opportunityIds ? chunks(options.opportunityIds, 500) : [null];
  const rows: Record<string, unknown>[] = [];
  for (const ids of idChunks) {
    if (ids && ids.length === 0) continue;
    const w = [...where, ...(ids ? [`o.id IN (${ids.map(() => '?').join(',')})`] : [])];
    rows.push(
      ...(await db.sql.all<Record<string, unknown>>(
        `SELECT o.id, o.external_id, o.stage, o.amount, o.discount, o.outcome, o.created_at, o.expected_close_at, o.closed_at, o.source, o.attributes,
                a.external_id AS account_external_id, a.segment, a.industry, a.region, a.country, a.size, a.employees, a.annual_revenue,
                p.name AS product, p.family AS product_family, r.name AS rep, r.team, c.name AS campaign, c.channel AS campaign_channel
           FROM opportunity o
           LEFT JOIN account a ON a.id = o.account_id
           LEFT JOIN product p ON p.id = o.product_id
           LEFT JOIN rep r ON r.id = o.rep_id
           LEFT JOIN campaign c ON c.id = o.campaign_id
          ${w.length ? `WHERE ${w.join(' AND ')}` : ''}
          ORDER BY o.id`,
        [...params, ...(ids ?? [])],
      )),
    );
  }
  const deals = new Map<number, DealInput>();
  for (const r of rows) {
    const id = Number(r.id);
    deals.set(id, {
      id,
      externalId: r.external_id as string,
      stage: String(r.stage),
      amount: Number(r.amount ?? 0),
      discount: r.discount == null ? null : Number(r.discount),
      createdAt: ms(r.created_at)!,
      expectedCloseAt: ms(r.expected_close_at),
      closedAt: ms(r.closed_at),
      outcome: (r.outcome as DealInput['outcome']) ?? 'open',
      source: (r.source as string | null) ?? null,
      product: (r.product as string | null) ?? null,
      productFamily: (r.product_family as string | null) ?? null,
      campaign: (r.campaign as string | null) ?? null,
      campaignChannel: (r.campaign_channel as string | null) ?? null,
      rep: (r.rep as string | null) ?? null,
      team: (r.team as string | null) ?? null,
      account: r.account_external_id
        ? {
            externalId: r.account_external_id as string,
            segment: (r.segment as string | null) ?? null,
            industry: (r.industry as string | null) ?? null,
            region: (r.region as string | null) ?? null,
            country: (r.country as string | null) ?? null,
            size: (r.size as string | null) ?? null,
            employees: r.employees == null ? null : Number(r.employees),
            annualRevenue: r.annual_revenue == null ? null : Number(r.annual_revenue),
          }
        : null,
      attributes: parseAttributes(r.attributes),
      stageChanges: [],
      activities: [],
    });
  }
  if (deals.size === 0) return [];
  const scope = options.opportunityIds ? chunks([...deals.keys()], 500) : [null];
  for (const ids of scope) {
    const inList = ids ? ` AND opportunity_id IN (${ids.map(() => '?').join(',')})` : '';
    const sc = await db.sql.all<Record<string, unknown>>(
      `SELECT opportunity_id, from_stage, to_stage, amount, expected_close_at, changed_at FROM stage_change WHERE 1 = 1${inList} ORDER BY opportunity_id, changed_at, id`,
      ids ?? [],
    );
    for (const c of sc) {
      const d = deals.get(Number(c.opportunity_id));
      if (!d) continue;
      const at = ms(c.changed_at)!;
      if (asOf !== null && at > asOf) continue;
      d.stageChanges!.push({
        fromStage: (c.from_stage as string | null) ?? null,
        toStage: String(c.to_stage),
        amount: c.amount == null ? null : Number(c.amount),
        expectedCloseAt: ms(c.expected_close_at),
        at,
      });
    }
    const acts = await db.sql.all<Record<string, unknown>>(
      `SELECT opportunity_id, type, occurred_at FROM activity WHERE opportunity_id IS NOT NULL${inList}`,
      ids ?? [],
    );
    for (const a of acts) {
      const d = deals.get(Number(a.opportunity_id));
      if (!d) continue;
      const at = ms(a.occurred_at)!;
      if (asOf !== null && at > asOf) continue;
      d.activities!.push({ type: String(a.type), at });
    }
  }
  let out = [...deals.values()];
  if (asOf !== null) out = out.map((d) => maskAfter(d, asOf));
  if (options.openOnly) out = out.filter((d) => (d.outcome ?? 'open') === 'open');
  return out;
}

/** The deal as it was known at `asOf` (its stage changes and activities already cut at asOf). */
export function maskAfter(d: DealInput, asOf: number): DealInput {
  if (d.closedAt == null || d.closedAt <= asOf) return d;
  const last = d.stageChanges?.length ? d.stageChanges[d.stageChanges.length - 1] : null;
  return {
    ...d,
    outcome: 'open',
    closedAt: null,
    // Without history we cannot tell which stage a deal that closed later was in at asOf.
    stage: last ? last.toStage : '(unknown)',
    expectedCloseAt: last ? (d.stageChanges!.reduce<number | null>((e, c) => c.expectedCloseAt ?? e, null) ?? null) : null,
    amount: last?.amount ?? d.amount,
  };
}

/** Closed deals with only what the win-rate history needs (cheap; refreshed by servers). */
export async function loadClosedDealKeys(db: Database, asOf?: Date): Promise<{ closedAt: number; won: boolean; keys: string[] }[]> {
  const rows = await db.sql.all<Record<string, unknown>>(
    `SELECT o.outcome, o.closed_at, o.source, a.external_id AS account_external_id, a.segment, p.name AS product, r.name AS rep
       FROM opportunity o
       LEFT JOIN account a ON a.id = o.account_id
       LEFT JOIN product p ON p.id = o.product_id
       LEFT JOIN rep r ON r.id = o.rep_id
      WHERE o.outcome IN ('won', 'lost') AND o.closed_at IS NOT NULL${asOf ? ' AND o.closed_at <= ?' : ''}`,
    asOf ? [asOf] : [],
  );
  return rows.map((r) => ({
    closedAt: ms(r.closed_at)!,
    won: r.outcome === 'won',
    keys: historyKeys({
      rep: r.rep as string | null,
      product: r.product as string | null,
      source: r.source as string | null,
      account: { segment: r.segment as string | null, externalId: r.account_external_id as string | null },
    }),
  }));
}
