// The demo company's customers (generate-demo-data.ts), from the first won deal (or from before
// the window for existing customers) to churn or the as-of date: plan and NPS, churn with its
// distress ramp (customer-health.ts), email programmes (marketing.ts), orders, expansion deals,
// account management and the cost to serve. Each step continues the account's random stream in
// the order below, so the same seed gives the same story.
import { PRODUCTS, type Segment } from './catalog';
import { addMonths, days, SEASON_MAX, seasonality, startOfDay, startOfMonth, toMinute } from './calendar';
import {
  activityMultiplier,
  distressAt,
  expansionMultiplier,
  orderMultiplier,
  supportMultiplier,
  type DistressEpisode,
} from './customer-health';
import { ACTIVITY_COST, MEETING_COST, makeDeal } from './demo-deal';
import { type AccountStory, clamp, type DealDraft, round2 } from './drafts';
import { type CustomerTargeting, liftAt, maxLift, targetCustomer } from './marketing';
import { poissonTimes } from './poisson-times';
import { IN_FLIGHT_DAYS } from './sales-team';
import { createRng, seedFromLabels } from '../../math/random';

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
const MIN_TENURE_DAYS = 120;

/** A customer's life, as the steps after becomeCustomer read it. */
interface CustomerLife {
  acquiredAt: number;
  /** The first won deal; null for customers from before the window. */
  firstWin: DealDraft | null;
  /** Start of the customer's life within the window. */
  activeFrom: number;
  churnAt: number;
  churned: boolean;
  /** Churn date or the as-of date, whichever comes first. */
  endActive: number;
  /** Distress at a time (customer-health.ts). */
  u: (at: number) => number;
  targeting: CustomerTargeting;
}

/**
 * The account's life as a customer from `acquiredAt`: `firstWin` is its first won deal, null for a
 * customer from before the window (whose history before its CRM export starts is not in it, so
 * bookings and orders run at a steady rate from the first month).
 */
export function liveAsCustomer(story: AccountStory, acquiredAt: number, firstWin: DealDraft | null, arrivalCampaign: number | null): void {
  const life = becomeCustomer(story, acquiredAt, firstWin, arrivalCampaign);
  recordOrders(story, life);
  recordExpansions(story, life);
  recordAccountManagement(story, life);
  recordCostToServe(story, life);
}

/** Plan, NPS, acquisition, churn date with its distress episodes, and email programmes. */
function becomeCustomer(story: AccountStory, acquiredAt: number, firstWin: DealDraft | null, arrivalCampaign: number | null): CustomerLife {
  const { r, account, segment, risk, world } = story;
  const { from, asOf } = world;
  const attributes = account.record.attributes!;
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
  const targeting = targetCustomer(createRng(seedFromLabels(world.seed, 'targets', account.index), 'mulberry32'), world.drafts.campaigns, {
    segment,
    acquiredAt,
    churnAt,
    distressAt: u,
  });
  for (const t of targeting.targets) world.drafts.campaignTargets.push({ account, campaign: t.campaign, at: t.targetedAt });
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
  } else if (churnAt < asOf + days(365)) world.drafts.futureChurn.push({ account, at: churnAt });
  return { acquiredAt, firstWin, activeFrom, churnAt, churned, endActive, u, targeting };
}

/** The order that delivers a won deal, a few days after it closes. */
function addDealOrder(story: AccountStory, life: CustomerLife, deal: DealDraft): void {
  const last = deal.sim.events[deal.sim.events.length - 1];
  const lag = days(story.r.uniform(0, 5));
  const at = deal.sim.closedAt + lag < life.endActive ? toMinute(deal.sim.closedAt + lag) : deal.sim.closedAt;
  story.world.drafts.orders.push({
    account: story.account,
    product: deal.product,
    deal,
    at,
    quantity: last.quantity,
    discount: deal.discount,
  });
}

/**
 * The first deal's order, then recurring purchases: a Poisson process per customer (heterogeneous
 * rates and spend, as the BG/NBD and Gamma-Gamma models assume), thinned by season and distress,
 * stopped by churn. While an email programme's effect runs, the rate is lifted (thinning from the
 * highest rate).
 */
