// The demo company: a seeded synthetic B2B software vendor with a sales team, a product line,
// marketing campaigns, prospects becoming customers, repeat purchases, support load and churn.
// Pure: options in, canonical records (src/domain/records.ts) out, identical for the same seed and
// as-of date, so loading it twice changes nothing. docs/demo.md describes the planted signals.
//
// How the story unfolds, per account (each on its own random stream):
//   arrival (seasonal, mildly growing, some brought by campaigns) → new-business deals until one is
//   won or the prospect gives up → as a customer: an initial order, recurring purchases (a Poisson
//   process per customer, as BG/NBD assumes), expansion deals, account activities, onboarding and
//   monthly support costs → possibly churn, preceded by a distress ramp (customer-health.ts).
// Everything is simulated to its natural end and then cut at the as-of date: events after it are
// dropped, deals still running are open, and customers whose churn lies ahead are active (but may
// already show the decline).
import { AppError, type ErrorDetail } from '../../errors';
import { DEMO_DEFAULTS } from './defaults';
import type { EntityKind, RecordOf } from '../records';
import { addMonths, days, SEASON_MAX, seasonality, startOfDay, startOfMonth, toMinute } from './calendar';
import {
  BASE_REPS,
  COMPANY_SUFFIX,
  COMPETITORS,
  COUNTRIES,
  CRM_SYSTEMS,
  EXPANSION_MIX,
  EXTRA_REP_FIRST,
  EXTRA_REP_LAST,
  INDUSTRIES,
  INDUSTRY_WEIGHTS,
  NAME_PREFIXES,
  NEW_BUSINESS_MIX,
  PRODUCTS,
  REGIONS,
  TEAMS,
  type Channel,
  type ProductKey,
  type Region,
  type RepProfile,
  type Segment,
} from './catalog';
import {
  activityMultiplier,
  distressAt,
  expansionMultiplier,
  orderMultiplier,
  supportMultiplier,
  type DistressEpisode,
} from './customer-health';
import { dealAmount, discountEffect, simulateDeal, LOST_STAGE, WON_STAGE, type SimulatedDeal } from './deal-simulation';
import { acquisitionCost, type CampaignDraft, liftAt, maxLift, planCampaigns, PROGRAMMES, targetCustomer } from './marketing';
import { createRng, seedFromLabels, type Rng } from '../../math/random';
import { DAY_MS } from '../../math/time';

export interface DemoOptions {
  seed?: number;
  accounts?: number;
  months?: number;
  /** End of the history (exclusive); truncated to midnight UTC. */
  asOf: Date;
}

export { DEMO_DEFAULTS };
// Beyond ~10,000 accounts the dataset (≈1.2M records) no longer fits the "demo" purpose; benchmarks
// generate their own data.
export const DEMO_LIMITS = { accounts: { min: 1, max: 10_000 }, months: { min: 1, max: 120 } } as const;

/** Every entity kind's records, keyed as upsertRecords and the importer expect. */
export type DemoRecords = { [K in EntityKind]: RecordOf<K>[] };

/** What the simulation knows but the CRM does not: for tests, docs and model sanity checks only. */
export interface DemoTruth {
  reps: { externalId: string; skill: number; optimism: number }[];
  /** How each deal open at the as-of date will end. */
  openDeals: { opportunityId: string; outcome: 'won' | 'lost'; closedAt: Date }[];
  /** Active customers whose churn within a year after the as-of date is already set in motion. */
  futureChurn: { accountId: string; churnedAt: Date }[];
  /**
   * What each email programme really does to the customers on its target list (marketing.ts): their
   * repeat orders and expansion deals run at (1 + lift) × their rate for `days` after being targeted
   * (a win-back also keeps half the customers already in decline 6-12 months longer).
   */
  campaignEffects: {
    campaignId: string;
    programme: string;
    targets: number;
    orderLift: number;
    expansionLift: number;
    days: number;
  }[];
}

export interface DemoDataset {
  /** See demoDatasetKey. */
  key: string;
  seed: number;
  accounts: number;
  months: number;
  from: Date;
  asOf: Date;
  records: DemoRecords;
  truth: DemoTruth;
}

export function validateDemoOptions(opts: DemoOptions): Required<DemoOptions> {
  const seed = opts.seed ?? DEMO_DEFAULTS.seed;
  const accounts = opts.accounts ?? DEMO_DEFAULTS.accounts;
  const months = opts.months ?? DEMO_DEFAULTS.months;
  const details: ErrorDetail[] = [];
  if (!Number.isSafeInteger(seed)) details.push({ path: ['seed'], value: seed, problem: 'must be an integer' });
  if (!Number.isInteger(accounts) || accounts < DEMO_LIMITS.accounts.min || accounts > DEMO_LIMITS.accounts.max)
    details.push({
      path: ['accounts'],
      value: accounts,
      problem: `must be an integer from ${DEMO_LIMITS.accounts.min} to ${DEMO_LIMITS.accounts.max}`,
    });
  if (!Number.isInteger(months) || months < DEMO_LIMITS.months.min || months > DEMO_LIMITS.months.max)
    details.push({
      path: ['months'],
      value: months,
      problem: `must be an integer from ${DEMO_LIMITS.months.min} to ${DEMO_LIMITS.months.max}`,
    });
  if (!(opts.asOf instanceof Date) || Number.isNaN(opts.asOf.getTime()))
    details.push({ path: ['asOf'], value: String(opts.asOf), problem: 'must be a valid date' });
  if (details.length) throw new AppError('INVALID_INPUT', 'Invalid demo data options', details);
  return { seed, accounts, months, asOf: new Date(startOfDay(opts.asOf.getTime())) };
}

