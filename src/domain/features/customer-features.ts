// Churn features of one customer as of an observation date, and churn labels from the window that
// follows it. One implementation for training and scoring. Pure: plain objects in, plain rows out.
//
// Point in time: every behavioural feature uses only events strictly before `asOf`; the label uses
// only what happens in (asOf, asOf + window] (status labels) or [asOf, asOf + window) (no-purchase
// labels), so the label window starts where the features end. Account fields and custom attributes
// are taken as stored (CRMs keep no history of them); attributes whose name mentions churn are
// never used as features, since an exported "Churn" column is the label itself.
import type { RawRow, RawValue } from '../../ml/feature-encoder';
import type { AccountProfile } from './deal-input';
import { DAY_MS } from '../../math/time';

export const CUSTOMER_FEATURE_VERSION = 1;

export interface CustomerHistory extends AccountProfile {
  accountId: number;
  externalId: string;
  acquisitionCost?: number | null;
  /** Epoch ms. */
  acquiredAt?: number | null;
  status?: string | null;
  churnedAt?: number | null;
  attributes?: Record<string, RawValue> | null;
  /** Sorted ascending by time (epoch ms). */
  orders?: { at: number; revenue: number }[];
  activities?: number[];
  serviceCosts?: { at: number; amount: number }[];
  deals?: { createdAt: number; closedAt: number | null; amount: number }[];
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

export const LEAKY_ATTRIBUTE = /churn/i;

/** Number of times in [from, to) in a sorted array (binary search). */
function countIn(sorted: number[], from: number, to: number): number {
  return lowerBound(sorted, to) - lowerBound(sorted, from);
}
function lowerBound(a: number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** log((recent + 1) / (previous + 1)): 0 when flat, negative when falling; finite at zero. */
const trend = (recent: number, previous: number) => Math.log((recent + 1) / (previous + 1));

/** The feature row of a customer as of `asOf` (epoch ms). Missing behaviour is null, not 0. */
export function customerFeatures(h: CustomerHistory, asOf: number): RawRow {
  const row: RawRow = {};
  for (const k of ACCOUNT_CATEGORICAL) row[k] = h[k] ?? null;
  for (const k of ACCOUNT_NUMERIC) row[k] = h[k] ?? null;
  const d90 = asOf - 90 * DAY_MS;
  const d180 = asOf - 180 * DAY_MS;

  const orders = h.orders ?? [];
  const orderAt = orders.map((o) => o.at);
  const nBefore = lowerBound(orderAt, asOf);
  const firstOrder = nBefore > 0 ? orderAt[0] : null;
  const start = h.acquiredAt ?? firstOrder;
  row.tenureDays = start !== null && start !== undefined && start <= asOf ? (asOf - start) / DAY_MS : null;
  if (orders.length > 0) {
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
  const acts = h.activities ?? [];
  if (acts.length > 0) {
    const a90 = countIn(acts, d90, asOf);
    const aPrev = countIn(acts, d180, d90);
    const nA = lowerBound(acts, asOf);
    row.activities90d = a90;
    row.activitiesPrev90d = aPrev;
    row.activityTrend = trend(a90, aPrev);
    row.daysSinceLastActivity = nA > 0 ? (asOf - acts[nA - 1]) / DAY_MS : null;
  }
  const costs = h.serviceCosts ?? [];
  if (costs.length > 0) {
    let c90 = 0;
    let cPrev = 0;
    for (const c of costs) {
      if (c.at >= asOf) break;
      if (c.at >= d90) c90 += c.amount;
      else if (c.at >= d180) cPrev += c.amount;
    }
    row.serviceCost90d = c90;
    row.serviceCostPrev90d = cPrev;
    row.serviceCostTrend = trend(c90, cPrev);
  }
  const deals = h.deals ?? [];
  if (deals.length > 0) {
    let open = 0;
    let amount = 0;
    for (const d of deals) {
      if (d.createdAt < asOf && (d.closedAt === null || d.closedAt >= asOf)) {
        open++;
        amount += d.amount;
      }
    }
    row.openDeals = open;
    row.openDealAmount = amount;
  }
  for (const [k, v] of Object.entries(h.attributes ?? {})) {
    if (LEAKY_ATTRIBUTE.test(k)) continue;
    row[`attr.${k}`] = v ?? null;
  }
  return row;
}

export type ChurnLabelMode = 'status' | 'no-purchase';

/**
 * The churn label of a customer observed at `asOf` over the following `windowDays`, or null when the
 * customer is not a training example at that date:
 * - status: eligible when acquired before asOf (or acquisition unknown) and not churned at asOf;
 *   label 1 when churnedAt falls in (asOf, asOf + window]. A churned account without a date
 *   cannot be placed in time and is left out.
 * - no-purchase: eligible when it ordered in the `activeDays` before asOf (an active customer) and
 *   had not churned by status; label 1 when it places no order in [asOf, asOf + window).
 */
export function churnLabel(h: CustomerHistory, asOf: number, windowDays: number, mode: ChurnLabelMode, activeDays = 365): 0 | 1 | null {
  const end = asOf + windowDays * DAY_MS;
  if (h.acquiredAt != null && h.acquiredAt >= asOf) return null;
  if (mode === 'status') {
    if (h.status === 'churned' && h.churnedAt == null) return null;
    if (h.churnedAt != null && h.churnedAt <= asOf) return null;
    return h.churnedAt != null && h.churnedAt <= end ? 1 : 0;
  }
  if (h.churnedAt != null && h.churnedAt <= asOf) return null;
  const at = (h.orders ?? []).map((o) => o.at);
  if (countIn(at, asOf - activeDays * DAY_MS, asOf) === 0) return null;
  return countIn(at, asOf, end) > 0 ? 0 : 1;
}
