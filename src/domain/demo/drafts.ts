// Simulated facts before external ids are assigned (generate-demo-data.ts): the per-account
// simulation (account-profile.ts, demo-deal.ts, customer-life.ts) appends to them, assemble.ts
// cuts them at the as-of date, numbers them and turns them into canonical records.
import type { RecordOf } from '../records';
import type { CampaignDraft } from './marketing';
import type { Region, RepProfile, Segment } from './catalog';
import type { SimulatedDeal } from './deal-simulation';
import type { Rng } from '../../math/random';
import type { ArrivalPlan } from './arrivals';

export interface RepDraft extends RepProfile {
  externalId: string;
  hiredAt: number;
}
export interface AccountDraft {
  index: number;
  name: string;
  segment: Segment;
  region: Region;
  ownerRep: number;
  record: Omit<RecordOf<'accounts'>, 'externalId'>;
  acquisitionCampaign: number | null;
  externalId: string;
}
export interface DealDraft {
  account: AccountDraft;
  rep: number;
  product: number;
  campaign: number | null;
  source: string;
  dealType: 'New Business' | 'Expansion';
  competitor: string | null;
  discount: number;
  callDraw: number;
  sim: SimulatedDeal;
  externalId: string;
}
export interface ActivityDraft {
  account: AccountDraft;
  deal: DealDraft | null;
  rep: number;
  type: string;
  at: number;
  durationMinutes: number;
  cost: number;
}
export interface OrderDraft {
  account: AccountDraft;
  product: number;
  deal: DealDraft | null;
  at: number;
  quantity: number;
  discount: number;
}
export interface TargetDraft {
  account: AccountDraft;
  campaign: number;
  at: number;
}
export interface ServiceCostDraft {
  account: AccountDraft;
  at: number;
  kind: string;
  amount: number;
}

/** Everything the simulation produced, in the order it was produced. */
export interface DemoDrafts {
  reps: RepDraft[];
  campaigns: CampaignDraft[];
  accounts: AccountDraft[];
  deals: DealDraft[];
  activities: ActivityDraft[];
  orders: OrderDraft[];
  serviceCosts: ServiceCostDraft[];
  futureChurn: { account: AccountDraft; at: number }[];
  campaignTargets: TargetDraft[];
}

/**
 * What every account's simulation shares: the options, the window [from, asOf), the sales team,
 * the campaigns, the arrival model and the drafts it appends to.
 */
export interface DemoWorld {
  seed: number;
  from: number;
  asOf: number;
  repsByRegion: Map<Region, number[]>;
  arrivals: ArrivalPlan;
  productIndex: Map<string, number>;
  /** Account names given so far (a repeated name gets a number). */
  usedNames: Set<string>;
  drafts: DemoDrafts;
}

/** The random stream and the facts of one account, shared by the steps that simulate it. */
export interface AccountStory {
  world: DemoWorld;
  r: Rng;
  account: AccountDraft;
  segment: Segment;
  /** Latent churn risk: drives churn hazard, NPS and support load; never stored. */
  risk: number;
  ownerRep: number;
  regionReps: number[];
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
export const pad = (n: number, width: number) => String(n).padStart(width, '0');
