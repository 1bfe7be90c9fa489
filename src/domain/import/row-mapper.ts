// Turns one source row (a CSV record or a JSON object) into a validated canonical record, following
// a mapping. Compiled once per file against its columns so the per-row work is a few closures, then
// the canonical zod schema decides validity: one validation whatever the source.
import type { ZodError } from 'zod';
import { AppError, issueMessage, type ErrorDetail } from '../../errors';
import { RECORD_SCHEMAS, type EntityKind, type RecordOf } from '../records';
import type { FieldSpec, Mapping } from './mapping';
import { compileDateParser, type DateParser } from './parse-date';
import { normaliseFieldName, recordFields, type FieldInfo } from './record-fields';

/** Where values come from: a CSV header (columns known up front) or open-ended JSON objects. */
export interface ColumnSource<Row> {
  /** Column names known before reading rows (CSV header), or null for JSON objects. */
  columns: string[] | null;
  accessor(column: string): (row: Row) => unknown;
  /** The keys of one row, for open-ended sources (JSON). */
  keysOf?(row: Row): string[];
}

export interface MappedRow<K extends EntityKind> {
  record?: RecordOf<K>;
  problems: ErrorDetail[];
}

export interface RowMapper<K extends EntityKind, Row> {
  map(row: Row, rowNumber: number): MappedRow<K>;
  /** False for rows the mapping's "where" leaves out. */
  accepts(row: Row): boolean;
  /** Which source column feeds each field (for reports and docs). */
  plan: { field: string; source: string }[];
  attributeColumns: string[] | 'rest-of-row';
}

class CoercionError extends Error {}

type Getter<Row> = (row: Row) => unknown;

interface CompiledField<Row> {
  info: FieldInfo | null; // null for attributes.<name>
  name: string;
  label: string; // the source column(s), as reported in errors
  source: Getter<Row>; // the raw value, before value maps and coercion
  value: (row: Row) => unknown; // the coerced value (throws CoercionError)
}

const isBlank = (v: unknown, empties: Set<string>) =>
  v === undefined || v === null || (typeof v === 'string' && (v.trim() === '' || empties.has(v.trim())));

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Attribute values from text: plain numbers become numbers, ids with leading zeros stay text. */
export function attributeValue(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v !== 'string') return JSON.stringify(v);
  const t = v.trim();
  if (t === '') return null;
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

function coerce(info: FieldInfo, v: unknown, parseDate: DateParser, formatLabel: string, multiply?: number): unknown {
  switch (info.type) {
    case 'number': {
      let n: number;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'string' && NUMBER_TEXT.test(v.trim())) n = Number(v.trim());
      else throw new CoercionError(info.integer ? 'must be a whole number' : 'must be a number');
      return multiply !== undefined ? n * multiply : n;
    }
    case 'date': {
      if (v instanceof Date) return v;
      if (typeof v === 'number' && formatLabel.startsWith('UNIX')) return parseDate(String(v));
      if (typeof v !== 'string') throw new CoercionError(`must be a date (${formatLabel})`);
      const d = parseDate(v);
      if (!d) throw new CoercionError(`must be a valid date in format ${formatLabel}`);
      return d;
    }
    case 'attributes':
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v;
      if (typeof v === 'string') {
        try {
          const o = JSON.parse(v);
          if (typeof o === 'object' && o !== null && !Array.isArray(o)) return o;
        } catch {
          /* reported below */
        }
      }
      throw new CoercionError('must be a JSON object');
    default:
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw new CoercionError('must be text');
  }
}

/** What compiling a mapping against a source accumulates: the fields, the columns used, what is missing. */
interface Compilation<Row> {
  mapping: Mapping;
  src: ColumnSource<Row>;
  fields: FieldInfo[];
  empties: Set<string>;
  /** Problems with the mapping itself (columns not in the file), reported together before any row. */
  missing: ErrorDetail[];
  /** Columns the mapping reads (left out of "rest" attributes). */
  used: Set<string>;
  compiled: CompiledField<Row>[];
}

