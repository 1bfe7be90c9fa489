// Point-in-time features of a deal: what the CRM showed at moment t, rebuilt from the deal's stage
// history and activities, plus history known before t (win rates of its rep, segment, account,
// product and source from deals closed strictly before t). One implementation serves training
// (closed deals snapshotted at past moments) and scoring (open deals as of now), so the two can
// never drift apart. Nothing known only after t is read: not the final stage, not the closed date,
// not the final amount when the history records the amount at t.
import type { FeatureSpec, RawRow } from '../../ml/feature-encoder';
import { type DealHistory, historyKeys } from './deal-history';
import type { DealInput } from './deal-input';
import { DAY_MS } from '../../math/time';

/** Bump when the meaning of a feature changes: models trained before are then refused on load. */
// v2: repClosedDeals / accountClosedDeals are unknown (null) for a deal with no owner / account
// id, instead of 0 (which read as "an owner with no closed deals").
export const DEAL_FEATURES_VERSION = 2;

export const DEAL_NUMERIC_FEATURES = [
  'amount',
  'discount',
  'daysSinceCreated',
  'daysInStage',
  'stageChanges',
  'stagesVisited',
  'closeDatePushes',
  'closeDatePushDays',
  'amountChanges',
  'amountChangeRatio',
  'daysToExpectedClose',
  'expectedCloseOverdue',
  'activities7d',
  'activities30d',
  'activities90d',
  'meetings30d',
  'activitiesTotal',
  'daysSinceLastActivity',
  'repWinRate',
  'repClosedDeals',
  'segmentWinRate',
  'accountWinRate',
  'accountClosedDeals',
  'productWinRate',
  'sourceWinRate',
  'employees',
  'annualRevenue',
  'hasStageHistory',
] as const;

export const DEAL_CATEGORICAL_FEATURES = [
  'stage',
  'segment',
  'industry',
  'region',
  'size',
  'product',
  'productFamily',
  'source',
  'campaignChannel',
  'rep',
  'team',
] as const;

export const DEAL_LOG_FEATURES = [
  'amount',
  'daysSinceCreated',
  'daysInStage',
  'closeDatePushDays',
  'activities7d',
  'activities30d',
  'activities90d',
  'meetings30d',
  'activitiesTotal',
  'daysSinceLastActivity',
  'repClosedDeals',
  'accountClosedDeals',
  'employees',
  'annualRevenue',
];

export type DealFeatureName = (typeof DEAL_NUMERIC_FEATURES)[number] | (typeof DEAL_CATEGORICAL_FEATURES)[number] | `attr.${string}`;

/** The feature spec for deals; custom attributes seen in training are appended as attr.<key>. */
export function dealFeatureSpec(attributes: { numeric: string[]; categorical: string[] } = { numeric: [], categorical: [] }): FeatureSpec {
  return {
    numeric: [...DEAL_NUMERIC_FEATURES, ...attributes.numeric.map((k) => `attr.${k}`)],
    categorical: [...DEAL_CATEGORICAL_FEATURES, ...attributes.categorical.map((k) => `attr.${k}`)],
    log: DEAL_LOG_FEATURES,
    minCategoryCount: 5,
    maxCategories: 40,
  };
}

/** The part of the schema fixed by this code (custom attributes aside), compared on model load. */
export function dealBaseSchema(): string {
  return JSON.stringify({ v: DEAL_FEATURES_VERSION, n: DEAL_NUMERIC_FEATURES, c: DEAL_CATEGORICAL_FEATURES, l: DEAL_LOG_FEATURES });
}

/**
 * Custom attribute keys worth modelling: present on at least 5% of deals; numeric when every
 * present value is a number or boolean. At most `max` keys, the most frequent first.
 * Leak guard: a key whose mere presence separates won from lost closed deals (filled on at least
 * 90 points more of one outcome than the other, or on at least 20% of one outcome and at most 1%
 * of the other — typically fields copied from a "closed deals" table or filled when a deal is
 * lost) describes the outcome, not the deal, and is left out; such keys are returned in `excluded`.
 */
