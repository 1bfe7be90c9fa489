// The demo company's marketing: campaigns and what they cost, whom the email programmes target and
// what they really do to those customers, and what it cost to acquire each customer.
//
// Costs are sized so that the economics look like a B2B software vendor's (docs/demo.md):
// - a customer's acquisition cost is the sales cost of winning a customer of its segment plus, when
//   a campaign brought it in, its share of the campaign's cost. Both together are about 1.3 times a
//   typical first year's net margin for the larger segments, so most customers pay back only after
//   a year (CAC payback of 12-24 months is the norm in SaaS surveys, e.g. KeyBanc Capital Markets'
//   annual SaaS survey), and small customers brought in by an expensive campaign take years;
// - an acquisition campaign (web, events, partner) costs roughly what its customers bring in margin
//   within a year, so campaign ROIs within a year of acquisition spread around zero, from clearly
//   negative to a few times the cost;
// - email programmes are cheap and aimed at existing customers. Each has a target list, and being
//   on it changes what the customer does for a while (the planted effect below), so that the
//   campaign-effect report has something true to find, and the campaigns report's attribution
//   (which sees only the deals an email sourced) has something to miss.
import { addMonths, days, quarterLabel, startOfDay } from './calendar';
import type { Channel, Segment } from './catalog';
import type { Rng } from '../../math/random';
import { DAY_MS } from '../../math/time';

export interface CampaignDraft {
  channel: Channel;
  name: string;
  /** For email campaigns: which programme (target rule and effect). */
  programme: EmailProgramme | null;
  startedAt: number;
  endedAt: number;
  cost: number;
  externalId: string;
}

export type EmailProgramme = 'nurture' | 'launch' | 'win-back' | 'newsletter';

const CAMPAIGN_NAMES: Record<Channel, string[]> = {
  web: ['Paid search', 'Webinar series', 'Content syndication', 'Review-site listing'],
  events: ['Sales Ops Summit', 'RevOps Roadshow', 'Customer Forum', 'Trade show booth'],
  partner: ['Reseller programme', 'Consulting partner co-sell', 'Marketplace listing'],
  email: ['Nurture sequence', 'Product launch email', 'Win-back email', 'Newsletter feature'],
};
const PROGRAMME_OF: Record<string, EmailProgramme> = {
  'Nurture sequence': 'nurture',
  'Product launch email': 'launch',
  'Win-back email': 'win-back',
  'Newsletter feature': 'newsletter',
};

/** Cost range per campaign (before scaling by company size). */
const CAMPAIGN_COST: Record<Channel, readonly [number, number]> = {
  web: [36_000, 90_000],
  events: [60_000, 180_000],
  partner: [45_000, 105_000],
  // Content, design, the list tool and the team's time.
  email: [8_000, 20_000],
};

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Per calendar quarter: a web and an events campaign and one or two emails; a partner programme
 * twice a year. Sorted by start, with external ids CMP-001, ...
 */
export function planCampaigns(rng: Rng, from: number, asOf: number, scale: number): CampaignDraft[] {
  const campaigns: CampaignDraft[] = [];
  const add = (channel: Channel, start: number, lengthDays: number, cost: number) => {
    if (start >= asOf) return;
    const base = rng.pick(CAMPAIGN_NAMES[channel]);
    campaigns.push({
      channel,
      name: `${base} ${quarterLabel(start)}`,
      programme: PROGRAMME_OF[base] ?? null,
      startedAt: startOfDay(start),
      endedAt: startOfDay(start + days(lengthDays)),
      cost: round2(cost * scale),
      externalId: '',
    });
  };
  const cost = (c: Channel) => rng.uniform(CAMPAIGN_COST[c][0], CAMPAIGN_COST[c][1]);
  for (
    let q = Date.UTC(new Date(from).getUTCFullYear(), Math.floor(new Date(from).getUTCMonth() / 3) * 3, 1);
    q < asOf;
    q = addMonths(q, 3)
  ) {
    const qStart = Math.max(q, from);
    const qEnd = addMonths(q, 3);
    const within = () => qStart + rng.next() * Math.max(DAY_MS, qEnd - qStart - days(10));
    add('web', qStart + days(rng.uniform(0, 10)), rng.uniform(45, 80), cost('web'));
    add('events', within(), rng.uniform(20, 35), cost('events'));
    const emails = rng.int(1, 2);
    for (let i = 0; i < emails; i++) add('email', within(), rng.uniform(14, 30), cost('email'));
    if (new Date(q).getUTCMonth() % 6 === 0) add('partner', qStart + days(rng.uniform(0, 20)), rng.uniform(120, 170), cost('partner'));
  }
  campaigns.sort((a, b) => a.startedAt - b.startedAt);
  campaigns.forEach((c, i) => {
    c.externalId = `CMP-${String(i + 1).padStart(3, '0')}`;
  });
  return campaigns;
}

