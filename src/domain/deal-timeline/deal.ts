// The one deal type: an opportunity's stored (current) fields, its recorded stage changes and its
// activities, with references resolved to names. The database loader (src/db/repositories/deals.ts),
// a CRM frontend posting a deal inline and every consumer (win features, forecasts, what-if,
// backtests, serving) use this shape; what a deal looked like at a moment is `dealAsOf` (as-of.ts).
// Times are epoch milliseconds (UTC) so no code depends on the machine's time zone.
//
// Known, none, or not provided:
// - a value is what the CRM holds;
// - `null` means the CRM holds none (a deal without an owner, an account without a segment, no
//   expected close date). It is information: a model may learn what "none" means;
// - `undefined` (the field omitted) means **not provided**: the caller did not say (an inline deal
//   without `activities`, `rep` or `account`), or the database does not record it at all (a CRM
//   export without activities). Features turn it into NOT_PROVIDED, which the encoder imputes as an
//   average deal and explanations never cite as evidence. The loader never leaves a recorded field
//   undefined, so stored deals say `null` where the CRM holds nothing.

export type AttributeValue = string | number | boolean | null;

export type DealOutcome = 'open' | 'won' | 'lost';

/** One recorded change: the deal moved to `toStage` (or stayed, for a close-date push) at `at`. */
export interface DealStageChange {
  fromStage?: string | null;
  toStage: string;
  /** The amount from this change on; null when the change did not record one. */
  amount?: number | null;
  /** The expected close date from this change on; null when the change did not record one. */
  expectedCloseAt?: number | null;
  at: number;
}

export interface DealActivity {
  type: string;
  at: number;
}

/** The firmographic profile of an account, as every model and inline request sees it. */
export interface AccountProfile {
  segment?: string | null;
  industry?: string | null;
  region?: string | null;
  country?: string | null;
  size?: string | null;
  employees?: number | null;
  annualRevenue?: number | null;
}

export interface DealAccount extends AccountProfile {
  /** Row id of a stored account. */
  id?: number;
  externalId?: string | null;
}

export interface Deal {
  /** Database id when the deal is stored; absent for inline deals. */
  id?: number;
  externalId?: string | null;
  /**
   * Stored (current) fields. They describe the deal now; what they say about an earlier moment is
   * decided by dealAsOf (a closed deal's stored fields may carry its outcome: the final stage, a
   * won amount, 0 on lost deals, a close date set on closing).
   */
  stage: string | null;
  /** null: no amount recorded (the schema stores 0 for "none"; the loader reads 0 as null). */
  amount: number | null;
  discount?: number | null;
  createdAt: number;
  expectedCloseAt?: number | null;
  /** Known only for closed deals; used for labels and history, never as a feature. */
  outcome?: DealOutcome;
  closedAt?: number | null;
  forecastCategory?: string | null;
  /** Descriptors, taken as constant over the deal's life (CRMs keep no history of them). */
  source?: string | null;
  product?: string | null;
  productFamily?: string | null;
  campaign?: string | null;
  campaignChannel?: string | null;
  rep?: string | null;
  team?: string | null;
  repRegion?: string | null;
  /** undefined: not provided; null: the deal has no account. */
  account?: DealAccount | null;
  attributes?: Record<string, AttributeValue> | null;
  /** Recorded stage changes (any order; consumers read them in time order). */
  stageChanges?: DealStageChange[];
  /** undefined: not provided (not sent, or the CRM records no activities); []: none. */
  activities?: DealActivity[];
}
