// The database server ending connections (a restart, a failover, an administrator, or the test
// helper's DROP DATABASE ... WITH (FORCE)) must not crash the process: the pools discard the dead
// connections, the loss is reported, and the next query works on a new connection.
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startServer } from '../../src/http/server';
import { openDatabase } from '../../src/db/database';
import { createTestDatabase, pgAdminUrl, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
let admin: pg.Client;
beforeEach(async () => {
  t = await createTestDatabase('postgresql');
  admin = new pg.Client({ connectionString: pgAdminUrl() });
  await admin.connect();
});
afterEach(async () => {
  await admin.end();
  await t.cleanup();
});

const dbName = () => new URL(t.url).pathname.slice(1);

/** Ends every connection to the test database but the admin's, as a server restart would. */
async function terminateBackends(): Promise<number> {
  const r = await admin.query(
    'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [dbName()],
  );
  return r.rowCount ?? 0;
}

/** Waits until the pools have been told (the FATAL message arrives asynchronously). */
async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

it('survives idle connections being ended, reports each, and both clients reconnect', async () => {
  const lost: string[] = [];
  t.db.onConnectionLost((err) => lost.push((err as Error & { code?: string }).code ?? err.message));
  await t.db.sql.all('SELECT 1');
  await t.db.prisma.account.count();
  expect(await terminateBackends()).toBeGreaterThanOrEqual(2);
  await until(() => lost.length >= 2);
  // One report per idle connection (one per pool here, more if a pool happened to hold more).
  expect(lost.length).toBeGreaterThanOrEqual(2);
  expect(new Set(lost)).toEqual(new Set(['57P01']));

  expect(await t.db.sql.all<{ x: number }>('SELECT 2 AS x')).toEqual([{ x: 2 }]);
  await t.db.prisma.account.create({ data: { externalId: 'AFTER', name: 'After the restart' } });
  expect(await t.db.prisma.account.count()).toBe(1);
});

it('a connection ended inside a transaction fails that transaction, which writes nothing, and the next one works', async () => {
  const lost: Error[] = [];
  t.db.onConnectionLost((err) => lost.push(err));
  await expect(
    t.db.sql.transaction(async (tx) => {
      await tx.run("INSERT INTO account (external_id, name, created_at, updated_at) VALUES ('IN-TX', 'x', now(), now())");
      await terminateBackends();
      await until(() => lost.length > 0);
      await tx.run("INSERT INTO account (external_id, name, created_at, updated_at) VALUES ('IN-TX-2', 'y', now(), now())");
    }),
  ).rejects.toThrow();
  expect(lost).toHaveLength(1);
  expect(await t.db.prisma.account.count()).toBe(0);
  await t.db.sql.transaction((tx) =>
    tx.run("INSERT INTO account (external_id, name, created_at, updated_at) VALUES ('NEXT', 'z', now(), now())"),
  );
  expect(await t.db.prisma.account.count()).toBe(1);
});

it('stays quiet about connections ended while it closes', async () => {
  const db = openDatabase(t.url);
  const lost: Error[] = [];
  db.onConnectionLost((err) => lost.push(err));
  await db.sql.all('SELECT 1');
  await db.prisma.account.count();
  // pool.end() resolves before the server has seen each connection's goodbye: ending them
  // right after is the race the test helper's DROP DATABASE ... WITH (FORCE) runs into.
  await db.close();
  await terminateBackends();
  await new Promise((r) => setTimeout(r, 100));
  expect(lost).toEqual([]);
});

it('the server keeps answering through a database restart and logs the loss as a warning', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (s: string) => lines.push(s) });
  const config = {
    ...loadConfig({ DATABASE_URL: t.url }),
    PORT: 0,
    HOST: '127.0.0.1',
    SALESCAST_AUTH_DISABLED: true,
    LOG_LEVEL: 'warn' as const,
    // Rate-limit counts shared through the database sync every second on the same pool, one more
    // query that could be running when the backends are ended (see the wait below); the shared
    // store has tests of its own.
    RATE_LIMIT_STORE: 'memory' as const,
  };
  const handle = await startServer(config, t.db, { logger, handleSignals: false, trainers: {} });
  try {
    const jobs = () => fetch(`${handle.url}/v1/training-jobs`).then((r) => r.status);
    expect(await jobs()).toBe(200);
    lines.length = 0;
    // Every ended idle connection is reported once, each pool on its own schedule: the request
    // waits for all of them, or it could pick a connection whose end has not been noticed yet.
    // The server's own background work (the change feed's first model refresh, the database
    // watch) may hold a pooled connection for a moment: an active connection that is ended fails
    // its query instead of being reported as lost. Wait until every connection is idle.
    for (let i = 0; i < 500; i++) {
      const busy = await admin.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle'",
        [dbName()],
      );
      if (busy.rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const before = await admin.query(
      'SELECT pid, application_name, state, left(query, 80) AS query FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [dbName()],
    );
    const ended = await terminateBackends();
    await until(() => lines.filter((l) => l.includes('database connection lost')).length >= ended);
    expect(await jobs()).toBe(200);
    const lost = lines.map((l) => JSON.parse(l)).filter((l) => l.msg.includes('database connection lost'));
    // What the database had open and what the server logged, should this ever fail again.
    if (lost.length === 0) throw new Error(`no loss reported: ${JSON.stringify({ ended, connections: before.rows, lines })}`);
    expect(ended).toBeGreaterThanOrEqual(1);
    expect(lost.length).toBeGreaterThanOrEqual(1);
    expect(lost[0]).toMatchObject({ level: 40, err: { code: '57P01' } });
  } finally {
    await handle.close();
  }
});