// ---- acquisition cost ----

/** The sales cost of winning a customer (median per segment; log-normal spread, σ = 0.4). */
const SALES_CAC: Record<Segment, number> = { SMB: 15_000, 'Mid-Market': 70_000, Enterprise: 280_000 };

/** A customer's acquisition cost: the sales cost of its segment, plus its share of the acquiring campaign. */
export function acquisitionCost(rng: Rng, segment: Segment, campaignShare = 0): number {
  return round2(SALES_CAC[segment] * rng.logNormal(1, 0.4) + campaignShare);
}

// ---- email programmes: target lists and their true effect ----

interface ProgrammeRule {
  /** Chance that an active customer is on the list, given its segment and distress (0..1). */
  select(segment: Segment, distress: number): number;
  /** Multipliers on the customer's repeat-order and expansion-deal rates while the effect lasts. */
  orderLift: number;
  expansionLift: number;
  days: number;
  /** Win-back: chance that a customer on its way out stays 6-12 months longer. */
  postponeChurn: number;
}

const SEGMENT_REACH: Record<Segment, number> = { SMB: 0.2, 'Mid-Market': 0.5, Enterprise: 0.8 };

export const PROGRAMMES: Record<EmailProgramme, ProgrammeRule> = {
  // A random half of the customers; a small, short nudge.
  newsletter: { select: () => 0.5, orderLift: 0.05, expansionLift: 0.05, days: 90, postponeChurn: 0 },
  nurture: { select: () => 0.5, orderLift: 0.05, expansionLift: 0.05, days: 90, postponeChurn: 0 },
  // Aimed at the larger accounts: a naive comparison credits the launch with the segment's spend.
  launch: { select: (s) => SEGMENT_REACH[s], orderLift: 0, expansionLift: 0.1, days: 90, postponeChurn: 0 },
  // Aimed at customers in decline, who buy less anyway (a random half of them; the other half is held
  // out, as a careful marketer does): a naive comparison with all other customers makes it look harmful.
  'win-back': { select: (_s, u) => (u >= 0.3 ? 0.5 : 0.05), orderLift: 0.3, expansionLift: 0, days: 120, postponeChurn: 0.5 },
};

export interface EffectWindow {
  campaign: number;
  from: number;
  to: number;
  orderLift: number;
  expansionLift: number;
}

export interface CustomerTargeting {
  targets: { campaign: number; targetedAt: number }[];
  windows: EffectWindow[];
  /** The new churn date when a win-back kept the customer longer, else null. */
  postponedChurnAt: number | null;
}

/**
 * Which email campaigns target a customer (active at the campaign's start), the windows in which
 * being targeted lifts its orders and expansions, and whether a win-back postponed its churn.
 */
export function targetCustomer(
  rng: Rng,
  campaigns: readonly CampaignDraft[],
  c: { segment: Segment; acquiredAt: number; churnAt: number; distressAt: (t: number) => number },
): CustomerTargeting {
  const out: CustomerTargeting = { targets: [], windows: [], postponedChurnAt: null };
  campaigns.forEach((cmp, index) => {
    if (!cmp.programme) return;
    const t = cmp.startedAt;
    const churnAt = out.postponedChurnAt ?? c.churnAt;
    if (!(c.acquiredAt < t && t < churnAt)) return;
    const rule = PROGRAMMES[cmp.programme];
    const u = c.distressAt(t);
    if (!rng.bernoulli(rule.select(c.segment, u))) return;
    const targetedAt = t + rng.uniform(0, 2) * DAY_MS;
    out.targets.push({ campaign: index, targetedAt });
    out.windows.push({
      campaign: index,
      from: targetedAt,
      to: targetedAt + days(rule.days),
      orderLift: rule.orderLift,
      expansionLift: rule.expansionLift,
    });
    // Only a customer already on its way out (the decline has begun) can be won back.
    if (rule.postponeChurn > 0 && u >= 0.3 && rng.bernoulli(rule.postponeChurn))
      out.postponedChurnAt = startOfDay(churnAt + days(rng.uniform(180, 365)));
  });
  return out;
}

/** The rate multiplier at t, and the campaigns whose effect is running then. */
export function liftAt(
  windows: readonly EffectWindow[],
  t: number,
  kind: 'orderLift' | 'expansionLift',
): { factor: number; campaigns: number[] } {
  let factor = 1;
  const campaigns: number[] = [];
  for (const w of windows) {
    if (t < w.from || t >= w.to || w[kind] <= 0) continue;
    factor *= 1 + w[kind];
    campaigns.push(w.campaign);
  }
  return { factor, campaigns };
}

/** An upper bound of liftAt over all t (for thinning a Poisson process). */
export function maxLift(windows: readonly EffectWindow[], kind: 'orderLift' | 'expansionLift'): number {
  return windows.reduce((m, w) => m * (1 + Math.max(0, w[kind])), 1);
}