// ---- planted effects (log-odds added at every stage gate; see deal-simulation.ts) ----
const SEGMENT_EFFECT: Record<Segment, number> = { SMB: 0.2, 'Mid-Market': 0, Enterprise: -0.3 };
const SOURCE_EFFECT: Record<string, number> = {
  Referral: 0.35,
  Partner: 0.2,
  Inbound: 0.1,
  Event: 0,
  Email: -0.1,
  Outbound: -0.3,
  Expansion: 0,
};
const EXPANSION_EFFECT = 0.4;
const COMPETITOR_EFFECT = -0.35;
const ENGAGEMENT_EFFECT = 0.55;
const HIDDEN_NOISE_SD = 0.45;
const DISTRESS_EFFECT = -1.2;

const SEGMENT_MIX: (readonly [Segment, number])[] = [
  ['SMB', 0.55],
  ['Mid-Market', 0.3],
  ['Enterprise', 0.15],
];
const REGION_MIX: (readonly [Region, number])[] = [
  ['North America', 0.45],
  ['EMEA', 0.35],
  ['APAC', 0.2],
];
const ORGANIC_SOURCES: (readonly [string, number])[] = [
  ['Outbound', 0.5],
  ['Inbound', 0.25],
  ['Referral', 0.15],
  ['Partner', 0.1],
];
const CHANNEL_SOURCE: Record<Channel, string> = { web: 'Inbound', events: 'Event', partner: 'Partner', email: 'Email' };

const EMPLOYEES: Record<Segment, { median: number; min: number; max: number }> = {
  SMB: { median: 60, min: 5, max: 249 },
  'Mid-Market': { median: 600, min: 250, max: 2499 },
  Enterprise: { median: 6000, min: 2500, max: 150_000 },
};
const DEAL_QUANTITY: Record<Segment, number> = { SMB: 1.2, 'Mid-Market': 3, Enterprise: 8 };
const PRODUCT_QUANTITY: Record<ProductKey, number> = {
  core: 1,
  analytics: 1,
  connector: 1.5,
  implementation: 0.4,
  gateway: 4,
  credits: 20,
};
const MEDIAN_DEAL: Record<Segment, number> = { SMB: 12_000, 'Mid-Market': 30_000, Enterprise: 90_000 };
const DISCOUNT_CLASSES: Record<Segment, number[]> = {
  // none, moderate (3-15%), high (15-25%), deep (25-40%)
  SMB: [0.5, 0.32, 0.13, 0.05],
  'Mid-Market': [0.35, 0.4, 0.18, 0.07],
  Enterprise: [0.2, 0.45, 0.25, 0.1],
};
const EXPANSION_RATE_PER_MONTH: Record<Segment, number> = { SMB: 0.4, 'Mid-Market': 0.8, Enterprise: 1.4 };
const CHURN_PER_MONTH: Record<Segment, number> = { SMB: 0.028, 'Mid-Market': 0.017, Enterprise: 0.009 };
const PLAN_MIX: Record<Segment, (readonly [string, number])[]> = {
  SMB: [
    ['basic', 0.6],
    ['pro', 0.35],
    ['enterprise', 0.05],
  ],
  'Mid-Market': [
    ['basic', 0.2],
    ['pro', 0.6],
    ['enterprise', 0.2],
  ],
  Enterprise: [
    ['pro', 0.3],
    ['enterprise', 0.7],
  ],
};
const PLAN_CHURN_EFFECT: Record<string, number> = { basic: 0.3, pro: 0, enterprise: -0.25 };
const ORDERS_PER_MONTH: Record<Segment, number> = { SMB: 0.8, 'Mid-Market': 1.2, Enterprise: 2.0 };
const SPEND_PER_ORDER: Record<Segment, number> = { SMB: 1200, 'Mid-Market': 4000, Enterprise: 12_000 };
const ONBOARDING_COST: Record<Segment, number> = { SMB: 600, 'Mid-Market': 2500, Enterprise: 9000 };
const TICKETS_PER_MONTH: Record<Segment, number> = { SMB: 1.2, 'Mid-Market': 2.5, Enterprise: 5 };
const COST_PER_TICKET = 55;
const MEETING_COST: Record<Segment, number> = { SMB: 60, 'Mid-Market': 120, Enterprise: 250 };
const ACTIVITY_COST = { email: 1.5, call: 12, demo: 200 } as const;
const MIN_TENURE_DAYS = 120;
const EXISTING_SHARE = 0.35;
/** How far before the window expansion deals of existing customers may have been created. */
const IN_FLIGHT_DAYS = 180;

const round2 = (x: number) => Math.round(x * 100) / 100;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

