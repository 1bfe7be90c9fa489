// model_version rows of the model registry (src/ml/registry.ts keeps the rules, its artifact stores
// the artifacts; this file is its storage). The registry talks to it through its ModelVersionStore
// interface, so src/ml imports nothing from src/db: services wire the two (openModelRegistry).
// On PostgreSQL a change of the active version is announced with NOTIFY (src/db/notifications.ts)
// at commit, so every API replica reloads at once rather than at its next poll.
import { CHANNELS, notify } from '../notifications';
import { fromSqlDate, fromSqlJson, type Sql, type SqlRunner } from '../sql';

export type ModelVersionStatus = 'candidate' | 'active' | 'retired';

/** One registry row as stored (the same shape as the registry's ModelVersionInfo). */
export interface ModelVersionRecord {
  id: number;
  name: string;
  version: number;
  algorithm: string;
  status: ModelVersionStatus;
  metrics: Record<string, unknown> | null;
  featureSchema: Record<string, unknown> | null;
  artifactPath: string;
  trainedAt: Date;
  dataFrom: Date | null;
  dataTo: Date | null;
  promotedAt: Date | null;
  retiredAt: Date | null;
  notes: string | null;
  artifactSha256: string | null;
}

/** A new candidate row: what the registry decided once it knew the next version number. */
export interface NewModelVersion {
  version: number;
  algorithm: string;
  metrics: Record<string, unknown> | null;
  featureSchema: Record<string, unknown> | null;
  artifactPath: string;
  trainedAt: Date;
  dataFrom: Date | null;
  dataTo: Date | null;
  notes: string | null;
  artifactSha256: string;
  meta: Record<string, unknown> | null;
}

// Every column but meta, which only readMeta() needs (the hot reload polls active() every few seconds).
const COLUMNS =
  'id, name, version, algorithm, status, metrics, feature_schema, artifact_path, trained_at, data_from, data_to, promoted_at, retired_at, notes, artifact_sha256';

function toRecord(r: Record<string, unknown>): ModelVersionRecord {
  return {
    id: Number(r.id),
    name: String(r.name),
    version: Number(r.version),
    algorithm: String(r.algorithm),
    status: r.status as ModelVersionStatus,
    metrics: fromSqlJson<Record<string, unknown>>(r.metrics),
    featureSchema: fromSqlJson<Record<string, unknown>>(r.feature_schema),
    artifactPath: String(r.artifact_path),
    trainedAt: fromSqlDate(r.trained_at)!,
    dataFrom: fromSqlDate(r.data_from),
    dataTo: fromSqlDate(r.data_to),
    promotedAt: fromSqlDate(r.promoted_at),
    retiredAt: fromSqlDate(r.retired_at),
    notes: (r.notes as string | null) ?? null,
    artifactSha256: (r.artifact_sha256 as string | null) ?? null,
  };
}

async function one(q: SqlRunner, sql: string, params: unknown[]): Promise<ModelVersionRecord | null> {
  const rows = await q.all<Record<string, unknown>>(sql, params);
  return rows.length ? toRecord(rows[0]) : null;
}

/** Whether `name` has an active version (a cheap check before loading anything). */
export async function hasActiveVersion(q: SqlRunner, name: string): Promise<boolean> {
  return (await q.all("SELECT id FROM model_version WHERE name = ? AND status = 'active'", [name])).length > 0;
}

/**
 * Makes `targetId` the active version of `name` and retires the other active one, on the caller's
 * transaction; returns the id it retired, or null. With `stampPromotedAt`, promoted_at is set to
 * `at`, or 1 ms after the latest promotion of the model when that is not earlier: rollback orders
 * promotions by it, so it must increase strictly even for two promotions in one millisecond.
 */