export function compileRowMapper<K extends EntityKind, Row>(kind: K, mapping: Mapping, src: ColumnSource<Row>): RowMapper<K, Row> {
  const fields = recordFields(kind);
  const c: Compilation<Row> = {
    mapping,
    src,
    fields,
    empties: new Set(mapping.emptyValues ?? []),
    missing: [],
    used: new Set<string>(),
    compiled: [],
  };
  compileFields(c);
  requireSources(c);
  const accepts = compileWhere(c);
  if (c.missing.length) throw new AppError('INVALID_INPUT', `The file does not have the columns ${kind} need`, c.missing);
  const attributes = attributeSources(c);
  return {
    map: rowMap(c, RECORD_SCHEMAS[kind], attributes),
    accepts,
    plan: c.compiled.map((f) => ({ field: f.info ? f.name : `attributes.${f.name}`, source: f.label })),
    attributeColumns: attributes.restOpen ? 'rest-of-row' : attributes.restColumns,
  };
}

const hasColumn = <Row>(src: ColumnSource<Row>, column: string) => src.columns === null || src.columns.includes(column);

/** The raw value of a field: one column, the first non-blank of several, a template, or a constant. */
function sourceOf<Row>(c: Compilation<Row>, field: string, spec: FieldSpec): { label: string; get: Getter<Row> } {
  const { src, empties } = c;
  if (typeof spec === 'string') spec = { column: spec };
  const need = (col: string) => {
    c.used.add(col);
    if (!hasColumn(src, col))
      c.missing.push({
        column: col,
        path: ['fields', field],
        problem: `column "${col}" (mapped to ${field}) is not in the file${src.columns ? `; columns: ${src.columns.join(', ')}` : ''}`,
      });
    return src.accessor(col);
  };
  if (spec.column !== undefined) return { label: spec.column, get: need(spec.column) };
  if (spec.columns) {
    const gets = spec.columns.map(need);
    return {
      label: spec.columns.join('|'),
      get: (row) => {
        for (const g of gets) {
          const v = g(row);
          if (!isBlank(v, empties)) return v;
        }
        return undefined;
      },
    };
  }
  if (spec.template !== undefined) {
    const parts = spec.template.split(/\{([^}]+)\}/);
    const getters = parts.map((p, i) => (i % 2 === 1 ? need(p) : null));
    return {
      label: spec.template,
      get: (row) => {
        let out = '';
        let any = false;
        for (let i = 0; i < parts.length; i++) {
          if (i % 2 === 0) out += parts[i];
          else {
            const v = getters[i]!(row);
            if (!isBlank(v, empties)) {
              any = true;
              out += String(v).trim();
            }
          }
        }
        return any ? out : undefined;
      },
    };
  }
  const constant = spec.value;
  return { label: `(constant ${JSON.stringify(constant)})`, get: () => constant };
}

/** Compiles one field (info null: the custom attribute `name`): its source, value map, default and coercion. */
function compileField<Row>(c: Compilation<Row>, info: FieldInfo | null, name: string, spec: FieldSpec): void {
  const { empties } = c;
  const { label, get } = sourceOf(c, name, spec);
  const o = typeof spec === 'string' ? {} : spec;
  const formats = o.format ?? c.mapping.dateFormat;
  const formatLabel = formats === undefined ? 'ISO (YYYY-MM-DD)' : Array.isArray(formats) ? formats.join(' or ') : formats;
  const parseDate = compileDateParser(formats);
  // Defaults are written by humans in the mapping: accept ISO dates there whatever the column format.
  const parseDefault = compileDateParser([...(formats === undefined ? [] : Array.isArray(formats) ? formats : [formats]), 'ISO']);
  const values = o.values;
  const star = values && Object.hasOwn(values, '*') ? values['*'] : undefined;
  const hasDefault = o.default !== undefined;
  const value = (row: Row): unknown => {
    let v = get(row);
    if (typeof v === 'string') v = v.trim();
    if (values) {
      const key = v === undefined || v === null ? '' : String(v);
      if (Object.hasOwn(values, key)) v = values[key];
      else if (star !== undefined && !isBlank(v, empties)) v = star;
    }
    if (isBlank(v, empties)) {
      if (!hasDefault || o.default === null) return undefined;
      return info ? coerce(info, o.default, parseDefault, formatLabel) : attributeValue(o.default);
    }
    return info ? coerce(info, v, parseDate, formatLabel, o.multiply) : attributeValue(v);
  };
  c.compiled.push({ info, name, label, source: get, value });
}

