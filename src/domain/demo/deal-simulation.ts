// One opportunity's life, simulated from creation to its (possibly future) outcome. The model is a
// sequence of stage gates: at each of Prospecting → Qualification → Proposal → Negotiation the deal
// either moves on or is lost, with log-odds  base(stage) + η, where η collects the planted effects
// (rep skill, segment, discount, source, deal type, competitor, engagement) plus hidden noise.
// What the CRM records are the consequences a model can observe: stage changes with timestamps,
// amount changes and close-date pushes, and activities whose intensity reflects engagement.
import { days, startOfDay, toMinute } from './calendar';
import type { Segment } from './catalog';
import { logit, sigmoid } from '../../math/link';
import type { Rng } from '../../math/random';
import { DAY_MS } from '../../math/time';

export const OPEN_STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation'] as const;
export const WON_STAGE = 'Closed Won';
export const LOST_STAGE = 'Closed Lost';

// Probability that an average deal (η = 0) passes each gate. Overall ≈ 0.68·0.68·0.72·0.76 ≈ 0.25,
// before the positive effects of expansion deals lift the company-wide rate.
const GATE_LOGIT = [0.68, 0.68, 0.72, 0.76].map((p) => logit(p));

// Mean days an advancing deal spends in each open stage, by segment (bigger buyers, longer cycles).
const STAGE_DAYS: Record<Segment, number[]> = {
  SMB: [8, 10, 12, 9],
  'Mid-Market': [12, 18, 22, 16],
  Enterprise: [20, 30, 40, 30],
};

// Deals that are going to be lost linger: the stage that ends in a loss lasts ~1.8× longer, with a
// longer tail. This is what makes "days stalled in stage" predictive.
const LOSING_STALL = 1.8;

export type ActivityType = 'email' | 'call' | 'meeting' | 'demo';

export interface DealPlan {
  segment: Segment;
  createdAt: number;
  listPrice: number;
  quantity: number;
  discount: number;
  /** Total log-odds effect applied at every gate. */
  eta: number;
  /** Latent engagement (standard normal): drives activity intensity and is part of η. */
  engagement: number;
  /** Rep's cycle-estimate factor (< 1 = optimistic close dates). */
  optimism: number;
  /** Multiplier on stage durations (amount and deal type). */
  pace: number;
  /** If set, the deal is lost at this time at the latest (the customer churned). */
  forcedLossAt?: number;
}

export interface DealEvent {
  at: number;
  fromStage: string | null;
  toStage: string;
  amount: number;
  quantity: number;
  expectedCloseAt: number;
}

export interface DealActivity {
  at: number;
  type: ActivityType;
  durationMinutes: number;
}

