// Campaign ROI (issue 5 §5). Per campaign:
//   deals, won, lost, win rate, won amount        (opportunities with campaign_id; period on created_at)
//   accounts acquired, CAC = cost / accounts acquired            (account.acquisition_campaign_id)
//   attributed revenue / margin: each order is attributed to at most one campaign — its deal's
//     campaign when the order links to a deal with one, else the account's acquisition campaign
//     (period on ordered_at); margin = revenue − cost of goods
//   ROI = (attributed margin − cost) / cost;  won-deal ROI = (won amount − cost) / cost
import { z } from 'zod';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { invalidInput } from '../../errors';
import { wilsonInterval, type Interval } from '../../domain/analytics/statistics';
import { sqlDialect } from '../../db/sql-dialect';
import { Filters, PeriodFields, parseInput, periodWhere, resolvePeriod } from './filters';

export const CampaignsInput = z.object({
  ...PeriodFields,
  /** channel and/or campaign (external id or name). */
  filters: Filters,
  sort: z.enum(['roi', 'cost', 'attributedRevenue', 'attributedMargin', 'wonAmount', 'name']).default('roi'),
});
export type CampaignsInputT = z.input<typeof CampaignsInput>;

export interface CampaignRow {
  campaignId: string;
  name: string;
  channel: string | null;
  cost: number;
  deals: number;
  won: number;
  lost: number;
  winRate: Interval;
  wonAmount: number;
  accountsAcquired: number;
  acquisitionCostPerAccount: number | null;
  attributedRevenue: number;
  attributedMargin: number;
  roi: number | null;
  wonDealRoi: number | null;
}
export interface CampaignsResult {
  report: 'campaigns';
  currency: string;
  period: { from: string | null; to: string | null };
  rows: CampaignRow[];
  totals: Omit<CampaignRow, 'campaignId' | 'name' | 'channel'>;
}

const ratio = (a: number, b: number) => (b !== 0 ? a / b : null);

export async function campaignsReport(db: Database, input: CampaignsInputT = {}): Promise<CampaignsResult> {
  const q = parseInput(CampaignsInput, input, 'campaigns');
  sqlDialect(db.sql.dialect);
  const period = resolvePeriod(q.from, q.to);
  const params: unknown[] = [];
  const pDeal = periodWhere('o.created_at', period, params);
  const pOrd = periodWhere('od.ordered_at', period, params);
  const conds: string[] = [];
  for (const [field, raw] of Object.entries(q.filters)) {
    const values = (Array.isArray(raw) ? raw : [raw]).map(String);
    const ph = values.map(() => '?').join(', ');
    if (field === 'channel') {
      conds.push(`c.channel IN (${ph})`);
      params.push(...values);
    } else if (field === 'campaign') {
      conds.push(`(c.external_id IN (${ph}) OR c.name IN (${ph}))`);
      params.push(...values, ...values);
    } else
      throw invalidInput(`Unknown field "${field}" for campaigns; known fields: channel, campaign`, [
        { path: ['filters', field], problem: 'unknown field', value: field },
      ]);
  }
  const rows = await db.sql.all<Record<string, unknown>>(
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
  const build = (r: {
    cost: number;
    deals: number;
    won: number;
    lost: number;
    wonAmount: number;
    accountsAcquired: number;
    attributedRevenue: number;
    attributedMargin: number;
  }) => ({
    ...r,
    winRate: wilsonInterval(r.won, r.won + r.lost),
    acquisitionCostPerAccount: r.accountsAcquired ? r.cost / r.accountsAcquired : null,
    roi: ratio(r.attributedMargin - r.cost, r.cost),
    wonDealRoi: ratio(r.wonAmount - r.cost, r.cost),
  });
  const out: CampaignRow[] = rows.map((r) => ({
    campaignId: String(r.external_id),
    name: String(r.name),
    channel: (r.channel as string) ?? null,
    ...build({
      cost: n(r.cost),
      deals: n(r.deals),
      won: n(r.won),
      lost: n(r.lost),
      wonAmount: n(r.won_amount),
      accountsAcquired: n(r.accounts),
      attributedRevenue: n(r.revenue),
      attributedMargin: n(r.margin),
    }),
  }));
  const key = q.sort;
  out.sort(
    (a, b) =>
      (key === 'name'
        ? a.name.localeCompare(b.name)
        : ((b[key] as number | null) ?? -Infinity) - ((a[key] as number | null) ?? -Infinity)) || a.campaignId.localeCompare(b.campaignId),
  );
  const t = out.reduce(
    (s, r) => ({
      cost: s.cost + r.cost,
      deals: s.deals + r.deals,
      won: s.won + r.won,
      lost: s.lost + r.lost,
      wonAmount: s.wonAmount + r.wonAmount,
      accountsAcquired: s.accountsAcquired + r.accountsAcquired,
      attributedRevenue: s.attributedRevenue + r.attributedRevenue,
      attributedMargin: s.attributedMargin + r.attributedMargin,
    }),
    { cost: 0, deals: 0, won: 0, lost: 0, wonAmount: 0, accountsAcquired: 0, attributedRevenue: 0, attributedMargin: 0 },
  );
  return {
    report: 'campaigns',
    currency: loadConfig().CURRENCY,
    period: { from: period.from?.toISOString() ?? null, to: period.toExclusive?.toISOString() ?? null },
    rows: out,
    totals: build(t),
  };
}
