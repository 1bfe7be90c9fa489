// The model registry: every training run writes an immutable version folder
// `<modelsDir>/<name>/v<N>/` (artifact.json + meta.json with a sha-256 of the artifact) and one
// `model_version` row. Statuses: candidate -> active -> retired. Promotion and rollback change the
// rows in one database transaction, so a reader (the server's hot reload, a cron job) sees either
// the old or the new active version, never none or two. Folders are written under a temporary name
// and renamed into place, so a reader never sees half a version.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/database';
import { fromSqlDate, type SqlRunner } from '../db/sql';
import { AppError, notFound, unprocessable } from '../errors';

export type ModelStatus = 'candidate' | 'active' | 'retired';

export interface ModelVersionInfo {
  id: number;
  name: string;
  version: number;
  algorithm: string;
  status: ModelStatus;
  metrics: Record<string, unknown> | null;
  featureSchema: Record<string, unknown> | null;
  artifactPath: string;
  trainedAt: Date;
  dataFrom: Date | null;
  dataTo: Date | null;
  promotedAt: Date | null;
  retiredAt: Date | null;
  notes: string | null;
}

export interface RegisterInput {
  algorithm: string;
  /** The whole model (estimator, encoder, calibrator, extras) as JSON-serialisable data. */
  artifact: unknown;
  metrics?: Record<string, unknown>;
  /** What the model expects as input (at least a `signature`), also stored in the DB row. */
  featureSchema?: Record<string, unknown>;
  dataFrom?: Date | null;
  dataTo?: Date | null;
  notes?: string;
  /** Extra metadata for meta.json: seed, library versions, parameters. */
  meta?: Record<string, unknown>;
  trainedAt?: Date;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

function parseJson(v: unknown): Record<string, unknown> | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return JSON.parse(v);
  return v as Record<string, unknown>;
}

function rowToInfo(r: Record<string, unknown>): ModelVersionInfo {
  return {
    id: Number(r.id),
    name: String(r.name),
    version: Number(r.version),
    algorithm: String(r.algorithm),
    status: r.status as ModelStatus,
    metrics: parseJson(r.metrics),
    featureSchema: parseJson(r.feature_schema),
    artifactPath: String(r.artifact_path),
    trainedAt: fromSqlDate(r.trained_at)!,
    dataFrom: fromSqlDate(r.data_from),
    dataTo: fromSqlDate(r.data_to),
    promotedAt: fromSqlDate(r.promoted_at),
    retiredAt: fromSqlDate(r.retired_at),
    notes: (r.notes as string | null) ?? null,
  };
}

export class ModelRegistry {
  constructor(
    private readonly db: Database,
    readonly modelsDir: string,
  ) {}

  private checkName(name: string) {
    if (!NAME.test(name)) throw new AppError('INVALID_INPUT', `model name "${name}" must be lowercase letters, digits or dashes`);
  }

