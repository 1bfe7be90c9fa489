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
import { type CampaignFilter, campaignFigures } from '../../db/repositories/analytics/campaigns';
import { invalidInput } from '../../errors';
import { wilsonInterval, type Interval } from '../../domain/analytics/statistics';
import { Filters, PeriodFields, parseInput, resolvePeriod } from './filters';

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
  const period = resolvePeriod(q.from, q.to);
  const filters: CampaignFilter[] = Object.entries(q.filters).map(([field, raw]) => {
    if (field !== 'channel' && field !== 'campaign')
      throw invalidInput(`Unknown field "${field}" for campaigns; known fields: channel, campaign`, [
        { path: ['filters', field], problem: 'unknown field', value: field },
      ]);
    return { field, values: (Array.isArray(raw) ? raw : [raw]).map(String) };
  });
  const rows = await campaignFigures(db.sql, { period, filters });
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
    campaignId: r.externalId,
    name: r.name,
    channel: r.channel,
    ...build({
      cost: r.cost,
      deals: r.deals,
      won: r.won,
      lost: r.lost,
      wonAmount: r.wonAmount,
      accountsAcquired: r.accountsAcquired,
      attributedRevenue: r.attributedRevenue,
      attributedMargin: r.attributedMargin,
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
