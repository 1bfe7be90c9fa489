// Database trouble that is neither the caller's fault nor a bug: another writer holding the lock
// longer than a request may wait, a server that is down or restarting, a file that cannot be
// written. The SQL runners (src/db/sql.ts) pass every driver error through `databaseError` once,
// so every repository above them answers these as typed AppErrors (HTTP 503 with Retry-After),
// never as a 500; anything else (a constraint, a syntax error: a bug or bad data) passes unchanged.
import { AppError } from '../errors';

export type DatabaseFault = 'busy' | 'unavailable' | 'read-only';

/** SQLite result codes (better-sqlite3's SqliteError.code, extended codes included). */
const SQLITE_BUSY = /^SQLITE_(BUSY|LOCKED)(_|$)/;
const SQLITE_READONLY = /^SQLITE_READONLY(_|$)/;
const SQLITE_UNAVAILABLE = /^SQLITE_(CANTOPEN|IOERR|FULL|PERM|NOTADB|CORRUPT|AUTH)(_|$)/;

/**
 * PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * 40001 serialization_failure, 40P01 deadlock_detected, 55P03 lock_not_available, 57014
 * query_canceled (a statement timeout) and 53300 too_many_connections pass once others finish.
 */
const PG_BUSY = new Set(['40001', '40P01', '55P03', '57014', '53300']);
/**
 * Class 08 connection_exception, 57P01-57P03 admin/crash shutdown and cannot_connect_now (a
 * restart), 53100 disk_full, 53200 out_of_memory, 3D000 the database does not exist, 28xxx
 * authentication: the database cannot serve until an operator (or a restart) fixes it.
 */
const PG_UNAVAILABLE = /^(08...|57P0[123]|53100|53200|3D000|28...)$/;
/** 25006 read_only_sql_transaction: a standby, or default_transaction_read_only. */
const PG_READONLY = '25006';
/** Socket errors of a server that is down, unreachable or went away. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** node-postgres reports a lost or never-made connection with these messages and no code. */
const PG_LOST =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end/i;

/** Which kind of database fault an error is, or null when it is not one (a bug, a constraint, bad data). */
export function faultOf(e: unknown): DatabaseFault | null {
  if (e instanceof DatabaseFaultError) return e.fault;
  if (e instanceof AppError) return null;
  if (!e || typeof e !== 'object') return null;
  const code = String((e as { code?: unknown }).code ?? '');
  const message = String((e as { message?: unknown }).message ?? '');
  if (code.startsWith('SQLITE_')) {
    if (SQLITE_BUSY.test(code)) return 'busy';
    if (SQLITE_READONLY.test(code)) return 'read-only';
    if (SQLITE_UNAVAILABLE.test(code)) return 'unavailable';
    return null;
  }
  if (code === PG_READONLY) return 'read-only';
  if (PG_BUSY.has(code)) return 'busy';
  if (PG_UNAVAILABLE.test(code) || NET_CODES.has(code)) return 'unavailable';
  // better-sqlite3 cannot open a file in a missing directory (a TypeError without a code).
  if (/^Cannot open database because the directory does not exist/.test(message)) return 'unavailable';
  if (!code && PG_LOST.test(message)) return 'unavailable';
  // An AggregateError (a host name resolving to several addresses, each refused) carries the causes.
  const inner = (e as { errors?: unknown[] }).errors;
  if (Array.isArray(inner) && inner.length && inner.every((x) => faultOf(x) === 'unavailable')) return 'unavailable';
  return null;
}

const MESSAGES: Record<DatabaseFault, string> = {
  busy: 'The database is busy: another writer (an import, a training run?) holds it longer than a request may wait. Retry shortly.',
  unavailable: 'The database is unavailable (not reachable or not answering). Retry later; operators: see /ready and the server log.',
  'read-only': 'The database is read-only: the server cannot write to it. Operators: check the file or server permissions; see /ready.',
};

/** A driver error turned into DATABASE_BUSY or DATABASE_UNAVAILABLE, with the kind of fault. */
export class DatabaseFaultError extends AppError {
  constructor(
    readonly fault: DatabaseFault,
    cause: unknown,
  ) {
    super(fault === 'busy' ? 'DATABASE_BUSY' : 'DATABASE_UNAVAILABLE', MESSAGES[fault], [], {
      cause,
      retryAfterSeconds: fault === 'busy' ? 1 : 5,
    });
  }
}

/**
 * The AppError for a driver error that is a database fault (DATABASE_BUSY, or
 * DATABASE_UNAVAILABLE for unreachable and read-only), keeping the driver error as its cause for
 * the log; any other error unchanged.
 */
export function databaseError(e: unknown): unknown {
  if (e instanceof AppError) return e;
  const fault = faultOf(e);
  return fault ? new DatabaseFaultError(fault, e) : e;
}

/**
 * Runs a write the server does in the background (not for a waiting caller), retrying while the
 * database is busy: the short busy timeout of the request path keeps each attempt from stalling
 * the event loop, and the waits between attempts do not block it at all.
 */
export async function retryWhileBusy<T>(write: () => Promise<T>, totalMs = 30_000): Promise<T> {
  const until = Date.now() + totalMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    try {
      return await write();
    } catch (e) {
      if (faultOf(e) !== 'busy' || Date.now() + wait > until) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
