// The front door: what `npm start` does on a fresh clone — migrate an empty database, load the demo
// company, train the models, score, and serve the dashboard and the API without keys on loopback.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { demoAuthConfig, start } from '../src/main';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { openModelRegistry } from '../src/services/models/model-registry';
import { DAY_MS } from '../src/math/time';

describe('npm start on a fresh clone', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-start-'));
  const env = {
    ...process.env,
    SALESCAST_DATA_DIR: path.join(dir, 'data'),
    SALESCAST_MODELS_DIR: path.join(dir, 'models'),
    PORT: '0',
    HOST: '127.0.0.1',
    SALESCAST_DEMO_ACCOUNTS: '200',
    SALESCAST_DEMO_MONTHS: '18',
    LOG_LEVEL: 'silent',
  };
  delete (env as Record<string, unknown>).SALESCAST_AUTH_DISABLED;
  delete (env as Record<string, unknown>).DATABASE_URL;
  const lines: string[] = [];
  let handle: Awaited<ReturnType<typeof start>>;

  beforeAll(async () => {
    handle = await start({ demo: true, env, log: (m) => lines.push(m) });
  }, 300_000);
  afterAll(async () => {
    await handle?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('loads demo data, trains the three models, scores, and says so', () => {
    const log = lines.join('\n');
    expect(log).toMatch(/applied \d+ migration\(s\) on sqlite/);
    expect(log).toMatch(/loaded the demo company \(seed 42, 200 accounts, 18 months/);
    expect(log).toMatch(/win: version 1, promoted/);
    expect(log).toMatch(/churn: version 1, (promoted|not promoted)/);
    expect(log).toMatch(/clv: version 1, promoted/);
    expect(log).toMatch(/scored \d+ open deals/);
    expect(log).toMatch(/scored 200 customers/);
    expect(log).toMatch(/stored forecast snapshots of \d{4}-Q[1-4] as of \d{4}-\d{2}-\d{2} and now/);
    expect(log).toMatch(/API keys are NOT required/);
  });

  test('the pipeline-changes waterfall has two snapshots to compare: the quarter as of its start (or four weeks back) and now', async () => {
    const res = await request(handle.url).get('/v1/forecasts/changes');
    expect(res.status).toBe(200);
    const { from, to, start: before, end: after, steps } = res.body;
    expect(from.period).toBe(to.period);
    expect(Date.parse(from.asOf)).toBeLessThan(Date.parse(to.asOf) - 13 * DAY_MS);
    // The steps add up from the earlier pipeline to the later one, and the demo's quarter moved.
    expect(before + steps.reduce((a: number, x: { amount: number }) => a + x.amount, 0)).toBeCloseTo(after, 2);
    expect(steps.some((x: { deals: number }) => x.deals > 0)).toBe(true);
  });

  test('serves health, the dashboard and the API without a key on loopback', async () => {
    const health = await request(handle.url).get('/health');
    expect(health.status).toBe(200);
    const page = await request(handle.url).get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const ready = await request(handle.url).get('/ready');
    expect(ready.status).toBe(200);
    const score = await request(handle.url)
      .post('/v1/deals/score')
      .send({ deals: [{ amount: 50000, stage: 'Proposal', createdAt: '2026-09-01' }] });
    expect(score.status).toBe(200);
    expect(score.body.scores[0].winProbability).toBeGreaterThan(0);
    expect(score.body.scores[0].factors.length).toBeGreaterThan(0);
  });

  test('a second start finds everything in place and does not reload or retrain', async () => {
    const again: string[] = [];
    const h2 = await start({ demo: true, env, log: (m) => again.push(m) });
    await h2.close();
    expect(again.join('\n')).not.toMatch(/loaded the demo company|training the|stored forecast snapshots/);
  }, 120_000);

  test('a start after an upgrade retrains an active model this version cannot load', async () => {
    // Emulate a deal-win model trained on older feature definitions, made active.
    const db = openDatabase(loadConfig(env).databaseUrl);
    const registry = openModelRegistry(db, env.SALESCAST_MODELS_DIR);
    const current = (await registry.active('win'))!;
    const old = { ...((await registry.readArtifact(current)) as Record<string, unknown>), baseSchema: '{"v":0}' };
    const registered = await registry.register('win', { algorithm: current.algorithm, artifact: old });
    await registry.promote('win', registered.version);
    await db.close();
    const again: string[] = [];
    const h3 = await start({ demo: true, env, log: (m) => again.push(m) });
    await h3.close();
    const log = again.join('\n');
    expect(log).toMatch(
      new RegExp(`active win model v${registered.version} cannot be loaded by this version \\(.*different deal features.*\\): retraining`),
    );
    expect(log).toMatch(new RegExp(`win: version ${registered.version + 1}, promoted`));
    expect(log).not.toMatch(/training the (churn|clv)/);
  }, 180_000);

  test('a start after an upgrade retrains a model whose artifact has an older format (the v0.1 clv header)', async () => {
    const db = openDatabase(loadConfig(env).databaseUrl);
    const registry = openModelRegistry(db, env.SALESCAST_MODELS_DIR);
    const current = (await registry.active('clv'))!;
    const { kind: _kind, ...rest } = (await registry.readArtifact(current)) as Record<string, unknown>;
    const registered = await registry.register('clv', {
      algorithm: current.algorithm,
      artifact: { ...rest, format: 'salescast.clv', formatVersion: 1 },
    });
    await registry.promote('clv', registered.version);
    await db.close();
    const again: string[] = [];
    const h4 = await start({ demo: true, env, log: (m) => again.push(m) });
    await h4.close();
    const log = again.join('\n');
    expect(log).toMatch(
      new RegExp(
        `active clv model v${registered.version} cannot be loaded by this version \\(the artifact is salescast\\.clv format v1; .*\\): retraining`,
      ),
    );
    expect(log).toMatch(new RegExp(`clv: version ${registered.version + 1}, promoted`));
  }, 180_000);

  test('does not retrain at every start when the retrained version was not promoted', async () => {
    // An unloadable active version, and a loadable one trained after it that was not promoted.
    const db = openDatabase(loadConfig(env).databaseUrl);
    const registry = openModelRegistry(db, env.SALESCAST_MODELS_DIR);
    const current = (await registry.active('win'))!;
    const artifact = (await registry.readArtifact(current)) as Record<string, unknown>;
    const old = await registry.register('win', { algorithm: current.algorithm, artifact: { ...artifact, baseSchema: '{"v":0}' } });
    await registry.promote('win', old.version);
    const retrained = await registry.register('win', { algorithm: current.algorithm, artifact });
    await db.close();
    const again: string[] = [];
    const h4 = await start({ demo: true, env, log: (m) => again.push(m) });
    await h4.close();
    const log = again.join('\n');
    expect(log).not.toMatch(/retraining|training the/);
    expect(log).toMatch(
      new RegExp(
        `note: the active win model v${old.version} cannot be loaded by this version; v${retrained.version} was trained since and not promoted`,
      ),
    );
  }, 180_000);
});

describe('demo mode and authentication', () => {
  const base = loadConfig({ HOST: '127.0.0.1' } as NodeJS.ProcessEnv);
  test('demo on loopback disables keys only when the operator did not decide', () => {
    expect(demoAuthConfig(base, {}, true).SALESCAST_AUTH_DISABLED).toBe(true);
    expect(demoAuthConfig(base, { SALESCAST_AUTH_DISABLED: 'false' }, true).SALESCAST_AUTH_DISABLED).toBe(false);
    expect(demoAuthConfig(base, {}, false).SALESCAST_AUTH_DISABLED).toBe(false);
  });
  test('demo on a non-loopback address still requires keys', () => {
    const exposed = loadConfig({ HOST: '0.0.0.0' } as NodeJS.ProcessEnv);
    expect(demoAuthConfig(exposed, {}, true).SALESCAST_AUTH_DISABLED).toBe(false);
  });
});
