// Campaign ROI within an attribution window (issue 15, defect 10). Per campaign:
//   deals, won, lost, win rate, won amount        (deals it sourced, created in the period)
//   acquired clients (account.acquisition_campaign_id); loyal: those that ordered again at least a
//     day after their first order, within the window after acquisition ("became loyal")
//   cost per acquired client = cost ÷ acquired; cost per loyal client = cost ÷ loyal
//   attributed revenue and margin: orders placed within `windowDays` of the campaign's first touch
//     of the account (its acquisition, or the first deal it sourced there), each order to at most
//     one campaign (src/db/repositories/analytics/campaign-attribution.ts); margin = revenue − cost
//     of goods; orders placed in the period
//   ROI = (attributed margin − cost) ÷ cost;  won-deal ROI = (won amount − cost) ÷ cost
//   payback: months from the campaign's start month until its cumulative attributed margin covers
//     its cost (src/domain/analytics/payback.ts), or why it cannot be said
// Attribution counts what a campaign touched, not what it caused: the campaign-effect report
// compares a campaign's target list with similar accounts left out.
import { z } from 'zod';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import {
  acquisitionSums,
  attributedMarginByMonth,
  attributedSums,
  targetCounts,
} from '../../db/repositories/analytics/campaign-attribution';
import { campaignBase, type CampaignFilter } from '../../db/repositories/analytics/campaigns';
import { measureSpan } from '../../db/repositories/analytics/growth';
import { monthIndexOf, type PaybackStatus, payback } from '../../domain/analytics/payback';
import { type Interval, wilsonInterval } from '../../domain/analytics/statistics';
import { invalidInput } from '../../errors';
import { Filters, PeriodFields, parseInput, resolvePeriod } from './filters';

const DAY_MS = 86_400_000;
export const DEFAULT_ATTRIBUTION_WINDOW_DAYS = 365;

export const CampaignsInput = z.object({
  ...PeriodFields,
  /** channel and/or campaign (external id or name). */
  filters: Filters,
  sort: z
    .enum(['roi', 'cost', 'attributedRevenue', 'attributedMargin', 'wonAmount', 'accountsAcquired', 'paybackMonths', 'name'])
    .default('roi'),
  /** Orders count for a campaign only within this many days of its first touch of the account. */
  windowDays: z.coerce.number().int().min(1).max(3650).default(DEFAULT_ATTRIBUTION_WINDOW_DAYS),
});
export type CampaignsInputT = z.input<typeof CampaignsInput>;

export interface CampaignFigures {
  cost: number;
  deals: number;
  won: number;
  lost: number;
  winRate: Interval;
  wonAmount: number;
  accountsAcquired: number;
  loyalClients: number;
  /** Acquired clients whose window is still open at the end (they may yet become loyal). */
  acquiredWindowOpen: number;
  acquisitionCostPerAccount: number | null;
  costPerLoyalClient: number | null;
  attributedRevenue: number;
  attributedMargin: number;
  roi: number | null;
  wonDealRoi: number | null;
}

export interface CampaignRow extends CampaignFigures {
  campaignId: string;
  name: string;
  channel: string | null;
  startedAt: string | null;
  /** Accounts on the campaign's target list (0: none recorded). */
  targets: number;
  paybackMonths: number | null;
  /** paid_back | not_yet | no_acquisition_cost (the campaign cost nothing) | acquired_before_history (it started before the order history) */
  payback: PaybackStatus;
}

export interface CampaignsResult {
  report: 'campaigns';
  currency: string;
  period: { from: string | null; to: string | null };
  windowDays: number;
  rows: CampaignRow[];
  totals: CampaignFigures;
  notes: string[];
}

const ratio = (a: number, b: number) => (b !== 0 ? a / b : null);

function parseFilters(filters: Record<string, unknown>): CampaignFilter[] {
  return Object.entries(filters).map(([field, raw]) => {
    if (field !== 'channel' && field !== 'campaign')
      throw invalidInput(`Unknown field "${field}" for campaigns; known fields: channel, campaign`, [
        { path: ['filters', field], problem: 'unknown field', value: field },
      ]);
    return { field, values: (Array.isArray(raw) ? raw : [raw]).map(String) };
  });
}

type Sums = Omit<CampaignFigures, 'winRate' | 'acquisitionCostPerAccount' | 'costPerLoyalClient' | 'roi' | 'wonDealRoi'>;

