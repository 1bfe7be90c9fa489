// Temporary databases for tests, migrated with the real migrations. Migrating once per run into a
// template (keyed by a hash of the migration files) and copying it per test keeps the suite fast:
// a SQLite template is a file copy, a PostgreSQL one is CREATE DATABASE ... TEMPLATE.
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database';
import type { Dialect } from '../../src/db/sql';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'salescast.js');

function migrationsHash(dialect: Dialect): string {
  const dir = path.join(ROOT, 'prisma', dialect, 'migrations');
  const h = crypto.createHash('sha256');
  for (const name of fs.readdirSync(dir).sort()) {
    const f = path.join(dir, name, 'migration.sql');
    if (fs.existsSync(f)) h.update(name).update(fs.readFileSync(f));
  }
  return h.digest('hex').slice(0, 12);
}

export function runCliMigrate(databaseUrl: string) {
  execFileSync(process.execPath, [CLI, 'migrate'], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'pipe' });
}

function sqliteTemplate(): string {
  const file = path.join(os.tmpdir(), `salescast-test-template-${migrationsHash('sqlite')}.db`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.${Date.now()}`;
    runCliMigrate(`file:${tmp}`);
    // Fold the WAL into the main file so a plain copy is complete.
    const Better = require('better-sqlite3');
    const conn = new Better(tmp);
    conn.pragma('wal_checkpoint(TRUNCATE)');
    conn.pragma('journal_mode = DELETE');
    conn.close();
    fs.renameSync(tmp, file);
  }
  return file;
}

export const testDialect = (): Dialect => (process.env.SALESCAST_TEST_DIALECT === 'postgresql' ? 'postgresql' : 'sqlite');

export function pgAdminUrl(): string {
  const url = process.env.SALESCAST_TEST_PG_URL;
  if (!url) throw new Error('SALESCAST_TEST_PG_URL is not set: the PostgreSQL tests need a server (see .ci/run)');
  return url;
}

function withDbName(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pgTemplate(admin: pg.Client): Promise<string> {
  const name = `salescast_tmpl_${migrationsHash('postgresql')}`;
  await admin.query('SELECT pg_advisory_lock(424242)');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}"`);
      runCliMigrate(withDbName(pgAdminUrl(), name));
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(424242)');
  }
  return name;
}

export interface TestDatabase {
  db: Database;
  url: string;
  cleanup(): Promise<void>;
}

/** A fresh, migrated, empty database of the dialect under test. */
export async function createTestDatabase(dialect: Dialect = testDialect()): Promise<TestDatabase> {
  const id = `${process.pid}_${Date.now()}_${crypto.randomBytes(3).toString('hex')}`;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-test-'));
    const file = path.join(dir, 'test.db');
    fs.copyFileSync(sqliteTemplate(), file);
    const url = `file:${file}`;
    const db = openDatabase(url);
    return {
      db,
      url,
      async cleanup() {
        await db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: pgAdminUrl() });
  await admin.connect();
  const tmpl = await pgTemplate(admin);
  const name = `salescast_test_${id}`;
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${tmpl}"`);
  await admin.end();
  const url = withDbName(pgAdminUrl(), name);
  const db = openDatabase(url);
  return {
    db,
    url,
    async cleanup() {
      await db.close();
      const a = new pg.Client({ connectionString: pgAdminUrl() });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}
