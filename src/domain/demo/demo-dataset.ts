// What the demo generator returns (generate-demo-data.ts): the records of every kind, and the truth
// behind them that the CRM would not know.
import type { EntityKind, RecordOf } from '../records';

export interface DemoOptions {
  seed?: number;
  accounts?: number;
  months?: number;
  /** End of the history (exclusive); truncated to midnight UTC. */
  asOf: Date;
}

/** Every entity kind's records, keyed as upsertRecords and the importer expect. */
export type DemoRecords = { [K in EntityKind]: RecordOf<K>[] };

/** What the simulation knows but the CRM does not: for tests, docs and model sanity checks only. */
export interface DemoTruth {
  reps: { externalId: string; skill: number; optimism: number }[];
  /** How each deal open at the as-of date will end. */
  openDeals: { opportunityId: string; outcome: 'won' | 'lost'; closedAt: Date }[];
  /** Active customers whose churn within a year after the as-of date is already set in motion. */
  futureChurn: { accountId: string; churnedAt: Date }[];
  /**
   * What each email programme really does to the customers on its target list (marketing.ts): their
   * repeat orders and expansion deals run at (1 + lift) × their rate for `days` after being targeted
   * (a win-back also keeps half the customers already in decline 6-12 months longer).
   */
  campaignEffects: {
    campaignId: string;
    programme: string;
    targets: number;
    orderLift: number;
    expansionLift: number;
    days: number;
  }[];
}

export interface DemoDataset {
  /** See demoDatasetKey. */
  key: string;
  seed: number;
  accounts: number;
  months: number;
  from: Date;
  asOf: Date;
  records: DemoRecords;
  truth: DemoTruth;
}

/** Identifies a generated dataset: the same key means the same records. */
export function demoDatasetKey(opts: Required<DemoOptions>): string {
  return `seed=${opts.seed} accounts=${opts.accounts} months=${opts.months} as_of=${opts.asOf.toISOString().slice(0, 10)}`;
}
