// How each entity kind is stored: table, columns (snake_case of the record field) and which fields
// are references to other kinds (stored as the referenced row's integer id).
import { recordFields } from '../../domain/import/record-fields';
import { REFERENCES, type EntityKind } from '../../domain/records';

export interface ColumnSpec {
  field: string;
  column: string;
  /** The kind a reference field points at (resolved from external id to row id on write). */
  ref?: EntityKind;
}

export interface TableSpec {
  kind: EntityKind;
  table: string;
  columns: ColumnSpec[];
  /** Bookkeeping timestamps the table has besides the record's own fields. */
  hasCreatedAt: boolean;
  hasUpdatedAt: boolean;
}

const TABLE_OF: Record<EntityKind, { table: string; createdAt: boolean; updatedAt: boolean }> = {
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
];

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const cache = new Map<EntityKind, TableSpec>();

export function tableSpec(kind: EntityKind): TableSpec {
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
    };
    cache.set(kind, t);
  }
  return t;
}
