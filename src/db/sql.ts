// A thin, dialect-aware raw SQL runner shared by bulk import, batch scoring and analytics.
// SQL is written once with `?` placeholders and snake_case names; for PostgreSQL the placeholders
// are rewritten to $1..$n. Values are converted to the storage format Prisma itself uses, so rows
// written here read back identically through the Prisma client and vice versa.
import BetterSqlite3 from 'better-sqlite3';
import type * as pg from 'pg';

// pg (~50 ms to load) only when a PostgreSQL database is opened.
const loadPg = () => require('pg') as typeof import('pg');

export type Dialect = 'sqlite' | 'postgresql';

export interface SqlRunner {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Runs a multi-statement script without parameters. */
  exec(script: string): Promise<void>;
}

export interface Sql extends SqlRunner {
  /** Runs fn in one transaction on a dedicated connection: commit on success, roll back on throw. */
  transaction<T>(fn: (tx: SqlRunner & { sqlite?: BetterSqlite3.Database; pgClient?: pg.PoolClient }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Told when the server ends a pooled connection outside a query (restart, failover, an administrator). */
export type ConnectionLostHandler = (err: Error) => void;

const reportToStderr: ConnectionLostHandler = (err) => {
  process.stderr.write(`[salescast] database connection lost (${err.message}); the next query opens a new one\n`);
};

/**
 * A pg pool emits 'error' when the server ends one of its idle connections, and an EventEmitter
 * with no listener throws that from the socket handler: the whole process would crash on a
 * database restart. The pool has already discarded the connection, so this only has to report it
 * (and stay quiet once the pool is being closed, when the end of the connection is expected).
 */
export function keepPoolAlive(pool: pg.Pool, report?: () => ConnectionLostHandler): void {
  pool.on('error', (err) => {
    if (pool.ending || !report) return;
    report()(err);
  });
}

/** Dates as Prisma's adapters store them: ISO text with +00:00 on SQLite, UTC timestamp(3) on PostgreSQL. */
export function toSqlValue(v: unknown, dialect: Dialect): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return dialect === 'sqlite' ? v.toISOString().replace('Z', '+00:00') : v.toISOString().replace('Z', '');
  if (typeof v === 'boolean') return dialect === 'sqlite' ? (v ? 1 : 0) : v;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
}

/** Rewrites `?` placeholders (outside quoted strings) to PostgreSQL's $n. */
export function toPgPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      if (c === quote) quote = null;
      out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === '?') {
      out += `$${++n}`;
    } else out += c;
  }
  return out;
}

/** Prepared statements kept per connection; bounded so one-off report texts cannot grow it without end. */
const STATEMENT_CACHE_SIZE = 64;

class SqliteRunner implements SqlRunner {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  constructor(readonly sqlite: BetterSqlite3.Database) {}
  /**
   * The statement for a text, prepared once per connection: repositories run the same texts many
   * times (an IN list of 500 ids per chunk of an import), and preparing is the larger cost for them.
   */
  private prepare(sql: string): BetterSqlite3.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.sqlite.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value as string);
      this.statements.set(sql, st);
    }
    return st;
  }
  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.prepare(sql).all(...params.map((p) => toSqlValue(p, 'sqlite'))) as T[];
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return this.prepare(sql).run(...params.map((p) => toSqlValue(p, 'sqlite'))).changes;
  }
  async exec(script: string): Promise<void> {
    this.sqlite.exec(script);
  }
}

export function openSqliteConnection(file: string, opts: { readonly?: boolean } = {}): BetterSqlite3.Database {
  const db = new BetterSqlite3(file, { timeout: 15000, readonly: opts.readonly ?? false, fileMustExist: false });
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  return db;
}

