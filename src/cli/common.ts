// Shared plumbing for CLI commands: opening the database from config, printing results as text or
// JSON, progress on a terminal, and turning errors into clear messages and exit codes.
// Nothing here loads the configuration or the database layer until a command asks for it: every
// command group imports this file, and `salescast --help` loads every command group.
import type { Config } from '../config';
import type { Database } from '../db/database';
import { AppError, invalidInput, isAppError, type ErrorCode } from '../errors';

export const EXIT: Record<ErrorCode | 'OK', number> = {
  OK: 0,
  INTERNAL: 1,
  INVALID_INPUT: 2,
  UNPROCESSABLE: 3,
  NOT_FOUND: 4,
  CONFLICT: 5,
  MIGRATION_FAILED: 6,
  SCHEMA_MISMATCH: 7,
  ARTIFACT_INVALID: 7,
  NOT_READY: 8,
  DATABASE_BUSY: 10,
  DATABASE_UNAVAILABLE: 10,
  SERVER_BUSY: 10,
  TIME_BUDGET_EXCEEDED: 10,
  UNAUTHENTICATED: 9,
  FORBIDDEN: 9,
  PAYLOAD_TOO_LARGE: 2,
  RATE_LIMITED: 1,
  CONFIG_INVALID: 78,
};

/** Raised by commands to stop with a given exit code after printing their own output. */
export class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  isTTY: boolean;
}

export const processIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  get isTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

export async function withDatabase<T>(fn: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const { loadConfig } = await import('../config');
  const { openDatabase } = await import('../db/database');
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

/** --as-of: a date (YYYY-MM-DD, midnight UTC) or an ISO 8601 time; undefined when not given. */
export function parseAsOf(v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(t))
    throw invalidInput(`--as-of "${v}" is not a date (use YYYY-MM-DD or ISO 8601)`, [
      { path: ['as-of'], value: v, problem: 'must be a date' },
    ]);
  return new Date(t);
}

/** Prints an error the way an operator wants to read it and returns the exit code. */
export function reportError(e: unknown, io: Io, json: boolean): number {
  if (e instanceof ExitSignal) return e.code;
  const err = isAppError(e) ? e : new AppError('INTERNAL', e instanceof Error ? e.message : String(e));
  if (json) {
    io.out(JSON.stringify({ error: { code: err.code, message: err.message, details: err.details } }, null, 2));
  } else {
    io.err(`error: ${err.message}`);
    const shown = err.details.slice(0, 50);
    for (const d of shown) {
      const where = [
        d.row !== undefined ? `row ${d.row}` : '',
        d.column ? `column ${d.column}` : '',
        d.path?.length ? d.path.join('.') : '',
      ]
        .filter(Boolean)
        .join(', ');
      const value = d.value !== undefined ? ` (value: ${JSON.stringify(d.value)})` : '';
      io.err(`  - ${where ? `${where}: ` : ''}${d.problem}${value}`);
    }
    if (err.details.length > shown.length) io.err(`  ... and ${err.details.length - shown.length} more`);
    if (!isAppError(e) && process.env.SALESCAST_DEBUG && e instanceof Error) io.err(e.stack ?? '');
  }
  return EXIT[err.code] ?? 1;
}

/** A progress bar on a terminal (stderr), silent otherwise so cron logs stay clean. */
export function progressBar(io: Io, label: string, total?: number) {
  let last = 0;
  const started = Date.now();
  return {
    update(done: number) {
      if (!io.isTTY) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const rate = done / Math.max(0.001, (now - started) / 1000);
      if (total) {
        const frac = Math.min(1, done / total);
        const width = 30;
        const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
        process.stderr.write(
          `\r${label} [${bar}] ${(frac * 100).toFixed(0)}% ${done.toLocaleString()}/${total.toLocaleString()} (${Math.round(rate).toLocaleString()}/s)`,
        );
      } else {
        process.stderr.write(`\r${label} ${done.toLocaleString()} (${Math.round(rate).toLocaleString()}/s)`);
      }
    },
    done() {
      if (io.isTTY) process.stderr.write('\n');
    },
  };
}

/** Formats rows as an aligned text table. */
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = columns ?? Object.keys(rows[0]);
  const fmt = (v: unknown) =>
    v === null || v === undefined
      ? ''
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? v.toLocaleString('en-US')
          : v.toLocaleString('en-US', { maximumFractionDigits: 4 })
        : v instanceof Date
          ? v.toISOString().slice(0, 10)
          : String(v);
  const cells = rows.map((r) => cols.map((c) => fmt(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (/^-?[\d,.]+%?$/.test(v) ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