export function discoverAttributes(
  deals: DealInput[],
  max = 20,
): { numeric: string[]; categorical: string[]; excluded?: { key: string; reason: string }[] } {
  const seen = new Map<string, { n: number; numeric: boolean; won: number; lost: number }>();
  let won = 0;
  let lost = 0;
  for (const d of deals) {
    if (d.outcome === 'won') won++;
    else if (d.outcome === 'lost') lost++;
    if (!d.attributes) continue;
    for (const [k, v] of Object.entries(d.attributes)) {
      if (v === null || v === undefined || v === '') continue;
      const s = seen.get(k) ?? { n: 0, numeric: true, won: 0, lost: 0 };
      s.n++;
      if (d.outcome === 'won') s.won++;
      else if (d.outcome === 'lost') s.lost++;
      if (typeof v === 'string') s.numeric = false;
      seen.set(k, s);
    }
  }
  const excluded: { key: string; reason: string }[] = [];
  const keep = [...seen.entries()]
    .filter(([k, s]) => {
      if (s.n < 0.05 * deals.length) return false;
      if (won > 0 && lost > 0) {
        const pw = s.won / won;
        const pl = s.lost / lost;
        if (Math.abs(pw - pl) >= 0.9 || (Math.min(pw, pl) <= 0.01 && Math.max(pw, pl) >= 0.2)) {
          excluded.push({
            key: k,
            reason: `filled on ${Math.round(pw * 100)}% of won and ${Math.round(pl * 100)}% of lost deals: it records the outcome`,
          });
          return false;
        }
      }
      return true;
    })
    .sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1))
    .slice(0, max);
  return {
    numeric: keep
      .filter(([, s]) => s.numeric)
      .map(([k]) => k)
      .sort(),
    categorical: keep
      .filter(([, s]) => !s.numeric)
      .map(([k]) => k)
      .sort(),
    ...(excluded.length ? { excluded } : {}),
  };
}

/** Stage changes at or before t in time order, without copying when the input is already sorted. */
function changesUpTo(all: NonNullable<DealInput['stageChanges']>, t: number): NonNullable<DealInput['stageChanges']> {
  let sorted = true;
  for (let i = 1; i < all.length; i++)
    if (all[i].at < all[i - 1].at) {
      sorted = false;
      break;
    }
  const ordered = sorted ? all : [...all].sort((a, b) => a.at - b.at);
  let n = 0;
  while (n < ordered.length && ordered[n].at <= t) n++;
  return n === ordered.length ? ordered : ordered.slice(0, n);
}

interface CachedKeys {
  from: (string | null | undefined)[];
  keys: Record<string, string | undefined>;
}
const keyCache = new WeakMap<DealInput, CachedKeys>();

/**
 * History keys of a deal by kind (rep:, segment:, ...). With `cache`, kept per deal object (and
 * re-derived if its fields change): training builds features of one deal at many moments. A deal
 * scored once (serving) skips the cache: a WeakMap entry per request costs more than the keys.
 */
function keysByKind(deal: DealInput, cache: boolean): Record<string, string | undefined> {
  if (!cache) return deriveKeys(deal);
  const from = [deal.rep, deal.account?.segment, deal.account?.externalId, deal.product, deal.source];
  const c = keyCache.get(deal);
  if (c?.from.every((v, i) => v === from[i])) return c.keys;
  const keys = deriveKeys(deal);
  keyCache.set(deal, { from, keys });
  return keys;
}

function deriveKeys(deal: DealInput): Record<string, string | undefined> {
  const keys: Record<string, string | undefined> = {};
  for (const key of historyKeys(deal)) keys[key.slice(0, key.indexOf(':') + 1)] = key;
  return keys;
}

/** A deal's state as of t, rebuilt from its history. */
export interface DealStateAsOf {
  stage: string | null;
  stageEnteredAt: number;
  amount: number | null;
  expectedCloseAt: number | null;
  stageChanges: number;
  stagesVisited: number;
  closeDatePushes: number;
  closeDatePushDays: number;
  amountChanges: number;
  firstAmount: number | null;
}

export function dealStateAsOf(deal: DealInput, t: number): DealStateAsOf {
  const all = deal.stageChanges ?? [];
  const changes = changesUpTo(all, t);
  const closedBefore = deal.closedAt != null && deal.closedAt <= t;
  if (all.length === 0) {
    // No history: the stored fields are the deal as it is now. They describe moment t only while
    // the deal is open (scoring). For a closed deal they may carry the outcome — the final stage,
    // a close date set on closing, a won amount (CRM exports often put 0 on lost deals) — so
    // stage, expected close and amount are unknown at any earlier moment.
    const open = (deal.outcome ?? 'open') === 'open' || closedBefore;
    return {
      stage: open ? deal.stage : null,
      stageEnteredAt: deal.createdAt,
      amount: open ? deal.amount : null,
      expectedCloseAt: open ? (deal.expectedCloseAt ?? null) : null,
      stageChanges: 0,
      stagesVisited: open ? 1 : 0,
      closeDatePushes: 0,
      closeDatePushDays: 0,
      amountChanges: 0,
      firstAmount: open ? deal.amount : null,
    };
  }
  let stage: string | null = all[0].fromStage ?? null;
  let stageEnteredAt = deal.createdAt;
  // Before the first recorded change the amount and close date are those of the first change.
  // (A closed deal's stored amount may be the won amount: used only when the deal is open.)
  const isOpen = (deal.outcome ?? 'open') === 'open' || closedBefore;
  let amount: number | null = all.find((c) => c.amount != null)?.amount ?? (isOpen ? deal.amount : null);
  let expected: number | null = all.find((c) => c.expectedCloseAt != null)?.expectedCloseAt ?? null;
  const firstAmount = amount;
  let stageChanges = 0;
  let pushes = 0;
  let pushDays = 0;
  let amountChanges = 0;
  const visited = new Set<string>();
  if (stage) visited.add(stage);
  for (const c of changes) {
    if (c.toStage !== stage) {
      if (stage !== null || c.fromStage != null) stageChanges++;
      stage = c.toStage;
      stageEnteredAt = c.at;
      visited.add(stage);
    }
    if (c.amount != null && c.amount !== amount) {
      if (amount !== null) amountChanges++;
      amount = c.amount;
    }
    if (c.expectedCloseAt != null) {
      if (expected != null && c.expectedCloseAt > expected + DAY_MS / 2) {
        pushes++;
        pushDays += (c.expectedCloseAt - expected) / DAY_MS;
      }
      expected = c.expectedCloseAt;
    }
  }
  if (changes.length === 0) stageEnteredAt = deal.createdAt;
  return {
    stage,
    stageEnteredAt,
    amount,
    expectedCloseAt: expected,
    stageChanges,
    stagesVisited: visited.size,
    closeDatePushes: pushes,
    closeDatePushDays: pushDays,
    amountChanges,
    firstAmount,
  };
}

