// Point-in-time features of a deal: what the CRM showed at moment t (the deal timeline's
// dealAsOf: recorded changes before t, no value filled back from later changes, stored fields only
// where they hold at t), its activities before t, and history known before t (win rates of its rep,
// segment, account, product and source from deals closed before t). One implementation serves
// training (closed deals snapshotted at past moments) and scoring (open deals as of now), so the two
// can never drift apart.
//
// Missing is not zero (feature-row.ts): a field the caller omitted (`undefined` on the deal: no
// `activities`, no `rep`, no `account`, no `stageChanges`) gives NOT_PROVIDED for every feature
// derived from it; `null` on the deal (no owner, no account) is the value "none".
import { dealAsOf, type DealAsOf } from '../deal-timeline/as-of';
import { momentFor, seenAt } from '../deal-timeline/boundary';
import { DAY_MS } from '../../math/time';
import type { Deal } from '../deal-timeline/deal';
import { type DealHistory, historyKeys } from './deal-history';
import { NOT_PROVIDED, provided, type FeatureRow, type FeatureSpecShape, type FeatureValue } from './feature-row';

/** Bump when the meaning of a feature changes: models trained before are then refused on load. */
// v2: repClosedDeals / accountClosedDeals are unknown (null) for a deal with no owner / account
// id, instead of 0 (which read as "an owner with no closed deals").
// v3: one deal timeline (an event stamped exactly t is not seen at t); no amount or close date
// filled back from later changes; stored fields of a deal closed later are unknown before its
// close (discount dropped: it is never recorded on changes); hasStageHistory and daysInStage from
// what is seen at t; NOT_PROVIDED for fields the caller omitted.
export const DEAL_FEATURES_VERSION = 3;