/** The record's fields (mapped, or matched by name with autoMatch), then the mapped custom attributes. */
function compileFields<Row>(c: Compilation<Row>): void {
  const { mapping, src, fields } = c;
  const specs = mapping.fields;
  for (const info of fields) {
    if (specs[info.name] !== undefined) compileField(c, info, info.name, specs[info.name]);
    else if (mapping.autoMatch && src.columns) {
      const col = src.columns.find((col) => normaliseFieldName(col) === normaliseFieldName(info.name));
      if (col !== undefined) compileField(c, info, info.name, col);
    } else if (mapping.autoMatch && src.columns === null) {
      // JSON objects: the field's own name, as the API and our exports write it.
      compileField(c, info, info.name, info.name);
    }
  }
  for (const [name, spec] of Object.entries(specs))
    if (name.startsWith('attributes.')) compileField(c, null, name.slice('attributes.'.length), spec);
}

/** Required fields with no source at all cannot be satisfied by any row: say so once, up front. */
function requireSources<Row>(c: Compilation<Row>): void {
  const { fields, compiled, missing } = c;
  for (const info of fields) {
    if (info.required && !compiled.some((f) => f.name === info.name) && !(info.name === 'externalId')) {
      missing.push({
        column: info.name,
        problem: `required field ${info.name} has no source column: add a column named ${info.name} or map one in "fields"`,
      });
    }
  }
  const idField = fields.find((f) => f.name === 'externalId')!;
  if (idField.required && !compiled.some((f) => f.name === 'externalId')) {
    missing.push({
      column: 'externalId',
      problem:
        'required field externalId has no source column: add a column named externalId (or external_id), map one, or build one with a "template"',
    });
  }
}

/** The mapping's "where" conditions as one row filter. */
function compileWhere<Row>(c: Compilation<Row>): (row: Row) => boolean {
  const { src, empties } = c;
  const conditions = Object.entries(c.mapping.where ?? {}).map(([col, cond]) => {
    c.used.add(col);
    if (!hasColumn(src, col))
      c.missing.push({ column: col, path: ['where', col], problem: `column "${col}" (in "where") is not in the file` });
    const get = src.accessor(col);
    if (cond === 'nonempty') return (row: Row) => !isBlank(get(row), empties);
    if (cond === 'empty') return (row: Row) => isBlank(get(row), empties);
    const allowed = new Set(cond);
    return (row: Row) => {
      const v = get(row);
      return allowed.has(v === undefined || v === null ? '' : String(v).trim());
    };
  });
  return (row: Row) => {
    for (const cond of conditions) if (!cond(row)) return false;
    return true;
  };
}

/** Where a record's attributes come from: listed columns, the rest of a CSV row, or of a JSON object. */
interface AttributeSources {
  restColumns: string[];
  /** JSON objects: every key that is neither a field nor a used column. */
  restOpen: boolean;
}

function attributeSources<Row>(c: Compilation<Row>): AttributeSources {
  const { mapping, src, used, compiled } = c;
  let restColumns: string[] = [];
  let restOpen = false;
  if (c.fields.some((f) => f.type === 'attributes')) {
    if (Array.isArray(mapping.attributes)) restColumns = mapping.attributes;
    else if (mapping.attributes === 'rest') {
      if (src.columns) restColumns = src.columns.filter((col) => !used.has(col) && !compiled.some((f) => f.label === col));
      else restOpen = true;
    }
  }
  return { restColumns, restOpen };
}

