import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { ActiveModels } from '../../src/ml/registry';
import { type ArtifactStoreKind, type ModelRegistry, openModelRegistry } from '../../src/services/models/model-registry';
import { FeatureEncoder, type EncoderState, type FeatureSpec } from '../../src/ml/feature-encoder';

const SPEC: FeatureSpec = { numeric: ['amount'], categorical: ['stage'], minCategoryCount: 1 };
const artifactFor = (weight: number, spec: FeatureSpec = SPEC) => ({
  encoder: new FeatureEncoder(spec)
    .fit([
      { amount: 1, stage: 'a', age: 1 },
      { amount: 3, stage: 'b', age: 2 },
    ])
    .toArtifact(),
  weight,
});
// What a service does on load: rebuild the encoder against the code's spec (refuses a mismatch).
const loadToy = (artifact: unknown) => {
  const a = artifact as { encoder: EncoderState; weight: number };
  FeatureEncoder.fromArtifact(a.encoder, SPEC);
  return { weight: a.weight };
};

describe.each<ArtifactStoreKind>(['folder', 'database'])('the model registry (%s store)', (store) => {
  let t: TestDatabase;
  let dir: string;
  let registry: ModelRegistry;
  beforeEach(async () => {
    t = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-models-'));
    registry = openModelRegistry(t.db, dir, store);
  });
  afterEach(async () => {
    await t.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('each registration stores an immutable artifact and a numbered candidate row', async () => {
    const v1 = await registry.register('win', {
      algorithm: 'logistic',
      artifact: artifactFor(1),
      metrics: { auc: 0.8 },
      featureSchema: { signature: 'x' },
      dataFrom: new Date('2025-01-01'),
      dataTo: new Date('2025-06-01'),
      meta: { seed: 42 },
    });
    const v2 = await registry.register('win', { algorithm: 'mlp', artifact: artifactFor(2) });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const sha = crypto
      .createHash('sha256')
      .update(JSON.stringify(artifactFor(1)))
      .digest('hex');
    expect(v1).toMatchObject({
      status: 'candidate',
      metrics: { auc: 0.8 },
      featureSchema: { signature: 'x' },
      artifactPath: store === 'folder' ? path.join('win', 'v1') : `db:${sha}`,
      artifactSha256: sha,
    });
    expect(v1.dataTo?.toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(await registry.readMeta(v1)).toMatchObject({ seed: 42, version: 1, algorithm: 'logistic', artifactSha256: sha });
    expect(((await registry.readArtifact(v2)) as { weight: number }).weight).toBe(2);
    // The folder store writes folders, the database store writes rows (and no folder at all).
    const rows = await t.db.sql.all<{ sha256: string }>('SELECT sha256 FROM model_artifact ORDER BY sha256');
    if (store === 'folder') {
      expect(fs.existsSync(path.join(dir, 'win', 'v1', 'artifact.json'))).toBe(true);
      expect(fs.readdirSync(path.join(dir, 'win')).sort()).toEqual(['v1', 'v2']);
      expect(rows).toEqual([]);
    } else {
      expect(fs.existsSync(path.join(dir, 'win'))).toBe(false);
      expect(rows.map((r) => r.sha256)).toContain(sha);
      expect(rows).toHaveLength(2);
    }
  });

  test('a tampered artifact is refused', async () => {
    const v1 = await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(1) });
    const other = JSON.stringify(artifactFor(9));
    if (store === 'folder') fs.writeFileSync(path.join(dir, 'win', 'v1', 'artifact.json'), other);
    else {
      // Rows cannot be updated (a trigger refuses); replacing one takes a delete and an insert.
      // (The rejection is compared by message: better-sqlite3's error class is not always Jest's Error.)
      const update = await t.db.sql.run('UPDATE model_artifact SET body = ?', [other]).then(
        (n) => `updated ${n} row(s)`,
        (e: Error) => e.message,
      );
      expect(update).toMatch(/immutable/);
      await t.db.sql.run('DELETE FROM model_artifact WHERE sha256 = ?', [v1.artifactSha256]);
      await t.db.sql.run('INSERT INTO model_artifact (sha256, body, bytes, created_at) VALUES (?, ?, ?, ?)', [
        v1.artifactSha256,
        other,
        other.length,
        new Date(),
      ]);
    }
    await expect(registry.readArtifact(v1)).rejects.toMatchObject({ code: 'ARTIFACT_INVALID', message: expect.stringMatching(/checksum/) });
  });

  test('a missing artifact is reported as missing', async () => {
    const v1 = await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(1) });
    if (store === 'folder') fs.rmSync(path.join(dir, 'win', 'v1'), { recursive: true });
    else await t.db.sql.run('DELETE FROM model_artifact');
    await expect(registry.readArtifact(v1)).rejects.toMatchObject({
      code: 'ARTIFACT_INVALID',
      message: expect.stringMatching(/missing|does not exist/),
    });
  });

  test('two versions with identical bytes share one artifact; each keeps its own meta', async () => {
    const a = await registry.register('churn', { algorithm: 'logistic', artifact: artifactFor(3), meta: { seed: 1 } });
    const b = await registry.register('churn', { algorithm: 'logistic', artifact: artifactFor(3), meta: { seed: 2 } });
    expect(a.artifactSha256).toBe(b.artifactSha256);
    expect(await registry.readMeta(a)).toMatchObject({ version: 1, seed: 1 });
    expect(await registry.readMeta(b)).toMatchObject({ version: 2, seed: 2 });
    expect(await registry.readArtifact(b)).toEqual(artifactFor(3));
  });

  test('versions written by the other store keep loading after the store is switched', async () => {
    const other: ArtifactStoreKind = store === 'folder' ? 'database' : 'folder';
    const before = await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(1) });
    const switched = openModelRegistry(t.db, dir, other);
    const after = await switched.register('win', { algorithm: 'logistic', artifact: artifactFor(2) });
    expect(((await switched.readArtifact(before)) as { weight: number }).weight).toBe(1);
    expect(((await registry.readArtifact(after)) as { weight: number }).weight).toBe(2);
    await switched.promote('win', 1, loadToy);
    expect((await switched.rollback('win').catch((e) => e)).code).toBe('UNPROCESSABLE');
  });

  test('rollback finds the previous version even when promotions fall in the same millisecond', async () => {
    // Only Date is faked (frozen): every promotion below happens "at the same instant".
    jest.useFakeTimers({
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    try {
      for (const w of [1, 2, 3]) await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(w) });
      for (const v of [1, 2, 3]) await registry.promote('win', v);
      expect((await registry.rollback('win')).restored.version).toBe(2);
      expect((await registry.rollback('win')).restored.version).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  test('promotion is atomic and rollback walks back through previously active versions', async () => {
    for (const w of [1, 2, 3]) await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(w) });
    await registry.promote('win', 1);
    await registry.promote('win', 2);
    const { promoted, retired } = await registry.promote('win', 3);
    expect(promoted.status).toBe('active');
    expect(retired?.version).toBe(2);
    const statuses = async () => Object.fromEntries((await registry.list('win')).map((v) => [v.version, v.status]));
    expect(await statuses()).toEqual({ 1: 'retired', 2: 'retired', 3: 'active' });
    expect((await registry.rollback('win')).restored.version).toBe(2);
    expect(await statuses()).toEqual({ 1: 'retired', 2: 'active', 3: 'retired' });
    expect((await registry.rollback('win')).restored.version).toBe(1);
    await expect(registry.rollback('win')).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    const actives = await t.db.sql.all<{ n: number }>("SELECT COUNT(*) AS n FROM model_version WHERE name = 'win' AND status = 'active'");
    expect(Number(actives[0].n)).toBe(1);
    await expect(registry.promote('win', 99)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(registry.rollback('churn')).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
  });

  test('a promotion whose validation fails (schema mismatch) changes nothing', async () => {
    await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(1) });
    await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(2, { ...SPEC, numeric: ['amount', 'age'] }) });
    await registry.promote('win', 1, loadToy);
    await expect(registry.promote('win', 2, loadToy)).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    expect((await registry.active('win'))?.version).toBe(1);
  });

  test('a tampered or incomplete artifact is ARTIFACT_INVALID with the reason, and a loader crash on a whole one too', async () => {
    const v1 = await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(1) });
    if (store === 'folder') {
      fs.writeFileSync(path.join(dir, 'win', 'v1', 'artifact.json'), JSON.stringify(artifactFor(9)));
      await expect(registry.readArtifact(v1)).rejects.toMatchObject({ code: 'ARTIFACT_INVALID' });
      fs.rmSync(path.join(dir, 'win', 'v1', 'meta.json'));
      await expect(registry.readMeta(v1)).rejects.toThrow(/win v1 is unusable: meta\.json is missing/);
    } else {
      await t.db.sql.run('UPDATE model_version SET meta = NULL WHERE id = ?', [v1.id]);
      await expect(registry.readMeta(v1)).rejects.toThrow(/win v1 is unusable: its version row has no meta/);
    }
    await registry.register('win', { algorithm: 'logistic', artifact: { weight: 3 } });
    const crash = (a: unknown) => (a as { encoder: { numeric: string[] } }).encoder.numeric.length;
    await expect(registry.promote('win', 2, crash)).rejects.toMatchObject({
      code: 'ARTIFACT_INVALID',
      message: expect.stringMatching(/win v2 is unusable: it cannot be loaded \(.*undefined/),
    });
    expect(await registry.active('win')).toBeNull();
    const holder = new ActiveModels(registry, { win: crash });
    await t.db.sql.run("UPDATE model_version SET status = 'active' WHERE version = 2");
    expect(await holder.refresh()).toEqual([
      { name: 'win', outcome: 'failed', version: 2, error: expect.stringMatching(/cannot be loaded/) },
    ]);
  });

  test('hot reload swaps in a newly promoted model and keeps the previous one when the new one does not load', async () => {
    const holder = new ActiveModels(registry, { win: loadToy });
    expect(await holder.refresh()).toEqual([{ name: 'win', outcome: 'none' }]);
    expect(holder.get('win')).toBeUndefined();
    await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(1) });
    await registry.promote('win', 1);
    expect((await holder.refresh())[0]).toMatchObject({ outcome: 'loaded', version: 1 });
    expect(holder.get('win')?.model.weight).toBe(1);
    expect((await holder.refresh())[0].outcome).toBe('unchanged');
    // A version trained by other code (different schema) is promoted without validation, e.g. by SQL.
    await registry.register('win', { algorithm: 'logistic', artifact: artifactFor(2, { ...SPEC, categorical: [] }) });
    await registry.promote('win', 2);
    const r = await holder.refresh();
    expect(r[0]).toMatchObject({ outcome: 'failed', version: 2 });
    expect(r[0].error).toMatch(/feature schema/);
    expect(holder.get('win')?.model.weight).toBe(1);
    expect(holder.get('win')?.info.version).toBe(1);
    expect(holder.errors.win.version).toBe(2);
    // Rolling back to the version in memory clears the situation.
    await registry.rollback('win');
    expect((await holder.refresh())[0].outcome).toBe('unchanged');
  });
});
