// Churn features of one customer as of an observation date, and churn labels from the window that
// follows it. One implementation for training and scoring. Pure: plain objects in, plain rows out.
//
// Point in time (deal-timeline/boundary.ts): every behavioural feature uses only events stamped
// before `asOf`; the label uses only what happens in [asOf, asOf + window), so the label window
// starts exactly where the features end. Account fields and custom attributes are taken as stored
// (CRMs keep no history of them); attributes whose name mentions churn are never used as features,
// since an exported "Churn" column is the label itself.
import { dealAsOf } from '../deal-timeline/as-of';
import { countSeen, seenAt } from '../deal-timeline/boundary';
import type { AccountProfile, Deal } from '../deal-timeline/deal';
import { NOT_PROVIDED, provided, type FeatureRow } from './feature-row';
import { DAY_MS } from '../../math/time';

/** Bump when the meaning of a feature changes: models trained before are then refused on load. */
// v2: one point-in-time boundary (deal-timeline/boundary.ts); "no orders / activities / service
// costs / deals before t" is zero, not missing (it depended on whether some came later); open deal
// amounts as of t from the deal timeline (a deal's amount that is only recorded at its close is
// unknown before it); NOT_PROVIDED for what an inline customer omits.
export const CUSTOMER_FEATURE_VERSION = 2;

/**
 * A customer's history. Missing is not zero: an omitted field (`orders`, `activities`, a profile
 * field…) is not provided; `[]` is "none"; null is "none recorded". Stored accounts always carry
 * arrays (the database knows whether rows exist).
 */
export interface CustomerHistory extends AccountProfile {
  accountId: number;
  externalId: string;
  acquisitionCost?: number | null;
  /** Epoch ms. */
  acquiredAt?: number | null;
  status?: string | null;
  churnedAt?: number | null;
  attributes?: Record<string, unknown> | null;
  /** Sorted ascending by time (epoch ms). */
  orders?: { at: number; revenue: number }[];
  activities?: number[];
  serviceCosts?: { at: number; amount: number }[];
  /** The account's deals, as deal timelines (their amounts as of t come from dealAsOf). */
  deals?: Deal[];
}

export const ACCOUNT_CATEGORICAL = ['segment', 'industry', 'region', 'country', 'size'] as const;
export const ACCOUNT_NUMERIC = ['employees', 'annualRevenue', 'acquisitionCost'] as const;
/** Features whose scale is multiplicative (money, counts, durations): log1p before standardising. */
export const LOG_FEATURES = [
  'employees',
  'annualRevenue',
  'acquisitionCost',
  'tenureDays',
  'daysSinceLastOrder',
  'ordersTotal',
  'revenueTotal',
  'avgOrderValue',
  'orders90d',
  'ordersPrev90d',
  'revenue90d',
  'revenuePrev90d',
  'activities90d',
  'activitiesPrev90d',
  'daysSinceLastActivity',
  'serviceCost90d',
  'serviceCostPrev90d',
  'openDeals',
  'openDealAmount',
];

export const ORDER_FEATURES = [
  'daysSinceLastOrder',
  'ordersTotal',
  'revenueTotal',
  'avgOrderValue',
  'orders90d',
  'ordersPrev90d',
  'orderTrend',
  'revenue90d',
  'revenuePrev90d',
  'revenueTrend',
] as const;
export const ACTIVITY_FEATURES = ['activities90d', 'activitiesPrev90d', 'activityTrend', 'daysSinceLastActivity'] as const;
export const SERVICE_COST_FEATURES = ['serviceCost90d', 'serviceCostPrev90d', 'serviceCostTrend'] as const;
export const DEAL_FEATURES = ['openDeals', 'openDealAmount'] as const;

export const LEAKY_ATTRIBUTE = /churn/i;

/** Number of sorted times seen as of `to` but not as of `from`: the window [from, to). */
const countIn = (sorted: number[], from: number, to: number) => countSeen(sorted, to) - countSeen(sorted, from);
/** log((recent + 1) / (previous + 1)): 0 when flat, negative when falling; finite at zero. */
const trend = (recent: number, previous: number) => Math.log((recent + 1) / (previous + 1));

const notProvided = (names: readonly string[], row: FeatureRow) => {
  for (const n of names) row[n] = NOT_PROVIDED;
};

function orderFeatures(orders: CustomerHistory['orders'], asOf: number, row: FeatureRow): void {
  if (orders === undefined) {
    notProvided(ORDER_FEATURES, row);
    return;
  }
  const orderAt = orders.map((o) => o.at);
  const nBefore = countSeen(orderAt, asOf);
  const d90 = asOf - 90 * DAY_MS;
  const d180 = asOf - 180 * DAY_MS;
  let revTotal = 0;
  let rev90 = 0;
  let revPrev = 0;
  for (let i = 0; i < nBefore; i++) {
    const o = orders[i];
    revTotal += o.revenue;
    if (o.at >= d90) rev90 += o.revenue;
    else if (o.at >= d180) revPrev += o.revenue;
  }
  const o90 = countIn(orderAt, d90, asOf);
  const oPrev = countIn(orderAt, d180, d90);
  // No order before t: counts and revenue are 0; "days since the last order" has no value (null).
  row.daysSinceLastOrder = nBefore > 0 ? (asOf - orderAt[nBefore - 1]) / DAY_MS : null;
  row.ordersTotal = nBefore;
  row.revenueTotal = revTotal;
  row.avgOrderValue = nBefore > 0 ? revTotal / nBefore : null;
  row.orders90d = o90;
  row.ordersPrev90d = oPrev;
  row.orderTrend = trend(o90, oPrev);
  row.revenue90d = rev90;
  row.revenuePrev90d = revPrev;
  row.revenueTrend = trend(rev90, revPrev);
}

