// A fingerprint of everything stored: every row of every table, hashed per table. Two equal
// fingerprints mean nothing was written in between (the fuzz test compares them around each
// rejected request). api_key.last_used_at is left out: authentication records it for every
// request, accepted or not, off the request path.
import crypto from 'node:crypto';
import type { Database } from '../../../src/db/database';
import { TABLES } from '../../../src/db/repositories/stats';

const normalise = (v: unknown): unknown =>
  v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v;

export async function dbFingerprint(db: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const rows = await db.sql.all<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`);
    const h = crypto.createHash('sha1');
    for (const row of rows) {
      if (table === 'api_key') delete row.last_used_at;
      h.update(JSON.stringify(Object.entries(row).map(([k, v]) => [k, normalise(v)])));
    }
    out[table] = `${rows.length}:${h.digest('hex').slice(0, 16)}`;
  }
  return out;
}
