// Driver errors that are database faults become DATABASE_BUSY / DATABASE_UNAVAILABLE (HTTP 503 with
// Retry-After) at the SQL runner, once for every repository; any other error passes unchanged.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { databaseError, type DatabaseFaultError, faultOf, retryWhileBusy } from '../../src/db/errors';
import { SqliteSql } from '../../src/db/sql';
import { AppError } from '../../src/errors';

const err = (props: Record<string, unknown>) => Object.assign(new Error(String(props.message ?? 'x')), props);

describe('faultOf', () => {
  test.each([
    [{ code: 'SQLITE_BUSY', message: 'database is locked' }, 'busy'],
    [{ code: 'SQLITE_BUSY_SNAPSHOT' }, 'busy'],
    [{ code: 'SQLITE_LOCKED' }, 'busy'],
    [{ code: 'SQLITE_READONLY', message: 'attempt to write a readonly database' }, 'read-only'],
    [{ code: 'SQLITE_READONLY_DBMOVED' }, 'read-only'],
    [{ code: 'SQLITE_CANTOPEN' }, 'unavailable'],
    [{ code: 'SQLITE_IOERR_SHORT_READ' }, 'unavailable'],
    [{ code: 'SQLITE_FULL' }, 'unavailable'],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, 'unavailable'],
    [{ code: '57P03', message: 'the database system is starting up' }, 'unavailable'],
    [{ code: '08006' }, 'unavailable'],
    [{ code: '3D000' }, 'unavailable'],
    [{ code: '25006', message: 'cannot execute INSERT in a read-only transaction' }, 'read-only'],
    [{ code: '40P01' }, 'busy'],
    [{ code: '55P03' }, 'busy'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }, 'unavailable'],
    [{ message: 'Connection terminated unexpectedly' }, 'unavailable'],
    [{ message: 'timeout exceeded when trying to connect' }, 'unavailable'],
  ])('%j is %s', (props, fault) => {
    expect(faultOf(err(props))).toBe(fault);
  });

  test.each([
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed' }],
    [{ code: 'SQLITE_ERROR', message: 'no such table: x' }],
    [{ code: '23505', message: 'duplicate key value' }],
    [{ code: '42601', message: 'syntax error' }],
    [{ message: 'something else' }],
  ])('%j is not a database fault and passes unchanged', (props) => {
    const e = err(props);
    expect(faultOf(e)).toBeNull();
    expect(databaseError(e)).toBe(e);
  });

  test('an AggregateError whose causes are all refused connections is unavailable', () => {
    const e = new AggregateError([err({ code: 'ECONNREFUSED' }), err({ code: 'ECONNREFUSED' })], 'connect failed');
    expect(faultOf(e)).toBe('unavailable');
  });

  test('the AppError keeps the driver error as its cause and a Retry-After, and is not wrapped twice', () => {
    const driver = err({ code: 'SQLITE_BUSY', message: 'database is locked' });
    const e = databaseError(driver) as DatabaseFaultError;
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'DATABASE_BUSY', fault: 'busy', retryAfterSeconds: 1, cause: driver });
    expect(e.message).not.toMatch(/locked/); // the driver's words stay in the log
    expect(databaseError(e)).toBe(e);
    const ro = databaseError(err({ code: 'SQLITE_READONLY' })) as DatabaseFaultError;
    expect(ro).toMatchObject({ code: 'DATABASE_UNAVAILABLE', fault: 'read-only', retryAfterSeconds: 5 });
  });
});

describe('the SQLite runner', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-dberr-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a held write lock: waits the busy timeout, then DATABASE_BUSY; the next statements fail at once for a second', async () => {
    const file = path.join(dir, 'x.db');
    const sql = new SqliteSql(file);
    await sql.exec('CREATE TABLE t (x INTEGER)');
    const faults: string[] = [];
    sql.onFault = (f) => faults.push(f);
    sql.setBusyTimeout(150);
    const holder = new BetterSqlite3(file);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const t0 = Date.now();
      await expect(sql.run('INSERT INTO t VALUES (1)')).rejects.toMatchObject({ code: 'DATABASE_BUSY' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      // Inside the contended window the next statements do not wait again (busy timeout 0).
      await expect(sql.transaction((tx) => tx.run('INSERT INTO t VALUES (2)'))).rejects.toMatchObject({ code: 'DATABASE_BUSY' });
      await expect(sql.run('INSERT INTO t VALUES (2)')).rejects.toMatchObject({ code: 'DATABASE_BUSY' });
      expect(sql.sqlite.pragma('busy_timeout', { simple: true })).toBe(0);
      // Reads are not blocked by a writer (WAL).
      expect(await sql.all('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 0 }]);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(faults).toEqual(['busy', 'busy', 'busy']);
    await sql.run('INSERT INTO t VALUES (3)');
    expect(await sql.all('SELECT x FROM t')).toEqual([{ x: 3 }]);
    await sql.close();
  });

  test('other driver errors pass unchanged', async () => {
    const sql = new SqliteSql(path.join(dir, 'y.db'));
    await expect(sql.all('SELECT * FROM missing')).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    await expect(sql.transaction((tx) => tx.run('INSERT INTO missing VALUES (1)'))).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    await sql.close();
  });
});

describe('retryWhileBusy (background writes of the server)', () => {
  test('retries while the database is busy, without blocking, and gives up on anything else at once', async () => {
    let attempts = 0;
    const busy = databaseError(err({ code: 'SQLITE_BUSY' }));
    const result = await retryWhileBusy(async () => {
      attempts++;
      if (attempts < 3) throw busy;
      return 'written';
    });
    expect([result, attempts]).toEqual(['written', 3]);
    let other = 0;
    await expect(
      retryWhileBusy(async () => {
        other++;
        throw err({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(other).toBe(1);
    await expect(
      retryWhileBusy(async () => {
        throw busy;
      }, 50),
    ).rejects.toBe(busy);
  });
});
