// `salescast retrain` through the real CLI, on SQLite and (test:pg) PostgreSQL: every step in
// order as one JSON line, a second run refused while one holds the lock (exit 5, naming the
// holder), --dry-run changing nothing, --only limiting the steps, bad flags exit 2.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isHeld, tryRunLock } from '../../src/db/run-locks';
import { loadDemoData } from '../../src/services/demo-service';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'salescast.js');

let t: TestDatabase;
let modelsDir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-retrain-'));
  await loadDemoData(t.db, { seed: 42, accounts: 150, months: 18 });
});
afterAll(async () => {
  await t.cleanup();
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

function retrain(args: string[]): Promise<{ code: number | null; lines: Record<string, unknown>[]; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'retrain', ...args], {
      env: { ...process.env, DATABASE_URL: t.url, SALESCAST_MODELS_DIR: modelsDir, SALESCAST_SEED: '42' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = args.includes('--json')
        ? stdout
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : [];
      resolve({ code, lines, stdout, stderr });
    });
  });
}

const versions = async () => Number((await t.db.sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM model_version'))[0].n);
const snapshots = async () => Number((await t.db.sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM forecast_snapshot'))[0].n);

describe('salescast retrain', () => {
  test('--dry-run lists the steps and changes nothing', async () => {
    const r = await retrain(['--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => [l.step, l.model ?? null, l.status])).toEqual([
      ['lock', null, 'ok'],
      ['train', 'win', 'planned'],
      ['train', 'churn', 'planned'],
      ['train', 'clv', 'planned'],
      ['score-deals', null, 'planned'],
      ['score-customers', null, 'planned'],
      ['forecast-snapshot', null, 'planned'],
      ['done', null, 'ok'],
    ]);
    expect(await versions()).toBe(0);
    expect(await snapshots()).toBe(0);
  });

  test('trains, scores and snapshots, one JSON line per step with duration, decision and version', async () => {
    const r = await retrain(['--json']);
    expect(r.code).toBe(0);
    const steps = r.lines.map((l) => `${l.step}${l.model ? ` ${l.model}` : ''}`);
    expect(steps).toEqual(['lock', 'train win', 'train churn', 'train clv', 'score-deals', 'score-customers', 'forecast-snapshot', 'done']);
    for (const l of r.lines) {
      expect(l.status).toBe('ok');
      expect(typeof l.seconds).toBe('number');
      expect(Date.parse(l.time as string)).not.toBeNaN();
    }
    const win = r.lines.find((l) => l.model === 'win')!;
    expect(win).toMatchObject({ version: 1, promoted: true, decision: expect.stringMatching(/promoted/) });
    expect(await versions()).toBe(3);
    expect(await snapshots()).toBeGreaterThan(0);
    expect(r.lines.find((l) => l.step === 'score-deals')?.detail).toMatch(/^scored \d+ open deals/);
  }, 180_000);

  test('a second run while one holds the lock does nothing and exits 5, naming the holder', async () => {
    const held = await tryRunLock(t.db, 'retrain', 'nightly on host-a');
    if (!isHeld(held)) throw new Error('the test could not take the lock');
    try {
      const before = await versions();
      const r = await retrain(['--json', '--only', 'win']);
      expect(r.code).toBe(5);
      expect(r.lines[0]).toMatchObject({
        step: 'lock',
        status: 'failed',
        error: { code: 'CONFLICT', message: expect.stringMatching(/another retrain is running \(nightly on host-a/) },
      });
      expect(r.lines.at(-1)).toMatchObject({ step: 'done', status: 'failed' });
      expect(await versions()).toBe(before);
      const text = await retrain(['--only', 'win']);
      expect(text.code).toBe(5);
      expect(text.stderr).toMatch(/another retrain is running/);
    } finally {
      await held.release();
    }
    // Released: the next run goes ahead.
    const after = await retrain(['--json', '--only', 'clv']);
    expect(after.code).toBe(0);
    expect(after.lines.map((l) => `${l.step}${l.model ? ` ${l.model}` : ''}`)).toEqual(['lock', 'train clv', 'score-customers', 'done']);
  }, 180_000);

  test('bad flags exit 2 naming the flag', async () => {
    const r = await retrain(['--only', 'win,forecast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--only must list models among win, churn, clv \(got "win,forecast"\)/);
  });
});

describe('the run lock', () => {
  test('a lock whose holder died is taken over (SQLite: a dead pid; PostgreSQL: the session ended)', async () => {
    if (t.db.dialect === 'sqlite') {
      // A run killed with SIGKILL leaves its row; its pid no longer exists on this host.
      await t.db.sql.run('INSERT INTO run_lock (name, holder, pid, host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
        'retrain',
        'salescast retrain gone',
        2 ** 22 + 12345,
        os.hostname(),
        new Date(),
        new Date(Date.now() + 3_600_000),
      ]);
    } else {
      // A holder whose session ends without unlocking (its process killed, its host gone).
      const other = await tryRunLock(t.db, 'retrain', 'salescast retrain gone');
      if (!isHeld(other)) throw new Error('the test could not take the lock');
      await t.db.sql.all("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'salescast retrain gone'");
      await new Promise((r) => setTimeout(r, 200));
    }
    const lock = await tryRunLock(t.db, 'retrain', 'next run');
    expect(isHeld(lock)).toBe(true);
    const second = await tryRunLock(t.db, 'retrain', 'a third run');
    expect(second).toMatchObject({ holder: 'next run' });
    if (isHeld(lock)) await lock.release();
  });
});
