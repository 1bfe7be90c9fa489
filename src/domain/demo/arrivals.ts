// When the demo company's accounts enter the CRM (generate-demo-data.ts): seasonal, mildly growing,
// and lifted while campaigns run. Half of the arrival intensity is organic, half follows campaign
// spend (relative to the average daily spend), so campaign spend drives pipeline created and, a
// cycle later, bookings.
import { days, seasonality, startOfDay, toMinute } from './calendar';
import type { CampaignDraft } from './marketing';
import type { Rng } from '../../math/random';
import { DAY_MS } from '../../math/time';

const EXISTING_SHARE = 0.35;

export interface ArrivalPlan {
  /** Arrival time of each account, by account index: the existing customers first, oldest first. */
  times: number[];
  /** The first `existingCount` accounts are customers already when the history starts. */
  existingCount: number;
  /** Campaign spend running at t, relative to the average daily spend. */
  campaignBoost: (t: number) => number;
  /** Indexes of the prospect-bringing campaigns running at t. */
  activeAt: (t: number) => number[];
  /** Each campaign's spend per day (0 for email programmes, which bring no prospects). */
  spendPerDay: number[];
}

export function planArrivals(rng: Rng, accounts: number, from: number, asOf: number, campaigns: CampaignDraft[]): ArrivalPlan {
  const windowDays = Math.max(1, (asOf - from) / DAY_MS);
  // Email programmes go to customers already in the CRM: only web, events and partner campaigns
  // bring in new prospects.
  const bringsProspects = (c: CampaignDraft) => c.programme === null;
  const spendPerDay = campaigns.map((c) => (bringsProspects(c) ? c.cost / Math.max(1, (c.endedAt - c.startedAt) / DAY_MS) : 0));
  const meanSpendPerDay = spendPerDay.reduce((a, b) => a + b, 0) / windowDays || 1;
  const activeAt = (t: number) =>
    campaigns.map((c, i) => (bringsProspects(c) && c.startedAt <= t && t < c.endedAt ? i : -1)).filter((i) => i >= 0);
  const campaignBoost = (t: number) => activeAt(t).reduce((sum, i) => sum + spendPerDay[i], 0) / meanSpendPerDay;
  const arrivalEnd = Math.max(from + DAY_MS, asOf - Math.min(days(14), 0.3 * (asOf - from)));
  const intensity = (t: number) => seasonality(t) * (0.85 + 0.3 * ((t - from) / (arrivalEnd - from))) * (0.5 + 0.5 * campaignBoost(t));
  let maxIntensity = 0;
  for (let t = from; t < arrivalEnd; t += DAY_MS)
    maxIntensity = Math.max(maxIntensity, intensity(t), intensity(Math.min(arrivalEnd - 1, t + DAY_MS - 1)));
  // About a third of the accounts are customers already when the history starts (acquired up to
  // three years earlier); they come first in the numbering, oldest first.
  const existingCount = Math.round(accounts * EXISTING_SHARE);
  const existing: number[] = [];
  for (let i = 0; i < existingCount; i++) existing.push(startOfDay(from - days(rng.uniform(30, 1095))));
  existing.sort((a, b) => a - b);
  const times: number[] = [];
  while (times.length < accounts - existingCount) {
    const t = from + rng.next() * (arrivalEnd - from);
    if (rng.next() * maxIntensity < intensity(t)) times.push(toMinute(t));
  }
  times.sort((a, b) => a - b);
  times.unshift(...existing);
  return { times, existingCount, campaignBoost, activeAt, spendPerDay };
}
