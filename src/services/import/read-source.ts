// Streams rows out of an import file: CSV with any single-character delimiter (auto-detected),
// quoted fields, BOM and CRLF; whitespace-separated text (CDNOW_master.txt); a JSON array; JSON
// Lines. Rows come out in batches with their line number so every problem can name where it is.
// Only a JSON array is read whole (JSON.parse); use JSON Lines for very large files.
import fs from 'node:fs';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import { AppError, type ErrorDetail } from '../../errors';

export type SourceType = 'csv' | 'json' | 'jsonl';
export type CsvRow = string[];
export type JsonRow = Record<string, unknown>;

export interface FormatOptions {
  type?: SourceType;
  /** A single character, "\t"/"tab", or "whitespace". Auto-detected when absent. */
  delimiter?: string;
  header?: boolean;
  /** Column names by position when the file has no header (or to rename a header's columns). */
  columns?: string[];
}

export interface SourceBatch<Row> {
  rows: Row[];
  /** The line (CSV/JSONL) or 1-based element index (JSON array) of each row. */
  numbers: number[];
  /** Rows that could not even be split into fields (bad JSON line, wrong number of values). */
  problems: { index: number; problem: ErrorDetail }[];
}

export type Source =
  | { type: 'csv'; header: string[]; delimiter: string; batches: AsyncGenerator<SourceBatch<CsvRow>> }
  | { type: 'json' | 'jsonl'; header: null; batches: AsyncGenerator<SourceBatch<JsonRow>> };

const BATCH = 2000;

export function sourceTypeOf(file: string, explicit?: SourceType): SourceType {
  if (explicit) return explicit;
  if (/\.jsonl$|\.ndjson$/i.test(file)) return 'jsonl';
  if (/\.json$/i.test(file)) return 'json';
  return 'csv';
}

function fileError(file: string, problem: string, extra: Partial<ErrorDetail> = {}) {
  return new AppError('INVALID_INPUT', `${file}: ${problem}`, [{ problem, ...extra }]);
}

async function firstLine(file: string): Promise<string | null> {
  const stream = fs.createReadStream(file, { encoding: 'utf8', start: 0, end: 256 * 1024 });
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      if (line.replace(/^\uFEFF/, '').trim() !== '') return line.replace(/^\uFEFF/, '');
    }
    return null;
  } finally {
    rl.close();
    stream.destroy();
  }
}

/** Picks the delimiter that splits the header line most (outside quotes); whitespace when none does. */
export function detectDelimiter(line: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0, '|': 0 };
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c in counts) counts[c]++;
  }
  const best = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  if (best[1] > 0) return best[0];
  return /\S\s+\S/.test(line.trim()) ? 'whitespace' : ',';
}

function normaliseDelimiter(d: string): string {
  if (d === 'tab' || d === '\\t') return '\t';
  if (d === 'whitespace' || d === 'space' || d === 'spaces') return 'whitespace';
  if (d.length !== 1) throw new AppError('INVALID_INPUT', `--delimiter must be a single character, "tab" or "whitespace" (got "${d}")`);
  return d;
}

function checkHeader(file: string, header: string[]) {
  const seen = new Set<string>();
  const problems: ErrorDetail[] = [];
  header.forEach((h, i) => {
    if (h === '') problems.push({ row: 1, column: `#${i + 1}`, problem: `column ${i + 1} of the header has no name` });
    else if (seen.has(h)) problems.push({ row: 1, column: h, problem: `column "${h}" appears twice in the header` });
    seen.add(h);
  });
  if (problems.length) throw new AppError('INVALID_INPUT', `${file}: the header is not usable`, problems);
}

