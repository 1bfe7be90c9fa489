// The customer commands as an operator runs them: `train clv`, `train churn`, `score customers` and
// `models show clv` through the real CLI on a demo database, plus the refusal on an empty one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { loadDemoData } from '../../src/services/demo-service';
import { openModelRegistry } from '../../src/services/models/model-registry';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'salescast.js');
const SEED = 5;

function run(url: string, modelsDir: string, args: string[]): { code: number; out: string; err: string } {
  try {
    const out = execFileSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATABASE_URL: url, SALESCAST_MODELS_DIR: modelsDir },
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { code: 0, out, err: '' };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: x.stdout, err: x.stderr };
  }
}

describe('customer CLI', () => {
  let t: TestDatabase;
  let empty: TestDatabase;
  let modelsDir: string;
  beforeAll(async () => {
    console.log(`demo seed ${SEED}`);
    t = await createTestDatabase();
    empty = await createTestDatabase();
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-models-'));
    await loadDemoData(t.db, { seed: SEED, accounts: 250, months: 24, asOf: new Date('2026-09-01T00:00:00Z') });
  });
  afterAll(async () => {
    await t.cleanup();
    await empty.cleanup();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  test('train clv fits BG/NBD and Gamma-Gamma, and models show clv reports the parameters and log-likelihood', () => {
    const r = run(t.url, modelsDir, ['train', 'clv', '--calibration-end', '2026-05-01', '--time-unit', 'week', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.version).toBe(1);
    expect(j.promoted).toBe(true);
    expect(j.bgNbd.params.r).toBeGreaterThan(0);
    expect(j.holdout.actualRepeatPurchases).toBeGreaterThan(0);
    const show = run(t.url, modelsDir, ['models', 'show', 'clv', '--json']);
    expect(show.code).toBe(0);
    const v = JSON.parse(show.out);
    expect(v.metrics.bgNbd.logLikelihood).toBeCloseTo(j.bgNbd.logLikelihood, 6);
    expect(v.metrics.gammaGamma.p).toBeCloseTo(j.gammaGamma.params.p, 6);
  });

  test('train churn then score customers stores every account with its model versions', () => {
    const tr = run(t.url, modelsDir, ['train', 'churn', '--promote', 'always']);
    expect(tr.code).toBe(0);
    expect(tr.out).toMatch(/baseline: recency only/);
    const sc = run(t.url, modelsDir, ['score', 'customers', '--json']);
    expect(sc.code).toBe(0);
    const j = JSON.parse(sc.out);
    expect(j.stored).toBe(250);
    expect(j.churnModel.version).toBe(1);
    expect(j.clvModel.version).toBe(1);
    expect(j.withChurn).toBeGreaterThan(50);
  });

  test('promoting a churn version this build cannot load is refused (exit 7) and the active version keeps serving', async () => {
    const registry = openModelRegistry(t.db, modelsDir);
    const activeBefore = await registry.active('churn');
    expect(activeBefore).toMatchObject({ name: 'churn', status: 'active' });
    const stale = await registry.register('churn', { algorithm: 'logistic', artifact: { format: 'salescast.churn', formatVersion: -1 } });
    const r = run(t.url, modelsDir, ['models', 'promote', 'churn', String(stale.version)]);
    expect(r.code).toBe(7);
    expect(r.err).toMatch(/this build reads salescast\.churn-model format v2/);
    expect((await registry.active('churn'))?.version).toBe(activeBefore!.version);
  });

  test('bad options and missing data fail with clear messages and exit codes', () => {
    const bad = run(t.url, modelsDir, ['train', 'clv', '--time-unit', 'fortnight']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--time-unit must be day, week, month/);
    const none = run(empty.url, modelsDir, ['train', 'clv']);
    expect(none.code).toBe(3);
    expect(none.err).toMatch(/no orders/);
    const noChurn = run(empty.url, modelsDir, ['train', 'churn']);
    expect(noChurn.code).toBe(3);
  });
});
