// One deal of the demo company (generate-demo-data.ts): product, quantity, discount, competitor and
// rep drawn for the account, the planted effects summed into the deal's log-odds, and its stage
// history simulated (deal-simulation.ts) with the activities that go with it.
import { COMPETITORS, EXPANSION_MIX, NEW_BUSINESS_MIX, PRODUCTS, type ProductKey, type Segment } from './catalog';
import { dealAmount, discountEffect, simulateDeal } from './deal-simulation';
import { type AccountStory, clamp, type DealDraft } from './drafts';

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
export const MEETING_COST: Record<Segment, number> = { SMB: 60, 'Mid-Market': 120, Enterprise: 250 };
export const ACTIVITY_COST = { email: 1.5, call: 12, demo: 200 } as const;

export interface DealRequest {
  createdAt: number;
  dealType: 'New Business' | 'Expansion';
  source: string;
  campaign: number | null;
  /** The customer's distress when the deal starts (customer-health.ts), 0 for prospects. */
  distress: number;
  /** The deal is lost by then at the latest (the customer churns). */
  forcedLossAt?: number;
}

/** Simulates a deal of the account and records it with its activities. */
export function makeDeal(story: AccountStory, req: DealRequest): DealDraft {
  const { r, segment, account, ownerRep, regionReps } = story;
  const { reps, deals, activities } = story.world.drafts;
  const { createdAt, dealType, source, campaign, distress, forcedLossAt } = req;
  const productKey = r.weighted(dealType === 'Expansion' ? EXPANSION_MIX : NEW_BUSINESS_MIX);
  const product = story.world.productIndex.get(productKey)!;
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
}