function activityFeatures(acts: CustomerHistory['activities'], asOf: number, row: FeatureRow): void {
  if (acts === undefined) {
    notProvided(ACTIVITY_FEATURES, row);
    return;
  }
  const d90 = asOf - 90 * DAY_MS;
  const a90 = countIn(acts, d90, asOf);
  const aPrev = countIn(acts, asOf - 180 * DAY_MS, d90);
  const nA = countSeen(acts, asOf);
  row.activities90d = a90;
  row.activitiesPrev90d = aPrev;
  row.activityTrend = trend(a90, aPrev);
  row.daysSinceLastActivity = nA > 0 ? (asOf - acts[nA - 1]) / DAY_MS : null;
}

function serviceCostFeatures(costs: CustomerHistory['serviceCosts'], asOf: number, row: FeatureRow): void {
  if (costs === undefined) {
    notProvided(SERVICE_COST_FEATURES, row);
    return;
  }
  const d90 = asOf - 90 * DAY_MS;
  const d180 = asOf - 180 * DAY_MS;
  let c90 = 0;
  let cPrev = 0;
  for (const c of costs) {
    if (!seenAt(c.at, asOf)) break;
    if (c.at >= d90) c90 += c.amount;
    else if (c.at >= d180) cPrev += c.amount;
  }
  row.serviceCost90d = c90;
  row.serviceCostPrev90d = cPrev;
  row.serviceCostTrend = trend(c90, cPrev);
}

/** Deals open as of t and their amount as of t (null when any open deal's amount was not known then). */
function dealFeatures(deals: CustomerHistory['deals'], asOf: number, row: FeatureRow): void {
  if (deals === undefined) {
    notProvided(DEAL_FEATURES, row);
    return;
  }
  let open = 0;
  let amount: number | null = 0;
  for (const d of deals) {
    const s = dealAsOf(d, asOf);
    if (!s.exists || s.outcome !== 'open') continue;
    open++;
    amount = amount === null || s.amount === null ? null : amount + s.amount;
  }
  row.openDeals = open;
  row.openDealAmount = amount;
}

/** The feature row of a customer as of `asOf` (epoch ms): events stamped before asOf only. */
export function customerFeatures(h: CustomerHistory, asOf: number): FeatureRow {
  const row: FeatureRow = {};
  for (const k of ACCOUNT_CATEGORICAL) row[k] = provided(h[k]);
  for (const k of ACCOUNT_NUMERIC) row[k] = provided(h[k]);
  // A customer since its acquisition or its first order, whichever is seen first (an acquisition
  // dated after t is not known at t, whatever the orders before it).
  const firstOrder = h.orders?.length && seenAt(h.orders[0].at, asOf) ? h.orders[0].at : null;
  const acquired = h.acquiredAt != null && seenAt(h.acquiredAt, asOf) ? h.acquiredAt : null;
  const start = acquired === null ? firstOrder : firstOrder === null ? acquired : Math.min(acquired, firstOrder);
  row.tenureDays = h.acquiredAt === undefined && h.orders === undefined ? NOT_PROVIDED : start === null ? null : (asOf - start) / DAY_MS;
  orderFeatures(h.orders, asOf, row);
  activityFeatures(h.activities, asOf, row);
  serviceCostFeatures(h.serviceCosts, asOf, row);
  dealFeatures(h.deals, asOf, row);
  for (const [k, v] of Object.entries(h.attributes ?? {})) {
    if (LEAKY_ATTRIBUTE.test(k)) continue;
    row[`attr.${k}`] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
  }
  return row;
}

export type ChurnLabelMode = 'status' | 'no-purchase';

/**
 * The churn label of a customer observed at `asOf` over the following `windowDays`, or null when the
 * customer is not a training example at that date:
 * - status: eligible when acquired before asOf (or acquisition unknown) and not churned before asOf;
 *   label 1 when churnedAt falls in [asOf, asOf + window). A churned account without a date
 *   cannot be placed in time and is left out.
 * - no-purchase: eligible when it ordered in the `activeDays` before asOf (an active customer) and
 *   had not churned by status; label 1 when it places no order in [asOf, asOf + window).
 */
export function churnLabel(h: CustomerHistory, asOf: number, windowDays: number, mode: ChurnLabelMode, activeDays = 365): 0 | 1 | null {
  const end = asOf + windowDays * DAY_MS;
  if (h.acquiredAt != null && !seenAt(h.acquiredAt, asOf)) return null;
  const churnedBefore = h.churnedAt != null && seenAt(h.churnedAt, asOf);
  if (mode === 'status') {
    if (h.status === 'churned' && h.churnedAt == null) return null;
    if (churnedBefore) return null;
    return h.churnedAt != null && seenAt(h.churnedAt, end) ? 1 : 0;
  }
  if (churnedBefore) return null;
  const at = (h.orders ?? []).map((o) => o.at);
  if (countIn(at, asOf - activeDays * DAY_MS, asOf) === 0) return null;
  return countIn(at, asOf, end) > 0 ? 0 : 1;
}
