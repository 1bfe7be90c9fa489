// The shape of one deal as the deal-win features see it: the opportunity's fields, its stage
// history and its activities, with references already resolved to names. The same shape comes from
// the database (services/win/load-deals.ts) and from a CRM frontend posting a deal inline.
// Times are epoch milliseconds (UTC) so feature code never depends on the machine's time zone.

export type AttributeValue = string | number | boolean | null;

export interface DealStageChange {
  fromStage?: string | null;
  toStage: string;
  amount?: number | null;
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
  externalId?: string | null;
}

export interface DealInput {
  /** Database id when the deal is stored; absent for inline deals. */
  id?: number;
  externalId?: string | null;
  stage: string;
  amount: number;
  discount?: number | null;
  createdAt: number;
  expectedCloseAt?: number | null;
  source?: string | null;
  product?: string | null;
  productFamily?: string | null;
  campaign?: string | null;
  campaignChannel?: string | null;
  rep?: string | null;
  team?: string | null;
  account?: DealAccount | null;
  attributes?: Record<string, AttributeValue> | null;
  stageChanges?: DealStageChange[];
  activities?: DealActivity[];
  /** Known only for closed deals; used for labels and history, never as a feature. */
  outcome?: 'open' | 'won' | 'lost';
  closedAt?: number | null;
}