function recordOrders(story: AccountStory, life: CustomerLife): void {
  const { r, account, segment, world } = story;
  const { from } = world;
  const { firstWin, acquiredAt, endActive, targeting, u } = life;
  const customerDiscount = r.weighted([
    [0, 0.4],
    [Math.round(r.uniform(3, 10)) / 100, 0.45],
    [Math.round(r.uniform(10, 15)) / 100, 0.15],
  ] as const);
  const ordersPerMonth = r.gammaWithMean(2, ORDERS_PER_MONTH[segment]);
  const spendPerOrder = r.gammaWithMean(3, SPEND_PER_ORDER[segment]);
  if (firstWin) addDealOrder(story, life, firstWin);

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
    const product = world.productIndex.get(key)!;
    const net = PRODUCTS[product].listPrice * (1 - customerDiscount);
    world.drafts.orders.push({
      account,
      product,
      deal: null,
      at,
      quantity: Math.max(1, Math.round(spend / net)),
      discount: customerDiscount,
    });
  }
}

/**
 * Expansion deals, fewer when the customer is unhappy; deals still running at churn are lost.
 * They start before the window for customers from before it, so that the window opens with deals
 * already in flight (as a real CRM export does) rather than with an empty pipeline. No new deals in
 * the last days before a churn (the customer has stopped talking about growth). An expansion that
 * arrives while a programme lifts the rate is one the programme brought with probability
 * (lift − 1) / lift: those deals, and only those, carry the email campaign.
 */
function recordExpansions(story: AccountStory, life: CustomerLife): void {
  const { r, account, segment, world } = story;
  const { from } = world;
  const { acquiredAt, churned, churnAt, endActive, targeting, u } = life;
  const expansionEnd = churned ? Math.min(endActive, churnAt - days(10)) : endActive;
  const expansionLiftMax = maxLift(targeting.windows, 'expansionLift');
  const induced = createRng(seedFromLabels(world.seed, 'induced', account.index), 'mulberry32');
  for (const at of poissonTimes(
    r,
    Math.max(acquiredAt + days(30), from - days(IN_FLIGHT_DAYS)),
    expansionEnd,
    (EXPANSION_RATE_PER_MONTH[segment] * SEASON_MAX * expansionLiftMax) / 30,
    (x) =>
      ((seasonality(x) / SEASON_MAX) * expansionMultiplier(u(x)) * liftAt(targeting.windows, x, 'expansionLift').factor) / expansionLiftMax,
  )) {
    const lift = liftAt(targeting.windows, at, 'expansionLift');
    const campaign = lift.factor > 1 && induced.bernoulli((lift.factor - 1) / lift.factor) ? induced.pick(lift.campaigns) : null;
    const deal = makeDeal(story, {
      createdAt: at,
      dealType: 'Expansion',
      source: 'Expansion',
      campaign,
      distress: u(at),
      forcedLossAt: Math.max(churnAt - days(r.uniform(0, 10)), at + days(3)),
    });
    if (deal.sim.outcome === 'won' && deal.sim.closedAt >= from && deal.sim.closedAt < endActive) addDealOrder(story, life, deal);
  }
}

/** Account management: check-in calls, emails, business reviews — fading with distress. */
function recordAccountManagement(story: AccountStory, life: CustomerLife): void {
  const { r, account, segment, ownerRep, world } = story;
  const meetingsPerMonth = segment === 'SMB' ? 0.1 : segment === 'Mid-Market' ? 0.3 : 0.5;
  const accountActivity: [string, number, () => number, number][] = [
    ['call', 0.5, () => r.gammaWithMean(3, 20), ACTIVITY_COST.call],
    ['email', 1.2, () => 5, ACTIVITY_COST.email],
    ['meeting', meetingsPerMonth, () => r.pick([30, 60, 60, 90]), MEETING_COST[segment]],
  ];
  for (const [type, perMonth, duration, cost] of accountActivity) {
    for (const at of poissonTimes(r, life.activeFrom, life.endActive, perMonth / 30, (x) => activityMultiplier(life.u(x)))) {
      world.drafts.activities.push({ account, deal: null, rep: ownerRep, type, at, durationMinutes: Math.round(duration()), cost });
    }
  }
}

/** Cost to serve: onboarding once, support every month (rising with distress). */
function recordCostToServe(story: AccountStory, life: CustomerLife): void {
  const { r, account, segment, risk, world } = story;
  const { acquiredAt, firstWin, activeFrom, endActive, u } = life;
  const serviceCosts = world.drafts.serviceCosts;
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
