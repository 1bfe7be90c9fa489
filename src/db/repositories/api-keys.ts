// api_key rows: a key's name, lookup prefix, sha-256 hash (never the key), scopes and dates. The
// rules (names, scopes, hashing, the verification cache) are in src/services/api-keys/api-keys.ts.
import { fromSqlDate, type SqlRunner } from '../sql';
import { CHANNELS, notify } from '../notifications';

export interface ApiKeyRecord {
  name: string;
  prefix: string;
  /** Hex sha-256 of the whole key. */
  hash: string;
  scopes: string[];
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface KeyRow {
  name: string;
  prefix: string;
  hash: string;
  scopes: string;
  created_at: unknown;
  revoked_at: unknown;
  last_used_at: unknown;
}

const COLUMNS = 'name, prefix, hash, scopes, created_at, revoked_at, last_used_at';

const toRecord = (r: KeyRow): ApiKeyRecord => ({
  name: r.name,
  prefix: r.prefix,
  hash: r.hash,
  scopes: r.scopes.split(',').filter(Boolean),
  createdAt: fromSqlDate(r.created_at) ?? new Date(0),
  revokedAt: fromSqlDate(r.revoked_at),
  lastUsedAt: fromSqlDate(r.last_used_at),
});

/** Whether a key (revoked or not) has this name. */
export async function apiKeyNameTaken(q: SqlRunner, name: string): Promise<boolean> {
  return (await q.all('SELECT 1 AS n FROM api_key WHERE name = ?', [name])).length > 0;
}

/** Inserts a key; a unique violation (name or prefix) is thrown as the driver reports it. */
export async function insertApiKey(
  q: SqlRunner,
  key: { name: string; prefix: string; hash: string; scopes: readonly string[]; createdAt: Date },
): Promise<void> {
  await q.run('INSERT INTO api_key (name, prefix, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)', [
    key.name,
    key.prefix,
    key.hash,
    key.scopes.join(','),
    key.createdAt,
  ]);
}

/** Every key, oldest first. */
export async function listApiKeyRecords(q: SqlRunner): Promise<ApiKeyRecord[]> {
  return (await q.all<KeyRow>(`SELECT ${COLUMNS} FROM api_key ORDER BY created_at, id`)).map(toRecord);
}

export async function apiKeyByName(q: SqlRunner, name: string): Promise<ApiKeyRecord | null> {
  const [row] = await q.all<KeyRow>(`SELECT ${COLUMNS} FROM api_key WHERE name = ?`, [name]);
  return row ? toRecord(row) : null;
}

export async function apiKeyByPrefix(q: SqlRunner, prefix: string): Promise<ApiKeyRecord | null> {
  const [row] = await q.all<KeyRow>(`SELECT ${COLUMNS} FROM api_key WHERE prefix = ?`, [prefix]);
  return row ? toRecord(row) : null;
}

/** Revokes the key and tells every process listening (PostgreSQL) to forget its cached lookups. */
export async function markApiKeyRevoked(q: SqlRunner, name: string, at: Date): Promise<void> {
  await q.run('UPDATE api_key SET revoked_at = ? WHERE name = ?', [at, name]);
  await notify(q, CHANNELS.apiKeys, name);
}

export async function markApiKeyUsed(q: SqlRunner, prefix: string, at: Date): Promise<void> {
  await q.run('UPDATE api_key SET last_used_at = ? WHERE prefix = ?', [at, prefix]);
}

/** How many keys are not revoked. */
export async function countActiveApiKeys(q: SqlRunner): Promise<number> {
  const [row] = await q.all<{ n: number }>('SELECT COUNT(*) AS n FROM api_key WHERE revoked_at IS NULL');
  return Number(row.n);
}
