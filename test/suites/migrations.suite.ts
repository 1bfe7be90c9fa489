// Shared by the SQLite suite and the PostgreSQL suite (test/postgres/).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { TABLES, tableCounts } from '../../src/db/repositories/stats';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import type { Dialect } from '../../src/db/sql';

const CLI = path.join(__dirname, '..', '..', 'bin', 'salescast.js');

export function migrationsSuite(dialect: Dialect) {
  describe(`migrations on ${dialect}`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(dialect);
    });
    afterAll(async () => t.cleanup());

    test('a migrated database has every table, empty, and the migration recorded as Prisma does', async () => {
      const counts = await tableCounts(t.db.sql);
      expect(Object.keys(counts)).toEqual([...TABLES]);
      expect(Object.values(counts).every((n) => n === 0)).toBe(true);
      const rows = await t.db.sql.all<{ migration_name: string; finished_at: unknown }>(
        'SELECT migration_name, finished_at FROM _prisma_migrations',
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    });

    test('running migrate again is a no-op and says the database is up to date', () => {
      const out = execFileSync(process.execPath, [CLI, 'migrate', '--json'], { env: { ...process.env, DATABASE_URL: t.url } }).toString();
      expect(JSON.parse(out)).toEqual({ dialect, applied: [] });
    });

    test('a migration recorded as failed makes migrate refuse with a clear message and a non-zero exit', async () => {
      await t.db.sql.run('UPDATE _prisma_migrations SET finished_at = NULL, rolled_back_at = NULL, logs = ? ', ['boom']);
      let status = 0;
      let stderr = '';
      try {
        execFileSync(process.execPath, [CLI, 'migrate'], { env: { ...process.env, DATABASE_URL: t.url }, stdio: 'pipe' });
      } catch (e) {
        const failed = e as { status: number; stderr: Buffer }; // execFileSync's error on a non-zero exit
        status = failed.status;
        stderr = failed.stderr.toString();
      }
      expect(status).toBe(6);
      expect(stderr).toMatch(/Migration failed/);
      expect(stderr).toMatch(/failed migrations/i);
    });

    test("the Prisma client and the raw SQL runner read each other's rows, dates included", async () => {
      const at = new Date('2024-03-05T10:20:30.456Z');
      await t.db.sql.run('INSERT INTO account (external_id, name, acquired_at, status, updated_at) VALUES (?, ?, ?, ?, ?)', [
        'A-1',
        'Acme',
        at,
        'active',
        new Date(),
      ]);
      const viaPrisma = await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: 'A-1' } });
      expect(viaPrisma.acquiredAt?.toISOString()).toBe(at.toISOString());
      await t.db.prisma.account.create({ data: { externalId: 'A-2', name: 'Beta', acquiredAt: at } });
      const raw = await t.db.sql.all<{ acquired_at: unknown }>('SELECT acquired_at FROM account WHERE external_id = ?', ['A-2']);
      const { fromSqlDate } = await import('../../src/db/sql');
      expect(fromSqlDate(raw[0].acquired_at)?.toISOString()).toBe(at.toISOString());
    });
  });
}