export class SqliteSql extends SqliteRunner implements Sql {
  constructor(readonly file: string) {
    super(openSqliteConnection(file));
  }
  async transaction<T>(fn: (tx: SqlRunner & { sqlite: BetterSqlite3.Database }) => Promise<T>): Promise<T> {
    // A dedicated connection keeps other work on the shared connection out of this transaction.
    // BEGIN IMMEDIATE takes the write lock up front so two writers queue instead of deadlocking.
    const conn = openSqliteConnection(this.file);
    const runner = new SqliteRunner(conn);
    try {
      conn.exec('BEGIN IMMEDIATE');
      const result = await fn(runner);
      conn.exec('COMMIT');
      return result;
    } catch (e) {
      if (conn.inTransaction) conn.exec('ROLLBACK');
      throw e;
    } finally {
      conn.close();
    }
  }
  async close(): Promise<void> {
    this.sqlite.close();
  }
}

let pgTypesSet = false;
function setPgTypeParsers() {
  if (pgTypesSet) return;
  pgTypesSet = true;
  const pg = loadPg();
  // timestamp without time zone holds UTC (as Prisma writes it); int8 counts and numeric sums as numbers.
  pg.types.setTypeParser(1114, (s: string) => new Date(`${s.replace(' ', 'T')}Z`));
  pg.types.setTypeParser(20, (s: string) => Number(s));
  pg.types.setTypeParser(1700, (s: string) => Number(s));
}

class PgRunner implements SqlRunner {
  readonly dialect = 'postgresql' as const;
  constructor(private readonly q: pg.Pool | pg.PoolClient) {}
  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const r = await this.q.query(
      toPgPlaceholders(sql),
      params.map((p) => toSqlValue(p, 'postgresql')),
    );
    return r.rows as T[];
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    const r = await this.q.query(
      toPgPlaceholders(sql),
      params.map((p) => toSqlValue(p, 'postgresql')),
    );
    return r.rowCount ?? 0;
  }
  async exec(script: string): Promise<void> {
    await this.q.query(script);
  }
}

export class PgSql extends PgRunner implements Sql {
  readonly pool: pg.Pool;
  /** Where lost idle connections are reported; the server points it at its logger. */
  onConnectionLost: ConnectionLostHandler = reportToStderr;
  constructor(url: string, pool?: pg.Pool) {
    setPgTypeParsers();
    const p = pool ?? new (loadPg().Pool)({ connectionString: url, max: 10 });
    super(p);
    this.pool = p;
    keepPoolAlive(p, () => this.onConnectionLost);
  }
  async transaction<T>(fn: (tx: SqlRunner & { pgClient: pg.PoolClient }) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // The pool stops listening while a connection is checked out; a connection ended between two
    // statements of the transaction would otherwise throw from the socket. Its next statement
    // fails instead, the transaction rolls back, and release() discards the connection.
    let reported = false;
    const lost = (err: Error) => {
      if (!reported) this.onConnectionLost(err); // then the socket's own end follows: one loss, one report
      reported = true;
    };
    client.on('error', lost);
    const runner = Object.assign(new PgRunner(client), { pgClient: client });
    try {
      await client.query('BEGIN');
      const result = await fn(runner);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.removeListener('error', lost);
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Reads a date column the same way on both dialects (SQLite returns text, PostgreSQL a Date). */
export function fromSqlDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === 'number' || typeof v === 'bigint') return new Date(Number(v));
  return new Date(String(v));
}

/** Reads a JSON column the same way on both dialects (SQLite returns text, PostgreSQL parsed JSONB). */
export function fromSqlJson<T = unknown>(v: unknown): T | null {
  if (v === null || v === undefined) return null;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/** `?, ?, ?`: the placeholders of an IN list or a VALUES row of n values. */
export function placeholders(n: number): string {
  return n <= 0 ? '' : `?${', ?'.repeat(n - 1)}`;
}

/**
 * How many values one IN (...) list binds. Both databases cap the number of parameters of a
 * statement (SQLite 32766, PostgreSQL 65535); long lists are split into chunks of this size.
 */
export const IN_CHUNK = 500;

/** Runs `query` on consecutive chunks of `values` (IN lists of at most `size`) and concatenates the rows. */
export async function inChunks<V, R>(values: readonly V[], query: (chunk: V[]) => Promise<R[]>, size = IN_CHUNK): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += size) {
    const rows = await query(values.slice(i, i + size));
    for (const r of rows) out.push(r);
  }
  return out;
}
