// What the import needs to know about each entity kind's fields (type, required or not), read from
// the canonical zod schemas in src/domain/records.ts so there is one definition, not two.
import type { z } from 'zod';
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

/** The parts of zod 4's schema definitions read here (wrappers hold an innerType, enums their entries). */
type SchemaDef = { type: string; innerType?: z.ZodType; entries?: Record<string, string> };
const defOf = (t: z.ZodType) => t._zod.def as SchemaDef;

function describe(name: string, schema: z.ZodType): FieldInfo {
  let t = schema;
  while (WRAPPERS.has(defOf(t).type)) t = defOf(t).innerType!;
  const base = defOf(t).type;
  const required = !schema.safeParse(undefined).success;
  switch (base) {
    case 'string':
      return { name, type: 'string', required };
    case 'number':
      return { name, type: 'number', required, integer: Boolean(t._zod.bag?.format === 'safeint' || (t as z.ZodNumber).isInt) };
    case 'date':
      return { name, type: 'date', required };
    case 'enum':
      return { name, type: 'enum', required, values: Object.values(defOf(t).entries ?? {}) };
    case 'record':
      return { name, type: 'attributes', required };
    default:
      throw new Error(`record-fields: unsupported zod type ${base} for ${name}`);
  }
}

function shapeOf(kind: EntityKind): Record<string, z.ZodType> {
  return RECORD_SCHEMAS[kind].shape;
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