/** Opens a file as a stream of row batches. Throws INVALID_INPUT for an empty or unreadable file. */
export async function openSource(file: string, fmt: FormatOptions = {}): Promise<Source> {
  if (!fs.existsSync(file)) throw new AppError('NOT_FOUND', `File not found: ${file}`);
  if (fs.statSync(file).isDirectory()) throw new AppError('INVALID_INPUT', `${file} is a directory, not a file`);
  const type = sourceTypeOf(file, fmt.type);
  const first = await firstLine(file);
  if (first === null) throw fileError(file, 'the file is empty (no header and no rows)');
  if (type === 'json') return { type, header: null, batches: jsonArrayBatches(file) };
  if (type === 'jsonl') return { type, header: null, batches: jsonLinesBatches(file) };

  const delimiter = fmt.delimiter ? normaliseDelimiter(fmt.delimiter) : detectDelimiter(first);
  const hasHeader = fmt.header ?? true;
  let header: string[];
  if (hasHeader) {
    header = delimiter === 'whitespace' ? first.trim().split(/\s+/) : await csvHeader(file, delimiter);
    if (fmt.columns) {
      if (fmt.columns.length !== header.length)
        throw fileError(file, `the mapping names ${fmt.columns.length} columns but the header has ${header.length}`, { row: 1 });
      header = fmt.columns;
    }
  } else {
    if (!fmt.columns)
      throw fileError(
        file,
        'a file without a header needs its columns named by position (mapping "format": {"header": false, "columns": [...]})',
      );
    header = fmt.columns;
  }
  header = header.map((h) => h.trim());
  checkHeader(file, header);
  const batches =
    delimiter === 'whitespace' ? whitespaceBatches(file, header.length, hasHeader) : csvBatches(file, delimiter, header.length, hasHeader);
  return { type: 'csv', header, delimiter, batches };
}

async function csvHeader(file: string, delimiter: string): Promise<string[]> {
  const parser = fs
    .createReadStream(file)
    .pipe(parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, to_line: 1 }));
  try {
    for await (const rec of parser as AsyncIterable<string[]>) return rec;
  } catch (e) {
    throw csvError(file, e);
  }
  return [];
}

function csvError(file: string, e: unknown): AppError {
  const err = e as { code?: string; message?: string; lines?: number };
  if (err.code === 'CSV_QUOTE_NOT_CLOSED')
    return fileError(file, `a quoted field opened near line ${err.lines ?? '?'} is never closed (truncated file?)`, { row: err.lines });
  if (err.code?.startsWith('CSV_'))
    return fileError(file, `malformed CSV near line ${err.lines ?? '?'}: ${err.message}`, { row: err.lines });
  return e instanceof AppError ? e : new AppError('INVALID_INPUT', `${file}: ${err.message ?? String(e)}`);
}

function widthProblem(line: number, got: number, want: number): ErrorDetail {
  return {
    row: line,
    problem:
      got < want
        ? `the row has ${got} value(s) but the header has ${want} columns (truncated or missing delimiters?)`
        : `the row has ${got} values but the header has only ${want} columns (unquoted delimiter in a value?)`,
  };
}

/**
 * Pulls records from a readable stream in batches: one promise per batch rather than per record
 * (a `for await` over an object stream costs more than parsing the record did).
 */
async function* recordBatches<T>(
  stream: NodeJS.ReadableStream & { pause(): void; resume(): void },
  take: (rec: T, batch: SourceBatch<CsvRow>) => void,
): AsyncGenerator<SourceBatch<CsvRow>> {
  const ready: SourceBatch<CsvRow>[] = [];
  let current: SourceBatch<CsvRow> = { rows: [], numbers: [], problems: [] };
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('data', (rec: T) => {
    take(rec, current);
    if (current.rows.length >= BATCH) {
      ready.push(current);
      current = { rows: [], numbers: [], problems: [] };
      stream.pause();
      signal();
    }
  });
  stream.on('end', () => {
    ended = true;
    signal();
  });
  stream.on('error', (e) => {
    failure = e;
    signal();
  });
  while (true) {
    if (failure) throw failure;
    if (ready.length) {
      yield ready.shift()!;
      if (!ready.length && !ended) stream.resume();
      continue;
    }
    if (ended) {
      if (current.rows.length) yield current;
      return;
    }
    await new Promise<void>((r) => (wake = r));
  }
}

async function* csvBatches(file: string, delimiter: string, width: number, hasHeader: boolean): AsyncGenerator<SourceBatch<CsvRow>> {
  // Line numbers are counted here instead of asking csv-parse for per-record info objects (a
  // measurable share of the import's time): each record ends one line after the last, plus the line
  // breaks inside its quoted fields. Empty lines come through as one empty field and are skipped.
  const parser = fs
    .createReadStream(file, { highWaterMark: 1 << 20 })
    .pipe(parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: false, from_line: hasHeader ? 2 : 1 }));
  let line = hasHeader ? 1 : 0;
  const take = (record: string[], batch: SourceBatch<CsvRow>) => {
    line++;
    const first = line;
    for (let i = 0; i < record.length; i++) if (record[i].includes('\n')) line += record[i].split('\n').length - 1;
    if (record.length === 1 && record[0].trim() === '' && width > 1) return;
    if (record.length !== width) batch.problems.push({ index: batch.rows.length, problem: widthProblem(first, record.length, width) });
    batch.rows.push(record);
    batch.numbers.push(first);
  };
  try {
    yield* recordBatches<string[]>(parser, take);
  } catch (e) {
    throw csvError(file, e);
  }
}