// ---- drafts: simulated facts before external ids are assigned ----
interface RepDraft extends RepProfile {
  externalId: string;
  hiredAt: number;
}
interface AccountDraft {
  index: number;
  name: string;
  segment: Segment;
  region: Region;
  ownerRep: number;
  record: Omit<RecordOf<'accounts'>, 'externalId'>;
  acquisitionCampaign: number | null;
  externalId: string;
}
interface DealDraft {
  account: AccountDraft;
  rep: number;
  product: number;
  campaign: number | null;
  source: string;
  dealType: 'New Business' | 'Expansion';
  competitor: string | null;
  discount: number;
  callDraw: number;
  sim: SimulatedDeal;
  externalId: string;
}
interface ActivityDraft {
  account: AccountDraft;
  deal: DealDraft | null;
  rep: number;
  type: string;
  at: number;
  durationMinutes: number;
  cost: number;
}
interface OrderDraft {
  account: AccountDraft;
  product: number;
  deal: DealDraft | null;
  at: number;
  quantity: number;
  discount: number;
}
interface TargetDraft {
  account: AccountDraft;
  campaign: number;
  at: number;
}
interface ServiceCostDraft {
  account: AccountDraft;
  at: number;
  kind: string;
  amount: number;
}

/** Times of a Poisson process on [from, to) with rate maxRate·accept(t) per day (thinning). */
function poissonTimes(rng: Rng, from: number, to: number, maxRatePerDay: number, accept: (t: number) => number): number[] {
  const out: number[] = [];
  if (to <= from || maxRatePerDay <= 0) return out;
  let t = from;
  for (;;) {
    t += days(rng.exponential(maxRatePerDay));
    if (t >= to) return out;
    if (rng.next() < accept(t)) out.push(toMinute(t));
  }
}

