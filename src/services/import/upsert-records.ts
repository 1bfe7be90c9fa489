// The one write path for canonical records, shared by file import, the HTTP bulk upsert and the
// demo generator: validate with the canonical schemas, then upsert several kinds in one transaction
// in dependency order, all or nothing.
import type { Database } from '../../db/database';
import { AppError, type ErrorDetail } from '../../errors';
import { parseIsoDate } from '../../domain/import/parse-date';
import { recordFields } from '../../domain/import/record-fields';
import { RECORD_SCHEMAS, type EntityKind, type RecordOf } from '../../domain/records';
import { openRecordWriter, WRITE_ORDER, type WriteCounts } from './record-tables';

export type { EntityKind };
export type RecordBatches = Partial<{ [K in EntityKind]: RecordOf<K>[] }>;

/**
 * Validates raw objects (e.g. a parsed JSON body) against the canonical schema of a kind.
 * Errors name the row (1-based position in the array), the field and the value.
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
    for (const issue of r.error.issues) {
      const field = issue.path.map(String).join('.');
      const value = o && typeof o === 'object' && issue.path.length ? (o as Record<string, unknown>)[String(issue.path[0])] : o;
      errors.push({
        row: i + 1,
        path: [kind, i, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
        ...(field ? { column: field } : {}),
        ...(value !== undefined && (value === null || typeof value !== 'object') ? { value } : {}),
        problem: `${field || 'record'} ${value === undefined && issue.path.length && issue.code !== 'custom' ? 'is required' : issue.message}`,
      });
    }
  });
  return { valid, errors };
}

/**
 * Validates records sent as JSON (the HTTP bulk upsert). JSON has no date type, so ISO 8601 strings
 * in date fields are turned into dates first; anything else is left for the canonical schema to
 * reject with the field named.
 */
export function validateJsonRecords<K extends EntityKind>(
  kind: K,
  rawObjects: Record<string, unknown>[],
): { valid: RecordOf<K>[]; errors: ErrorDetail[] } {
  const dateFields = recordFields(kind)
    .filter((f) => f.type === 'date')
    .map((f) => f.name);
  const withDates = rawObjects.map((r) => {
    const out = { ...r };
    for (const f of dateFields) {
      const v = out[f];
      if (typeof v === 'string') out[f] = parseIsoDate(v) ?? v;
    }
    return out;
  });
  return validateRecords(kind, withDates);
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
