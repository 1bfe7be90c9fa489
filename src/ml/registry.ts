// The model registry: every training run writes an immutable artifact (through an ArtifactStore:
// a folder per version `<modelsDir>/<name>/v<N>/` with artifact.json + meta.json, or immutable
// database rows, src/ml/artifact-store.ts) and one `model_version` row recording its sha-256.
// Statuses: candidate -> active -> retired. Promotion and rollback change the rows in one database
// transaction, so a reader (the server's hot reload, a cron job) sees either the old or the new
// active version, never none or two. The rows are kept by a ModelVersionStore (over the database:
// src/db/repositories/model-versions.ts, wired by src/services/models/model-registry.ts), so this
// file needs no database code.
import { AppError, notFound, unprocessable } from '../errors';
import { checkLoadable } from './artifact-folder';
import { type ArtifactStore, sha256Of } from './artifact-store';
import { FolderArtifactStore } from './folder-artifact-store';
import type { ModelVersionInfo } from './model-version';

export type { ModelStatus, ModelVersionInfo } from './model-version';

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

/** A new candidate row, decided by register() once it knows the next version number. */
export interface NewModelVersionRow
  extends Pick<
    ModelVersionInfo,
    'version' | 'algorithm' | 'metrics' | 'featureSchema' | 'artifactPath' | 'trainedAt' | 'dataFrom' | 'dataTo' | 'notes'
  > {
  /** Always known for a new row (ModelVersionInfo allows null for versions from before it was recorded). */
  artifactSha256: string;
  /** meta.json kept in the row (the database artifact store), or null. */
  meta: Record<string, unknown> | null;
}

/** Where the registry keeps its version rows. Each method that changes rows is one transaction. */
export interface ModelVersionStore {
  /** Hands the model's highest version (0 when none) to `prepare`, inserts the row it returns as a candidate. */
  insertNext(name: string, prepare: (lastVersion: number) => NewModelVersionRow): Promise<ModelVersionInfo>;
  /** Every version of `name` (or of every model, by name), newest version first. */
  list(name?: string): Promise<ModelVersionInfo[]>;
  active(name: string): Promise<ModelVersionInfo | null>;
  find(name: string, version: number): Promise<ModelVersionInfo | null>;
  byId(id: number): Promise<ModelVersionInfo | null>;
  /** Retired versions of `name` that were once promoted (other than `exceptId`), latest promotion first. */
  previouslyPromoted(name: string, exceptId: number): Promise<ModelVersionInfo[]>;
  /**
   * Makes `targetId` the active version and retires the previous active one; returns the retired
   * id or null. With `stampPromotedAt`, promoted_at becomes `at` (strictly after the model's last promotion).
   */
  activate(name: string, targetId: number, opts: { at: Date; stampPromotedAt: boolean }): Promise<number | null>;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

export class ModelRegistry {
  readonly artifacts: ArtifactStore;

  constructor(
    private readonly store: ModelVersionStore,
    readonly modelsDir: string,
    artifacts?: ArtifactStore,
  ) {
    this.artifacts = artifacts ?? new FolderArtifactStore(modelsDir);
  }

  private checkName(name: string) {
    if (!NAME.test(name)) throw new AppError('INVALID_INPUT', `model name "${name}" must be lowercase letters, digits or dashes`);
  }

  /** Stores a new immutable artifact and a `candidate` row; returns the new version. */
  async register(name: string, input: RegisterInput): Promise<ModelVersionInfo> {
    this.checkName(name);
    const body = JSON.stringify(input.artifact);
    const sha256 = sha256Of(body);
    const trainedAt = input.trainedAt ?? new Date();
    const meta = (version: number) => ({
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
    });
    const staged = await this.artifacts.stage(name, body, sha256);
    try {
      return await this.store.insertNext(name, (lastVersion) => {
        const placed = staged.place(lastVersion + 1, meta);
        return {
          version: placed.version,
          algorithm: input.algorithm,
          metrics: input.metrics ?? null,
          featureSchema: input.featureSchema ?? null,
          artifactPath: placed.artifactPath,
          trainedAt,
          dataFrom: input.dataFrom ?? null,
          dataTo: input.dataTo ?? null,
          notes: input.notes ?? null,
          artifactSha256: sha256,
          meta: placed.rowMeta,
        };
      });
    } finally {
      staged.discard();
    }
  }

  list(name?: string): Promise<ModelVersionInfo[]> {
    return this.store.list(name);
  }

  active(name: string): Promise<ModelVersionInfo | null> {
    return this.store.active(name);
  }

  /** A version by number, or the active one when no number is given. */
  async get(name: string, version?: number): Promise<ModelVersionInfo> {
    if (version === undefined) {
      const a = await this.active(name);
      if (!a) throw notFound(`model "${name}" has no active version`);
      return a;
    }
    const found = await this.store.find(name, version);
    if (!found) throw notFound(`model "${name}" has no version ${version}`);
    return found;
  }

  /**
   * Reads a version's artifact from the store that wrote it, after checking it whole against the
   * sha-256 recorded with it: anything missing, truncated or modified is ARTIFACT_INVALID with the
   * reason (src/ml/artifact-folder.ts for folders, src/ml/artifact-store.ts for rows).
   */
  readArtifact(info: ModelVersionInfo): Promise<unknown> {
    return this.artifacts.read(info);
  }

  /** meta.json of a version (ARTIFACT_INVALID when missing or unreadable). */
  readMeta(info: ModelVersionInfo): Promise<Record<string, unknown>> {
    return this.artifacts.readMeta(info);
  }

  /** The store's check, then the caller's load check (a crash in it is ARTIFACT_INVALID too). */
  private async checked(info: ModelVersionInfo, validate?: (artifact: unknown, info: ModelVersionInfo) => unknown) {
    const artifact = await this.readArtifact(info);
    if (validate) await checkLoadable(`${info.name} v${info.version}`, () => validate(artifact, info));
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
    await this.checked(target, validate);
    const now = new Date();
    const retiredId = await this.store.activate(name, target.id, { at: now, stampPromotedAt: true });
    return {
      promoted: await this.get(name, version),
      retired: retiredId ? await this.store.byId(retiredId) : null,
    };
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
    const rows = await this.store.previouslyPromoted(name, current.id);
    const previous = rows.find((r) => r.promotedAt! < (current.promotedAt ?? new Date(8.64e15)));
    if (!previous)
      throw unprocessable(`model "${name}" has no previously active version to roll back to (v${current.version} is the first)`);
    await this.checked(previous, validate);
    // promoted_at of the restored version is kept, so a second rollback goes one step further back.
    await this.store.activate(name, previous.id, { at: new Date(), stampPromotedAt: false });
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
        const artifact = await this.registry.readArtifact(info);
        const model = await checkLoadable(`${name} v${info.version}`, () => this.loaders[name](artifact, info));
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
