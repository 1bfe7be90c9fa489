// What the import needs to know about each entity kind's fields (type, required or not), read from
// the canonical zod schemas in src/domain/records.ts so there is one definition, not two.
import { ENTITY_KINDS, RECORD_SCHEMAS, type EntityKind } from '../records';

export type FieldType = 'string' | 'number' | 'date' | 'enum' | 'attributes';

export interface FieldInfo {
  name: string;
  type: FieldType;
  required: boolean;
  /** Allowed values of an enum field. */
  values?: string[];
  /** Whether this field is an integer (for clearer coercion errors). */
  integer?: boolean;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch']);

function describe(name: string, schema: any): FieldInfo {
  let t = schema;
  while (WRAPPERS.has(t._zod.def.type)) t = t._zod.def.innerType;
  const base = t._zod.def.type as string;
  const required = !schema.safeParse(undefined).success;
  switch (base) {
    case 'string':
      return { name, type: 'string', required };
    case 'number':
      return { name, type: 'number', required, integer: Boolean(t._zod.bag?.format === 'safeint' || t.isInt) };
    case 'date':
      return { name, type: 'date', required };
    case 'enum':
      return { name, type: 'enum', required, values: Object.values(t._zod.def.entries) as string[] };
    case 'record':
      return { name, type: 'attributes', required };
    default:
      throw new Error(`record-fields: unsupported zod type ${base} for ${name}`);
  }
}

function shapeOf(kind: EntityKind): Record<string, unknown> {
  return (RECORD_SCHEMAS[kind] as any).shape;
}

const cache = new Map<EntityKind, FieldInfo[]>();

/** Fields of a kind in schema order. */
export function recordFields(kind: EntityKind): FieldInfo[] {
  let f = cache.get(kind);
  if (!f) {
    f = Object.entries(shapeOf(kind)).map(([name, s]) => describe(name, s));
    cache.set(kind, f);
  }
  return f;
}

export function isEntityKind(k: string): k is EntityKind {
  return (ENTITY_KINDS as readonly string[]).includes(k);
}

/** Whether records of a kind carry their own external id, or get a derived one when absent. */
export function externalIdRequired(kind: EntityKind): boolean {
  return recordFields(kind).find((f) => f.name === 'externalId')!.required;
}

/** `account_id` / `Account ID` / `accountId` all name the field accountId (for mapping-free imports). */
export function normaliseFieldName(column: string): string {
  return column
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}