export interface SimulatedDeal {
  events: DealEvent[];
  activities: DealActivity[];
  outcome: 'won' | 'lost';
  /** When the deal closes (may lie after the as-of date: then it is open in the data). */
  closedAt: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function dealAmount(listPrice: number, quantity: number, discount: number) {
  return round2(quantity * listPrice * (1 - discount));
}

/** The log-odds effect of a discount: a moderate one helps close, a deep one signals a deal in
 * trouble (piecewise linear through (0, 0), (0.10, +0.35), (0.20, 0), (0.40, −0.9)). */
export function discountEffect(d: number): number {
  if (d <= 0.1) return 3.5 * d;
  if (d <= 0.2) return 0.35 - 3.5 * (d - 0.1);
  return -4.5 * (d - 0.2);
}

export function simulateDeal(rng: Rng, plan: DealPlan): SimulatedDeal {
  const stageDays = STAGE_DAYS[plan.segment].map((d) => d * plan.pace);
  const remaining = (k: number) => stageDays.slice(k).reduce((a, b) => a + b, 0);
  let quantity = plan.quantity;
  let amount = dealAmount(plan.listPrice, quantity, plan.discount);

  // The gates are decided up front so that the stage a deal will die in can behave differently
  // (stall, go quiet, shrink) — the observable symptoms of a deal in trouble.
  const passes = GATE_LOGIT.map((b) => rng.bernoulli(sigmoid(b + plan.eta)));
  let lostAt = passes.indexOf(false);
  if (lostAt < 0) lostAt = 4;

  let t = plan.createdAt;
  let expected = startOfDay(t + days(plan.optimism * remaining(0) * rng.logNormal(1, 0.15))) + DAY_MS;
  const events: DealEvent[] = [{ at: t, fromStage: null, toStage: OPEN_STAGES[0], amount, quantity, expectedCloseAt: expected }];
  const activities: DealActivity[] = [];
  const engagementRate = Math.exp(0.5 * plan.engagement);
  // How fast a dying deal goes quiet (days): some fade at once, some keep talking for weeks.
  const fadeDays = rng.uniform(8, 30);

  for (let k = 0; k < 4; k++) {
    const advances = k < lostAt;
    const mean = stageDays[k];
    let end = t + days(advances ? Math.max(0.5, rng.gammaWithMean(3, mean)) : Math.max(1, rng.gammaWithMean(1.6, mean * LOSING_STALL)));
    let lost = !advances;
    if (plan.forcedLossAt !== undefined && end >= plan.forcedLossAt) {
      end = Math.max(t + DAY_MS / 24, plan.forcedLossAt);
      lost = true;
    }
    end = toMinute(end);

    addStageActivities(rng, activities, k, t, end, engagementRate, lost ? fadeDays : undefined);

    // The rep pushes the close date a few days after it passes with the deal still open.
    while (expected < end) {
      const pushAt = toMinute(Math.max(expected, t) + days(rng.uniform(1, 7)));
      if (pushAt >= end) break;
      const rest = Math.max(7, 0.6 * remaining(k)) * plan.optimism * rng.logNormal(1, 0.25);
      expected = startOfDay(pushAt + days(rest)) + DAY_MS;
      events.push({ at: pushAt, fromStage: OPEN_STAGES[k], toStage: OPEN_STAGES[k], amount, quantity, expectedCloseAt: expected });
    }

    if (lost) {
      events.push({ at: end, fromStage: OPEN_STAGES[k], toStage: LOST_STAGE, amount, quantity, expectedCloseAt: expected });
      return { events, activities, outcome: 'lost', closedAt: end };
    }
    if (k === 1) {
      // Entering Proposal the scope is re-estimated (seat counts, phases): amounts move both ways.
      quantity = Math.max(1, Math.round(quantity * rng.logNormal(1, 0.15)));
    } else if (k === 2) {
      // Entering Negotiation, deals about to be lost are often cut down first; winners rarely are.
      const cutProbability = lostAt === 3 ? 0.4 : 0.12;
      if (rng.bernoulli(cutProbability)) quantity = Math.max(1, Math.round(quantity * (1 - rng.uniform(0.1, 0.35))));
    }
    amount = dealAmount(plan.listPrice, quantity, plan.discount);
    events.push({
      at: end,
      fromStage: OPEN_STAGES[k],
      toStage: k < 3 ? OPEN_STAGES[k + 1] : WON_STAGE,
      amount,
      quantity,
      expectedCloseAt: expected,
    });
    t = end;
  }
  return { events, activities, outcome: 'won', closedAt: t };
}

// Activity rates per day at engagement 0. Meetings grow with the stage; demos happen in
// Qualification and Proposal.
const EMAIL_RATE = 0.09;
const CALL_RATE = 0.055;
const meetingRate = (k: number) => 0.02 + 0.015 * k;

function addStageActivities(
  rng: Rng,
  out: DealActivity[],
  stage: number,
  from: number,
  to: number,
  engagement: number,
  fadeDays: number | undefined,
) {
  const span = (to - from) / DAY_MS;
  if (span <= 0) return;
  const place = (type: ActivityType, mean: number, duration: () => number) => {
    const n = rng.poissonApprox(mean);
    for (let i = 0; i < n; i++) {
      const at = toMinute(from + rng.next() * (to - from));
      // A deal that is dying goes quiet: activity thins out with time spent in its last stage.
      if (fadeDays !== undefined && !rng.bernoulli(Math.exp(-(at - from) / DAY_MS / fadeDays))) continue;
      out.push({ at, type, durationMinutes: Math.round(duration()) });
    }
  };
  place('email', EMAIL_RATE * engagement * span, () => 5);
  place('call', CALL_RATE * engagement * span, () => rng.gammaWithMean(3, 20));
  place('meeting', meetingRate(stage) * engagement ** 1.4 * span, () => rng.pick([30, 45, 60, 60, 90]));
  if (stage === 1 || stage === 2) place('demo', 0.45 * engagement, () => 60);
}