async function activate(tx: SqlRunner, name: string, targetId: number, at: Date, stampPromotedAt: boolean): Promise<number | null> {
  const current = await tx.all<{ id: number }>("SELECT id FROM model_version WHERE name = ? AND status = 'active'", [name]);
  for (const c of current)
    if (Number(c.id) !== targetId) await tx.run("UPDATE model_version SET status = 'retired', retired_at = ? WHERE id = ?", [at, c.id]);
  if (stampPromotedAt) {
    const [last] = await tx.all<{ last: unknown }>('SELECT MAX(promoted_at) AS last FROM model_version WHERE name = ?', [name]);
    const lastAt = fromSqlDate(last?.last)?.getTime() ?? -Infinity;
    const promotedAt = at.getTime() > lastAt ? at : new Date(lastAt + 1);
    await tx.run("UPDATE model_version SET status = 'active', promoted_at = ?, retired_at = NULL WHERE id = ?", [promotedAt, targetId]);
  } else await tx.run("UPDATE model_version SET status = 'active', retired_at = NULL WHERE id = ?", [targetId]);
  // Delivered when the transaction commits, to every process listening (the API replicas).
  await notify(tx, CHANNELS.models, name);
  const other = current.find((c) => Number(c.id) !== targetId);
  return other ? Number(other.id) : null;
}

/** The registry's storage over the database (structurally the ModelVersionStore of src/ml/registry.ts). */
export function modelVersionStore(sql: Sql) {
  return {
    /**
     * In one write transaction: hands the model's highest version (0 when none) to `prepare`, which
     * places the version folder and returns the row; inserts it as a candidate and returns it.
     */
    insertNext(name: string, prepare: (lastVersion: number) => NewModelVersion): Promise<ModelVersionRecord> {
      return sql.transaction(async (tx) => {
        const rows = await tx.all<{ v: number | null }>('SELECT MAX(version) AS v FROM model_version WHERE name = ?', [name]);
        const row = prepare(Number(rows[0]?.v ?? 0));
        await tx.run(
          `INSERT INTO model_version (name, version, algorithm, status, metrics, feature_schema, artifact_path, trained_at, data_from, data_to, notes, artifact_sha256, meta)
           VALUES (?, ?, ?, 'candidate', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            name,
            row.version,
            row.algorithm,
            row.metrics,
            row.featureSchema,
            row.artifactPath,
            row.trainedAt,
            row.dataFrom,
            row.dataTo,
            row.notes,
            row.artifactSha256,
            row.meta,
          ],
        );
        return (await one(tx, `SELECT ${COLUMNS} FROM model_version WHERE name = ? AND version = ?`, [name, row.version]))!;
      });
    },

    /** Every version of `name` (or of every model, by name), newest version first. */
    async list(name?: string): Promise<ModelVersionRecord[]> {
      const rows = name
        ? await sql.all<Record<string, unknown>>(`SELECT ${COLUMNS} FROM model_version WHERE name = ? ORDER BY version DESC`, [name])
        : await sql.all<Record<string, unknown>>(`SELECT ${COLUMNS} FROM model_version ORDER BY name, version DESC`);
      return rows.map(toRecord);
    },

    active(name: string): Promise<ModelVersionRecord | null> {
      return one(sql, `SELECT ${COLUMNS} FROM model_version WHERE name = ? AND status = 'active' ORDER BY version DESC`, [name]);
    },

    find(name: string, version: number): Promise<ModelVersionRecord | null> {
      return one(sql, `SELECT ${COLUMNS} FROM model_version WHERE name = ? AND version = ?`, [name, version]);
    },

    byId(id: number): Promise<ModelVersionRecord | null> {
      return one(sql, `SELECT ${COLUMNS} FROM model_version WHERE id = ?`, [id]);
    },

    /** Retired versions of `name` that were once promoted (other than `exceptId`), latest promotion first. */
    async previouslyPromoted(name: string, exceptId: number): Promise<ModelVersionRecord[]> {
      const rows = await sql.all<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM model_version WHERE name = ? AND status = 'retired' AND promoted_at IS NOT NULL AND id <> ? ORDER BY promoted_at DESC, version DESC`,
        [name, exceptId],
      );
      return rows.map(toRecord);
    },

    /** In one transaction: `targetId` becomes the active version, the previous active one is retired (its id returned). */
    activate(name: string, targetId: number, opts: { at: Date; stampPromotedAt: boolean }): Promise<number | null> {
      return sql.transaction((tx) => activate(tx, name, targetId, opts.at, opts.stampPromotedAt));
    },
  };
}