/** The per-row function: coerce every field, gather the attributes, validate with the record's schema. */
function rowMap<K extends EntityKind, Row>(
  c: Compilation<Row>,
  schema: (typeof RECORD_SCHEMAS)[K],
  { restColumns, restOpen }: AttributeSources,
): (row: Row, rowNumber: number) => MappedRow<K> {
  const { fields, src, used, compiled } = c;
  const hasAttributes = fields.some((f) => f.type === 'attributes');
  const attrFieldCompiled = compiled.find((f) => f.info?.type === 'attributes');
  const namedAttrs = compiled.filter((f) => f.info === null);
  const regular = compiled.filter((f) => f.info !== null && f.info.type !== 'attributes');
  const restGetters = restColumns.map((col) => [col, src.accessor(col)] as const);
  const known = new Set(fields.map((f) => f.name));

  /** The row's attributes object (undefined when it has none); coercion problems go to `problems`. */
  const attributesOf = (row: Row, rowNumber: number, problems: ErrorDetail[]): Record<string, unknown> | undefined => {
    let attrs: Record<string, unknown> | null = null;
    if (attrFieldCompiled) {
      try {
        const v = attrFieldCompiled.value(row);
        if (v !== undefined) attrs = { ...(v as object) };
      } catch (e) {
        if (!(e instanceof CoercionError)) throw e;
        problems.push({
          row: rowNumber,
          column: attrFieldCompiled.label,
          value: attrFieldCompiled.source(row),
          problem: `attributes ${e.message}`,
        });
      }
    }
    for (const [col, g] of restGetters) (attrs ??= {})[col] = attributeValue(g(row));
    if (restOpen && src.keysOf) {
      for (const k of src.keysOf(row)) if (!known.has(k) && !used.has(k)) (attrs ??= {})[k] = attributeValue(src.accessor(k)(row));
    }
    for (const f of namedAttrs) (attrs ??= {})[f.name] = f.value(row) ?? null;
    return attrs ?? undefined;
  };

  return (row: Row, rowNumber: number): MappedRow<K> => {
    const raw: Record<string, unknown> = {};
    const problems: ErrorDetail[] = [];
    let failed: Set<string> | null = null;
    for (const f of regular) {
      try {
        const v = f.value(row);
        if (v !== undefined) raw[f.name] = v;
      } catch (e) {
        if (!(e instanceof CoercionError)) throw e;
        problems.push({ row: rowNumber, column: f.label, value: f.source(row), problem: `${f.name} ${e.message}` });
        (failed ??= new Set()).add(f.name);
      }
    }
    if (hasAttributes) {
      const attrs = attributesOf(row, rowNumber, problems);
      if (attrs) raw.attributes = attrs;
    }
    const r = schema.safeParse(raw);
    if (!r.success) {
      problems.push(...schemaProblems(r.error.issues, { row, rowNumber, raw, failed, compiled, namedAttrs }));
      return { problems };
    }
    if (problems.length) return { problems };
    return { record: r.data as RecordOf<K>, problems };
  };
}

/** The schema's issues as problems naming the source column and its raw value (fields that failed coercion are already reported). */
function schemaProblems<Row>(
  issues: ZodError['issues'],
  ctx: {
    row: Row;
    rowNumber: number;
    raw: Record<string, unknown>;
    failed: Set<string> | null;
    compiled: CompiledField<Row>[];
    namedAttrs: CompiledField<Row>[];
  },
): ErrorDetail[] {
  const { row, rowNumber, raw, failed, compiled, namedAttrs } = ctx;
  const problems: ErrorDetail[] = [];
  for (const i of issues) {
    const field = String(i.path[0] ?? '');
    if (failed?.has(field)) continue;
    const f = compiled.find((c) => c.name === field && c.info);
    // A bad custom attribute is reported at its own column (attribute names are column names).
    if (field === 'attributes' && i.path.length > 1) {
      const attr = String(i.path[1]);
      const named = namedAttrs.find((c) => c.name === attr);
      problems.push({
        row: rowNumber,
        column: named?.label ?? attr,
        value: (raw.attributes as Record<string, unknown> | undefined)?.[attr],
        problem: `attributes.${attr} ${issueMessage(i)}`,
      });
      continue;
    }
    problems.push({
      row: rowNumber,
      column: f?.label ?? field,
      value: f ? f.source(row) : raw[field],
      problem: `${i.path.map(String).join('.') || 'record'} ${i.code !== 'custom' && i.path.length === 1 && raw[field] === undefined ? 'is required but empty or missing' : i.message}`,
    });
  }
  return problems;
}
