// The campaign ROI report's query: per campaign its cost, the deals it sourced (created in the
// period), the accounts it acquired and the order revenue and margin attributed to it (ordered in
// the period). Each order is attributed to at most one campaign: its deal's campaign when the order
// links to a deal with one, else the account's acquisition campaign.
import type { SqlRunner } from '../../sql';
import { placeholders } from '../../sql';
import { periodWhere, type Period } from './report-fields';

/** A campaign filter: by channel, or by campaign external id or name. */
export interface CampaignFilter {
  field: 'channel' | 'campaign';
  values: string[];
}

export interface CampaignFigures {
  externalId: string;
  name: string;
  channel: string | null;
  cost: number;
  deals: number;
  won: number;
  lost: number;
  wonAmount: number;
  accountsAcquired: number;
  attributedRevenue: number;
  attributedMargin: number;
}

export async function campaignFigures(
  q: SqlRunner,
  opts: { period: Period; filters: readonly CampaignFilter[] },
): Promise<CampaignFigures[]> {
  const params: unknown[] = [];
  const pDeal = periodWhere('o.created_at', opts.period, params);
  const pOrd = periodWhere('od.ordered_at', opts.period, params);
  const conds: string[] = [];
  for (const f of opts.filters) {
    const ph = placeholders(f.values.length);
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
                 FROM opportunity o WHERE o.campaign_id IS NOT NULL${pDeal.map((c) => ` AND ${c}`).join('')} GROUP BY o.campaign_id),
          ca AS (SELECT acquisition_campaign_id AS campaign_id, COUNT(*) AS accounts FROM account WHERE acquisition_campaign_id IS NOT NULL GROUP BY acquisition_campaign_id),
          co AS (SELECT COALESCE(op.campaign_id, a.acquisition_campaign_id) AS campaign_id, SUM(od.revenue) AS revenue, SUM(od.revenue - od.cost_of_goods) AS margin
                 FROM orders od JOIN account a ON a.id = od.account_id LEFT JOIN opportunity op ON op.id = od.opportunity_id
                 WHERE COALESCE(op.campaign_id, a.acquisition_campaign_id) IS NOT NULL${pOrd.map((c) => ` AND ${c}`).join('')}
                 GROUP BY COALESCE(op.campaign_id, a.acquisition_campaign_id))
     SELECT c.external_id, c.name, c.channel, c.cost, cd.deals, cd.won, cd.lost, cd.won_amount, ca.accounts, co.revenue, co.margin
     FROM campaign c LEFT JOIN cd ON cd.campaign_id = c.id LEFT JOIN ca ON ca.campaign_id = c.id LEFT JOIN co ON co.campaign_id = c.id
     ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}`,
    params,
  );
  const n = (v: unknown) => Number(v ?? 0);
  return rows.map((r) => ({
    externalId: String(r.external_id),
    name: String(r.name),
    channel: (r.channel as string) ?? null,
    cost: n(r.cost),
    deals: n(r.deals),
    won: n(r.won),
    lost: n(r.lost),
    wonAmount: n(r.won_amount),
    accountsAcquired: n(r.accounts),
    attributedRevenue: n(r.revenue),
    attributedMargin: n(r.margin),
  }));
}