function figures(s: Sums): CampaignFigures {
  return {
    ...s,
    winRate: wilsonInterval(s.won, s.won + s.lost),
    acquisitionCostPerAccount: s.accountsAcquired ? s.cost / s.accountsAcquired : null,
    costPerLoyalClient: s.loyalClients ? s.cost / s.loyalClients : null,
    roi: ratio(s.attributedMargin - s.cost, s.cost),
    wonDealRoi: ratio(s.wonAmount - s.cost, s.cost),
  };
}

function sortRows(rows: CampaignRow[], key: z.output<typeof CampaignsInput>['sort']): void {
  rows.sort((a, b) => {
    if (key === 'name') return a.name.localeCompare(b.name) || a.campaignId.localeCompare(b.campaignId);
    // Payback: fewest months first, campaigns that have not paid back last; the rest largest first.
    if (key === 'paybackMonths')
      return (a.paybackMonths ?? Infinity) - (b.paybackMonths ?? Infinity) || a.campaignId.localeCompare(b.campaignId);
    return ((b[key] as number | null) ?? -Infinity) - ((a[key] as number | null) ?? -Infinity) || a.campaignId.localeCompare(b.campaignId);
  });
}

export async function campaignsReport(db: Database, input: CampaignsInputT = {}): Promise<CampaignsResult> {
  const q = parseInput(CampaignsInput, input, 'campaigns');
  const period = resolvePeriod(q.from, q.to);
  const base = await campaignBase(db.sql, { period, filters: parseFilters(q.filters) });
  const span = await measureSpan(db.sql, 'turnover');
  const end = period.toExclusive ?? (span ? new Date((Math.floor(span.last.getTime() / DAY_MS) + 1) * DAY_MS) : new Date());
  const attribution = { windowDays: q.windowDays, orderPeriod: period };
  const attributed = new Map((await attributedSums(db.sql, attribution)).map((x) => [x.campaignId, x]));
  const acquired = new Map((await acquisitionSums(db.sql, { windowDays: q.windowDays, end })).map((x) => [x.campaignId, x]));
  const targets = new Map((await targetCounts(db.sql)).map((x) => [x.campaignId, x]));
  const monthly = new Map<number, { month: number; netProfit: number }[]>();
  for (const m of await attributedMarginByMonth(db.sql, attribution)) {
    if (!monthly.has(m.campaignId)) monthly.set(m.campaignId, []);
    monthly.get(m.campaignId)!.push({ month: m.month, netProfit: m.margin });
  }
  const rows: CampaignRow[] = base.map((c) => {
    const at = attributed.get(c.id);
    const acq = acquired.get(c.id);
    const start = c.startedAt ?? acq?.firstAcquiredAt ?? targets.get(c.id)?.firstTargetedAt ?? null;
    const pb = payback(monthly.get(c.id) ?? [], c.cost, start, {
      historyStartMonth: span ? monthIndexOf(span.first) : null,
      endMonth: monthIndexOf(new Date(end.getTime() - 1)),
    });
    return {
      campaignId: c.externalId,
      name: c.name,
      channel: c.channel,
      startedAt: c.startedAt?.toISOString() ?? null,
      targets: targets.get(c.id)?.targets ?? 0,
      paybackMonths: pb.months,
      payback: pb.status,
      ...figures({
        cost: c.cost,
        deals: c.deals,
        won: c.won,
        lost: c.lost,
        wonAmount: c.wonAmount,
        accountsAcquired: acq?.acquired ?? 0,
        loyalClients: acq?.loyal ?? 0,
        acquiredWindowOpen: acq?.windowOpen ?? 0,
        attributedRevenue: at?.revenue ?? 0,
        attributedMargin: at?.margin ?? 0,
      }),
    };
  });
  sortRows(rows, q.sort);
  const keys = [
    'cost',
    'deals',
    'won',
    'lost',
    'wonAmount',
    'accountsAcquired',
    'loyalClients',
    'acquiredWindowOpen',
    'attributedRevenue',
    'attributedMargin',
  ] as const;
  const totals = Object.fromEntries(keys.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)])) as Sums;
  const notes: string[] = [];
  if (base.length === 0) notes.push('No campaigns are recorded.');
  else if (!span)
    notes.push('No orders are recorded: no revenue can be attributed, so ROI and payback rest on won deal amounts only (wonDealRoi).');
  const open = totals.acquiredWindowOpen;
  if (open > 0)
    notes.push(
      `${open} acquired clients were acquired less than ${q.windowDays} days before the end: their attribution windows are still open.`,
    );
  return {
    report: 'campaigns',
    currency: loadConfig().CURRENCY,
    period: { from: period.from?.toISOString() ?? null, to: period.toExclusive?.toISOString() ?? null },
    windowDays: q.windowDays,
    rows,
    totals: figures(totals),
    notes,
  };
}
