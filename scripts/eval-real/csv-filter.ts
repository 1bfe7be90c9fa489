// Copies of the public CSV files without the held-out rows, so that the training database is built
// by the very same example mappings from files that simply do not contain the held-out deals or
// customers. Rows are copied byte for byte (quotes, line endings), only left out.
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface FilterResult {
  kept: number;
  dropped: number;
}

/** Writes `src` to `dest` without the rows whose `keyColumn` is in `drop`. */
export function writeCsvWithout(src: string, dest: string, keyColumn: string, drop: ReadonlySet<string>): FilterResult {
  const text = fs.readFileSync(src, 'utf8');
  const eol = /\r\n/.test(text.slice(0, 10_000)) ? '\r\n' : '\n';
  const rows = parse(text, { raw: true, bom: true, relax_column_count: true, skip_empty_lines: true }) as {
    record: string[];
    raw: string;
  }[];
  if (rows.length === 0) throw new Error(`${src} is empty`);
  const key = rows[0].record.indexOf(keyColumn);
  if (key < 0) throw new Error(`${src} has no column "${keyColumn}" (columns: ${rows[0].record.join(', ')})`);
  const out: string[] = [rows[0].raw.replace(/\r$/, '')];
  let dropped = 0;
  for (const r of rows.slice(1)) {
    if (drop.has(r.record[key]?.trim() ?? '')) dropped++;
    else out.push(r.raw.replace(/\r$/, ''));
  }
  fs.writeFileSync(dest, out.join(eol) + eol);
  return { kept: out.length - 1, dropped };
}

/** The header of a CSV file (its first record). */
export function csvHeader(file: string): string[] {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split(/\r?\n/)[0];
    return (parse(first, { bom: true }) as string[][])[0] ?? [];
  } finally {
    fs.closeSync(fd);
  }
}
