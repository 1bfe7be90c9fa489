// A PostgreSQL read replica for the read-heavy routes (DATABASE_READ_URL): reports, forecasts and
// score listings read from it, everything else (writes, training data, anything that must see its
// own write) stays on the primary. A streaming replica is behind the primary by however long it
// takes to receive and replay the WAL: usually well under a second, more under load or after a
// network fault, and without limit while replay is paused or the replica is cut off. So the lag is
// measured every few seconds: the primary's current WAL position is compared with the replica's
// replayed position; when the replica has not replayed it yet, the lag is the time since its last
// replayed transaction. While the lag is above DATABASE_READ_MAX_LAG_SECONDS, or the replica does
// not answer, reads go to the primary; a read that fails on the replica is retried on the primary.
import type { Database } from './database';
import { faultOf } from './errors';
import { PgSql, type Sql, type SqlRunner } from './sql';

export interface ReplicaStatus {
  /** Whether reads go to the replica now. */
  usable: boolean;
  /** Seconds the replica was behind the primary at the last check (0: caught up), or null if unknown. */
  lagSeconds: number | null;
  checkedAt: Date | null;
  /** Why reads go to the primary, when they do. */
  reason: string | null;
}

export interface ReadReplica {
  /** The primary's Database, but reading from the replica while it is usable. */
  readonly db: Database;
  status(): ReplicaStatus;
  /** Measures the lag now (also done every `checkMs`). */
  check(): Promise<ReplicaStatus>;
  close(): Promise<void>;
}

export interface ReadReplicaOptions {
  maxLagSeconds: number;
  /** How often the lag is measured (default 2 s). */
  checkMs?: number;
  /** Told when reads move between the replica and the primary. */
  onChange?: (status: ReplicaStatus) => void;
}

async function measureLag(primary: SqlRunner, replica: SqlRunner): Promise<number> {
  // The primary's position first: a replica that has replayed it was at most this check behind.
  const [p] = await primary.all<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const [r] = await replica.all<{ recovery: boolean; behind: number | null; since: number | null }>(
    `SELECT pg_is_in_recovery() AS recovery,
            pg_wal_lsn_diff(?::pg_lsn, pg_last_wal_replay_lsn()) AS behind,
            EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp())) AS since`,
    [p.lsn],
  );
  if (!r.recovery) throw new Error('DATABASE_READ_URL is not a replica (pg_is_in_recovery() is false)');
  if (r.behind === null) throw new Error('the replica has not replayed any WAL yet');
  if (Number(r.behind) <= 0) return 0;
  return Math.max(0, Number(r.since ?? Number.POSITIVE_INFINITY));
}

/** A connection problem (the replica is down or restarting), as opposed to an error in the query itself. */
const isConnectionError = (e: unknown): boolean => {
  if (faultOf(e) === 'unavailable') return true;
  const code = (e as { code?: string }).code ?? '';
  return /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|57P0[1-3]|08\d{3})$/.test(code) || /Connection terminated/i.test(String(e));
};

export function openReadReplica(primary: Database, url: string, opts: ReadReplicaOptions): ReadReplica {
  if (primary.dialect !== 'postgresql') throw new Error('a read replica needs a PostgreSQL primary');
  const replica = new PgSql(url);
  replica.onConnectionLost = () => undefined; // the lag check notices and moves reads to the primary
  let status: ReplicaStatus = { usable: false, lagSeconds: null, checkedAt: null, reason: 'not checked yet' };
  const set = (next: ReplicaStatus) => {
    const changed = next.usable !== status.usable;
    status = next;
    if (changed) opts.onChange?.(next);
  };

  const check = async (): Promise<ReplicaStatus> => {
    try {
      const lag = await measureLag(primary.sql, replica);
      const usable = lag <= opts.maxLagSeconds;
      set({
        usable,
        lagSeconds: lag,
        checkedAt: new Date(),
        reason: usable ? null : `the replica is ${lag.toFixed(1)} s behind (DATABASE_READ_MAX_LAG_SECONDS=${opts.maxLagSeconds})`,
      });
    } catch (e) {
      set({ usable: false, lagSeconds: null, checkedAt: new Date(), reason: `the replica cannot be read: ${(e as Error).message}` });
    }
    return status;
  };
  const timer = setInterval(() => void check(), opts.checkMs ?? 2000);
  timer.unref();
  void check();

  const read =
    <A extends unknown[], R>(f: (q: SqlRunner, ...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      if (!status.usable) return f(primary.sql, ...a);
      try {
        return await f(replica, ...a);
      } catch (e) {
        if (!isConnectionError(e)) throw e;
        set({ ...status, usable: false, reason: `the replica stopped answering: ${(e as Error).message}` });
        return f(primary.sql, ...a);
      }
    };
  const sql: Sql = {
    dialect: 'postgresql',
    all: read((q, text: string, params?: unknown[]) => q.all(text, params)) as Sql['all'],
    run: (text, params) => primary.sql.run(text, params), // a write never goes to a replica
    exec: (script) => primary.sql.exec(script),
    transaction: (fn) => primary.sql.transaction(fn),
    close: async () => undefined,
    // Health and faults are the primary's: the replica only ever adds a fallback.
    probe: (opts) => primary.sql.probe(opts),
    setBusyTimeout: () => undefined,
    get onFault() {
      return primary.sql.onFault;
    },
    set onFault(handler) {
      primary.sql.onFault = handler;
    },
  };
  const db: Database = {
    dialect: 'postgresql',
    url: primary.url,
    get prisma() {
      return primary.prisma;
    },
    sql,
    onConnectionLost: (handler) => primary.onConnectionLost(handler),
    close: async () => undefined, // the primary's owner closes it
  };
  return {
    db,
    status: () => status,
    check,
    async close() {
      clearInterval(timer);
      await replica.close();
    },
  };
}
