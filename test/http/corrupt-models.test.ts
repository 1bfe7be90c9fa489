// Corrupt or incomplete model folders, as a crashed copy, a full disk or a hand edit leaves them:
// promote and rollback answer 422 ARTIFACT_INVALID over HTTP and exit 7 in the CLI, with the
// reason; a hot reload keeps the loaded model serving and says why; a server started on one keeps
// serving with the stage baseline and says why on /ready and in every score.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { combineModels, winPart } from '../../src/http/model-holder';
import { start } from '../../src/main';
import type { ModelVersionInfo } from '../../src/ml/registry';
import { loadDemoData } from '../../src/services/demo-service';
import { WinScoring } from '../../src/services/win/score-deals';
import { trainWinModel } from '../../src/services/win/train-win-model';
import { bearer, expectError, harness, type Harness } from './helpers';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'salescast.js');

// Version folders are what this file breaks: the folder store even on PostgreSQL (where the
// database store is the default; its rows' checks are in test/ml/registry.test.ts). Set before any
// registry is opened, and inherited by the CLI processes below.
process.env.SALESCAST_MODEL_STORE = 'folder';

let h: Harness;
let win: WinScoring;
let models: ReturnType<typeof combineModels>;
let modelsDir: string;
let good: unknown; // a loadable deal-win artifact

