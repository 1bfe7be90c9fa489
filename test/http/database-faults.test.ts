// Database faults on the HTTP path (issue 12): a SQLite write lock held by another process, and a
// read-only SQLite file. Each answers 503 with a clear code and Retry-After on the routes that need
// the database, /ready says why, the rest of the API keeps answering, and everything recovers
// without a restart once the fault passes. (PostgreSQL stopped and started again:
// test/postgres/database-restart.pg.test.ts.)
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startServer, type ServerHandle } from '../../src/http/server';
import { createTestDatabase, runCliMigrate, testDialect, type TestDatabase } from '../helpers/db';
import { serveProcess } from '../helpers/serve-process';

const sqliteOnly = testDialect() === 'sqlite' ? describe : describe.skip;

const account = (id: string) => JSON.stringify({ records: [{ externalId: id, name: `Account ${id}` }] });

async function call(base: string, pathname: string, init: RequestInit = {}) {
  const res = await fetch(`${base}${pathname}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : null };
}

/** A second process that takes SQLite's write lock (BEGIN IMMEDIATE) and holds it until told to let go. */
function holdWriteLock(file: string): Promise<{ release(): Promise<void> }> {
  const script = `
    const Db = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Db(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    process.stdin.on('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () =>
      resolve({
        release: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.stdin!.write('go\n');
          }),
      }),
    );
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
}

sqliteOnly('a SQLite write lock held by another process', () => {
  let tdb: TestDatabase;
  let handle: ServerHandle;
  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    const config = {
      ...loadConfig({ DATABASE_URL: tdb.url }),
      PORT: 0,
      HOST: '127.0.0.1',
      SALESCAST_AUTH_DISABLED: true,
      SQLITE_BUSY_TIMEOUT_MS: 200,
      LOG_LEVEL: 'silent' as const,
    };
    handle = await startServer(config, tdb.db, { logger: pino({ level: 'silent' }), handleSignals: false, trainers: {}, workers: false });
  });
  afterAll(async () => {
    await handle.close();
    await tdb.cleanup();
  });

  test('a write waits at most the busy timeout, then 503 DATABASE_BUSY with Retry-After; reads and /health answer; the write works once the lock is gone', async () => {
    const lock = await holdWriteLock(tdb.url.replace(/^file:/, ''));
    try {
      const started = Date.now();
      const busy = await call(handle.url, '/v1/data/accounts', { method: 'POST', body: account('A-1') });
      // Not the 15 s a CLI waits (issue 12 saw 30 s, then a 500).
      expect(Date.now() - started).toBeLessThan(5000);
      expect(busy).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'DATABASE_BUSY' } } });
      expect(busy.body.error.message).toMatch(/busy/i);
      // A second write inside the contended window fails at once instead of waiting again.
      expect((await call(handle.url, '/v1/data/accounts', { method: 'POST', body: account('A-2') })).status).toBe(503);
      expect(await call(handle.url, '/health')).toMatchObject({ status: 200, body: { database: 'up' } });
      expect((await call(handle.url, '/v1/models')).status).toBe(200);
      expect((await call(handle.url, '/ready')).body.database).toBe('up'); // busy is not down
    } finally {
      await lock.release();
    }
    const ok = await call(handle.url, '/v1/data/accounts', { method: 'POST', body: account('A-1') });
    expect(ok).toMatchObject({ status: 200, body: { counts: { accounts: { inserted: 1 } } } });
  });
});

/**
 * Root writes to a file whatever its permission bits say, so chmod alone would not make it
 * read-only for a server run by root (as CI runs the tests). The server then runs as root without
 * the capabilities that override permission bits (util-linux's setpriv drops them from the
 * bounding set): it keeps root's ownership of the checkout, which may sit in a directory no other
 * user can enter (mktemp -d makes it 0700), and a file of mode 0444 is read-only to it.
 */
const DROP_OVERRIDES = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--'] : undefined;

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

sqliteOnly('a read-only SQLite file', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-readonly-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('detected at start: /ready 503 read-only, writes 503 DATABASE_UNAVAILABLE, reads answer; writable again, it recovers without a restart', async () => {
    const file = path.join(dir, 'salescast.db');
    runCliMigrate(`file:${file}`);
    // The directory stays writable (SQLite keeps its journal beside the file); the file is not.
    fs.chmodSync(dir, 0o777);
    fs.chmodSync(file, 0o444);
    const modelsDir = path.join(dir, 'models');
    fs.mkdirSync(modelsDir, { mode: 0o777 });
    const server = serveProcess(
      { DATABASE_URL: `file:${file}`, SALESCAST_MODELS_DIR: modelsDir, LOG_LEVEL: 'warn' },
      { cwd: os.tmpdir(), wrap: DROP_OVERRIDES },
    );
    try {
      const base = await server.url;
      const ready = await call(base, '/ready');
      expect(ready).toMatchObject({ status: 503, retryAfter: '5', body: { status: 'not_ready', database: 'read-only' } });
      expect(ready.body.databaseProblem).toMatch(/cannot be written/);
      expect((await call(base, '/health')).body).toMatchObject({ status: 'ok', database: 'read-only' });
      const write = await call(base, '/v1/data/accounts', { method: 'POST', body: account('R-1') });
      expect(write).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'DATABASE_UNAVAILABLE' } } });
      expect(write.body.error.message).toMatch(/read-only/);
      expect((await call(base, '/v1/models')).status).toBe(200);

      // The operator fixes the permissions (of the file and of any journal SQLite made beside it).
      for (const f of fs.readdirSync(dir)) if (f.startsWith('salescast.db')) fs.chmodSync(path.join(dir, f), 0o666);
      expect(await call(base, '/ready')).toMatchObject({ status: 200, body: { database: 'up' } });
      const again = await call(base, '/v1/data/accounts', { method: 'POST', body: account('R-1') });
      expect(again).toMatchObject({ status: 200, body: { counts: { accounts: { inserted: 1 } } } });
    } catch (e) {
      // The server's own words say why (it may not have started at all).
      await stop(server.child);
      throw new Error(`${(e as Error).message}\nserver output:\n${server.output()}`);
    }
    expect(await stop(server.child)).toBe(0);
    // The start-up said so (log lines are written in batches; all are out once the process ended).
    expect(server.output()).toMatch(/cannot be written/);
  });
});