export const DEAL_NUMERIC_FEATURES = [
  'amount',
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
export function dealFeatureSpec(
  attributes: { numeric: string[]; categorical: string[] } = { numeric: [], categorical: [] },
): FeatureSpecShape {
  return {
    numeric: [...DEAL_NUMERIC_FEATURES, ...attributes.numeric.map((k) => `attr.${k}`)],
    categorical: [...DEAL_CATEGORICAL_FEATURES, ...attributes.categorical.map((k) => `attr.${k}`)],
    log: DEAL_LOG_FEATURES,
    minCategoryCount: 5,
    maxCategories: 40,
    // What the caller did not provide is counted as for a typical deal in the same stage: activity,
    // progress and owner go with the stage, so a deal known only by its stage scores near its
    // stage's win rate instead of the average deal's.
    imputeBy: 'stage',
  };
}

/** The part of the schema fixed by this code (custom attributes aside), compared on model load. */
export function dealBaseSchema(): string {
  return JSON.stringify({ v: DEAL_FEATURES_VERSION, n: DEAL_NUMERIC_FEATURES, c: DEAL_CATEGORICAL_FEATURES, l: DEAL_LOG_FEATURES });
}

interface CachedKeys {
  from: (string | null | undefined)[];
  keys: Record<string, string | undefined>;
}
const keyCache = new WeakMap<Deal, CachedKeys>();

/**
 * History keys of a deal by kind (rep:, segment:, ...). With `cache`, kept per deal object (and
 * re-derived if its fields change): training builds features of one deal at many moments. A deal
 * scored once (serving) skips the cache: a WeakMap entry per request costs more than the keys.
 */
function keysByKind(deal: Deal, cache: boolean): Record<string, string | undefined> {
  if (!cache) return deriveKeys(deal);
  const from = [deal.rep, deal.account?.segment, deal.account?.externalId, deal.product, deal.source];
  const c = keyCache.get(deal);
  if (c?.from.every((v, i) => v === from[i])) return c.keys;
  const keys = deriveKeys(deal);
  keyCache.set(deal, { from, keys });
  return keys;
}

function deriveKeys(deal: Deal): Record<string, string | undefined> {
  const keys: Record<string, string | undefined> = {};
  for (const key of historyKeys(deal)) keys[key.slice(0, key.indexOf(':') + 1)] = key;
  return keys;
}

/**
 * Win rate and closed count under a history key. `field` is the deal's value behind the key:
 * undefined (not provided) gives NOT_PROVIDED; null (none: no owner, no account) gives null for
 * both (unknown, never "0 closed"). A key with nothing closed before t has 0 closed deals and the
 * overall rate its smoothing falls back to.
 */
function historyOf(history: DealHistory, field: unknown, key: string | undefined, t: number): { rate: FeatureValue; closed: FeatureValue } {
  if (field === undefined) return { rate: NOT_PROVIDED, closed: NOT_PROVIDED };
  if (!key) return { rate: null, closed: null };
  return { rate: history.winRate(key, t), closed: history.counts(key, t).closed };
}

const MEETING_TYPES = new Set(['meeting', 'demo', 'visit', 'presentation']);

type ActivityFeatures = Pick<
  FeatureRow,
  'activities7d' | 'activities30d' | 'activities90d' | 'meetings30d' | 'activitiesTotal' | 'daysSinceLastActivity'
>;

/** Activity counts over windows ending at t (activities seen as of t), or NOT_PROVIDED for all. */
export function activityFeatures(deal: Pick<Deal, 'activities'>, t: number): ActivityFeatures {
  if (deal.activities === undefined)
    return {
      activities7d: NOT_PROVIDED,
      activities30d: NOT_PROVIDED,
      activities90d: NOT_PROVIDED,
      meetings30d: NOT_PROVIDED,
      activitiesTotal: NOT_PROVIDED,
      daysSinceLastActivity: NOT_PROVIDED,
    };
  let a7 = 0;
  let a30 = 0;
  let a90 = 0;
  let m30 = 0;
  let total = 0;
  let last = -Infinity;
  for (const a of deal.activities) {
    if (!seenAt(a.at, t)) continue;
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
  return {
    activities7d: a7,
    activities30d: a30,
    activities90d: a90,
    meetings30d: m30,
    activitiesTotal: total,
    // No activity yet: "none", a value of its own (the encoder's missing indicator), not "not provided".
    daysSinceLastActivity: total ? (t - last) / DAY_MS : null,
  };
}

type HistoryFeatures = Pick<
  FeatureRow,
  | 'daysInStage'
  | 'stageChanges'
  | 'stagesVisited'
  | 'closeDatePushes'
  | 'closeDatePushDays'
  | 'amountChanges'
  | 'amountChangeRatio'
  | 'hasStageHistory'
>;

/** What the stage history says as of t; NOT_PROVIDED for all when the history was not sent. */
function historyFeatures(deal: Deal, s: DealAsOf, t: number): HistoryFeatures {
  if (deal.stageChanges === undefined)
    return {
      daysInStage: NOT_PROVIDED,
      stageChanges: NOT_PROVIDED,
      stagesVisited: NOT_PROVIDED,
      closeDatePushes: NOT_PROVIDED,
      closeDatePushDays: NOT_PROVIDED,
      amountChanges: NOT_PROVIDED,
      amountChangeRatio: NOT_PROVIDED,
      hasStageHistory: NOT_PROVIDED,
    };
  return {
    // Unknown with the stage itself (not the deal's age again).
    daysInStage: s.stageEnteredAt === null ? null : Math.max(0, (t - s.stageEnteredAt) / DAY_MS),
    stageChanges: s.stageChanges,
    stagesVisited: s.stagesVisited,
    closeDatePushes: s.closeDatePushes,
    closeDatePushDays: s.closeDatePushDays,
    amountChanges: s.amountChanges,
    amountChangeRatio: s.firstAmount && s.amount !== null ? s.amount / s.firstAmount : null,
    hasStageHistory: s.changesSeen > 0 ? 1 : 0,
  };
}

/** An account field: NOT_PROVIDED when the account or the field was not sent, null when there is no account. */
function accountField<K extends keyof NonNullable<Deal['account']>>(deal: Deal, k: K): FeatureValue {
  if (deal.account === undefined) return NOT_PROVIDED;
  if (deal.account === null) return null;
  return provided(deal.account[k]) as FeatureValue;
}

/** The raw feature row of a deal as of t (values before encoding; null = unknown, NOT_PROVIDED = not sent). */
export function dealFeatures(
  deal: Deal,
  asked: number,
  history: DealHistory,
  attributeKeys?: { numeric: string[]; categorical: string[] },
  options: { cacheKeys?: boolean } = {},
): FeatureRow {
  // Asked at (or before) its creation instant, a deal is seen as created (boundary.ts momentFor).
  const t = momentFor(deal.createdAt, asked);
  const s = dealAsOf(deal, t);
  const keys = keysByKind(deal, options.cacheKeys ?? true);
  const daysToExpected = s.expectedCloseAt != null ? (s.expectedCloseAt - t) / DAY_MS : null;
  const segment = accountField(deal, 'segment');
  const rep = historyOf(history, deal.rep, keys['rep:'], t);
  const account = historyOf(history, deal.account === null ? null : deal.account?.externalId, keys['account:'], t);
  const seg = historyOf(history, segment === NOT_PROVIDED ? undefined : segment, keys['segment:'], t);
  const product = historyOf(history, deal.product, keys['product:'], t);
  const source = historyOf(history, deal.source, keys['source:'], t);
  const campaignChannel =
    deal.campaignChannel === undefined && deal.campaign === undefined
      ? NOT_PROVIDED
      : (deal.campaignChannel ?? (deal.campaign ? 'campaign' : null));
  // Fields written out rather than spread: a spread copies by key at run time, and this runs for
  // every deal scored. The order of the keys is the same as it was with spreads.
  const h = historyFeatures(deal, s, t);
  const a = activityFeatures(deal, t);
  const row: FeatureRow = {
    amount: s.amount,
    daysSinceCreated: Math.max(0, (t - deal.createdAt) / DAY_MS),
    daysInStage: h.daysInStage,
    stageChanges: h.stageChanges,
    stagesVisited: h.stagesVisited,
    closeDatePushes: h.closeDatePushes,
    closeDatePushDays: h.closeDatePushDays,
    amountChanges: h.amountChanges,
    amountChangeRatio: h.amountChangeRatio,
    hasStageHistory: h.hasStageHistory,
    daysToExpectedClose: daysToExpected,
    expectedCloseOverdue: daysToExpected === null ? null : daysToExpected < 0 ? 1 : 0,
    activities7d: a.activities7d,
    activities30d: a.activities30d,
    activities90d: a.activities90d,
    meetings30d: a.meetings30d,
    activitiesTotal: a.activitiesTotal,
    daysSinceLastActivity: a.daysSinceLastActivity,
    repWinRate: rep.rate,
    repClosedDeals: rep.closed,
    segmentWinRate: seg.rate,
    accountWinRate: account.rate,
    accountClosedDeals: account.closed,
    productWinRate: product.rate,
    sourceWinRate: source.rate,
    employees: accountField(deal, 'employees'),
    annualRevenue: accountField(deal, 'annualRevenue'),
    stage: s.stage,
    segment,
    industry: accountField(deal, 'industry'),
    region: accountField(deal, 'region'),
    size: accountField(deal, 'size'),
    product: provided(deal.product),
    productFamily: provided(deal.productFamily),
    source: provided(deal.source),
    campaignChannel,
    rep: provided(deal.rep),
    team: provided(deal.team),
  };
  if (attributeKeys) {
    const attrs = deal.attributes;
    const fields = attributeFields(attributeKeys);
    for (let i = 0; i < fields.length; i++) row[fields[i][0]] = attrs === undefined ? NOT_PROVIDED : (attrs?.[fields[i][1]] ?? null);
  }
  return row;
}

/** [row field, attribute] of a model's custom attributes, made once per model (a key built per row cost more than the rest of the row). */
const attributeFieldsOf = new WeakMap<object, ReadonlyArray<readonly [string, string]>>();
function attributeFields(keys: { numeric: string[]; categorical: string[] }): ReadonlyArray<readonly [string, string]> {
  let fields = attributeFieldsOf.get(keys);
  if (!fields) {
    fields = [...keys.numeric, ...keys.categorical].map((k) => [`attr.${k}`, k] as const);
    attributeFieldsOf.set(keys, fields);
  }
  return fields;
}