beforeAll(async () => {
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-corrupt-models-'));
  const base = await harness();
  await loadDemoData(base.tdb.db, { seed: 5, accounts: 100, months: 18 });
  await trainWinModel(base.tdb.db, { modelsDir, algorithm: 'logistic', minWon: 10, minLost: 10, promote: 'always' }); // v1 active
  win = new WinScoring(base.tdb.db, { modelsDir });
  models = combineModels([winPart(win)]);
  await models.refresh();
  good = await win.registry.readArtifact((await win.registry.active('win'))!);
  h = await harness({ tdb: base.tdb, services: { win, models } });
});
afterAll(async () => {
  await h.close();
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

const folder = (v: ModelVersionInfo) => path.join(modelsDir, v.artifactPath);
const half = (f: string) => fs.writeFileSync(f, fs.readFileSync(f).subarray(0, Math.floor(fs.statSync(f).size / 2)));
const editMeta = (v: ModelVersionInfo, edit: (m: Record<string, unknown>) => void) => {
  const f = path.join(folder(v), 'meta.json');
  const meta = JSON.parse(fs.readFileSync(f, 'utf8'));
  edit(meta);
  fs.writeFileSync(f, JSON.stringify(meta));
};

/** Each way a version folder can be broken, and the reason the answer must give. */
const CORRUPTIONS: Array<[string, (v: ModelVersionInfo) => void, RegExp]> = [
  ['no meta.json', (v) => fs.rmSync(path.join(folder(v), 'meta.json')), /meta\.json is missing/],
  ['a truncated meta.json', (v) => half(path.join(folder(v), 'meta.json')), /meta\.json is not valid JSON, truncated or corrupt/],
  ['an empty meta.json', (v) => fs.writeFileSync(path.join(folder(v), 'meta.json'), ''), /meta\.json is empty/],
  ['meta.json without a checksum', (v) => editMeta(v, (m) => delete m.artifactSha256), /no artifactSha256 checksum/],
  ['no artifact', (v) => fs.rmSync(path.join(folder(v), 'artifact.json')), /artifact\.json is missing/],
  ['a truncated artifact', (v) => half(path.join(folder(v), 'artifact.json')), /artifact\.json does not match the checksum/],
  ['a wrong sha-256', (v) => editMeta(v, (m) => (m.artifactSha256 = 'a'.repeat(64))), /artifact\.json does not match the checksum/],
  [
    'a truncated weights file listed in meta.json',
    (v) => {
      fs.writeFileSync(path.join(folder(v), 'weights.bin'), 'abc');
      editMeta(v, (m) => (m.files = { 'weights.bin': 'b'.repeat(64) }));
    },
    /weights\.bin does not match its checksum/,
  ],
  [
    'a missing weights file listed in meta.json',
    (v) => editMeta(v, (m) => (m.files = { 'weights.bin': 'b'.repeat(64) })),
    /weights\.bin is missing/,
  ],
  ['no folder at all', (v) => fs.rmSync(folder(v), { recursive: true }), /does not exist/],
];

async function corruptCopy(corrupt: (v: ModelVersionInfo) => void): Promise<ModelVersionInfo> {
  const v = await win.registry.register('win', { algorithm: 'logistic', artifact: good });
  corrupt(v);
  return v;
}

const servedVersion = async () =>
  (
    await request(h.app)
      .post('/v1/deals/score')
      .set(bearer(h.keys.read))
      .send({ deals: [{ stage: 'Proposal', amount: 5000, createdAt: '2025-01-10' }] })
      .expect(200)
  ).body.scores[0].modelVersion;

describe('promote over HTTP', () => {
  test.each(CORRUPTIONS)(
    'a version with %s is refused with 422 and the reason; the active one keeps serving',
    async (_what, corrupt, reason) => {
      const v = await corruptCopy(corrupt);
      const res = await request(h.app).post('/v1/models/win/promote').set(bearer(h.keys.admin)).send({ version: v.version });
      const err = expectError(res, 422, 'ARTIFACT_INVALID');
      expect(err.message).toMatch(new RegExp(`win v${v.version} is unusable: .*${reason.source}`));
      expect(await servedVersion()).toBe(1);
      expect((await win.registry.active('win'))!.version).toBe(1);
    },
  );

  test('a folder whose checksums hold but whose artifact crashes the loader is refused with 422 too', async () => {
    const v = await win.registry.register('win', { algorithm: 'logistic', artifact: { ...(good as object), baseline: null, timing: 42 } });
    const res = await request(h.app).post('/v1/models/win/promote').set(bearer(h.keys.admin)).send({ version: v.version });
    expect(res.status).toBe(422);
    expect(['ARTIFACT_INVALID', 'SCHEMA_MISMATCH']).toContain(res.body.error.code);
    expect(await servedVersion()).toBe(1);
  });
});

describe('rollback and hot reload over HTTP', () => {
  test('rolling back to a corrupt version is refused with 422 and the reason; the current one keeps serving', async () => {
    const previous = await win.registry.register('win', { algorithm: 'logistic', artifact: good });
    const current = await win.registry.register('win', { algorithm: 'logistic', artifact: good });
    for (const v of [previous, current])
      await request(h.app).post('/v1/models/win/promote').set(bearer(h.keys.admin)).send({ version: v.version }).expect(200);
    fs.rmSync(path.join(folder(previous), 'meta.json'));
    const err = expectError(await request(h.app).post('/v1/models/win/rollback').set(bearer(h.keys.admin)), 422, 'ARTIFACT_INVALID');
    expect(err.message).toMatch(/meta\.json is missing/);
    expect(await servedVersion()).toBe(current.version);
    await request(h.app).post('/v1/models/win/promote').set(bearer(h.keys.admin)).send({ version: 1 }).expect(200);
  });

  test('a corrupt version made active by another process is reported on /ready while the loaded one keeps serving', async () => {
    const v = await corruptCopy((x) => half(path.join(folder(x), 'artifact.json')));
    // Another process (an older build, a hand edit) set it active without the checks.
    await h.tdb.db.sql.run("UPDATE model_version SET status = 'retired' WHERE name = 'win' AND status = 'active'");
    await h.tdb.db.sql.run("UPDATE model_version SET status = 'active' WHERE name = 'win' AND version = ?", [v.version]);
    await models.refresh(); // what the poll does
    expect(await servedVersion()).toBe(1);
    const ready = await request(h.app).get('/ready');
    const winState = ready.body.models.find((m: { name: string }) => m.name === 'win');
    expect(winState).toMatchObject({ state: 'loaded', version: 1 });
    expect(winState.message).toMatch(new RegExp(`v${v.version} failed to load .*artifact\\.json does not match the checksum`));
    await h.tdb.db.sql.run("UPDATE model_version SET status = 'retired' WHERE name = 'win' AND version = ?", [v.version]);
    await h.tdb.db.sql.run("UPDATE model_version SET status = 'active' WHERE name = 'win' AND version = 1");
    await models.refresh();
  });
});

describe('the CLI', () => {
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATABASE_URL: h.tdb.url, SALESCAST_MODELS_DIR: modelsDir },
      encoding: 'utf8',
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  test.each(CORRUPTIONS.filter(([what]) => /^(no meta|a truncated meta|an empty meta|a truncated artifact|a wrong sha)/.test(what)))(
    '`models promote` of a version with %s exits 7 with the reason',
    async (_what, corrupt, reason) => {
      const v = await corruptCopy(corrupt);
      const r = run('models', 'promote', 'win', String(v.version));
      expect({ code: r.code, err: r.err }).toEqual({ code: 7, err: expect.stringMatching(reason) });
      expect(r.err).toMatch(new RegExp(`^error: the model folder of win v${v.version} is unusable: `));
      expect(r.err).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
      expect((await win.registry.active('win'))!.version).toBe(1);
    },
  );

  test('`models promote --json` says it in JSON; `models show` still shows the row and warns', async () => {
    const v = await corruptCopy((x) => half(path.join(folder(x), 'meta.json')));
    const r = run('models', 'promote', 'win', String(v.version), '--json');
    expect(r.code).toBe(7);
    expect(JSON.parse(r.out).error).toMatchObject({
      code: 'ARTIFACT_INVALID',
      message: expect.stringMatching(/meta\.json is not valid JSON/),
    });
    const show = run('models', 'show', 'win', '--version', String(v.version));
    expect(show.code).toBe(0);
    expect(show.out).toMatch(new RegExp(`win v${v.version} \\(logistic\\)`));
    expect(show.err).toMatch(/warning: .*meta\.json is not valid JSON/);
  });
});

describe('a server started on a corrupt active model', () => {
  test('starts, serves scores from the stage baseline and says why (/ready, fallbackReason, the start log)', async () => {
    const v = await corruptCopy((x) => fs.rmSync(path.join(folder(x), 'meta.json')));
    await h.tdb.db.sql.run("UPDATE model_version SET status = 'retired' WHERE name = 'win' AND status = 'active'");
    await h.tdb.db.sql.run("UPDATE model_version SET status = 'active' WHERE name = 'win' AND version = ?", [v.version]);
    const lines: string[] = [];
    const env = {
      ...process.env,
      DATABASE_URL: h.tdb.url,
      SALESCAST_MODELS_DIR: modelsDir,
      PORT: '0',
      HOST: '127.0.0.1',
      SALESCAST_AUTH_DISABLED: 'true',
      LOG_LEVEL: 'silent',
    };
    const handle = await start({ demo: false, env, log: (m) => lines.push(m) });
    try {
      expect(lines.join('\n')).toMatch(new RegExp(`active win model v${v.version} cannot be loaded .*meta\\.json is missing.*fallback`));
      const ready = await request(handle.url).get('/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.models.find((m: { name: string }) => m.name === 'win')).toMatchObject({
        state: 'failed',
        version: v.version,
        message: expect.stringMatching(/meta\.json is missing/),
      });
      const score = await request(handle.url)
        .post('/v1/deals/score')
        .send({ deals: [{ stage: 'Proposal', amount: 5000, createdAt: '2025-01-10' }] })
        .expect(200);
      expect(score.body.scores[0]).toMatchObject({
        fallback: true,
        modelVersion: null,
        fallbackReason: expect.stringMatching(/meta\.json is missing/),
      });
    } finally {
      await handle.close();
      await handle.services.db.close();
    }
  }, 120_000);
});
