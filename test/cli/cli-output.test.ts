// A cron job or script reads the CLI's --json output through a pipe; all of it must arrive even
// when it is far larger than a pipe's buffer (64 KB), and the exit code must survive.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadDemoData } from '../../src/services/demo-service';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const CLI = path.join(__dirname, '..', '..', 'bin', 'salescast.js');

describe('CLI output through a pipe', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadDemoData(t.db, { seed: 3, accounts: 300, months: 12 });
  });
  afterAll(async () => t.cleanup());

  test('a large --json report arrives whole and parses, even when the reader is slow', async () => {
    // The reader waits before reading, as a busy downstream program would: a CLI that exits
    // while its output is still queued loses everything past the pipe's buffer.
    const child = spawn(process.execPath, [CLI, 'report', 'profitability', '--limit', '300', '--json'], {
      env: { ...process.env, DATABASE_URL: t.url },
    });
    // child.stdout starts paused: nothing is read until the loop below. A 'readable' listener keeps
    // it so: when a child exits, Node resumes (and so discards) output nobody is listening for, and
    // the compiled CLI is fast enough to have exited before the loop starts.
    child.stdout.on('readable', () => undefined);
    const closed = new Promise<number | null>((r) => child.once('close', r));
    await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 4000))]);
    const chunks: Buffer[] = [];
    for await (const c of child.stdout) chunks.push(c as Buffer);
    const code = await closed;
    const out = Buffer.concat(chunks).toString('utf8');
    expect(code).toBe(0);
    expect(out.length).toBeGreaterThan(100_000); // well past a pipe's 64 KB buffer
    const parsed = JSON.parse(out);
    expect(parsed.rows.length).toBeGreaterThan(250);
  });

  test('a failing command still exits non-zero after its message is flushed', () => {
    const r = spawnSync(process.execPath, [CLI, 'import', 'accounts', '/nonexistent/file.csv'], {
      env: { ...process.env, DATABASE_URL: t.url },
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/nonexistent/);
  });
});
