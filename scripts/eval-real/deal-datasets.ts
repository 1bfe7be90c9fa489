// The two deal datasets: which files the example import scripts load (in their order), which file
// holds one row per deal (filtered for the training database), how `train win` is run on them as
// their README/import script says, and what a CRM knows about a deal when it is created.
import path from 'node:path';
import type { EntityKind } from '../../src/domain/records';
import { csvHeader } from './csv-filter';
import { EXAMPLES } from './paths';

export interface ImportStep {
  kind: EntityKind;
  /** File name inside the dataset folder. */
  file: string;
  /** Mapping file inside examples/<folder>/. */
  map: string;
  /** Rows the mapping rejects go to a file instead of failing the import (as the example script does). */
  skipInvalid?: boolean;
}

export interface DealDatasetSpec {
  key: 'maven' | 'olist';
  title: string;
  /** Folder in the data directory and in examples/. */
  folder: string;
  imports: ImportStep[];
  /** Files with one row per deal and their deal-id column: the held-out rows are left out of them. */
  keyed: Record<string, string>;
  /** `salescast train win` options beyond --promote auto (the example's own). */
  lostAfterDays?: number;
  /** The label of a deal from its final outcome; null: not labelled (still open, not evaluated). */
  label(outcome: 'open' | 'won' | 'lost'): 0 | 1 | null;
  stageBeforeHistory: string;
  /** Custom attribute keys known when the deal is created. */
  attributesKnown(dir: string): Set<string>;
  /** When the held-out deals are scored, in words. */
  scoredAs: string;
}

export const MAVEN: DealDatasetSpec = {
  key: 'maven',
  title: 'Maven CRM (deal win)',
  folder: 'crm_maven',
  imports: [
    { kind: 'accounts', file: 'accounts.csv', map: 'accounts.map.json' },
    { kind: 'products', file: 'products.csv', map: 'products.map.json' },
    { kind: 'reps', file: 'sales_teams.csv', map: 'reps.map.json' },
    { kind: 'opportunities', file: 'sales_pipeline.csv', map: 'opportunities.map.json' },
    { kind: 'stage-changes', file: 'sales_pipeline.csv', map: 'stage-changes-engaged.map.json' },
    { kind: 'stage-changes', file: 'sales_pipeline.csv', map: 'stage-changes-closed.map.json' },
  ],
  keyed: { 'sales_pipeline.csv': 'opportunity_id' },
  // Open deals (Engaging/Prospecting at the export) have no outcome to compare with.
  label: (o) => (o === 'won' ? 1 : o === 'lost' ? 0 : null),
  stageBeforeHistory: 'Prospecting',
  // The mapping ignores unmapped columns: no custom attributes.
  attributesKnown: () => new Set(),
  scoredAs: 'on its engage date (stage Engaging, no amount yet)',
};

export const OLIST: DealDatasetSpec = {
  key: 'olist',
  title: 'Olist lead funnel (deal win)',
  folder: 'olist_marketing_funnel',
  imports: [
    { kind: 'opportunities', file: 'olist_marketing_qualified_leads_dataset.csv', map: 'opportunities.map.json', skipInvalid: true },
  ],
  keyed: { 'olist_marketing_qualified_leads_dataset.csv': 'mql_id', 'olist_closed_deals_dataset.csv': 'mql_id' },
  // examples/olist_marketing_funnel: the funnel never records losses; leads idle 180 days count as lost.
  lostAfterDays: 180,
  // Every lead that did not become a seller by the end of the export is a loss.
  label: (o) => (o === 'won' ? 1 : 0),
  stageBeforeHistory: 'MQL',
  // Only the leads file's own columns exist at first contact; the joined closed-deal columns
  // (segment, lead type, declared revenue...) are filled in by the sales team when the deal closes.
  attributesKnown: (dir) => new Set(csvHeader(path.join(dir, 'olist_marketing_qualified_leads_dataset.csv'))),
  scoredAs: 'on its first-contact day (stage MQL, only the lead form known)',
};

export const mappingPath = (spec: { folder: string }, map: string) => path.join(EXAMPLES, spec.folder, map);
