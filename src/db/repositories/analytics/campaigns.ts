// The campaigns report's base query: the campaigns matching the filters with their cost and start,
// and the deals each sourced in the period. Attribution of orders within a window is in
// campaign-attribution.ts.
import type { SqlRunner } from '../../sql';
import { fromSqlDate } from '../../sql';

/** A campaign filter: by channel, or by campaign external id or name. */
export interface CampaignFilter {
  field: 'channel' | 'campaign';
  values: string[];
}

export interface CampaignBase {
  id: number;
  externalId: string;
  name: string;
  channel: string | null;
  cost: number;
  startedAt: Date | null;
  /** Deals the campaign sourced, created in the period. */
  deals: number;
  won: number;
  lost: number;
  wonAmount: number;
}

/** The campaigns matching the filters with their cost, start and the deals they sourced in the period. */
export async function campaignBase(
  q: SqlRunner,
  opts: { period: { from: Date | null; toExclusive: Date | null }; filters: readonly CampaignFilter[] },
): Promise<CampaignBase[]> {
  const params: unknown[] = [];
  const dealPeriod: string[] = [];
  if (opts.period.from) {
    dealPeriod.push('o.created_at >= ?');
    params.push(opts.period.from);
  }
  if (opts.period.toExclusive) {
    dealPeriod.push('o.created_at < ?');
    params.push(opts.period.toExclusive);
  }
  const conds: string[] = [];
  for (const f of opts.filters) {
    const ph = f.values.map(() => '?').join(', ');
    if (f.field === 'channel') {
      conds.push(`c.channel IN (${ph})`);
      params.push(...f.values);
    } else {
      conds.push(`(c.external_id IN (${ph}) OR c.name IN (${ph}))`);
      params.push(...f.values, ...f.values);
    }
  }
  const rows = await q.all<Record<string, unknown>>(
    `WITH cd AS (SELECT o.campaign_id, COUNT(*) AS deals, SUM(CASE WHEN o.outcome = 'won' THEN 1 ELSE 0 END) AS won,
                   SUM(CASE WHEN o.outcome = 'lost' THEN 1 ELSE 0 END) AS lost, SUM(CASE WHEN o.outcome = 'won' THEN o.amount ELSE 0 END) AS won_amount
                 FROM opportunity o WHERE o.campaign_id IS NOT NULL${dealPeriod.map((c) => ` AND ${c}`).join('')} GROUP BY o.campaign_id)
     SELECT c.id, c.external_id, c.name, c.channel, c.cost, c.started_at, cd.deals, cd.won, cd.lost, cd.won_amount
     FROM campaign c LEFT JOIN cd ON cd.campaign_id = c.id ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}`,
    params,
  );
  const n = (v: unknown) => Number(v ?? 0);
  return rows.map((r) => ({
    id: Number(r.id),
    externalId: String(r.external_id),
    name: String(r.name),
    channel: (r.channel as string | null) ?? null,
    cost: n(r.cost),
    startedAt: fromSqlDate(r.started_at),
    deals: n(r.deals),
    won: n(r.won),
    lost: n(r.lost),
    wonAmount: n(r.won_amount),
  }));
}
