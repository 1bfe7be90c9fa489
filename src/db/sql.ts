// A thin, dialect-aware raw SQL runner shared by bulk import, batch scoring and analytics.
// SQL is written once with `?` placeholders and snake_case names; for PostgreSQL the placeholders
// are rewritten to $1..$n. Values are converted to the storage format Prisma itself uses, so rows
// written here read back identically through the Prisma client and vice versa.
import BetterSqlite3 from 'better-sqlite3';
import type * as pg from 'pg';
import { AppError } from '../errors';
import { databaseError, type DatabaseFault, faultOf } from './errors';

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

/** What a probe of the database found: answering and writable, answering but read-only, or not answering. */
export type DatabaseState = 'up' | 'read-only' | 'down';

export interface Sql extends SqlRunner {
  /** Runs fn in one transaction on a dedicated connection: commit on success, roll back on throw. */
  transaction<T>(fn: (tx: SqlRunner & { sqlite?: BetterSqlite3.Database; pgClient?: pg.PoolClient }) => Promise<T>): Promise<T>;
  /**
   * Whether the database answers and can be written. A database known (or, with `write`, found)
   * to be read-only is re-examined at each call, so the state recovers without a restart.
   */
  probe(opts?: { write?: boolean }): Promise<DatabaseState>;
  /**
   * How long a statement waits for another writer's lock (SQLite's busy timeout; PostgreSQL waits
   * on its server, not in this process). better-sqlite3 waits synchronously, blocking the event
   * loop: the server keeps this short, the CLI and batch jobs long.
   */
  setBusyTimeout(ms: number): void;
  /** Told of every database fault (busy, unavailable, read-only) a statement ran into. */
  onFault: ((fault: DatabaseFault) => void) | null;
  close(): Promise<void>;
}

/** The busy timeout of CLI commands and batch work: long imports and training runs queue behind each other. */
export const BATCH_BUSY_TIMEOUT_MS = 15_000;

/**
 * After a statement gave up on a held lock, statements fail at once instead of waiting again for
 * this long: with a synchronous driver, each waiting statement would stall the event loop for the
 * whole timeout, one after the other.
 */
export const CONTENDED_WINDOW_MS = 1000;

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
  constructor(
    public sqlite: BetterSqlite3.Database,
    /** Called before each statement (the shared connection adjusts its busy timeout) and with each fault. */
    protected hooks: { before?: () => void; fault?: (e: unknown) => void } = {},
  ) {}
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
  /** Swaps in another connection (its statements are prepared anew); returns the old one. */
  protected replaceConnection(conn: BetterSqlite3.Database): BetterSqlite3.Database {
    const old = this.sqlite;
    this.sqlite = conn;
    this.statements.clear();
    return old;
  }
  /** Runs a statement; a driver error that is a database fault leaves as DATABASE_BUSY / DATABASE_UNAVAILABLE. */
  guard<T>(fn: () => T): T {
    this.hooks.before?.();
    try {
      return fn();
    } catch (e) {
      this.hooks.fault?.(e);
      throw databaseError(e);
    }
  }
  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.guard(() => this.prepare(sql).all(...params.map((p) => toSqlValue(p, 'sqlite'))) as T[]);
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return this.guard(() => this.prepare(sql).run(...params.map((p) => toSqlValue(p, 'sqlite'))).changes);
  }
  async exec(script: string): Promise<void> {
    this.guard(() => this.sqlite.exec(script));
  }
}