const rateOf = (history: DealHistory, key: string | undefined, t: number) => (key ? history.winRate(key, t) : null);
// No key (no owner / account named): unknown, not "none closed".
const closedOf = (history: DealHistory, key: string | undefined, t: number) => (key ? history.counts(key, t).closed : null);

const MEETING_TYPES = new Set(['meeting', 'demo', 'visit', 'presentation']);

/** The raw feature row of a deal as of t (values before encoding; null = unknown). */
export function dealFeatures(
  deal: DealInput,
  t: number,
  history: DealHistory,
  attributeKeys?: { numeric: string[]; categorical: string[] },
  options: { cacheKeys?: boolean } = {},
): RawRow {
  const s = dealStateAsOf(deal, t);
  let a7 = 0,
    a30 = 0,
    a90 = 0,
    m30 = 0,
    total = 0;
  let last = -Infinity;
  for (const a of deal.activities ?? []) {
    if (a.at > t) continue;
    const age = (t - a.at) / DAY_MS;
    total++;
    if (a.at > last) last = a.at;
    if (age <= 7) a7++;
    if (age <= 30) {
      a30++;
      if (MEETING_TYPES.has(a.type.toLowerCase())) m30++;
    }
    if (age <= 90) a90++;
  }
  const keys = keysByKind(deal, options.cacheKeys ?? true);
  const daysToExpected = s.expectedCloseAt != null ? (s.expectedCloseAt - t) / DAY_MS : null;
  const row: RawRow = {
    amount: s.amount,
    discount: deal.discount ?? 0,
    daysSinceCreated: Math.max(0, (t - deal.createdAt) / DAY_MS),
    daysInStage: Math.max(0, (t - s.stageEnteredAt) / DAY_MS),
    stageChanges: s.stageChanges,
    stagesVisited: s.stagesVisited,
    closeDatePushes: s.closeDatePushes,
    closeDatePushDays: s.closeDatePushDays,
    amountChanges: s.amountChanges,
    amountChangeRatio: s.firstAmount && s.amount !== null ? s.amount / s.firstAmount : null,
    daysToExpectedClose: daysToExpected,
    expectedCloseOverdue: daysToExpected === null ? null : daysToExpected < 0 ? 1 : 0,
    activities7d: a7,
    activities30d: a30,
    activities90d: a90,
    meetings30d: m30,
    activitiesTotal: total,
    daysSinceLastActivity: total ? (t - last) / DAY_MS : null,
    repWinRate: rateOf(history, keys['rep:'], t),
    repClosedDeals: closedOf(history, keys['rep:'], t),
    segmentWinRate: rateOf(history, keys['segment:'], t),
    accountWinRate: rateOf(history, keys['account:'], t),
    accountClosedDeals: closedOf(history, keys['account:'], t),
    productWinRate: rateOf(history, keys['product:'], t),
    sourceWinRate: rateOf(history, keys['source:'], t),
    employees: deal.account?.employees ?? null,
    annualRevenue: deal.account?.annualRevenue ?? null,
    hasStageHistory: (deal.stageChanges?.length ?? 0) > 0 ? 1 : 0,
    stage: s.stage,
    segment: deal.account?.segment ?? null,
    industry: deal.account?.industry ?? null,
    region: deal.account?.region ?? null,
    size: deal.account?.size ?? null,
    product: deal.product ?? null,
    productFamily: deal.productFamily ?? null,
    source: deal.source ?? null,
    campaignChannel: deal.campaignChannel ?? (deal.campaign ? 'campaign' : null),
    rep: deal.rep ?? null,
    team: deal.team ?? null,
  };
  if (attributeKeys) {
    for (const k of attributeKeys.numeric) row[`attr.${k}`] = deal.attributes?.[k] ?? null;
    for (const k of attributeKeys.categorical) row[`attr.${k}`] = deal.attributes?.[k] ?? null;
  }
  return row;
}
