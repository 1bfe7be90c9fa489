// Writes validated canonical records inside one open transaction: derives external ids where the
// source has none, rejects duplicates and unknown references (naming row, column and value), and
// upserts by external id with raw prepared SQL. Used by upsertRecords (one call, all-or-nothing) and
// by the streaming file import (many chunks, one transaction).
import crypto from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Dialect, SqlRunner } from '../../db/sql';
import { toSqlValue } from '../../db/sql';
import type { ErrorDetail } from '../../errors';
import { externalIdRequired } from '../../domain/import/record-fields';
import type { EntityKind, RecordOf } from '../../domain/records';
import { tableSpec, type TableSpec } from './record-tables';

export type Tx = SqlRunner & { sqlite?: BetterSqlite3.Database };

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface CheckedRecord {
  record: Record<string, unknown>;
  row: number;
  externalId: string;
  /** Resolved row ids of reference fields, in tableSpec column order (undefined for plain fields). */
  refIds: (number | null)[];
}

export interface CheckResult {
  accepted: CheckedRecord[];
  rejected: { index: number; problems: ErrorDetail[] }[];
  /** Rows skipped because an earlier row had the same external id (duplicates: "first"). */
  skippedDuplicates: number;
}

const REF_CACHE_LIMIT = 500_000;
const IN_CHUNK = 500;

