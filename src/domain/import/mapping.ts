// The mapping file: how a CRM export's columns become our canonical record fields. It is itself
// validated with zod so that a typo in a mapping fails with a message naming the bad key, before a
// single row is read. Documented in docs/import.md.
import { z } from 'zod';
import { AppError, type ErrorDetail } from '../../errors';
import { ENTITY_KINDS, type EntityKind } from '../records';
import { dateFormatProblem } from './parse-date';
import { normaliseFieldName, recordFields } from './record-fields';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const dateFormats = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const FieldSpecSchema = z.union([
  z.string().min(1, 'a column name must not be empty'),
  z
    .object({
      column: z.string().min(1).optional(),
      columns: z.array(z.string().min(1)).min(1).optional(),
      template: z.string().min(1).optional(),
      value: scalar.optional(),
      values: z.record(z.string(), scalar).optional(),
      default: scalar.optional(),
      format: dateFormats.optional(),
      multiply: z.number().finite().optional(),
    })
    .strict()
    .refine((s) => [s.column, s.columns, s.template, s.value].filter((x) => x !== undefined).length === 1, {
      message: 'give exactly one of "column", "columns", "template" or "value"',
    }),
]);
export type FieldSpec = z.infer<typeof FieldSpecSchema>;

const FormatSchema = z
  .object({
    /** A single character, "\t", or "whitespace" (runs of spaces/tabs, as in CDNOW_master.txt). Auto-detected when absent. */
    delimiter: z.string().min(1).optional(),
    /** false: the file has no header line; name the columns in `columns` (by position). */
    header: z.boolean().optional(),
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** csv, json (an array of objects) or jsonl (one object per line). From the file extension when absent. */
    type: z.enum(['csv', 'json', 'jsonl']).optional(),
  })
  .strict();

export const MappingSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    kind: z.enum(ENTITY_KINDS).optional(),
    format: FormatSchema.optional(),
    /** Default date format(s) for every date field without its own `format`. */
    dateFormat: dateFormats.optional(),
    /** Source values that mean "no value" besides the empty string (e.g. "NA", "null", " "). */
    emptyValues: z.array(z.string()).optional(),
    fields: z.record(z.string(), FieldSpecSchema).default({}),
    /** Match columns named like a field (external_id → externalId) for fields not in `fields`. */
    autoMatch: z.boolean().default(true),
    /** Columns no field uses: "rest" → custom attributes, "ignore" → dropped, or a list of columns to keep as attributes. */
    attributes: z.union([z.enum(['rest', 'ignore']), z.array(z.string().min(1))]).default('rest'),
    /** Only rows matching every condition are imported (others are counted as filtered): "nonempty", "empty", or the allowed values. */
    where: z.record(z.string().min(1), z.union([z.enum(['nonempty', 'empty']), z.array(z.string()).min(1)])).optional(),
    /** A second external id in the same file: "error" (default) or "first" (keep the first row, skip later ones). */
    duplicates: z.enum(['error', 'first']).default('error'),
    /** Columns from a second file joined on a key (e.g. Olist closed deals onto leads). Loaded into memory: for lookup-sized files. */
    join: z
      .object({
        file: z.string().min(1),
        on: z.string().min(1),
        /** The key column in the joined file when it is named differently. */
        joinOn: z.string().min(1).optional(),
        format: FormatSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Mapping = z.infer<typeof MappingSchema>;

/** Validates a parsed mapping file for a kind; throws INVALID_INPUT naming each bad key. */
export function parseMapping(raw: unknown, kind: EntityKind, source = 'mapping'): Mapping {
  const r = MappingSchema.safeParse(raw);
  if (!r.success) {
    throw new AppError(
      'INVALID_INPUT',
      `The mapping file ${source} is not valid`,
      r.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), problem: i.message })),
    );
  }
  const m = r.data;
  const problems: ErrorDetail[] = [];
  if (m.kind && m.kind !== kind) problems.push({ path: ['kind'], value: m.kind, problem: `this mapping is for ${m.kind}, not ${kind}` });
  const known = new Map(recordFields(kind).map((f) => [f.name, f]));
  for (const [field, spec] of Object.entries(m.fields)) {
    if (!known.has(field) && !field.startsWith('attributes.')) {
      const guess = [...known.keys()].find((k) => normaliseFieldName(k) === normaliseFieldName(field));
      problems.push({
        path: ['fields', field],
        problem: `${kind} has no field "${field}"${guess ? ` (did you mean "${guess}"?)` : ''}; fields: ${[...known.keys()].join(', ')}, or attributes.<name>`,
      });
      continue;
    }
    if (typeof spec === 'object' && spec.format) {
      for (const f of Array.isArray(spec.format) ? spec.format : [spec.format]) {
        const p = dateFormatProblem(f);
        if (p) problems.push({ path: ['fields', field, 'format'], value: f, problem: p });
      }
      if (known.get(field)?.type !== 'date')
        problems.push({ path: ['fields', field, 'format'], problem: `"format" only applies to date fields; ${field} is not a date` });
    }
  }
  for (const f of m.dateFormat ? (Array.isArray(m.dateFormat) ? m.dateFormat : [m.dateFormat]) : []) {
    const p = dateFormatProblem(f);
    if (p) problems.push({ path: ['dateFormat'], value: f, problem: p });
  }
  if (m.format?.header === false && !m.format.columns)
    problems.push({ path: ['format', 'columns'], problem: 'a file without a header needs "columns" naming its columns by position' });
  if (problems.length) throw new AppError('INVALID_INPUT', `The mapping file ${source} is not valid`, problems);
  return m;
}
