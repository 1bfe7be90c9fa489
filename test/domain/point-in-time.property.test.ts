// Property-based point-in-time tests (fast-check) for every feature of both models: whatever
// happens after the moment t — later stage changes with any stage, amount or close date, later
// activities, the close itself with any stored final stage, amount and close date, later closes of
// other deals (the rep, account, segment, product and source win rates), later orders, activities,
// service costs, deals and churn — changes no feature at t. And the deal as the CRM knew it at t
// (what a frontend would send) has exactly the features of the whole deal at t.
import fc from 'fast-check';
import { momentFor } from '../../src/domain/deal-timeline/boundary';
import type { Deal, DealActivity, DealStageChange } from '../../src/domain/deal-timeline/deal';
import { dealKnownAt } from '../../src/domain/deal-timeline/known-at';
import {
  ACCOUNT_CATEGORICAL,
  ACCOUNT_NUMERIC,
  ACTIVITY_FEATURES,
  customerFeatures,
  DEAL_FEATURES as CUSTOMER_DEAL_FEATURES,
  ORDER_FEATURES,
  SERVICE_COST_FEATURES,
  type CustomerHistory,
} from '../../src/domain/features/customer-features';
import { dealFeatureSpec, dealFeatures } from '../../src/domain/features/deal-features';
import { type ClosedDeal, DealHistory, historyKeys } from '../../src/domain/features/deal-history';
import type { FeatureRow } from '../../src/domain/features/feature-row';

const SEED = 20261204;
const RUNS = 300;
console.log(`point-in-time properties: fast-check seed ${SEED}, ${RUNS} runs each`);

const MIN = 60_000;
const DAYS = 24 * 60; // minutes
const T0 = Date.UTC(2025, 0, 1);

const ATTRIBUTES = { numeric: ['seats'], categorical: ['deal_type'] };
const DEAL_FEATURE_NAMES = (() => {
  const spec = dealFeatureSpec(ATTRIBUTES);
  return [...spec.numeric, ...spec.categorical].sort();
})();
const CUSTOMER_FEATURE_NAMES = [
  ...ACCOUNT_CATEGORICAL,
  ...ACCOUNT_NUMERIC,
  'tenureDays',
  ...ORDER_FEATURES,
  ...ACTIVITY_FEATURES,
  ...SERVICE_COST_FEATURES,
  ...CUSTOMER_DEAL_FEATURES,
  'attr.plan',
  'attr.nps',
].sort();

/** Compares two rows feature by feature, naming the first feature that differs. */
function expectSameFeatures(names: readonly string[], a: FeatureRow, b: FeatureRow) {
  expect(Object.keys(a).sort()).toEqual([...names]);
  for (const name of names) expect({ feature: name, value: b[name] }).toEqual({ feature: name, value: a[name] });
}

// ---- arbitraries -------------------------------------------------------------------------------

const STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost'] as const;
const stage = fc.constantFrom(...STAGES);
const name = fc.constantFrom('A', 'B', 'C');
/** A descriptor: not provided (undefined), none (null) or a value. */
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof(fc.constant(undefined), fc.constant(null), a);
const money = fc.integer({ min: 0, max: 100_000 });
const minutes = (maxDays: number) => fc.integer({ min: 0, max: maxDays * DAYS });

/** A change whose time is an offset (minutes) from a reference chosen later (before or after t). */
const changeArb = fc.record({
  fromStage: fc.option(stage, { nil: null }),
  toStage: stage,
  amount: fc.option(money, { nil: null }),
  expectedCloseIn: fc.option(fc.integer({ min: -30 * DAYS, max: 200 * DAYS }), { nil: null }),
  offset: minutes(300),
});
const activityArb = fc.record({ type: fc.constantFrom('email', 'call', 'meeting', 'demo'), offset: minutes(300) });
const closeArb = fc.record({
  won: fc.boolean(),
  offset: minutes(400),
  rep: maybe(name),
  segment: maybe(name),
  account: maybe(name),
  product: maybe(name),
  source: maybe(name),
});

const accountArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.record(
    {
      externalId: maybe(name),
      segment: maybe(name),
      industry: maybe(name),
      region: maybe(name),
      size: maybe(name),
      employees: maybe(fc.integer({ min: 1, max: 5000 })),
      annualRevenue: maybe(money),
    },
    { requiredKeys: [] },
  ),
);
const attributesArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.record({ deal_type: maybe(name), seats: maybe(fc.integer({ min: 0, max: 50 })) }, { requiredKeys: [] }),
);

