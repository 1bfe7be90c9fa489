// `salescast import <kind> <file>`: stream a CSV/JSON file through a mapping into canonical
// records and upsert them in ONE transaction. Any invalid row (bad value, unknown reference,
// duplicate id) means nothing is written, unless the caller asked to skip invalid rows, in which
// case they go to a rejected file with the reason. A dry run does all the work, then rolls back.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../db/database';
import { AppError, type ErrorDetail } from '../../errors';
import { MappingSchema, parseMapping, type Mapping } from '../../domain/import/mapping';
import { compileRowMapper, type ColumnSource, type RowMapper } from '../../domain/import/row-mapper';
import type { EntityKind, RecordOf } from '../../domain/records';
import { openSource, readAllObjects, type CsvRow, type FormatOptions, type JsonRow, type SourceBatch } from './read-source';
import { openRecordWriter } from './record-tables';
import { RejectedWriter } from './rejected-writer';

export interface ImportFileOptions {
  kind: EntityKind;
  file: string;
  /** A parsed mapping object, or the path of a mapping JSON file. */
  mapping?: unknown;
  mappingPath?: string;
  dryRun?: boolean;
  /** Import the valid rows and write the rejected ones (with a reason column) to this CSV file. */
  skipInvalid?: string;
  /** Overrides the mapping's/auto-detected delimiter and header. */
  delimiter?: string;
  header?: boolean;
  onProgress?: (rowsRead: number) => void;
}

export interface ImportFileResult {
  kind: EntityKind;
  file: string;
  dryRun: boolean;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  skippedDuplicates: number;
  /** Rows left out by the mapping's "where". */
  filtered: number;
  rejectedFile?: string;
  /** Columns sent to custom attributes (CSV), or "rest-of-row" (JSON). */
  attributeColumns: string[] | 'rest-of-row';
}

/** Problems kept in memory for the report; the total is still counted beyond this. */
const MAX_DETAILS = 10_000;

class DryRunRollback extends Error {
  constructor(readonly result: ImportFileResult) {
    super('dry run');
  }
}

