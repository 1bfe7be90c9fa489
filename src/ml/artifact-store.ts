// Where the model registry keeps artifacts (the registry's rules and rows are in registry.ts): a
// folder per version (folder-artifact-store.ts, the SQLite default) or immutable rows in the
// database (DatabaseArtifactStore below, the PostgreSQL default), so that every API replica and
// worker on one PostgreSQL loads the same bytes without a shared file system. The registry talks
// to both through ArtifactStore; the rows come in through ArtifactRows (src/db/repositories/
// model-artifacts.ts, wired by src/services/models/model-registry.ts), so src/ml has no SQL.
import crypto from 'node:crypto';
import { AppError } from '../errors';
import type { ModelVersionInfo } from './model-version';

export type ArtifactStoreKind = 'folder' | 'database';

/**
 * An artifact written before its version number is known: the registry allocates the number in
 * the transaction that inserts the version row and calls `place()` there.
 */
export interface StagedArtifact {
  /**
   * Puts the artifact in place as version `version` (or the next free number: a folder left by a
   * crashed run is never reused) and returns what the version row records. `meta(v)` builds the
   * version's meta.json for the number finally used.
   */
  place(version: number, meta: (version: number) => Record<string, unknown>): PlacedArtifact;
  /** Removes whatever the staging left that no version uses (after success or failure). */
  discard(): void;
}

export interface PlacedArtifact {
  version: number;
  /** Where the artifact lives: a folder relative to the models directory, or `db:<sha256>`. */
  artifactPath: string;
  /** The meta to keep in the version row (the database store), or null (a folder keeps meta.json). */
  rowMeta: Record<string, unknown> | null;
}

export interface ArtifactStore {
  readonly kind: ArtifactStoreKind;
  /** Stores `body` (the artifact's JSON, whose sha-256 is `sha256`) for model `name`. */
  stage(name: string, body: string, sha256: string): Promise<StagedArtifact>;
  /** The artifact of a version, parsed, after checking it against the checksum written with it. */
  read(info: ModelVersionInfo): Promise<unknown>;
  /** The meta.json of a version (seed, libraries, parameters), or null when it has none. */
  readMeta(info: ModelVersionInfo): Promise<Record<string, unknown>>;
}

/** Immutable artifact rows, addressed by the sha-256 of their bytes (model_artifact). */
export interface ArtifactRows {
  /** Inserts the row unless one with this sha-256 exists (the same bytes: nothing to do). */
  put(sha256: string, body: string, at: Date): Promise<void>;
  /** The stored body, or null when there is no row. */
  body(sha256: string): Promise<string | null>;
  /** The meta kept in the version row by the database store. */
  meta(versionId: number): Promise<Record<string, unknown> | null>;
}

export const sha256Of = (body: string | Buffer): string => crypto.createHash('sha256').update(body).digest('hex');

const DB_PREFIX = 'db:';

// The same code and wording as a broken folder (src/ml/artifact-folder.ts): 422 / exit 7.
const invalid = (label: string, problem: string) =>
  new AppError('ARTIFACT_INVALID', `the stored model of ${label} is unusable: ${problem}`, [{ problem }]);

/**
 * Artifacts as rows of the database. A row is content-addressed and never updated (a trigger
 * refuses UPDATE), and it is written before the version row that names it: a run that dies in
 * between leaves an unreferenced row (the next identical artifact reuses it), never a version
 * without its artifact. Reads check the bytes against the sha-256 the version row recorded.
 */
export class DatabaseArtifactStore implements ArtifactStore {
  readonly kind = 'database' as const;

  constructor(private readonly rows: ArtifactRows) {}

  static owns(info: Pick<ModelVersionInfo, 'artifactPath'>): boolean {
    return info.artifactPath.startsWith(DB_PREFIX);
  }

  async stage(_name: string, body: string, sha256: string): Promise<StagedArtifact> {
    await this.rows.put(sha256, body, new Date());
    return {
      place: (version, meta) => ({ version, artifactPath: `${DB_PREFIX}${sha256}`, rowMeta: meta(version) }),
      discard: () => undefined,
    };
  }

  async read(info: ModelVersionInfo): Promise<unknown> {
    const label = `${info.name} v${info.version}`;
    const sha256 = info.artifactSha256 ?? info.artifactPath.slice(DB_PREFIX.length);
    const body = await this.rows.body(sha256);
    if (body === null) throw invalid(label, `its artifact row is missing (model_artifact ${sha256})`);
    if (sha256Of(body) !== sha256)
      throw invalid(label, `its artifact row does not match its checksum (model_artifact ${sha256} was modified)`);
    try {
      return JSON.parse(body);
    } catch (e) {
      throw invalid(label, `its artifact row is not valid JSON (${(e as Error).message})`);
    }
  }

  async readMeta(info: ModelVersionInfo): Promise<Record<string, unknown>> {
    const meta = await this.rows.meta(info.id);
    if (!meta) throw invalid(`${info.name} v${info.version}`, 'its version row has no meta');
    return meta;
  }
}

/**
 * Writes new artifacts to one store and reads each version from the store that wrote it (its
 * artifact path says which), so switching stores never strands the versions written before.
 */
export class RoutedArtifactStore implements ArtifactStore {
  constructor(
    private readonly target: ArtifactStore,
    private readonly folder: ArtifactStore,
    private readonly database: ArtifactStore | null,
  ) {}

  get kind(): ArtifactStoreKind {
    return this.target.kind;
  }

  private storeOf(info: ModelVersionInfo): ArtifactStore {
    if (!DatabaseArtifactStore.owns(info)) return this.folder;
    if (!this.database) throw invalid(`${info.name} v${info.version}`, 'its artifact is in the database store, which is not open here');
    return this.database;
  }

  stage(name: string, body: string, sha256: string): Promise<StagedArtifact> {
    return this.target.stage(name, body, sha256);
  }

  read(info: ModelVersionInfo): Promise<unknown> {
    return this.storeOf(info).read(info);
  }

  readMeta(info: ModelVersionInfo): Promise<Record<string, unknown>> {
    return this.storeOf(info).readMeta(info);
  }
}