/** What is known before t: the moment, the deal's descriptors and records before it, and other deals closed before it. */
const pastArb = fc.record({
  t: minutes(300),
  age: minutes(200), // createdAt = t - age (0: asked at its creation instant)
  descriptors: fc.record({
    source: maybe(name),
    product: maybe(name),
    productFamily: maybe(name),
    campaign: maybe(name),
    campaignChannel: maybe(name),
    rep: maybe(name),
    team: maybe(name),
    account: accountArb,
    attributes: attributesArb,
  }),
  stageChangesProvided: fc.boolean(),
  activitiesProvided: fc.boolean(),
  changes: fc.array(changeArb, { maxLength: 6 }),
  activities: fc.array(activityArb, { maxLength: 8 }),
  closes: fc.array(closeArb, { maxLength: 12 }),
});

/** Anything after t: later changes and activities, the deal's close (or a later record of every field), later closes. */
const futureArb = fc.record({
  changes: fc.array(changeArb, { maxLength: 4 }),
  activities: fc.array(activityArb, { maxLength: 4 }),
  closes: fc.array(closeArb, { maxLength: 8 }),
  closed: fc.boolean(),
  won: fc.boolean(),
  closeOffset: minutes(200),
  stored: fc.record({
    stage: fc.option(stage, { nil: null }),
    amount: fc.option(money, { nil: null }),
    expectedCloseIn: fc.option(fc.integer({ min: 0, max: 200 * DAYS }), { nil: null }),
    discount: fc.option(fc.double({ min: 0, max: 0.5, noNaN: true }), { nil: null }),
    forecastCategory: fc.option(fc.constantFrom('pipeline', 'commit', 'closed', 'omitted'), { nil: null }),
  }),
  lastRecord: fc.record({ toStage: stage, amount: money, expectedCloseIn: fc.integer({ min: 0, max: 200 * DAYS }), offset: minutes(100) }),
});

type Past = typeof pastArb extends fc.Arbitrary<infer P> ? P : never;
type Future = typeof futureArb extends fc.Arbitrary<infer F> ? F : never;

interface Scenario {
  t: number;
  createdAt: number;
  /** The moment the deal is looked at (t, or just after its creation when asked at its creation instant). */
  m: number;
}

function scenario(p: Past): Scenario {
  const t = T0 + p.t * MIN;
  const createdAt = t - p.age * MIN;
  return { t, createdAt, m: momentFor(createdAt, t) };
}

const change = (c: Past['changes'][number], at: number): DealStageChange => ({
  fromStage: c.fromStage,
  toStage: c.toStage,
  amount: c.amount,
  expectedCloseAt: c.expectedCloseIn === null ? null : at + c.expectedCloseIn * MIN,
  at,
});

/** The deal: the past as generated, and a future. Past records fall in [createdAt, m), later ones at m or after. */
function buildDeal(p: Past, s: Scenario, f: Future): Deal {
  const pastSpan = s.m - s.createdAt; // >= 1
  const past = p.changes.map((c) => change(c, s.createdAt + (c.offset % pastSpan)));
  const later = f.changes.map((c) => change(c, s.m + c.offset * MIN));
  const deal: Deal = {
    id: 1,
    createdAt: s.createdAt,
    stage: f.stored.stage,
    amount: f.stored.amount,
    expectedCloseAt: f.stored.expectedCloseIn === null ? null : s.m + f.stored.expectedCloseIn * MIN,
    discount: f.stored.discount,
    forecastCategory: f.stored.forecastCategory,
    outcome: 'open',
    closedAt: null,
    ...p.descriptors,
  };
  // A CRM that records no stage history cannot record the later values of a deal still open: its
  // stored fields are taken as constant while it is open, so only a close can make them "later".
  if (f.closed || !p.stageChangesProvided) {
    deal.outcome = f.won ? 'won' : 'lost';
    deal.closedAt = s.m + f.closeOffset * MIN;
  } else {
    // Still open now: a later change records stage, amount and close date again, so the stored
    // values describe the deal after t, not at t (rule 3 of as-of.ts).
    const r = f.lastRecord;
    const at = s.m + r.offset * MIN;
    later.push({ fromStage: null, toStage: r.toStage, amount: r.amount, expectedCloseAt: at + r.expectedCloseIn * MIN, at });
  }
  if (p.stageChangesProvided) deal.stageChanges = [...later, ...past]; // any order: the timeline sorts
  if (p.activitiesProvided) {
    const acts: DealActivity[] = [
      ...p.activities.map((a) => ({ type: a.type, at: s.createdAt + (a.offset % pastSpan) })),
      ...f.activities.map((a) => ({ type: a.type, at: s.m + a.offset * MIN })),
    ];
    deal.activities = acts;
  }
  return deal;
}