async function* whitespaceBatches(file: string, width: number, hasHeader: boolean): AsyncGenerator<SourceBatch<CsvRow>> {
  const rl = readline.createInterface({
    input: fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  });
  let line = 0;
  let skippedHeader = !hasHeader;
  let batch: SourceBatch<CsvRow> = { rows: [], numbers: [], problems: [] };
  for await (const raw of rl) {
    line++;
    const text = raw.replace(/^\uFEFF/, '').trim();
    if (text === '') continue;
    if (!skippedHeader) {
      skippedHeader = true;
      continue;
    }
    const record = text.split(/\s+/);
    if (record.length !== width) batch.problems.push({ index: batch.rows.length, problem: widthProblem(line, record.length, width) });
    batch.rows.push(record);
    batch.numbers.push(line);
    if (batch.rows.length >= BATCH) {
      yield batch;
      batch = { rows: [], numbers: [], problems: [] };
    }
  }
  if (batch.rows.length) yield batch;
}

async function* jsonLinesBatches(file: string): AsyncGenerator<SourceBatch<JsonRow>> {
  const rl = readline.createInterface({
    input: fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  });
  let line = 0;
  let batch: SourceBatch<JsonRow> = { rows: [], numbers: [], problems: [] };
  for await (const raw of rl) {
    line++;
    const text = raw.replace(/^\uFEFF/, '').trim();
    if (text === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      obj = undefined;
      batch.problems.push({
        index: batch.rows.length,
        problem: {
          row: line,
          value: text.length > 80 ? `${text.slice(0, 80)}…` : text,
          problem: `not valid JSON (${(e as Error).message}); truncated line?`,
        },
      });
    }
    if (obj !== undefined && (typeof obj !== 'object' || obj === null || Array.isArray(obj))) {
      batch.problems.push({ index: batch.rows.length, problem: { row: line, problem: 'each line must be a JSON object' } });
    }
    batch.rows.push((obj && typeof obj === 'object' && !Array.isArray(obj) ? obj : {}) as JsonRow);
    batch.numbers.push(line);
    if (batch.rows.length >= BATCH) {
      yield batch;
      batch = { rows: [], numbers: [], problems: [] };
    }
  }
  if (batch.rows.length) yield batch;
}

async function* jsonArrayBatches(file: string): AsyncGenerator<SourceBatch<JsonRow>> {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw fileError(
      file,
      `not valid JSON${line ? ` (line ${line})` : ''}: ${(e as Error).message}; truncated file?`,
      line ? { row: line } : {},
    );
  }
  if (!Array.isArray(data)) throw fileError(file, 'a JSON import file must be an array of objects (or use JSON Lines, .jsonl)');
  for (let i = 0; i < data.length; i += BATCH) {
    const batch: SourceBatch<JsonRow> = { rows: [], numbers: [], problems: [] };
    for (let j = i; j < Math.min(data.length, i + BATCH); j++) {
      const o = data[j];
      if (typeof o !== 'object' || o === null || Array.isArray(o))
        batch.problems.push({ index: j - i, problem: { row: j + 1, problem: 'each element must be a JSON object' } });
      batch.rows.push((typeof o === 'object' && o !== null && !Array.isArray(o) ? o : {}) as JsonRow);
      batch.numbers.push(j + 1);
    }
    yield batch;
  }
}

/** Reads a whole (small) file into objects keyed by column, e.g. a join's lookup file. */
export async function readAllObjects(file: string, fmt: FormatOptions = {}): Promise<{ header: string[] | null; rows: JsonRow[] }> {
  const src = await openSource(file, fmt);
  const rows: JsonRow[] = [];
  for await (const b of src.batches as AsyncGenerator<SourceBatch<CsvRow | JsonRow>>) {
    if (b.problems.length)
      throw new AppError(
        'INVALID_INPUT',
        `${file}: ${b.problems.length} malformed row(s)`,
        b.problems.map((p) => p.problem),
      );
    for (const r of b.rows) {
      if (Array.isArray(r)) {
        const o: JsonRow = {};
        src.header!.forEach((h, i) => {
          o[h] = r[i];
        });
        rows.push(o);
      } else rows.push(r);
    }
  }
  return { header: src.header, rows };
}
