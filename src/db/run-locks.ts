// Locks that keep two batch runs (`salescast retrain`) from overlapping, from any host.
// - PostgreSQL: a session-level advisory lock on a dedicated connection. The server drops it when
//   the session ends, so a run that is killed (or whose host dies) never leaves it behind. The
//   connection's application_name says who holds it, which a refused run reports.
// - SQLite: a run_lock row, renewed while the run lives. A row past its expiry, or one held by a
//   process of this host that no longer exists, is taken over (a killed run leaves its row).
import crypto from 'node:crypto';
import os from 'node:os';
import type * as pg from 'pg';
import type { Database } from './database';
import { fromSqlDate, type Sql } from './sql';

export interface RunLockHolder {
  holder: string;
  since: Date | null;
}

export interface HeldRunLock {
  readonly name: string;
  readonly holder: string;
  release(): Promise<void>;
}

/** Who this process is in a lock (`retrain host:pid`). */
export const lockHolderName = (purpose: string) => `${purpose} ${os.hostname()}:${process.pid}`;

/** The advisory lock key of a name: the first 8 bytes of its sha-256, as two signed 32-bit halves. */
function advisoryKey(name: string): [number, number] {
  const h = crypto.createHash('sha256').update(`salescast:${name}`).digest();
  return [h.readInt32BE(0), h.readInt32BE(4)];
}

async function pgLock(url: string, name: string, holder: string): Promise<HeldRunLock | RunLockHolder> {
  const { Client } = require('pg') as typeof import('pg');
  const client: pg.Client = new Client({ connectionString: url, application_name: holder.slice(0, 63), keepAlive: true });
  // A dropped connection has already released the lock on the server: nothing to do but not crash.
  client.on('error', () => undefined);
  await client.connect();
  const [k1, k2] = advisoryKey(name);
  try {
    const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [k1, k2]);
    if (got.rows[0]?.ok) {
      return {
        name,
        holder,
        async release() {
          await client.query('SELECT pg_advisory_unlock($1, $2)', [k1, k2]).catch(() => undefined);
          await client.end().catch(() => undefined);
        },
      };
    }
    // The two-key form is stored as classid = k1, objid = k2 (objsubid 2) in pg_locks.
    const who = await client.query<{ application_name: string; backend_start: Date | null }>(
      `SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ($1::int)::oid AND l.objid = ($2::int)::oid AND l.objsubid = 2`,
      [k1, k2],
    );
    await client.end().catch(() => undefined);
    const row = who.rows[0];
    return { holder: row?.application_name || 'another session', since: row?.backend_start ?? null };
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
}

const processGone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

async function sqliteLock(sql: Sql, name: string, holder: string, ttlMs: number): Promise<HeldRunLock | RunLockHolder> {
  const host = os.hostname();
  const taken = await sql.transaction(async (tx) => {
    const now = new Date();
    const rows = await tx.all<{ holder: string; pid: number; host: string; acquired_at: unknown; expires_at: unknown }>(
      'SELECT holder, pid, host, acquired_at, expires_at FROM run_lock WHERE name = ?',
      [name],
    );
    const row = rows[0];
    if (row) {
      const expired = (fromSqlDate(row.expires_at)?.getTime() ?? 0) < now.getTime();
      const dead = row.host === host && processGone(Number(row.pid));
      if (!expired && !dead) return { holder: row.holder, since: fromSqlDate(row.acquired_at) } satisfies RunLockHolder;
      await tx.run('DELETE FROM run_lock WHERE name = ?', [name]);
    }
    await tx.run('INSERT INTO run_lock (name, holder, pid, host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
      name,
      holder,
      process.pid,
      host,
      now,
      new Date(now.getTime() + ttlMs),
    ]);
    return null;
  });
  if (taken) return taken;
  const renew = setInterval(
    () => {
      void sql
        .run('UPDATE run_lock SET expires_at = ? WHERE name = ? AND holder = ?', [new Date(Date.now() + ttlMs), name, holder])
        .catch(() => undefined);
    },
    Math.max(1000, Math.floor(ttlMs / 3)),
  );
  renew.unref();
  return {
    name,
    holder,
    async release() {
      clearInterval(renew);
      await sql.run('DELETE FROM run_lock WHERE name = ? AND holder = ?', [name, holder]);
    },
  };
}

/**
 * Takes the lock `name` for `holder`, or says who holds it. On SQLite the row lasts `ttlMs` past
 * its last renewal (renewed every third of it while held).
 */
export function tryRunLock(db: Pick<Database, 'dialect' | 'url' | 'sql'>, name: string, holder: string, ttlMs = 60_000) {
  return db.dialect === 'postgresql' ? pgLock(db.url, name, holder) : sqliteLock(db.sql, name, holder, ttlMs);
}

export const isHeld = (r: HeldRunLock | RunLockHolder): r is HeldRunLock => 'release' in r;
