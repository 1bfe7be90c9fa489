// model_artifact rows: the database artifact store of the model registry (src/ml/artifact-store.ts
// keeps the rules; this is its storage, structurally its ArtifactRows). A row is addressed by the
// sha-256 of its body and never updated (a trigger refuses UPDATE); the version rows name it.
import { fromSqlJson, type SqlRunner } from '../sql';

export function modelArtifactRows(q: SqlRunner) {
  return {
    /** Inserts the artifact unless a row with this sha-256 exists (identical bytes). */
    async put(sha256: string, body: string, at: Date): Promise<void> {
      await q.run('INSERT INTO model_artifact (sha256, body, bytes, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING', [
        sha256,
        body,
        Buffer.byteLength(body),
        at,
      ]);
    },

    async body(sha256: string): Promise<string | null> {
      const rows = await q.all<{ body: string }>('SELECT body FROM model_artifact WHERE sha256 = ?', [sha256]);
      return rows.length ? rows[0].body : null;
    },

    /** The meta.json the database store keeps in the version row. */
    async meta(versionId: number): Promise<Record<string, unknown> | null> {
      const rows = await q.all<{ meta: unknown }>('SELECT meta FROM model_version WHERE id = ?', [versionId]);
      return rows.length ? fromSqlJson<Record<string, unknown>>(rows[0].meta) : null;
    },
  };
}
