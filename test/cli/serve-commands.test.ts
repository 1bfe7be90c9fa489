// `salescast serve` is the production start: it migrates, refuses to run without keys unless
// told otherwise, and serves the API. Driven as an operator would, in a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';

const CLI = path.join(__dirname, '..', '..', 'bin', 'salescast.js');

function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${out}`)));
  });
}

describe('salescast serve', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-serve-'));
  let child: ChildProcess | undefined;
  const env = {
    ...process.env,
    DATABASE_URL: `file:${path.join(dir, 'db.sqlite')}`,
    SALESCAST_MODELS_DIR: path.join(dir, 'models'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SALESCAST_AUTH_DISABLED: 'false',
  };
  afterAll(() => {
    child?.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('migrates an empty database and serves health, docs and the API, which requires a key', async () => {
    child = spawn(process.execPath, [CLI, 'serve'], { env });
    const url = await waitForListening(child);
    expect((await request(url).get('/health')).status).toBe(200);
    expect((await request(url).get('/docs')).status).toBe(200);
    const unauth = await request(url)
      .post('/v1/deals/score')
      .send({ deals: [{ stage: 'Proposal', createdAt: '2026-10-01' }] });
    expect(unauth.status).toBe(401);
    expect(unauth.body.error.code).toBe('UNAUTHENTICATED');

    // An operator creates a key with the CLI; routes whose services load at run time answer with it.
    const created = spawnSync(process.execPath, [CLI, 'keys', 'create', '--name', 'ops', '--scope', 'scores:read', '--json'], {
      env,
      encoding: 'utf8',
    });
    expect(created.status).toBe(0);
    const key = JSON.parse(created.stdout).key as string;
    const forecast = await request(url).get('/v1/forecasts').set('Authorization', `Bearer ${key}`);
    expect(forecast.status).toBe(200);
    expect(forecast.body.method).toBe('monte-carlo');
  });

  test('stops cleanly on SIGTERM', async () => {
    if (!child || child.exitCode !== null) throw new Error('serve is not running (see the previous test)');
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
  });
});