/** Other deals' closes: the past ones before m, the future ones at m or after. */
function buildHistory(p: Past, s: Scenario, f: Future | null): DealHistory {
  const one = (c: Past['closes'][number], at: number): ClosedDeal => ({
    closedAt: at,
    won: c.won,
    keys: historyKeys({ rep: c.rep, product: c.product, source: c.source, account: { segment: c.segment, externalId: c.account } }),
  });
  const closes = p.closes.map((c) => one(c, s.m - 1 - c.offset * MIN));
  if (f) closes.push(...f.closes.map((c) => one(c, s.m + c.offset * MIN)));
  return new DealHistory(closes);
}

// ---- deal-win features ---------------------------------------------------------------------------

describe('deal-win features as of t ignore everything after t (fast-check)', () => {
  test('two deals that share their past and differ in everything after t have the same features at t', () => {
    fc.assert(
      fc.property(pastArb, futureArb, futureArb, (p, f1, f2) => {
        const s = scenario(p);
        const a = dealFeatures(buildDeal(p, s, f1), s.t, buildHistory(p, s, f1), ATTRIBUTES);
        const b = dealFeatures(buildDeal(p, s, f2), s.t, buildHistory(p, s, f2), ATTRIBUTES);
        expectSameFeatures(DEAL_FEATURE_NAMES, a, b);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('the deal as the CRM knew it at t (what a frontend sends) has the features of the whole deal at t', () => {
    fc.assert(
      fc.property(pastArb, futureArb, fc.boolean(), (p, f, closedBefore) => {
        const s = scenario(p);
        const deal = buildDeal(p, s, f);
        // Sometimes the deal closed before t: then its stored final state is known at t.
        if (closedBefore && s.m - s.createdAt > 1) {
          deal.outcome = f.won ? 'won' : 'lost';
          deal.closedAt = s.createdAt + ((f.closeOffset * MIN) % (s.m - s.createdAt));
        }
        const whole = dealFeatures(deal, s.t, buildHistory(p, s, f), ATTRIBUTES);
        const known = dealFeatures(dealKnownAt(deal, s.t), s.t, buildHistory(p, s, null), ATTRIBUTES);
        expectSameFeatures(DEAL_FEATURE_NAMES, whole, known);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });
});

// ---- churn (customer) features ---------------------------------------------------------------------

const customerPastArb = fc.record({
  t: minutes(400),
  profile: fc.record({
    segment: maybe(name),
    industry: maybe(name),
    region: maybe(name),
    country: maybe(name),
    size: maybe(name),
    employees: maybe(fc.integer({ min: 1, max: 5000 })),
    annualRevenue: maybe(money),
    acquisitionCost: maybe(money),
  }),
  acquiredBefore: fc.option(minutes(400), { nil: null }),
  acquiredProvided: fc.boolean(),
  ordersProvided: fc.boolean(),
  activitiesProvided: fc.boolean(),
  costsProvided: fc.boolean(),
  dealsProvided: fc.boolean(),
  orders: fc.array(fc.record({ offset: minutes(400), revenue: money }), { maxLength: 10 }),
  activities: fc.array(minutes(400), { maxLength: 10 }),
  costs: fc.array(fc.record({ offset: minutes(400), amount: money }), { maxLength: 6 }),
  /** Deals created before t, with the amount recorded on their creation change (or not at all). */
  deals: fc.array(
    fc.record({ offset: minutes(300), amount: fc.option(money, { nil: null }), closedBefore: fc.option(minutes(300), { nil: null }) }),
    {
      maxLength: 4,
    },
  ),
  attributes: fc.option(fc.record({ plan: maybe(name), nps: maybe(fc.integer({ min: 0, max: 10 })), Churn: maybe(name) }), { nil: null }),
});

const customerFutureArb = fc.record({
  orders: fc.array(fc.record({ offset: minutes(200), revenue: money }), { maxLength: 6 }),
  activities: fc.array(minutes(200), { maxLength: 6 }),
  costs: fc.array(fc.record({ offset: minutes(200), amount: money }), { maxLength: 4 }),
  newDeals: fc.array(fc.record({ offset: minutes(200), amount: money }), { maxLength: 3 }),
  /** What happens to each deal open at t: closed later (won or lost, any stored amount), or still open. */
  fates: fc.array(
    fc.record({ close: fc.boolean(), won: fc.boolean(), offset: minutes(200), storedAmount: fc.option(money, { nil: null }) }),
    {
      minLength: 4,
      maxLength: 4,
    },
  ),
  churnIn: fc.option(minutes(300), { nil: null }),
  acquiredIn: minutes(300),
});

type CustomerPast = typeof customerPastArb extends fc.Arbitrary<infer P> ? P : never;
type CustomerFuture = typeof customerFutureArb extends fc.Arbitrary<infer F> ? F : never;

function buildCustomer(p: CustomerPast, f: CustomerFuture): { history: CustomerHistory; t: number } {
  const t = T0 + 400 * DAYS * MIN + p.t * MIN;
  const before = (offset: number) => t - 1 - offset * MIN;
  const after = (offset: number) => t + offset * MIN;
  const h: CustomerHistory = { accountId: 1, externalId: 'C1', ...p.profile, status: f.churnIn === null ? 'active' : 'churned' };
  if (f.churnIn !== null) h.churnedAt = after(f.churnIn);
  // Acquired before t as generated, or (when not before) at some moment after t.
  if (p.acquiredProvided) h.acquiredAt = p.acquiredBefore === null ? after(f.acquiredIn) : before(p.acquiredBefore);
  if (p.attributes) h.attributes = p.attributes;
  const byTime = <T extends { at: number }>(xs: T[]) => xs.sort((a, b) => a.at - b.at);
  if (p.ordersProvided)
    h.orders = byTime([
      ...p.orders.map((o) => ({ at: before(o.offset), revenue: o.revenue })),
      ...f.orders.map((o) => ({ at: after(o.offset), revenue: o.revenue })),
    ]);
  if (p.activitiesProvided) h.activities = [...p.activities.map(before), ...f.activities.map(after)].sort((a, b) => a - b);
  if (p.costsProvided)
    h.serviceCosts = byTime([
      ...p.costs.map((c) => ({ at: before(c.offset), amount: c.amount })),
      ...f.costs.map((c) => ({ at: after(c.offset), amount: c.amount })),
    ]);
  if (p.dealsProvided) {
    const deals: Deal[] = p.deals.map((d, i) => {
      const createdAt = before(d.offset + 1);
      const changes: DealStageChange[] =
        d.amount === null ? [] : [{ fromStage: null, toStage: 'Proposal', amount: d.amount, at: createdAt }];
      const fate = f.fates[i];
      // A deal that closed before t (its stored amount is then known), or one open at t.
      if (d.closedBefore !== null && d.closedBefore < d.offset)
        return {
          stage: 'Closed Won',
          outcome: 'won',
          amount: d.amount,
          createdAt,
          closedAt: before(d.closedBefore),
          stageChanges: changes,
        };
      if (fate.close)
        return {
          stage: fate.won ? 'Closed Won' : 'Closed Lost',
          outcome: fate.won ? 'won' : 'lost',
          amount: fate.storedAmount,
          createdAt,
          closedAt: after(fate.offset),
          stageChanges: [...changes, { fromStage: 'Proposal', toStage: 'Closed', amount: fate.storedAmount, at: after(fate.offset) }],
        };
      return { stage: 'Proposal', outcome: 'open', amount: d.amount, createdAt, closedAt: null, stageChanges: changes };
    });
    for (const n of f.newDeals)
      deals.push({ stage: 'Prospecting', outcome: 'open', amount: n.amount, createdAt: after(n.offset), stageChanges: [] });
    h.deals = deals;
  }
  return { history: h, t };
}

describe('churn features as of t ignore everything after t (fast-check)', () => {
  test('two customers that share their past and differ in everything after t have the same features at t', () => {
    fc.assert(
      fc.property(customerPastArb, customerFutureArb, customerFutureArb, (p, f1, f2) => {
        const a = buildCustomer(p, f1);
        const b = buildCustomer(p, f2);
        const names = CUSTOMER_FEATURE_NAMES.filter((n) => n !== 'attr.plan' && n !== 'attr.nps').concat(
          Object.keys(p.attributes ?? {})
            .filter((k) => k !== 'Churn')
            .map((k) => `attr.${k}`),
        );
        expectSameFeatures(names.sort(), customerFeatures(a.history, a.t), customerFeatures(b.history, b.t));
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
  });
});