export function openSqliteConnection(file: string, opts: { readonly?: boolean; busyTimeoutMs?: number } = {}): BetterSqlite3.Database {
  const db = new BetterSqlite3(file, {
    timeout: opts.busyTimeoutMs ?? BATCH_BUSY_TIMEOUT_MS,
    readonly: opts.readonly ?? false,
    fileMustExist: false,
  });
  try {
    if (!opts.readonly) {
      try {
        db.pragma('journal_mode = WAL');
      } catch (e) {
        // Switching a rollback-journal file to WAL writes to it: a read-only file stays as it is
        // and is served read-only (reads work; writes answer DATABASE_UNAVAILABLE).
        if (faultOf(e) !== 'read-only') throw e;
      }
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/**
 * Whether a connection can write: takes the write lock without waiting, writes the header's
 * user_version with its own value and rolls back (nothing changes). 'busy' when another writer
 * holds the lock: the file is writable, only not now.
 */
export function writeProbe(conn: BetterSqlite3.Database): 'writable' | 'read-only' | 'busy' {
  const before = conn.pragma('busy_timeout', { simple: true }) as number;
  conn.pragma('busy_timeout = 0');
  try {
    conn.exec('BEGIN IMMEDIATE');
    try {
      const v = Number(conn.pragma('user_version', { simple: true }));
      conn.pragma(`user_version = ${v}`);
      return 'writable';
    } finally {
      if (conn.inTransaction) conn.exec('ROLLBACK');
    }
  } catch (e) {
    const fault = faultOf(e);
    if (fault === 'read-only' || fault === 'busy') return fault === 'busy' ? 'busy' : 'read-only';
    throw e;
  } finally {
    conn.pragma(`busy_timeout = ${before}`);
  }
}

export class SqliteSql extends SqliteRunner implements Sql {
  onFault: ((fault: DatabaseFault) => void) | null = null;
  private busyTimeoutMs = BATCH_BUSY_TIMEOUT_MS;
  /** The busy timeout the shared connection has now (0 inside a contended window). */
  private appliedBusyMs = BATCH_BUSY_TIMEOUT_MS;
  private contendedUntil = 0;
  /** Known to be read-only (found by a probe, or a write refused); probes and writes then re-check. */
  private readOnly = false;
  private lastRecheck = 0;

  constructor(readonly file: string) {
    super(openSqliteConnection(file));
    this.hooks = { before: () => this.applyBusyTimeout(), fault: (e: unknown) => this.noteFault(e) };
  }

  setBusyTimeout(ms: number) {
    this.busyTimeoutMs = ms;
    this.applyBusyTimeout();
  }

  /** The busy timeout new statements get: none inside a contended window, else the configured one. */
  private effectiveBusyMs(): number {
    return Date.now() < this.contendedUntil ? 0 : this.busyTimeoutMs;
  }

  private applyBusyTimeout() {
    const ms = this.effectiveBusyMs();
    if (ms !== this.appliedBusyMs) {
      this.sqlite.pragma(`busy_timeout = ${ms}`);
      this.appliedBusyMs = ms;
    }
  }

  private noteFault(e: unknown) {
    const fault = faultOf(e);
    if (!fault) return;
    if (fault === 'busy') this.contendedUntil = Date.now() + CONTENDED_WINDOW_MS;
    if (fault === 'read-only') this.readOnly = true;
    this.onFault?.(fault);
  }

  /** A write while the database is known to be read-only first checks (at most once a second) whether that passed. */
  private recheckBeforeWrite() {
    if (!this.readOnly || Date.now() - this.lastRecheck < 1000) return;
    this.lastRecheck = Date.now();
    this.recoverWritable();
  }

  /**
   * Re-examines a database known to be read-only. The shared connection keeps the mode SQLite
   * opened it in, so once the file is writable again a new connection replaces it.
   */
  private recoverWritable(): DatabaseState {
    const shared = writeProbe(this.sqlite);
    if (shared === 'writable') this.readOnly = false;
    if (shared !== 'read-only') return this.readOnly ? 'read-only' : 'up';
    let fresh: BetterSqlite3.Database;
    try {
      fresh = openSqliteConnection(this.file, { busyTimeoutMs: this.effectiveBusyMs() });
    } catch (e) {
      if (faultOf(e)) return 'read-only';
      throw e;
    }
    if (writeProbe(fresh) !== 'writable') {
      fresh.close();
      return 'read-only';
    }
    const old = this.replaceConnection(fresh);
    this.appliedBusyMs = this.effectiveBusyMs();
    old.close();
    this.readOnly = false;
    return 'up';
  }

  async probe(opts: { write?: boolean } = {}): Promise<DatabaseState> {
    try {
      this.guard(() => this.sqlite.prepare('SELECT 1 AS ok').get());
      if (!this.readOnly && !opts.write) return 'up';
      this.lastRecheck = Date.now();
      if (!this.readOnly && writeProbe(this.sqlite) !== 'read-only') return 'up';
      this.readOnly = true;
      return this.recoverWritable();
    } catch {
      return 'down';
    }
  }

  override async run(sql: string, params: unknown[] = []): Promise<number> {
    this.recheckBeforeWrite();
    return super.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlRunner & { sqlite: BetterSqlite3.Database }) => Promise<T>): Promise<T> {
    this.recheckBeforeWrite();
    // A dedicated connection keeps other work on the shared connection out of this transaction.
    // BEGIN IMMEDIATE takes the write lock up front so two writers queue instead of deadlocking
    // (each waiting at most the busy timeout).
    let conn: BetterSqlite3.Database;
    try {
      conn = openSqliteConnection(this.file, { busyTimeoutMs: this.effectiveBusyMs() });
    } catch (e) {
      this.noteFault(e);
      throw databaseError(e);
    }
    const runner = new SqliteRunner(conn, { fault: (e) => this.noteFault(e) });
    try {
      runner.guard(() => conn.exec('BEGIN IMMEDIATE'));
      const result = await fn(runner);
      runner.guard(() => conn.exec('COMMIT'));
      return result;
    } catch (e) {
      if (conn.inTransaction) conn.exec('ROLLBACK');
      // Statements the callback ran on tx.sqlite itself (the import writer's prepared inserts) were not guarded.
      if (!(e instanceof AppError)) this.noteFault(e);
      throw databaseError(e);
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
  constructor(
    private readonly q: pg.Pool | pg.PoolClient,
    protected readonly fault: (e: unknown) => void = () => undefined,
  ) {}
  /** Runs a query; a driver error that is a database fault leaves as DATABASE_BUSY / DATABASE_UNAVAILABLE. */
  protected async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      this.fault(e);
      throw databaseError(e);
    }
  }
  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const r = await this.guard(() =>
      this.q.query(
        toPgPlaceholders(sql),
        params.map((p) => toSqlValue(p, 'postgresql')),
      ),
    );
    return r.rows as T[];
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    const r = await this.guard(() =>
      this.q.query(
        toPgPlaceholders(sql),
        params.map((p) => toSqlValue(p, 'postgresql')),
      ),
    );
    return r.rowCount ?? 0;
  }
  async exec(script: string): Promise<void> {
    await this.guard(() => this.q.query(script));
  }
}

/**
 * How long getting a connection may take before the query fails as DATABASE_UNAVAILABLE: a server
 * that does not answer at all (a dropped network, not a refused connection) would otherwise hold
 * each request until the operating system gives up, minutes later.
 */
export const PG_CONNECT_TIMEOUT_MS = 5000;

export class PgSql extends PgRunner implements Sql {
  readonly pool: pg.Pool;
  /** Where lost idle connections are reported; the server points it at its logger. */
  onConnectionLost: ConnectionLostHandler = reportToStderr;
  onFault: ((fault: DatabaseFault) => void) | null = null;
  constructor(url: string, pool?: pg.Pool) {
    setPgTypeParsers();
    const p = pool ?? new (loadPg().Pool)({ connectionString: url, max: 10, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
    let self: PgSql | null = null;
    super(p, (e) => {
      const f = faultOf(e);
      if (f) self?.onFault?.(f);
    });
    self = this;
    this.pool = p;
    keepPoolAlive(p, () => this.onConnectionLost);
  }
  /** The server waits on locks itself (lock_timeout/statement_timeout are the server's settings). */
  setBusyTimeout() {}
  async probe(): Promise<DatabaseState> {
    try {
      const [r] = await this.all<{ ro: string }>("SELECT current_setting('transaction_read_only') AS ro");
      return r.ro === 'on' ? 'read-only' : 'up';
    } catch {
      return 'down';
    }
  }
  async transaction<T>(fn: (tx: SqlRunner & { pgClient: pg.PoolClient }) => Promise<T>): Promise<T> {
    const client = await this.guard(() => this.pool.connect());
    // The pool stops listening while a connection is checked out; a connection ended between two
    // statements of the transaction would otherwise throw from the socket. Its next statement
    // fails instead, the transaction rolls back, and release() discards the connection.
    let reported = false;
    const lost = (err: Error) => {
      if (!reported) this.onConnectionLost(err); // then the socket's own end follows: one loss, one report
      reported = true;
    };
    client.on('error', lost);
    const runner = Object.assign(new PgRunner(client, this.fault), { pgClient: client });
    try {
      await runner.exec('BEGIN');
      const result = await fn(runner);
      await runner.exec('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      // Statements the callback ran on tx.pgClient itself (the import writer's) were not guarded.
      if (!(e instanceof AppError)) this.fault(e);
      throw databaseError(e);
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
