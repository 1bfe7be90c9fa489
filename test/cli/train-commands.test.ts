// The retraining job and the model commands as an operator runs them from cron: exit codes,
// JSON output, and clear messages.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { loadDemoData } from '../../src/services/demo-service';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'salescast.js');
const SEED = 7;

describe(`salescast train win / score deals / models (seed ${SEED})`, () => {
  let t: TestDatabase;
  let modelsDir: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATABASE_URL: t.url, SALESCAST_MODELS_DIR: modelsDir, SALESCAST_SEED: String(SEED) },
      encoding: 'utf8',
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-cli-models-'));
  });
  afterAll(async () => {
    await t.cleanup();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  test('on an empty database training exits 3 naming what is missing', () => {
    const r = run('train', 'win');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/Not enough closed deals.*0 won and 0 lost/);
    expect(run('models', 'promote', 'win', '3').code).toBe(4);
  });

  test('trains, promotes, scores and shows a model', async () => {
    // 200 accounts: with fewer, the test window is too small for the model's edge over the stage
    // baseline to pass the promotion rule on every demo company (it did not on seed 7 at 120).
    await loadDemoData(t.db, { seed: SEED, accounts: 200, months: 24, asOf: new Date('2026-10-01') });
    const trained = run('train', 'win', '--as-of', '2026-10-01', '--algorithm', 'logistic', '--json');
    expect(trained.code).toBe(0);
    const result = JSON.parse(trained.out);
    expect(result).toMatchObject({ version: 1, algorithm: 'logistic', seed: SEED });
    expect(result.candidate.auc).toBeGreaterThan(result.baseline.auc);
    const text = run('train', 'win', '--as-of', '2026-10-01', '--algorithm', 'logistic', '--promote', 'never');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/candidate logistic v2/);
    expect(text.out).toMatch(/active logistic v1/);
    expect(text.out).toMatch(/baseline \(stage win rate, same labels\)/);
    expect(text.out).toMatch(/Model selection: time-ordered expanding-window cross-validation/);
    expect(text.out).toMatch(/Leakage guard .*: passed/);
    expect(text.out).toMatch(/vs active v1: identical predictions on every test row/);
    expect(text.out).toMatch(/not promoted \(--promote never\)/);
    const scored = run('score', 'deals', '--as-of', '2026-10-01', '--json');
    expect(scored.code).toBe(0);
    const s = JSON.parse(scored.out);
    expect(s.modelVersion).toBe(1);
    expect(s.scores.length).toBe(s.scored);
    const show = run('models', 'show', 'win');
    expect(show.out).toMatch(/win v1 \(logistic\) — active/);
    expect(show.out).toMatch(/reliability \(test slice\)/);
    expect(show.out).toMatch(/test: stage baseline/);
    expect(run('models', 'promote', 'win', '2').out).toMatch(/win v2 is active \(v1 retired\)/);
    const list = JSON.parse(run('models', 'list', 'win', '--json').out);
    expect(list.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'active'],
      [1, 'retired'],
    ]);
  });

  test('a planted leak (an attribute that is the outcome in disguise) is named and not promoted, even with --promote always', async () => {
    // Filled on won and lost deals alike (so the attribute check at import time keeps it), but its
    // value is the outcome: a "review" recorded at the close.
    await t.db.sql.run("UPDATE opportunity SET attributes = ? WHERE outcome = 'won'", [{ review: 'signed' }]);
    await t.db.sql.run("UPDATE opportunity SET attributes = ? WHERE outcome = 'lost'", [{ review: 'declined' }]);
    const r = run('train', 'win', '--as-of', '2026-10-01', '--algorithm', 'logistic', '--promote', 'always');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Leakage guard \(single feature AUC >= 0\.95, test AUC >= 0\.98\): FAILED/);
    expect(r.out).toMatch(/feature "attr\.review" alone separates the outcomes with AUC 1\.000 on the training window/);
    expect(r.out).toMatch(/Registered win v3; not promoted: leakage guard/);
    const list = JSON.parse(run('models', 'list', 'win', '--json').out);
    expect(list.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [3, 'candidate'],
      [2, 'active'],
      [1, 'retired'],
    ]);
    const show = run('models', 'show', 'win', '--version', '3');
    expect(show.out).toMatch(/leakage guard/);
  });
});