export function generateDemoData(options: DemoOptions): DemoDataset {
  const opts = validateDemoOptions(options);
  const asOf = opts.asOf.getTime();
  const from = addMonths(asOf, -opts.months);
  const rng = createRng(seedFromLabels(opts.seed, 'demo'), 'mulberry32');
  const scale = opts.accounts / DEMO_DEFAULTS.accounts;

  // ---- sales team ----
  const repCount = Math.max(BASE_REPS.length, Math.round(opts.accounts / 85));
  const reps: RepDraft[] = [];
  for (let i = 0; i < repCount; i++) {
    const base: RepProfile =
      BASE_REPS[i] ??
      ({
        name: `${EXTRA_REP_FIRST[i % EXTRA_REP_FIRST.length]} ${EXTRA_REP_LAST[Math.floor(i / EXTRA_REP_FIRST.length) % EXTRA_REP_LAST.length]}`,
        region: rng.weighted(REGION_MIX),
        skill: rng.normal(0, 0.3),
        optimism: rng.uniform(0.65, 1),
        callBoldness: rng.uniform(0.05, 0.3),
      } satisfies RepProfile);
    reps.push({ ...base, externalId: `REP-${pad(i + 1, 2)}`, hiredAt: startOfDay(from - days(IN_FLIGHT_DAYS + rng.uniform(30, 1000))) });
  }
  const repsByRegion = new Map<Region, number[]>(REGIONS.map((r) => [r, [] as number[]]));
  reps.forEach((r, i) => {
    repsByRegion.get(r.region)!.push(i);
  });
  for (const region of REGIONS)
    if (repsByRegion.get(region)!.length === 0)
      repsByRegion.set(
        region,
        reps.map((_, i) => i),
      );

  // ---- campaigns (marketing.ts): acquisition campaigns each quarter, emails to customers, partner programmes ----
  const campaigns = planCampaigns(rng, from, asOf, scale);

  // ---- arrivals: seasonal, mildly growing, and lifted while campaigns run ----
  // Half of the arrival intensity is organic, half follows campaign spend (relative to the average
  // daily spend), so campaign spend drives pipeline created and, a cycle later, bookings.
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
  const existingCount = Math.round(opts.accounts * EXISTING_SHARE);
  const existing: number[] = [];
  for (let i = 0; i < existingCount; i++) existing.push(startOfDay(from - days(rng.uniform(30, 1095))));
  existing.sort((a, b) => a - b);
  const arrivals: number[] = [];
  while (arrivals.length < opts.accounts - existingCount) {
    const t = from + rng.next() * (arrivalEnd - from);
    if (rng.next() * maxIntensity < intensity(t)) arrivals.push(toMinute(t));
  }
  arrivals.sort((a, b) => a - b);
  arrivals.unshift(...existing);

  const accounts: AccountDraft[] = [];
  const deals: DealDraft[] = [];
  const activities: ActivityDraft[] = [];
  const orders: OrderDraft[] = [];
  const serviceCosts: ServiceCostDraft[] = [];
  const futureChurn: { account: AccountDraft; at: number }[] = [];
  const campaignTargets: TargetDraft[] = [];
  const usedNames = new Set<string>();
  const productIndex = new Map(PRODUCTS.map((p, i) => [p.key, i]));

  for (let i = 0; i < opts.accounts; i++) {
    const r = createRng(seedFromLabels(opts.seed, 'account', i), 'mulberry32');
    const arrival = arrivals[i];
    const segment = r.weighted(SEGMENT_MIX);
    const region = r.weighted(REGION_MIX);
    const country = r.weighted(COUNTRIES[region]);
    const industry = r.weighted(INDUSTRY_WEIGHTS);
    let name = `${r.pick(NAME_PREFIXES)} ${r.pick(INDUSTRIES[industry])} ${COMPANY_SUFFIX[country]}`;
    for (let n = 2; usedNames.has(name); n++) name = `${name.replace(/ \(\d+\)$/, '')} (${n})`;
    usedNames.add(name);
    const e = EMPLOYEES[segment];
    const employees = Math.round(clamp(r.logNormal(e.median, 0.7), e.min, e.max));
    const size =
      employees < 50 ? '1-49' : employees < 250 ? '50-249' : employees < 1000 ? '250-999' : employees < 5000 ? '1000-4999' : '5000+';
    const annualRevenue = Math.round((employees * r.logNormal(180_000, 0.5)) / 1000) * 1000;
    // Latent churn risk: drives churn hazard, NPS and support load; never stored.
    const risk = r.normal();
    const regionReps = repsByRegion.get(region)!;
    const ownerRep = r.pick(regionReps);
    // Campaign-driven or organic, in proportion to the two parts of the arrival intensity.
    const boost = i < existingCount ? 0 : campaignBoost(arrival);
    let arrivalSource = r.weighted(ORGANIC_SOURCES);
    let arrivalCampaign: number | null = null;
    if (r.next() < (0.5 * boost) / (0.5 + 0.5 * boost)) {
      const running = activeAt(arrival);
      arrivalCampaign = r.weighted(running.map((c) => [c, spendPerDay[c]] as const));
      arrivalSource = CHANNEL_SOURCE[campaigns[arrivalCampaign].channel];
    }
    const attributes: Record<string, string | number | boolean | null> = {};
    if (r.bernoulli(0.88)) attributes.crm_system = r.pick(CRM_SYSTEMS);

    const account: AccountDraft = {
      index: i,
      name,
      segment,
      region,
      ownerRep,
      acquisitionCampaign: null,
      externalId: `ACC-${pad(i + 1, 4)}`,
      record: {
        name,
        segment,
        industry: r.bernoulli(0.97) ? industry : null,
        region,
        country,
        size,
        employees: r.bernoulli(0.95) ? employees : null,
        annualRevenue: r.bernoulli(0.85) ? annualRevenue : null,
        acquiredAt: null,
        acquisitionCampaignId: null,
        acquisitionCost: null,
        status: 'active',
        churnedAt: null,
        attributes,
      },
    };
    accounts.push(account);

    const makeDeal = (
      createdAt: number,
      dealType: 'New Business' | 'Expansion',
      source: string,
      campaign: number | null,
      distress: number,
      forcedLossAt?: number,
    ): DealDraft => {
      const productKey = r.weighted(dealType === 'Expansion' ? EXPANSION_MIX : NEW_BUSINESS_MIX);
      const product = productIndex.get(productKey)!;
      const p = PRODUCTS[product];
      const quantity = Math.max(1, Math.round(DEAL_QUANTITY[segment] * PRODUCT_QUANTITY[productKey] * r.logNormal(1, 0.5)));
      const cls = r.weighted(DISCOUNT_CLASSES[segment].map((w, k) => [k, w] as const));
      const discount =
        cls === 0
          ? 0
          : Math.round(2 * 100 * (cls === 1 ? r.uniform(0.03, 0.15) : cls === 2 ? r.uniform(0.15, 0.25) : r.uniform(0.25, 0.4))) / 200;
      const competitor = r.bernoulli(dealType === 'Expansion' ? 0.15 : 0.4) ? r.pick(COMPETITORS) : null;
      const rep = r.bernoulli(0.88) || regionReps.length === 1 ? ownerRep : r.pick(regionReps.filter((x) => x !== ownerRep));
      const engagement = r.normal();
      const eta =
        reps[rep].skill +
        SEGMENT_EFFECT[segment] +
        discountEffect(discount) +
        (SOURCE_EFFECT[source] ?? 0) +
        (dealType === 'Expansion' ? EXPANSION_EFFECT : 0) +
        (competitor ? COMPETITOR_EFFECT : 0) +
        ENGAGEMENT_EFFECT * engagement +
        r.normal(0, HIDDEN_NOISE_SD) +
        DISTRESS_EFFECT * distress;
      const amount = dealAmount(p.listPrice, quantity, discount);
      // Bigger deals take longer; expansions to existing customers move faster.
      const pace = clamp((amount / MEDIAN_DEAL[segment]) ** 0.2, 0.7, 1.5) * (dealType === 'Expansion' ? 0.7 : 1);
      const sim = simulateDeal(r, {
        segment,
        createdAt,
        listPrice: p.listPrice,
        quantity,
        discount,
        eta,
        engagement,
        optimism: reps[rep].optimism * r.logNormal(1, 0.1),
        pace,
        forcedLossAt,
      });
      const deal: DealDraft = {
        account,
        rep,
        product,
        campaign,
        source,
        dealType,
        competitor,
        discount,
        callDraw: r.next(),
        sim,
        externalId: '',
      };
      deals.push(deal);
      for (const a of sim.activities) {
        const cost = a.type === 'meeting' ? MEETING_COST[segment] : ACTIVITY_COST[a.type];
        activities.push({ account, deal, rep, type: a.type, at: a.at, durationMinutes: a.durationMinutes, cost });
      }
      return deal;
    };

    // Customers acquired before the window: the company has a history before its CRM export
    // starts, so bookings and orders run at a steady rate from the first month.
    let acquiredAt: number;
    let firstWin: DealDraft | null = null;
    if (i < existingCount) {
      acquiredAt = arrival;
    } else {
      // New business: attempts until a win, a give-up, or the end of the window.
      let t = toMinute(arrival + days(r.uniform(0, 10)));
      for (let attempt = 0; t < asOf && attempt < 5; attempt++) {
        const source =
          attempt === 0
            ? arrivalSource
            : r.weighted([
                ['Outbound', 0.6],
                ['Inbound', 0.4],
              ] as const);
        const deal = makeDeal(t, 'New Business', source, attempt === 0 ? arrivalCampaign : null, 0);
        if (deal.sim.closedAt >= asOf) break;
        if (deal.sim.outcome === 'won') {
          firstWin = deal;
          break;
        }
        if (!r.bernoulli(0.65)) break;
        t = toMinute(deal.sim.closedAt + days(r.gammaWithMean(2, 60)));
      }
      if (!firstWin) continue;
      acquiredAt = startOfDay(firstWin.sim.closedAt);
    }

    // ---- the account is a customer from its first won deal ----
    const activeFrom = Math.max(acquiredAt, from);
    const plan = r.weighted(PLAN_MIX[segment]);
    attributes.plan = plan;
    // NPS (0-10) answers correlate with the latent risk; 30% never answered the survey.
    attributes.nps = r.bernoulli(0.7) ? Math.round(clamp(8.2 - 1.4 * risk + r.normal(0, 1.3), 0, 10)) : null;
    account.record.acquiredAt = new Date(acquiredAt);
    if (firstWin && arrivalCampaign !== null && firstWin.campaign === arrivalCampaign) account.acquisitionCampaign = arrivalCampaign;

    const hazardPerDay = -Math.log(1 - CHURN_PER_MONTH[segment] * Math.exp(0.55 * risk + PLAN_CHURN_EFFECT[plan])) / 30;
    // Exponential (memoryless) after a minimum tenure; customers from before the window are the
    // ones who survived to its start.
    let churnAt = startOfDay(Math.max(acquiredAt + days(MIN_TENURE_DAYS), from) + days(r.exponential(Math.max(1e-6, hazardPerDay))));
    const episodes: DistressEpisode[] = [];
    const declineDays = r.uniform(90, 210);
    const decline = (end: number): DistressEpisode => ({
      start: Math.max(acquiredAt + days(30), end - days(declineDays)),
      peakAt: end,
      end,
      level: 1,
    });
    episodes.push(decline(churnAt));
    // A quarter of customers go through a rough patch and recover: noise for the churn model.
    if (r.bernoulli(0.25)) {
      const start = activeFrom + days(60) + r.next() * Math.max(0, asOf - activeFrom - days(60));
      const len = days(r.uniform(60, 120));
      episodes.push({ start, peakAt: start + len / 2, end: start + len, level: r.uniform(0.4, 0.8) });
    }
    const u = (at: number) => distressAt(episodes, at);
    // Email programmes (marketing.ts), on a stream of their own so that the rest of the story of a
    // customer no programme reached is unchanged: whom they target, and what being targeted does.
    const targeting = targetCustomer(createRng(seedFromLabels(opts.seed, 'targets', i), 'mulberry32'), campaigns, {
      segment,
      acquiredAt,
      churnAt,
      distressAt: u,
    });
    for (const t of targeting.targets) campaignTargets.push({ account, campaign: t.campaign, at: t.targetedAt });
    if (targeting.postponedChurnAt !== null) {
      // Won back: the decline stops and starts again later, towards the new churn date.
      churnAt = targeting.postponedChurnAt;
      episodes[0] = decline(churnAt);
    }
    const churned = churnAt < asOf;
    const endActive = churned ? churnAt : asOf;
    if (churned) {
      account.record.status = 'churned';
      account.record.churnedAt = new Date(churnAt);
    } else if (churnAt < asOf + days(365)) futureChurn.push({ account, at: churnAt });

    const customerDiscount = r.weighted([
      [0, 0.4],
      [Math.round(r.uniform(3, 10)) / 100, 0.45],
      [Math.round(r.uniform(10, 15)) / 100, 0.15],
    ] as const);
    const ordersPerMonth = r.gammaWithMean(2, ORDERS_PER_MONTH[segment]);
    const spendPerOrder = r.gammaWithMean(3, SPEND_PER_ORDER[segment]);

    const addDealOrder = (deal: DealDraft) => {
      const last = deal.sim.events[deal.sim.events.length - 1];
      const lag = days(r.uniform(0, 5));
      const at = deal.sim.closedAt + lag < endActive ? toMinute(deal.sim.closedAt + lag) : deal.sim.closedAt;
      orders.push({ account, product: deal.product, deal, at, quantity: last.quantity, discount: deal.discount });
    };
    if (firstWin) addDealOrder(firstWin);

    // Recurring purchases: a Poisson process per customer (heterogeneous rates and spend, as the
    // BG/NBD and Gamma-Gamma models assume), thinned by season and distress, stopped by churn.
    // While an email programme's effect runs, the rate is lifted (thinning from the highest rate).
    const orderStart = firstWin ? acquiredAt + days(r.uniform(14, 45)) : from;
    const orderLiftMax = maxLift(targeting.windows, 'orderLift');
    for (const at of poissonTimes(
      r,
      orderStart,
      endActive,
      (ordersPerMonth * SEASON_MAX * orderLiftMax) / 30,
      (x) => ((seasonality(x) / SEASON_MAX) * orderMultiplier(u(x)) * liftAt(targeting.windows, x, 'orderLift').factor) / orderLiftMax,
    )) {
      const spend = r.gammaWithMean(3, spendPerOrder);
      const key = r.weighted([
        ['credits', 0.7],
        ['connector', 0.2],
        ['gateway', 0.1],
      ] as const);
      const product = productIndex.get(key)!;
      const net = PRODUCTS[product].listPrice * (1 - customerDiscount);
      orders.push({ account, product, deal: null, at, quantity: Math.max(1, Math.round(spend / net)), discount: customerDiscount });
    }

    // Expansion deals, fewer when the customer is unhappy; deals still running at churn are lost.
    // They start before the window for customers from before it, so that the window opens with
    // deals already in flight (as a real CRM export does) rather than with an empty pipeline.
    // No new deals in the last days before a churn (the customer has stopped talking about growth).
    // An expansion that arrives while a programme lifts the rate is one the programme brought with
    // probability (lift − 1) / lift: those deals, and only those, carry the email campaign.
    const expansionEnd = churned ? Math.min(endActive, churnAt - days(10)) : endActive;
    const expansionLiftMax = maxLift(targeting.windows, 'expansionLift');
    const induced = createRng(seedFromLabels(opts.seed, 'induced', i), 'mulberry32');
    for (const at of poissonTimes(
      r,
      Math.max(acquiredAt + days(30), from - days(IN_FLIGHT_DAYS)),
      expansionEnd,
      (EXPANSION_RATE_PER_MONTH[segment] * SEASON_MAX * expansionLiftMax) / 30,
      (x) =>
        ((seasonality(x) / SEASON_MAX) * expansionMultiplier(u(x)) * liftAt(targeting.windows, x, 'expansionLift').factor) /
        expansionLiftMax,
    )) {
      const lift = liftAt(targeting.windows, at, 'expansionLift');
      const campaign = lift.factor > 1 && induced.bernoulli((lift.factor - 1) / lift.factor) ? induced.pick(lift.campaigns) : null;
      const deal = makeDeal(at, 'Expansion', 'Expansion', campaign, u(at), Math.max(churnAt - days(r.uniform(0, 10)), at + days(3)));
      if (deal.sim.outcome === 'won' && deal.sim.closedAt >= from && deal.sim.closedAt < endActive) addDealOrder(deal);
    }

    // Account management: check-in calls, emails, business reviews — fading with distress.
    const meetingsPerMonth = segment === 'SMB' ? 0.1 : segment === 'Mid-Market' ? 0.3 : 0.5;
    const accountActivity: [string, number, () => number, number][] = [
      ['call', 0.5, () => r.gammaWithMean(3, 20), ACTIVITY_COST.call],
      ['email', 1.2, () => 5, ACTIVITY_COST.email],
      ['meeting', meetingsPerMonth, () => r.pick([30, 60, 60, 90]), MEETING_COST[segment]],
    ];
    for (const [type, perMonth, duration, cost] of accountActivity) {
      for (const at of poissonTimes(r, activeFrom, endActive, perMonth / 30, (x) => activityMultiplier(u(x)))) {
        activities.push({ account, deal: null, rep: ownerRep, type, at, durationMinutes: Math.round(duration()), cost });
      }
    }

    // Cost to serve: onboarding once, support every month (rising with distress), delivery per hardware order.
    const onboardingAt = acquiredAt + days(r.uniform(3, 20));
    if (firstWin && onboardingAt < endActive)
      serviceCosts.push({
        account,
        at: toMinute(onboardingAt),
        kind: 'onboarding',
        amount: round2(ONBOARDING_COST[segment] * r.logNormal(1, 0.3)),
      });
    for (let m = startOfMonth(activeFrom); m < endActive; m = addMonths(m, 1)) {
      const segStart = Math.max(m, activeFrom);
      const segEnd = Math.min(addMonths(m, 1), endActive);
      if (segEnd <= segStart) continue;
      const fraction = (segEnd - segStart) / days(30);
      const tickets = r.poissonApprox(
        TICKETS_PER_MONTH[segment] * Math.exp(0.3 * risk) * supportMultiplier(u((segStart + segEnd) / 2)) * fraction,
      );
      if (tickets > 0)
        serviceCosts.push({
          account,
          at: startOfDay(segEnd - 60_000),
          kind: 'support',
          amount: round2(tickets * COST_PER_TICKET * r.logNormal(1, 0.15)),
        });
    }
  }

  // Hardware ships: a delivery cost per order of gateways.
  const gateway = productIndex.get('gateway')!;
  for (const o of orders) {
    if (o.product !== gateway || o.at >= asOf) continue;
    const revenue = o.quantity * PRODUCTS[gateway].listPrice * (1 - o.discount);
    serviceCosts.push({ account: o.account, at: o.at, kind: 'delivery', amount: round2(35 + 0.04 * revenue) });
  }

  return assemble(opts, from, reps, campaigns, accounts, deals, activities, orders, serviceCosts, futureChurn, campaignTargets);
}