export function loadMapping(kind: EntityKind, mappingPath: string | undefined, raw?: unknown): Mapping {
  if (raw !== undefined) return parseMapping(raw, kind);
  if (!mappingPath) return MappingSchema.parse({});
  if (!fs.existsSync(mappingPath)) throw new AppError('NOT_FOUND', `Mapping file not found: ${mappingPath}`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(mappingPath, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new AppError('INVALID_INPUT', `The mapping file ${mappingPath} is not valid JSON: ${(e as Error).message}`);
  }
  return parseMapping(json, kind, mappingPath);
}

export async function importFile(db: Database, opts: ImportFileOptions): Promise<ImportFileResult> {
  const { kind, file } = opts;
  const mapping = loadMapping(kind, opts.mappingPath, opts.mapping);
  const fmt: FormatOptions = { ...mapping.format };
  if (opts.delimiter) fmt.delimiter = opts.delimiter;
  if (opts.header !== undefined) fmt.header = opts.header;
  const source = await openSource(file, fmt);
  const join = await loadJoin(file, mapping);
  const mapper = compileRowMapper(kind, mapping, columnSourceOf(source, mapping, join, file));

  const result: ImportFileResult = {
    kind,
    file,
    dryRun: Boolean(opts.dryRun),
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    skippedDuplicates: 0,
    filtered: 0,
    attributeColumns: mapper.attributeColumns,
  };
  const log = new ProblemLog();
  const rejectedOut = opts.skipInvalid ? new RejectedWriter(opts.skipInvalid, source.type === 'csv' ? source.header : null) : null;

  try {
    await db.sql.transaction(async (tx) => {
      const writer = openRecordWriter(tx);
      for await (const batch of source.batches as AsyncGenerator<SourceBatch<CsvRow | JsonRow>>) {
        result.read += batch.rows.length;
        const { records, recordIndex, rowProblems } = mapBatch(batch, mapper, result);
        const checked = await writer.check(
          kind,
          records,
          recordIndex.map((i) => batch.numbers[i]),
          { duplicates: mapping.duplicates },
        );
        result.skippedDuplicates += checked.skippedDuplicates;
        for (const r of checked.rejected) rowProblems.set(recordIndex[r.index], r.problems);
        if (rowProblems.size) {
          log.badRows += rowProblems.size;
          const ordered = [...rowProblems.entries()].sort((a, b) => a[0] - b[0]);
          for (const [i, ps] of ordered) {
            log.note(ps);
            rejectedOut?.write(batch.rows[i], batch.numbers[i], ps);
          }
        }
        // Without --skip-invalid one bad row dooms the import: keep validating (to report every
        // problem) but stop writing; the transaction is rolled back below.
        if (log.badRows === 0 || rejectedOut) {
          await writer.write(kind, checked.accepted);
        }
        opts.onProgress?.(result.read);
      }
      result.rejected = log.badRows;
      const counts = (await writer.finish())[kind];
      if (counts) Object.assign(result, counts);
      if (result.read === 0)
        throw new AppError('INVALID_INPUT', `${file}: the file has a header but no data rows`, [{ row: 1, problem: 'no data rows' }]);
      if (log.badRows && !rejectedOut) throw log.failure(result.read, file);
      if (opts.dryRun) throw new DryRunRollback({ ...result });
    });
  } catch (e) {
    if (e instanceof DryRunRollback) {
      await rejectedOut?.close();
      return { ...e.result, ...(rejectedOut ? { rejectedFile: opts.skipInvalid } : {}) };
    }
    await rejectedOut?.close();
    throw e;
  }
  await rejectedOut?.close();
  return { ...result, ...(rejectedOut ? { rejectedFile: opts.skipInvalid } : {}) };
}

/** The problems of the bad rows: all counted, the first MAX_DETAILS kept for the error. */
class ProblemLog {
  readonly details: ErrorDetail[] = [];
  problemCount = 0;
  badRows = 0;

  note(ps: ErrorDetail[]): void {
    this.problemCount += ps.length;
    for (const p of ps) if (this.details.length < MAX_DETAILS) this.details.push(p);
  }

  /** The error that rolls the import back, naming how many rows and problems there were. */
  failure(read: number, file: string): AppError {
    const shown = this.details.length < this.problemCount ? ` (the first ${this.details.length.toLocaleString('en-US')} are listed)` : '';
    return new AppError(
      'INVALID_INPUT',
      `${this.badRows.toLocaleString('en-US')} of ${read.toLocaleString('en-US')} rows in ${file} are invalid (${this.problemCount.toLocaleString('en-US')} problems${shown}); nothing was imported`,
      this.details,
    );
  }
}

/** A joined lookup file, indexed by its key column; null when the mapping joins nothing. */
type JoinedFile = { columns: string[]; get: (key: unknown) => JsonRow | undefined } | null;

async function loadJoin(file: string, mapping: Mapping): Promise<JoinedFile> {
  if (!mapping.join) return null;
  const joinFile = path.resolve(path.dirname(file), mapping.join.file);
  const { header, rows } = await readAllObjects(joinFile, mapping.join.format ?? {});
  const key = mapping.join.joinOn ?? mapping.join.on;
  if (header && !header.includes(key))
    throw new AppError('INVALID_INPUT', `The join file ${joinFile} has no column "${key}"`, [
      { column: key, problem: `not in the joined file; columns: ${header.join(', ')}` },
    ]);
  const byKey = new Map<string, JsonRow>();
  for (const r of rows) if (r[key] !== undefined && r[key] !== null && r[key] !== '') byKey.set(String(r[key]).trim(), r);
  const cols = (header ?? [...new Set(rows.flatMap((r) => Object.keys(r)))]).filter((c) => c !== key);
  return { columns: cols, get: (k) => (k === undefined || k === null ? undefined : byKey.get(String(k).trim())) };
}

/** The source's columns for the mapping: a joined file's columns are available as if they were in the main file. */
function columnSourceOf(
  source: Awaited<ReturnType<typeof openSource>>,
  mapping: Mapping,
  join: JoinedFile,
  file: string,
): ColumnSource<CsvRow | JsonRow> {
  if (source.type === 'csv') {
    const header = source.header;
    const idx = new Map(header.map((h, i) => [h, i]));
    const onIdx = mapping.join ? idx.get(mapping.join.on) : undefined;
    if (mapping.join && onIdx === undefined)
      throw new AppError('INVALID_INPUT', `The join column "${mapping.join.on}" is not in ${file}`, [
        { column: mapping.join.on, problem: `not in the file; columns: ${header.join(', ')}` },
      ]);
    const extra = join ? join.columns.filter((c) => !idx.has(c)) : [];
    return {
      columns: [...header, ...extra],
      accessor: (c) => {
        const i = idx.get(c);
        if (i !== undefined) return (r) => (r as CsvRow)[i];
        return (r) => join?.get((r as CsvRow)[onIdx!])?.[c];
      },
    };
  }
  return {
    columns: null,
    accessor: (c) => (r) => {
      const o = r as JsonRow;
      if (c in o) return o[c];
      return join && mapping.join ? join.get(o[mapping.join.on])?.[c] : undefined;
    },
    keysOf: (r) => {
      const keys = Object.keys(r as JsonRow);
      if (join && mapping.join) {
        const j = join.get((r as JsonRow)[mapping.join.on]);
        if (j) for (const k of Object.keys(j)) if (!keys.includes(k)) keys.push(k);
      }
      return keys;
    },
  };
}

/**
 * Maps a batch's rows to records: rows the reader could not parse and rows the mapping rejects keep
 * their problems (by row index in the batch); rows the mapping's "where" leaves out are counted.
 */
function mapBatch(
  batch: SourceBatch<CsvRow | JsonRow>,
  mapper: RowMapper<EntityKind, CsvRow | JsonRow>,
  result: ImportFileResult,
): { records: RecordOf<EntityKind>[]; recordIndex: number[]; rowProblems: Map<number, ErrorDetail[]> } {
  const rowProblems = new Map<number, ErrorDetail[]>();
  for (const p of batch.problems) rowProblems.set(p.index, [p.problem]);
  const records: RecordOf<EntityKind>[] = [];
  const recordIndex: number[] = [];
  for (let i = 0; i < batch.rows.length; i++) {
    if (rowProblems.has(i)) continue;
    if (!mapper.accepts(batch.rows[i])) {
      result.filtered++;
      continue;
    }
    const m = mapper.map(batch.rows[i], batch.numbers[i]);
    if (m.record) {
      records.push(m.record);
      recordIndex.push(i);
    } else rowProblems.set(i, m.problems);
  }
  return { records, recordIndex, rowProblems };
}
