// The snapshot commands as an operator runs them (from cron, or once to backfill): a snapshot as
// of a past date, the listing by as-of, the waterfall between the two latest, and a bad date.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadDemoData } from '../../src/services/demo-service';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'salescast.js');
let t: TestDatabase;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: t.url }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
beforeAll(async () => {
  t = await createTestDatabase('sqlite');
  await loadDemoData(t.db, { seed: 9, accounts: 60, months: 12, asOf: new Date('2026-06-20T00:00:00Z') });
});
afterAll(async () => t?.cleanup());

test('backfills a snapshot as of the quarter start, lists by as-of, and compares the two latest', () => {
  const now = run('forecast', 'snapshot', '--period', '2026-Q2', '--sims', '500', '--json');
  expect(now.code).toBe(0);
  const back = run('forecast', 'snapshot', '--period', '2026-Q2', '--as-of', '2026-04-01', '--sims', '500');
  expect(back.code).toBe(0);
  expect(back.out).toMatch(/^Snapshot \d+ stored: 2026-Q2 as of 2026-04-01, expected/);
  const list = JSON.parse(run('forecast', 'snapshots', '--json').out) as { id: number; asOf: string }[];
  expect(list.map((s) => s.asOf.slice(0, 10))).toEqual([new Date().toISOString().slice(0, 10), '2026-04-01']);
  expect(list[0].id).toBe(JSON.parse(now.out).snapshotId);
  const w = JSON.parse(run('forecast', 'changes', '--json').out);
  expect(w.from.asOf.slice(0, 10)).toBe('2026-04-01');
  // Deals open on April 1st were won or lost by June 20th: the waterfall shows them.
  const steps = Object.fromEntries(w.steps.map((s: { kind: string; deals: number }) => [s.kind, s.deals]));
  expect(steps.won + steps.lost).toBeGreaterThan(0);
  // Deals are shown as the CRM knows them: external id and name, not internal row ids.
  expect(w.changes[0]).toMatchObject({ externalId: expect.stringMatching(/^OPP-/), name: expect.any(String) });
  const table = run('forecast', 'changes', '--deals').out;
  expect(table).toMatch(/as of 2026-04-01 00:00\) → \d+ \(as of /);
  expect(table).toContain(w.changes[0].externalId);
  expect(table).toContain(w.changes[0].name);
});

test('a date that is not one is refused, naming the option', () => {
  const r = run('forecast', 'snapshot', '--as-of', '2026-13-45');
  expect(r.code).not.toBe(0);
  expect(r.err).toMatch(/as-of/);
});

test('backtest --json names its primary method as a key of metrics, and the table marks it', () => {
  const j = run('forecast', 'backtest', '--from', '2026-01-01', '--to', '2026-05-01', '--sims', '300', '--json');
  expect(j.code).toBe(0);
  const r = JSON.parse(j.out);
  expect(Object.keys(r.metrics)).toContain(r.primary);
  expect(r.metrics.blend.periods).toBe(4);
  const t = run('forecast', 'backtest', '--from', '2026-01-01', '--to', '2026-05-01', '--sims', '300');
  expect(t.out).toMatch(/blend \(out of sample\)\s+← primary/);
  expect(t.out).toMatch(/^Primary: blend\. The blend/m);
});
