// How each entity kind is stored: table, columns (snake_case of the record field) and which fields
// are references to other kinds (stored as the referenced row's integer id). The import writer
// (src/db/repositories/record-writer.ts) writes records by these specs.
import type { ExternalIdTable } from '../../db/external-ids';
import { RecordWriter, type TableSpec, type Tx } from '../../db/repositories/record-writer';
import { externalIdRequired, recordFields } from '../../domain/import/record-fields';
import { NATURAL_KEYS, REFERENCES, type EntityKind } from '../../domain/records';

export type { WriteCounts } from '../../db/repositories/record-writer';

const TABLE_OF: Record<EntityKind, { table: ExternalIdTable; createdAt: boolean; updatedAt: boolean }> = {
  campaigns: { table: 'campaign', createdAt: true, updatedAt: true },
  accounts: { table: 'account', createdAt: true, updatedAt: true },
  products: { table: 'product', createdAt: true, updatedAt: true },
  reps: { table: 'rep', createdAt: true, updatedAt: true },
  // opportunity.created_at is the deal's own creation date (a record field), not bookkeeping.
  opportunities: { table: 'opportunity', createdAt: false, updatedAt: true },
  'stage-changes': { table: 'stage_change', createdAt: false, updatedAt: false },
  activities: { table: 'activity', createdAt: false, updatedAt: false },
  orders: { table: 'orders', createdAt: false, updatedAt: false },
  'service-costs': { table: 'service_cost', createdAt: false, updatedAt: false },
  'campaign-targets': { table: 'campaign_target', createdAt: false, updatedAt: false },
};

/** Kinds in the order they must be written so that references point at rows that exist. */
export const WRITE_ORDER: EntityKind[] = [
  'campaigns',
  'accounts',
  'products',
  'reps',
  'opportunities',
  'stage-changes',
  'activities',
  'orders',
  'service-costs',
  'campaign-targets',
];

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const cache = new Map<EntityKind, TableSpec & { kind: EntityKind }>();

export function tableSpec(kind: EntityKind): TableSpec & { kind: EntityKind } {
  let t = cache.get(kind);
  if (!t) {
    const refs = REFERENCES[kind] ?? {};
    const meta = TABLE_OF[kind];
    t = {
      kind,
      table: meta.table,
      columns: recordFields(kind).map((f) => ({ field: f.name, column: snake(f.name), ...(refs[f.name] ? { ref: refs[f.name] } : {}) })),
      hasCreatedAt: meta.createdAt,
      hasUpdatedAt: meta.updatedAt,
      derivesExternalIds: !externalIdRequired(kind),
      ...(NATURAL_KEYS[kind] ? { naturalKey: NATURAL_KEYS[kind] } : {}),
    };
    cache.set(kind, t);
  }
  return t;
}

/** The import writer for a transaction, storing each kind by its table spec. */
export function openRecordWriter(tx: Tx): RecordWriter {
  return new RecordWriter(tx, (kind) => tableSpec(kind as EntityKind));
}
