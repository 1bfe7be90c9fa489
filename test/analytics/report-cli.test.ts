// `salescast report` end to end on the golden fixture: JSON is the service result, CSV the main
// table, and bad names exit 2 (INVALID_INPUT) with a message naming them.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { loadGoldenFixture } from './golden-fixture';

const CLI = path.join(__dirname, '..', '..', 'bin', 'salescast.js');

describe('the report command', () => {
  let t: TestDatabase;
  const run = (...args: string[]) => {
    try {
      return {
        status: 0,
        stdout: execFileSync(process.execPath, [CLI, 'report', ...args], {
          env: { ...process.env, DATABASE_URL: t.url },
          stdio: 'pipe',
        }).toString(),
        stderr: '',
      };
    } catch (e) {
      const failed = e as { status: number; stdout: Buffer; stderr: Buffer }; // execFileSync's error on a non-zero exit
      return { status: failed.status, stdout: failed.stdout.toString(), stderr: failed.stderr.toString() };
    }
  };
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    await loadGoldenFixture(t.db);
  });
  afterAll(async () => t.cleanup());

  test('profitability for SMB clients in 2024 as JSON and as CSV', () => {
    const json = JSON.parse(run('profitability', 'segment=SMB', '--from', '2024-01-01', '--to', '2024-12-31', '--json').stdout);
    expect(json.rows.map((r: { accountId: string; netProfit: number }) => [r.accountId, r.netProfit])).toEqual([
      ['A1', 1600],
      ['A3', 350],
    ]);
    expect(json.totals.netProfit).toBe(1950);
    const csv = run('profitability', '--filter', 'segment=SMB', '--from', '2024-01-01', '--to', '2024-12-31', '--csv')
      .stdout.trim()
      .split('\n');
    expect(csv[0]).toMatch(/^account,name,segment,region,rep,revenue,/);
    expect(csv[1]).toMatch(/^A1,Acme,SMB,EU,Alice,2700,900,1800,/);
    expect(csv).toHaveLength(3);
  });

  test('an unknown report or filter field exits 2 naming it', () => {
    const a = run('nonsense');
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/Unknown report "nonsense"/);
    const b = run('funnel', 'colour=red');
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/Unknown field "colour"/);
  });
});