  /** Writes a new immutable version folder and a `candidate` row; returns the new version. */
  async register(name: string, input: RegisterInput): Promise<ModelVersionInfo> {
    this.checkName(name);
    const dir = path.resolve(this.modelsDir, name);
    fs.mkdirSync(dir, { recursive: true });
    const body = JSON.stringify(input.artifact);
    const sha256 = crypto.createHash('sha256').update(body).digest('hex');
    const tmp = fs.mkdtempSync(path.join(dir, `.tmp-v-`));
    const trainedAt = input.trainedAt ?? new Date();
    try {
      fs.writeFileSync(path.join(tmp, 'artifact.json'), body);
      return await this.db.sql.transaction(async (tx) => {
        const rows = await tx.all<{ v: number | null }>('SELECT MAX(version) AS v FROM model_version WHERE name = ?', [name]);
        let version = Number(rows[0]?.v ?? 0) + 1;
        // A folder left by a crashed run without a row must not be reused.
        while (fs.existsSync(path.join(dir, `v${version}`))) version++;
        const meta = {
          name,
          version,
          algorithm: input.algorithm,
          trainedAt: trainedAt.toISOString(),
          dataFrom: input.dataFrom?.toISOString() ?? null,
          dataTo: input.dataTo?.toISOString() ?? null,
          artifactSha256: sha256,
          featureSchema: input.featureSchema ?? null,
          metrics: input.metrics ?? null,
          node: process.version,
          ...input.meta,
        };
        fs.writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
        const target = path.join(dir, `v${version}`);
        fs.renameSync(tmp, target);
        const artifactPath = path.relative(path.resolve(this.modelsDir), target);
        await tx.run(
          `INSERT INTO model_version (name, version, algorithm, status, metrics, feature_schema, artifact_path, trained_at, data_from, data_to, notes)
           VALUES (?, ?, ?, 'candidate', ?, ?, ?, ?, ?, ?, ?)`,
          [
            name,
            version,
            input.algorithm,
            input.metrics ?? null,
            input.featureSchema ?? null,
            artifactPath,
            trainedAt,
            input.dataFrom ?? null,
            input.dataTo ?? null,
            input.notes ?? null,
          ],
        );
        const back = await tx.all<Record<string, unknown>>('SELECT * FROM model_version WHERE name = ? AND version = ?', [name, version]);
        return rowToInfo(back[0]);
      });
    } finally {
      if (fs.existsSync(tmp)) fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  async list(name?: string): Promise<ModelVersionInfo[]> {
    const rows = name
      ? await this.db.sql.all<Record<string, unknown>>('SELECT * FROM model_version WHERE name = ? ORDER BY version DESC', [name])
      : await this.db.sql.all<Record<string, unknown>>('SELECT * FROM model_version ORDER BY name, version DESC');
    return rows.map(rowToInfo);
  }

  async active(name: string): Promise<ModelVersionInfo | null> {
    const rows = await this.db.sql.all<Record<string, unknown>>(
      "SELECT * FROM model_version WHERE name = ? AND status = 'active' ORDER BY version DESC",
      [name],
    );
    return rows.length ? rowToInfo(rows[0]) : null;
  }

  /** A version by number, or the active one when no number is given. */
  async get(name: string, version?: number): Promise<ModelVersionInfo> {
    if (version === undefined) {
      const a = await this.active(name);
      if (!a) throw notFound(`model "${name}" has no active version`);
      return a;
    }
    const rows = await this.db.sql.all<Record<string, unknown>>('SELECT * FROM model_version WHERE name = ? AND version = ?', [
      name,
      version,
    ]);
    if (!rows.length) throw notFound(`model "${name}" has no version ${version}`);
    return rowToInfo(rows[0]);
  }

  /** Reads a version's artifact and checks it against the checksum written with it. */
  readArtifact(info: ModelVersionInfo): unknown {
    const dir = path.resolve(this.modelsDir, info.artifactPath);
    const file = path.join(dir, 'artifact.json');
    if (!fs.existsSync(file)) throw new AppError('NOT_FOUND', `artifact of ${info.name} v${info.version} is missing (${file})`);
    const body = fs.readFileSync(file, 'utf8');
    const metaFile = path.join(dir, 'meta.json');
    if (fs.existsSync(metaFile)) {
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { artifactSha256?: string };
      const sha = crypto.createHash('sha256').update(body).digest('hex');
      if (meta.artifactSha256 && meta.artifactSha256 !== sha)
        throw new AppError('SCHEMA_MISMATCH', `artifact of ${info.name} v${info.version} was modified after training (checksum mismatch)`);
    }
    return JSON.parse(body);
  }

  readMeta(info: ModelVersionInfo): Record<string, unknown> | null {
    const f = path.join(path.resolve(this.modelsDir, info.artifactPath), 'meta.json');
    return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null;
  }

  /**
   * Makes `version` the active one and retires the previous active, in one transaction.
   * `validate` (optional) is run on the artifact first, e.g. to refuse a schema mismatch.
   */
  async promote(
    name: string,
    version: number,
    validate?: (artifact: unknown, info: ModelVersionInfo) => unknown,
  ): Promise<{ promoted: ModelVersionInfo; retired: ModelVersionInfo | null }> {
    const target = await this.get(name, version);
    if (target.status === 'active') return { promoted: target, retired: null };
    const artifact = this.readArtifact(target);
    if (validate) await validate(artifact, target);
    const now = new Date();
    const retiredId = await this.db.sql.transaction(async (tx) => this.swap(tx, name, target.id, now, true));
    return {
      promoted: await this.get(name, version),
      retired: retiredId
        ? rowToInfo((await this.db.sql.all<Record<string, unknown>>('SELECT * FROM model_version WHERE id = ?', [retiredId]))[0])
        : null,
    };
  }

  private async swap(tx: SqlRunner, name: string, targetId: number, now: Date, setPromotedAt: boolean): Promise<number | null> {
    const current = await tx.all<{ id: number }>("SELECT id FROM model_version WHERE name = ? AND status = 'active'", [name]);
    for (const c of current)
      if (Number(c.id) !== targetId) await tx.run("UPDATE model_version SET status = 'retired', retired_at = ? WHERE id = ?", [now, c.id]);
    if (setPromotedAt) {
      // promoted_at orders promotions for rollback, so it must be strictly increasing per model even
      // when two promotions fall in the same millisecond.
      const [last] = await tx.all<{ last: unknown }>('SELECT MAX(promoted_at) AS last FROM model_version WHERE name = ?', [name]);
      const lastAt = fromSqlDate(last?.last)?.getTime() ?? -Infinity;
      const at = now.getTime() > lastAt ? now : new Date(lastAt + 1);
      await tx.run("UPDATE model_version SET status = 'active', promoted_at = ?, retired_at = NULL WHERE id = ?", [at, targetId]);
    } else await tx.run("UPDATE model_version SET status = 'active', retired_at = NULL WHERE id = ?", [targetId]);
    const other = current.find((c) => Number(c.id) !== targetId);
    return other ? Number(other.id) : null;
  }

  /**
   * Restores the version that was active before the current one (the most recently promoted
   * retired version promoted earlier than the current), and retires the current.
   */
  async rollback(
    name: string,
    validate?: (artifact: unknown, info: ModelVersionInfo) => unknown,
  ): Promise<{ restored: ModelVersionInfo; retired: ModelVersionInfo }> {
    const current = await this.active(name);
    if (!current) throw unprocessable(`model "${name}" has no active version to roll back from`);
    const rows = await this.db.sql.all<Record<string, unknown>>(
      "SELECT * FROM model_version WHERE name = ? AND status = 'retired' AND promoted_at IS NOT NULL AND id <> ? ORDER BY promoted_at DESC, version DESC",
      [name, current.id],
    );
    const previous = rows.map(rowToInfo).find((r) => r.promotedAt! < (current.promotedAt ?? new Date(8.64e15)));
    if (!previous)
      throw unprocessable(`model "${name}" has no previously active version to roll back to (v${current.version} is the first)`);
    const artifact = this.readArtifact(previous);
    if (validate) await validate(artifact, previous);
    // promoted_at of the restored version is kept, so a second rollback goes one step further back.
    await this.db.sql.transaction(async (tx) => this.swap(tx, name, previous.id, new Date(), false));
    return { restored: await this.get(name, previous.version), retired: await this.get(name, current.version) };
  }
}

export interface RefreshResult {
  name: string;
  outcome: 'unchanged' | 'loaded' | 'failed' | 'none';
  version?: number;
  error?: string;
}

/**
 * The in-memory active models of a process (the HTTP server, a batch job). `refresh()` re-reads the
 * active versions from the database and swaps a model in only after it loaded successfully; a
 * version that fails to load (schema mismatch, missing file) is reported and the previous model
 * keeps serving. Readers call `get()` and always see a complete model.
 */
export class ActiveModels<T> {
  private current = new Map<string, { model: T; info: ModelVersionInfo }>();
  private failures = new Map<string, { version: number; error: string }>();
  private inflight: Promise<RefreshResult[]> | null = null;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly loaders: Record<string, (artifact: unknown, info: ModelVersionInfo) => T | Promise<T>>,
  ) {}

  get(name: string): { model: T; info: ModelVersionInfo } | undefined {
    return this.current.get(name);
  }

  /** The last load failure per model (kept until a later version loads), for /ready and logs. */
  get errors(): Record<string, { version: number; error: string }> {
    return Object.fromEntries(this.failures);
  }

  refresh(): Promise<RefreshResult[]> {
    // Concurrent callers share one refresh rather than loading the same artifact twice.
    this.inflight ??= this.doRefresh().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async doRefresh(): Promise<RefreshResult[]> {
    const results: RefreshResult[] = [];
    for (const name of Object.keys(this.loaders)) {
      try {
        const info = await this.registry.active(name);
        if (!info) {
          this.current.delete(name);
          results.push({ name, outcome: 'none' });
          continue;
        }
        const loaded = this.current.get(name);
        if (loaded && loaded.info.id === info.id) {
          results.push({ name, outcome: 'unchanged', version: info.version });
          continue;
        }
        const failed = this.failures.get(name);
        if (failed && failed.version === info.version) {
          results.push({ name, outcome: 'failed', version: info.version, error: failed.error });
          continue;
        }
        const model = await this.loaders[name](this.registry.readArtifact(info), info);
        this.current.set(name, { model, info });
        this.failures.delete(name);
        results.push({ name, outcome: 'loaded', version: info.version });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        const version = (await this.registry.active(name).catch(() => null))?.version ?? -1;
        this.failures.set(name, { version, error });
        results.push({ name, outcome: 'failed', version, error });
      }
    }
    return results;
  }
}