function forecastCategory(stage: string, pushes: number, callDraw: number, rep: RepDraft): RecordOf<'opportunities'>['forecastCategory'] {
  if (stage === WON_STAGE) return 'closed';
  if (stage === LOST_STAGE) return 'omitted';
  if (stage === 'Negotiation') return pushes >= 2 ? 'best_case' : 'commit';
  if (stage === 'Proposal') return callDraw < rep.callBoldness ? 'commit' : 'best_case';
  return 'pipeline';
}

function assemble(
  opts: Required<DemoOptions>,
  from: number,
  reps: RepDraft[],
  campaigns: CampaignDraft[],
  accounts: AccountDraft[],
  allDeals: DealDraft[],
  allActivities: ActivityDraft[],
  allOrders: OrderDraft[],
  allServiceCosts: ServiceCostDraft[],
  futureChurn: { account: AccountDraft; at: number }[],
  allTargets: TargetDraft[],
): DemoDataset {
  const asOf = opts.asOf.getTime();
  const byTime = <T>(items: T[], at: (x: T) => number) => items.filter((x) => at(x) < asOf).sort((a, b) => at(a) - at(b));

  // Acquisition cost (marketing.ts): the sales cost of winning the customer, plus its share of the
  // campaign that brought it in (the campaign's cost over the customers it acquired).
  const acquiredBy = new Map<number, number>();
  for (const a of accounts)
    if (a.acquisitionCampaign !== null) acquiredBy.set(a.acquisitionCampaign, (acquiredBy.get(a.acquisitionCampaign) ?? 0) + 1);
  for (const a of accounts) {
    if (!a.record.acquiredAt) continue;
    const c = a.acquisitionCampaign === null ? null : campaigns[a.acquisitionCampaign];
    if (c) a.record.acquisitionCampaignId = c.externalId;
    const share = c ? c.cost / acquiredBy.get(a.acquisitionCampaign!)! : 0;
    a.record.acquisitionCost = acquisitionCost(createRng(seedFromLabels(opts.seed, 'cac', a.index), 'mulberry32'), a.segment, share);
  }

  // Deals closed before the window are not in it; deals still open when it starts are, with
  // their full history.
  const deals = byTime(
    allDeals.filter((d) => d.sim.closedAt >= from),
    (d) => d.sim.events[0].at,
  );
  const kept = new Set(deals);
  deals.forEach((d, i) => {
    d.externalId = `OPP-${pad(i + 1, 6)}`;
  });

  const opportunities: RecordOf<'opportunities'>[] = [];
  const stageChangeDrafts: { deal: DealDraft; seq: number; at: number }[] = [];
  const openDeals: DemoTruth['openDeals'] = [];
  for (const d of deals) {
    const seen = d.sim.events.filter((e) => e.at < asOf);
    seen.forEach((e, seq) => {
      stageChangeDrafts.push({ deal: d, seq, at: e.at });
    });
    const last = seen[seen.length - 1];
    const pushes = seen.filter((e) => e.fromStage === e.toStage).length;
    const closed = last.toStage === WON_STAGE || last.toStage === LOST_STAGE;
    if (!closed) openDeals.push({ opportunityId: d.externalId, outcome: d.sim.outcome, closedAt: new Date(d.sim.closedAt) });
    const attributes: Record<string, string> = { deal_type: d.dealType };
    if (d.competitor) attributes.competitor = d.competitor;
    opportunities.push({
      externalId: d.externalId,
      name: `${d.account.name} – ${PRODUCTS[d.product].name}${d.dealType === 'Expansion' ? ' (expansion)' : ''}`,
      accountId: d.account.externalId,
      productId: `PRD-${pad(d.product + 1, 2)}`,
      repId: reps[d.rep].externalId,
      campaignId: d.campaign === null ? null : campaigns[d.campaign].externalId,
      amount: last.amount,
      discount: d.discount,
      stage: last.toStage,
      outcome: closed ? (last.toStage === WON_STAGE ? 'won' : 'lost') : 'open',
      createdAt: new Date(d.sim.events[0].at),
      expectedCloseAt: new Date(last.expectedCloseAt),
      closedAt: closed ? new Date(last.at) : null,
      source: d.source,
      forecastCategory: forecastCategory(last.toStage, pushes, d.callDraw, reps[d.rep]),
      attributes,
    });
  }
  stageChangeDrafts.sort((a, b) => a.at - b.at);
  const stageChanges: RecordOf<'stage-changes'>[] = stageChangeDrafts.map((s, i) => {
    const e = s.deal.sim.events[s.seq];
    return {
      externalId: `STG-${pad(i + 1, 7)}`,
      opportunityId: s.deal.externalId,
      fromStage: e.fromStage,
      toStage: e.toStage,
      amount: e.amount,
      expectedCloseAt: new Date(e.expectedCloseAt),
      changedAt: new Date(e.at),
    };
  });

  const activities: RecordOf<'activities'>[] = byTime(
    allActivities.filter((a) => a.deal === null || kept.has(a.deal)),
    (a) => a.at,
  ).map((a, i) => ({
    externalId: `ACT-${pad(i + 1, 7)}`,
    accountId: a.account.externalId,
    opportunityId: a.deal ? a.deal.externalId : null,
    repId: reps[a.rep].externalId,
    type: a.type,
    occurredAt: new Date(a.at),
    durationMinutes: a.durationMinutes,
    cost: a.cost,
  }));

  const orders: RecordOf<'orders'>[] = byTime(allOrders, (o) => o.at).map((o, i) => {
    const p = PRODUCTS[o.product];
    const gross = o.quantity * p.listPrice;
    const revenue = round2(gross * (1 - o.discount));
    return {
      externalId: `ORD-${pad(i + 1, 6)}`,
      accountId: o.account.externalId,
      productId: `PRD-${pad(o.product + 1, 2)}`,
      opportunityId: o.deal ? o.deal.externalId : null,
      orderedAt: new Date(o.at),
      revenue,
      costOfGoods: round2(o.quantity * p.unitCost),
      quantity: o.quantity,
      discount: round2(gross - revenue),
    };
  });

  const targets = byTime(allTargets, (t) => t.at).sort((a, b) => a.campaign - b.campaign || a.account.index - b.account.index);

  const serviceCosts: RecordOf<'service-costs'>[] = byTime(allServiceCosts, (s) => s.at).map((s, i) => ({
    externalId: `SVC-${pad(i + 1, 6)}`,
    accountId: s.account.externalId,
    incurredAt: new Date(s.at),
    kind: s.kind,
    amount: s.amount,
  }));

  const records: DemoRecords = {
    campaigns: campaigns.map((c) => ({
      externalId: c.externalId,
      name: c.name,
      channel: c.channel,
      cost: c.cost,
      startedAt: new Date(c.startedAt),
      endedAt: new Date(c.endedAt),
      attributes: null,
    })),
    accounts: accounts.map((a) => ({ externalId: a.externalId, ...a.record })),
    // The products carry the dataset's identity, so a later load can tell the same demo company
    // (nothing to do) from another one (refuse rather than mix two companies under the same ids).
    products: PRODUCTS.map((p, i) => ({
      externalId: `PRD-${pad(i + 1, 2)}`,
      name: p.name,
      family: p.family,
      listPrice: p.listPrice,
      unitCost: p.unitCost,
      attributes: { demo_dataset: demoDatasetKey(opts) },
    })),
    reps: reps.map((r) => ({
      externalId: r.externalId,
      name: r.name,
      team: TEAMS[r.region].team,
      manager: TEAMS[r.region].manager,
      region: r.region,
      hiredAt: new Date(r.hiredAt),
      attributes: null,
    })),
    opportunities,
    'stage-changes': stageChanges,
    activities,
    orders,
    'service-costs': serviceCosts,
    'campaign-targets': targets.map((t) => ({
      campaignId: campaigns[t.campaign].externalId,
      accountId: t.account.externalId,
      targetedAt: new Date(t.at),
    })),
  };
  return {
    key: demoDatasetKey(opts),
    seed: opts.seed,
    accounts: opts.accounts,
    months: opts.months,
    from: new Date(from),
    asOf: opts.asOf,
    records,
    truth: {
      reps: reps.map((r) => ({ externalId: r.externalId, skill: r.skill, optimism: r.optimism })),
      openDeals,
      futureChurn: futureChurn.map((f) => ({ accountId: f.account.externalId, churnedAt: new Date(f.at) })),
      campaignEffects: campaigns.flatMap((c, i) => {
        if (!c.programme) return [];
        const rule = PROGRAMMES[c.programme];
        return [
          {
            campaignId: c.externalId,
            programme: c.programme,
            targets: targets.filter((t) => t.campaign === i).length,
            orderLift: rule.orderLift,
            expansionLift: rule.expansionLift,
            days: rule.days,
          },
        ];
      }),
    },
  };
}

/** Identifies a generated dataset: the same key means the same records. */
export function demoDatasetKey(opts: Required<DemoOptions>): string {
  return `seed=${opts.seed} accounts=${opts.accounts} months=${opts.months} as_of=${opts.asOf.toISOString().slice(0, 10)}`;
}

/** Number of records per kind, and in all. */
export function demoRecordCount(records: DemoRecords): { perKind: Record<EntityKind, number>; total: number } {
  const perKind = Object.fromEntries(Object.entries(records).map(([k, v]) => [k, v.length])) as Record<EntityKind, number>;
  return { perKind, total: Object.values(perKind).reduce((a, b) => a + b, 0) };
}
