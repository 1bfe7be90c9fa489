// `npx salescast import` as an operator or a cron job sees it: output, exit codes, the error report.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableCounts } from '../../src/db/repositories/stats';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const CLI = path.join(__dirname, '..', '..', 'bin', 'salescast.js');
let t: TestDatabase;
let dir: string;

beforeAll(async () => {
  t = await createTestDatabase('sqlite');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-import-cli-'));
});
afterAll(async () => {
  await t.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: t.url }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function file(name: string, text: string) {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

test('import --help names every kind and option', () => {
  const r = cli('import', '--help');
  expect(r.status).toBe(0);
  for (const word of [
    'opportunities',
    'stage-changes',
    'service-costs',
    '--map',
    '--dry-run',
    '--skip-invalid',
    '--delimiter',
    '--no-header',
    '--json',
  ])
    expect(r.stdout).toContain(word);
});

test('a bad file exits 2, lists row, column, value and problem, and writes nothing; then a dry run and a real import of a good file', async () => {
  const rows = Array.from({ length: 60 }, (_, i) => `A-${i},,${i}`).join('\n');
  const bad = cli('import', 'accounts', file('bad.csv', `external_id,name,employees\n${rows}\n`));
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/error: 60 of 60 rows .* invalid .*nothing was imported/);
  expect(bad.stderr).toMatch(/row 2, column name: name is required but empty or missing/);
  expect(bad.stderr).toMatch(/\.\.\. and 10 more/);
  expect((await tableCounts(t.db.sql)).account).toBe(0);

  const good = file('good.csv', 'external_id,name\nA-1,Acme\nA-2,Globex\n');
  const dry = cli('import', 'accounts', good, '--dry-run', '--json');
  expect(dry.status).toBe(0);
  expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, read: 2, inserted: 2 });
  expect((await tableCounts(t.db.sql)).account).toBe(0);

  const real = cli('import', 'accounts', good);
  expect(real.status).toBe(0);
  expect(real.stdout).toMatch(/Imported accounts/);
  expect((await tableCounts(t.db.sql)).account).toBe(2);
});

test('--skip-invalid imports the rest, writes the rejected file and exits 2 so cron notices; an unknown kind exits 2', async () => {
  const rejected = path.join(dir, 'rejected.csv');
  const r = cli('import', 'reps', file('reps.csv', 'external_id,name\nR-1,Rita\nR-2,\n'), '--skip-invalid', rejected, '--json');
  expect(r.status).toBe(2);
  expect(JSON.parse(r.stdout)).toMatchObject({ inserted: 1, rejected: 1, rejectedFile: rejected });
  expect(fs.readFileSync(rejected, 'utf8')).toMatch(/R-2,,3,/);
  const k = cli('import', 'deals', rejected);
  expect(k.status).toBe(2);
  expect(k.stderr).toMatch(/Unknown kind "deals"; use one of: campaigns, accounts/);
});
