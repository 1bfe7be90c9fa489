// The one write path for canonical records, shared by file import, the HTTP bulk upsert and the
// demo generator: validate with the canonical schemas, then upsert several kinds in one transaction
// in dependency order, all or nothing.
import type { Database } from '../../db/database';
import { AppError, issueMessage, shortValue, type ErrorDetail } from '../../errors';
import { parseIsoDate } from '../../domain/import/parse-date';
import { recordFields } from '../../domain/import/record-fields';
import { RECORD_SCHEMAS, type EntityKind, type RecordOf } from '../../domain/records';
import { openRecordWriter, WRITE_ORDER, type WriteCounts } from './record-tables';

export type { EntityKind };
export type RecordBatches = Partial<{ [K in EntityKind]: RecordOf<K>[] }>;

/**
 * Validates raw objects (e.g. a parsed JSON body) against the canonical schema of a kind.
 * Errors name the row (1-based position in the array), the field and the value; a field the kind
 * does not have is named with the closest field it does have.
 */
export function validateRecords<K extends EntityKind>(kind: K, rawObjects: unknown[]): { valid: RecordOf<K>[]; errors: ErrorDetail[] } {
  const schema = RECORD_SCHEMAS[kind];
  const valid: RecordOf<K>[] = [];
  const errors: ErrorDetail[] = [];
  rawObjects.forEach((o, i) => {
    const r = schema.safeParse(o);
    if (r.success) {
      valid.push(r.data as RecordOf<K>);
      return;
    }
    const fieldValue = (key: PropertyKey | undefined) =>
      o && typeof o === 'object' && key !== undefined ? (o as Record<string, unknown>)[String(key)] : o;
    const scalar = (value: unknown) =>
      value !== undefined && (value === null || typeof value !== 'object') ? { value: shortValue(value) } : {};
    for (const issue of r.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          errors.push({
            row: i + 1,
            path: [kind, i, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p))), key],
            column: key,
            ...scalar(fieldValue(key)),
            problem: unknownFieldProblem(kind, key),
          });
        continue;
      }
      const field = issue.path.map(String).join('.');
      const value = issue.path.length ? fieldValue(issue.path[0]) : o;
      errors.push({
        row: i + 1,
        path: [kind, i, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
        ...(field ? { column: field } : {}),
        ...scalar(value),
        problem: `${field || 'record'} ${value === undefined && issue.path.length && issue.code !== 'custom' ? 'is required' : issueMessage(issue)}`,
      });
    }
  });
  return { valid, errors };
}

/** "nmae is not a field of accounts (did you mean name?)" */
export function unknownFieldProblem(kind: EntityKind, key: string): string {
  const fields = recordFields(kind).map((f) => f.name);
  const near = closest(key, fields);
  return `${key} is not a field of ${kind}${near ? ` (did you mean ${near}?)` : ''}; fields: ${fields.join(', ')}`;
}

/** The candidate within edit distance 2 of a word (case-insensitive), if any. */
function closest(word: string, candidates: string[]): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

/** Levenshtein distance, with adjacent transpositions counted as one edit (nmae -> name). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 100) return 99;
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/**
 * Validates records sent as JSON (the HTTP bulk upsert). JSON has no date type, so ISO 8601 strings
 * in date fields are turned into dates first; anything else is left for the canonical schema to
 * reject with the field named. With `unknownToAttributes` (`?unknownFields=attributes`), fields the
 * kind does not have become custom attributes (for kinds that keep attributes) instead of errors.
 */
export function validateJsonRecords<K extends EntityKind>(
  kind: K,
  rawObjects: Record<string, unknown>[],
  opts: { unknownToAttributes?: boolean } = {},
): { valid: RecordOf<K>[]; errors: ErrorDetail[] } {
  const fields = recordFields(kind);
  const dateFields = fields.filter((f) => f.type === 'date').map((f) => f.name);
  const known = new Set(fields.map((f) => f.name));
  const moveUnknown = Boolean(opts.unknownToAttributes) && known.has('attributes');
  const prepared = rawObjects.map((r) => {
    const out = { ...r };
    for (const f of dateFields) {
      const v = out[f];
      if (typeof v === 'string') out[f] = parseIsoDate(v) ?? v;
    }
    if (moveUnknown) unknownToAttributes(out, known);
    return out;
  });
  return validateRecords(kind, prepared);
}

/** Moves the fields a kind does not have into its attributes (in place). */
function unknownToAttributes(record: Record<string, unknown>, known: Set<string>) {
  const extra = Object.keys(record).filter((k) => !known.has(k));
  const attrs = record.attributes;
  // Attributes that are not an object are left for the schema to reject.
  if (!extra.length || !(attrs === undefined || attrs === null || (typeof attrs === 'object' && !Array.isArray(attrs)))) return;
  const merged: Record<string, unknown> = { ...(attrs as Record<string, unknown> | null) };
  for (const k of extra) {
    // Named twice (as a field and in attributes): left in place, so the schema names it.
    if (Object.hasOwn(merged, k)) continue;
    merged[k] = record[k];
    delete record[k];
  }
  record.attributes = merged;
}

/**
 * Upserts already-validated records of several kinds in ONE transaction, parents before children
 * (campaigns, accounts, products, reps, opportunities, stage changes, activities, orders, service
 * costs). References are external ids, resolved against the database and the records of this call.
 * An unknown reference or a duplicate external id throws INVALID_INPUT (details name row, column and
 * value; row = 1-based position in that kind's array) and nothing is written. Records without an
 * external id get a deterministic one derived from their content and occurrence, so calling again
 * with the same data reports everything `unchanged`.
 */
export async function upsertRecords(
  db: Database,
  batches: RecordBatches,
  opts?: { onProgress?: (done: number) => void },
): Promise<Record<string, WriteCounts>> {
  return db.sql.transaction(async (tx) => {
    const writer = openRecordWriter(tx);
    const result: Record<string, WriteCounts> = {};
    const problems: ErrorDetail[] = [];
    let done = 0;
    for (const kind of WRITE_ORDER) {
      const records = batches[kind] as RecordOf<EntityKind>[] | undefined;
      if (!records) continue;
      result[kind] = { inserted: 0, updated: 0, unchanged: 0 };
      const CHUNK = 5000;
      for (let i = 0; i < records.length; i += CHUNK) {
        const slice = records.slice(i, i + CHUNK);
        const checked = await writer.check(
          kind,
          slice,
          slice.map((_, j) => i + j + 1),
        );
        for (const r of checked.rejected)
          for (const p of r.problems) problems.push({ ...p, path: [kind, (p.row ?? 1) - 1, p.column ?? ''] });
        // Keep checking after a problem so the caller sees every bad row, but stop writing.
        if (problems.length) continue;
        await writer.write(kind, checked.accepted);
        done += slice.length;
        opts?.onProgress?.(done);
      }
    }
    if (problems.length) throw new AppError('INVALID_INPUT', `${problems.length} problem(s) in the records; nothing was written`, problems);
    return { ...result, ...(await writer.finish()) };
  });
}