/** A deterministic external id for records the source does not identify (stage changes, orders...). */
export function derivedExternalId(kind: EntityKind, record: Record<string, unknown>, occurrence: number): string {
  const spec = tableSpec(kind);
  const h = crypto.createHash('sha1').update(kind);
  for (const c of spec.columns) {
    if (c.field === 'externalId') continue;
    const v = record[c.field];
    h.update('\u0000').update(v === undefined || v === null ? '\u0001' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return `~${h.digest('hex').slice(0, 24)}.${occurrence}`;
}

export class RecordWriter {
  private readonly dialect: Dialect;
  private readonly refCache = new Map<EntityKind, Map<string, number>>();
  private readonly seen = new Map<EntityKind, Map<string, number>>();
  private readonly occurrences = new Map<EntityKind, Map<string, number>>();
  private readonly maxIdBefore = new Map<string, number>();
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  readonly counts: Record<string, WriteCounts> = {};
  private readonly now = new Date();

  constructor(private readonly tx: Tx) {
    this.dialect = tx.dialect;
  }

  /** Derives ids, rejects in-batch duplicates and unknown references; registers accepted ids as seen. */
  async check<K extends EntityKind>(kind: K, records: RecordOf<K>[], rows: number[], opts: { duplicates?: 'error' | 'first' } = {}): Promise<CheckResult> {
    const spec = tableSpec(kind);
    const needsId = !externalIdRequired(kind);
    let occ = this.occurrences.get(kind);
    if (needsId && !occ) this.occurrences.set(kind, (occ = new Map()));
    const ids: string[] = records.map((r) => {
      const rec = r as Record<string, unknown>;
      if (rec.externalId) return rec.externalId as string;
      const base = derivedExternalId(kind, rec, 0);
      const n = occ!.get(base) ?? 0;
      occ!.set(base, n + 1);
      return n === 0 ? base : base.replace(/\.0$/, `.${n}`);
    });

    // References: resolve every distinct external id of the chunk in a few IN (...) queries.
    const refCols = spec.columns.map((c, i) => ({ ...c, i })).filter((c) => c.ref);
    for (const c of refCols) {
      const wanted = new Set<string>();
      const cache = this.cacheFor(c.ref!);
      for (const r of records) {
        const v = (r as Record<string, unknown>)[c.field];
        if (typeof v === 'string' && !cache.has(v)) wanted.add(v);
      }
      if (wanted.size) await this.loadRefs(c.ref!, [...wanted]);
    }

    const seen = this.seenFor(kind);
    const out: CheckResult = { accepted: [], rejected: [], skippedDuplicates: 0 };
    for (let i = 0; i < records.length; i++) {
      const rec = records[i] as Record<string, unknown>;
      const problems: ErrorDetail[] = [];
      const refIds: (number | null)[] = new Array(spec.columns.length);
      for (const c of refCols) {
        const v = rec[c.field];
        if (v === undefined || v === null) {
          refIds[c.i] = null;
          continue;
        }
        const id = this.refCache.get(c.ref!)!.get(v as string);
        if (id === undefined) problems.push({ row: rows[i], column: c.field, value: v, problem: `${c.field} refers to ${c.ref} "${v}", which does not exist (import the ${c.ref} first)` });
        else refIds[c.i] = id;
      }
      const prior = seen.get(ids[i]);
      if (prior !== undefined && rec.externalId) {
        if (opts.duplicates === 'first') {
          out.skippedDuplicates++;
          continue;
        }
        problems.push({ row: rows[i], column: 'externalId', value: ids[i], problem: `duplicate external id: row ${prior} has the same externalId` });
      }
      if (problems.length) {
        out.rejected.push({ index: i, problems });
        continue;
      }
      if (rec.externalId) seen.set(ids[i], rows[i]);
      out.accepted.push({ record: rec, row: rows[i], externalId: ids[i], refIds });
    }
    return out;
  }

  /** Upserts checked records of one kind; returns the counts of this call and adds them to `counts`. */
  async write(kind: EntityKind, recs: CheckedRecord[]): Promise<WriteCounts> {
    const spec = tableSpec(kind);
    const c: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
    if (recs.length === 0) return c;
    if (!this.maxIdBefore.has(spec.table)) {
      const r = await this.tx.all<{ m: number | null }>(`SELECT MAX(id) AS m FROM ${spec.table}`);
      this.maxIdBefore.set(spec.table, Number(r[0]?.m ?? 0));
    }
    if (this.tx.sqlite) this.writeSqlite(spec, recs, c);
    else await this.writePg(spec, recs, c);
    const total = (this.counts[kind] ??= { inserted: 0, updated: 0, unchanged: 0 });
    total.inserted += c.inserted;
    total.updated += c.updated;
    total.unchanged += c.unchanged;
    // New rows become resolvable references for later kinds in the same transaction.
    const cache = this.refCache.get(kind);
    if (cache) for (const r of recs) cache.delete(r.externalId);
    return c;
  }

  private valuesOf(spec: TableSpec, r: CheckedRecord, out: unknown[]) {
    const d = this.dialect;
    for (let i = 0; i < spec.columns.length; i++) {
      const col = spec.columns[i];
      if (col.field === 'externalId') out.push(r.externalId);
      else if (col.ref) out.push(r.refIds[i]);
      else out.push(toSqlValue(r.record[col.field], d));
    }
    if (spec.hasCreatedAt) out.push(toSqlValue(this.now, d));
    if (spec.hasUpdatedAt) out.push(toSqlValue(this.now, d));
  }

  private upsertSql(spec: TableSpec, rows: number): string {
    const cols = spec.columns.map((c) => c.column);
    if (spec.hasCreatedAt) cols.push('created_at');
    if (spec.hasUpdatedAt) cols.push('updated_at');
    const one = `(${cols.map(() => '?').join(', ')})`;
    const data = spec.columns.filter((c) => c.field !== 'externalId').map((c) => c.column);
    const distinct = this.dialect === 'sqlite' ? 'IS NOT' : 'IS DISTINCT FROM';
    const set = [...data, ...(spec.hasUpdatedAt ? ['updated_at'] : [])].map((c) => `${c} = excluded.${c}`).join(', ');
    // The WHERE makes re-importing identical data a no-op: unchanged rows are neither written nor returned.
    const where = data.map((c) => `${spec.table}.${c} ${distinct} excluded.${c}`).join(' OR ');
    const returning = this.dialect === 'sqlite' ? 'RETURNING id' : 'RETURNING id, (xmax = 0) AS inserted';
    return `INSERT INTO ${spec.table} (${cols.join(', ')}) VALUES ${Array(rows).fill(one).join(', ')} ON CONFLICT (external_id) DO UPDATE SET ${set} WHERE ${where} ${returning}`;
  }

  private statement(spec: TableSpec, rows: number): BetterSqlite3.Statement {
    const key = `${spec.table}:${rows}`;
    let s = this.statements.get(key);
    if (!s) this.statements.set(key, (s = this.tx.sqlite!.prepare(this.upsertSql(spec, rows))));
    return s;
  }

  private writeSqlite(spec: TableSpec, recs: CheckedRecord[], c: WriteCounts) {
    const maxBefore = this.maxIdBefore.get(spec.table)!;
    // Multi-row VALUES amortise the per-statement cost; the remainder goes one row at a time.
    const BATCH = 50;
    const params: unknown[] = [];
    let i = 0;
    const tally = (returned: { id: number }[], n: number) => {
      for (const r of returned) {
        if (r.id > maxBefore) c.inserted++;
        else c.updated++;
      }
      c.unchanged += n - returned.length;
    };
    const multi = recs.length >= BATCH ? this.statement(spec, BATCH) : null;
    for (; multi && i + BATCH <= recs.length; i += BATCH) {
      params.length = 0;
      for (let j = i; j < i + BATCH; j++) this.valuesOf(spec, recs[j], params);
      tally(multi.all(params) as { id: number }[], BATCH);
    }
    if (i < recs.length) {
      const single = this.statement(spec, 1);
      for (; i < recs.length; i++) {
        params.length = 0;
        this.valuesOf(spec, recs[i], params);
        tally(single.all(params) as { id: number }[], 1);
      }
    }
  }

  private async writePg(spec: TableSpec, recs: CheckedRecord[], c: WriteCounts) {
    const width = spec.columns.length + (spec.hasCreatedAt ? 1 : 0) + (spec.hasUpdatedAt ? 1 : 0);
    const batch = Math.max(1, Math.min(1000, Math.floor(60000 / width)));
    for (let i = 0; i < recs.length; i += batch) {
      const slice = recs.slice(i, i + batch);
      const params: unknown[] = [];
      for (const r of slice) this.valuesOf(spec, r, params);
      const returned = await this.tx.all<{ inserted: boolean }>(this.upsertSql(spec, slice.length), params);
      for (const r of returned) {
        if (r.inserted) c.inserted++;
        else c.updated++;
      }
      c.unchanged += slice.length - returned.length;
    }
  }

  private cacheFor(kind: EntityKind): Map<string, number> {
    let m = this.refCache.get(kind);
    if (!m) this.refCache.set(kind, (m = new Map()));
    // Bounded memory: a huge referenced table is re-read in chunks rather than held whole.
    if (m.size > REF_CACHE_LIMIT) m.clear();
    return m;
  }

  private seenFor(kind: EntityKind): Map<string, number> {
    let m = this.seen.get(kind);
    if (!m) this.seen.set(kind, (m = new Map()));
    return m;
  }

  private async loadRefs(kind: EntityKind, ids: string[]) {
    const table = tableSpec(kind).table;
    const cache = this.cacheFor(kind);
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const part = ids.slice(i, i + IN_CHUNK);
      const rows = await this.tx.all<{ external_id: string; id: number }>(`SELECT external_id, id FROM ${table} WHERE external_id IN (${part.map(() => '?').join(', ')})`, part);
      for (const r of rows) cache.set(r.external_id, Number(r.id));
    }
  }
}
