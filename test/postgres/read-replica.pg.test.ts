// DATABASE_READ_URL pointing at something that is not a usable replica: reads stay on the primary
// and the status says why (the real streaming replica, lag and stale reads are exercised by the
// deployment test, scripts/deploy-test.ts, which .ci/run runs).
import { openReadReplica } from '../../src/db/read-replica';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase('postgresql');
});
afterEach(async () => t.cleanup());

test('a primary given as the replica is refused: reads go to the primary, and the reason is given', async () => {
  const reads = openReadReplica(t.db, t.url, { maxLagSeconds: 5, checkMs: 60_000 });
  try {
    const status = await reads.check();
    expect(status).toMatchObject({ usable: false, reason: expect.stringMatching(/is not a replica \(pg_is_in_recovery\(\) is false\)/) });
    expect(await reads.db.sql.all<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  } finally {
    await reads.close();
  }
});

test('an unreachable replica: reads go to the primary', async () => {
  const changes: boolean[] = [];
  const reads = openReadReplica(t.db, 'postgresql://postgres@127.0.0.1:1/none', {
    maxLagSeconds: 5,
    checkMs: 60_000,
    onChange: (s) => changes.push(s.usable),
  });
  try {
    const status = await reads.check();
    expect(status).toMatchObject({ usable: false, lagSeconds: null, reason: expect.stringMatching(/cannot be read/) });
    expect(await reads.db.sql.all<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    // Writes through the view always go to the primary.
    await reads.db.sql.run('CREATE TABLE read_view_probe (x int)');
    expect(await t.db.sql.all('SELECT * FROM read_view_probe')).toEqual([]);
  } finally {
    await reads.close();
  }
});
