// API keys: created once (the key is shown only then), stored as a sha-256 hash next to a short
// lookup prefix, verified in constant time. A key has scopes: scores:read, data:write, admin.
// Lookups are cached for a few seconds so authenticated scoring needs no database round trip per
// request; revocation in this process clears the cache at once, from another process (the CLI)
// it takes effect within the cache TTL.
import crypto from 'node:crypto';
import type { Database } from '../../db/database';
import {
  type ApiKeyRecord,
  apiKeyByName,
  apiKeyByPrefix,
  apiKeyNameTaken,
  countActiveApiKeys,
  insertApiKey,
  listApiKeyRecords,
  markApiKeyRevoked,
  markApiKeyUsed,
} from '../../db/repositories/api-keys';
import { AppError, conflict, invalidInput, notFound } from '../../errors';

import { API_SCOPES, type ApiScope } from './scopes';

export { API_SCOPES, type ApiScope } from './scopes';

export interface ApiKeyInfo {
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface Identity {
  keyName: string;
  prefix: string;
  scopes: ApiScope[];
}

// sc_ + 8 hex lookup characters, then 40 base62-ish secret characters (~240 bits).
const KEY_RE = /^sc_([0-9a-f]{8})_([A-Za-z0-9_-]{20,100})$/;

// crypto.hash (Node >= 20.12) is a one-shot digest without a Hash object per call: auth runs on
// every request.
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string, enc: 'buffer') => Buffer }).hash;
const sha256 = (s: string): Buffer => (oneShot ? oneShot('sha256', s, 'buffer') : crypto.createHash('sha256').update(s).digest());

export function parseScopes(raw: string | string[]): ApiScope[] {
  const list = (Array.isArray(raw) ? raw : raw.split(',')).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0)
    throw invalidInput('At least one scope is required', [
      { path: ['scopes'], problem: `must list one or more of ${API_SCOPES.join(', ')}` },
    ]);
  const bad = list.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
  if (bad.length)
    throw invalidInput(
      `Unknown scope(s): ${bad.join(', ')}`,
      bad.map((b) => ({ path: ['scopes'], value: b, problem: `must be one of ${API_SCOPES.join(', ')}` })),
    );
  return [...new Set(list)] as ApiScope[];
}

function validateName(name: string) {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
    throw invalidInput('Invalid key name', [
      { path: ['name'], value: name, problem: 'must be 1-100 characters: letters, digits, . _ - (starting with a letter or digit)' },
    ]);
  }
}

const toInfo = (r: ApiKeyRecord): ApiKeyInfo => ({
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as ApiScope[],
  createdAt: r.createdAt,
  revokedAt: r.revokedAt,
  lastUsedAt: r.lastUsedAt,
});

export async function createApiKey(
  db: Database,
  input: { name: string; scopes: string | string[] },
): Promise<{ key: string; info: ApiKeyInfo }> {
  validateName(input.name);
  const scopes = parseScopes(input.scopes);
  if (await apiKeyNameTaken(db.sql, input.name))
    throw conflict(`An API key named "${input.name}" already exists (revoked keys keep their name)`);
  // A prefix collision is astronomically unlikely but the column is unique: retry rather than fail.
  for (let attempt = 0; attempt < 5; attempt++) {
    const prefix = crypto.randomBytes(4).toString('hex');
    const secret = crypto.randomBytes(30).toString('base64url');
    const key = `sc_${prefix}_${secret}`;
    const now = new Date();
    try {
      await insertApiKey(db.sql, { name: input.name, prefix, hash: sha256(key).toString('hex'), scopes, createdAt: now });
    } catch (e) {
      if (/unique/i.test(String(e)) && /prefix/i.test(String(e))) continue;
      if (/unique/i.test(String(e))) throw conflict(`An API key named "${input.name}" already exists`);
      throw e;
    }
    keyCache.clear();
    return { key, info: { name: input.name, prefix, scopes, createdAt: now, revokedAt: null, lastUsedAt: null } };
  }
  throw new AppError('INTERNAL', 'Could not allocate a unique key prefix');
}

export async function listApiKeys(db: Database): Promise<ApiKeyInfo[]> {
  return (await listApiKeyRecords(db.sql)).map(toInfo);
}

export async function revokeApiKey(db: Database, name: string): Promise<ApiKeyInfo> {
  const key = await apiKeyByName(db.sql, name);
  if (!key) throw notFound(`No API key named "${name}"`);
  if (!key.revokedAt) await markApiKeyRevoked(db.sql, name, new Date());
  keyCache.clear();
  return toInfo((await apiKeyByName(db.sql, name))!);
}

interface CachedKey {
  row: ApiKeyRecord | null;
  at: number;
  /** The one presented key that matched the stored hash, and who it is (set after a full check). */
  verified?: { key: string; identity: Identity };
}
const keyCache = new Map<string, CachedKey>();
const lastTouched = new Map<string, number>();

export const KEY_CACHE_TTL_MS = 5_000;
const TOUCH_EVERY_MS = 60_000;

/** Forgets cached lookups (tests, and after revocation in this process). */
export function clearApiKeyCache() {
  keyCache.clear();
}

/** Equal strings of equal length, in time that depends only on the length (no early exit). */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function touch(db: Database, prefix: string, now: number) {
  // last_used_at is informative: update at most once a minute per key, off the request path.
  if (now - (lastTouched.get(prefix) ?? 0) > TOUCH_EVERY_MS) {
    lastTouched.set(prefix, now);
    markApiKeyUsed(db.sql, prefix, new Date(now)).catch(() => undefined);
  }
}

/**
 * The synchronous fast path of verifyApiKey, for every authenticated request: the identity of a
 * key this process verified within KEY_CACHE_TTL_MS, or undefined when the full check is needed
 * (first use, cache expired, a different secret under the same prefix, a malformed key). Skipping
 * the hash is safe because the key is compared with the exact string that passed the hash check,
 * in constant time.
 */
export function verifyApiKeyCached(db: Database, presented: string, now = Date.now()): Identity | undefined {
  if (presented.length < 32 || presented.charCodeAt(11) !== 95 /* _ */) return undefined;
  const cached = keyCache.get(presented.slice(3, 11));
  if (!cached?.verified || now - cached.at > KEY_CACHE_TTL_MS || !sameSecret(cached.verified.key, presented)) return undefined;
  touch(db, cached.verified.identity.prefix, now);
  return cached.verified.identity;
}

/**
 * Resolves a presented key to its identity, or null when unknown/revoked/malformed. The hash is
 * compared with timingSafeEqual so a caller cannot learn the stored hash byte by byte.
 */
export async function verifyApiKey(db: Database, presented: string, now = Date.now()): Promise<Identity | null> {
  const m = KEY_RE.exec(presented);
  if (!m) return null;
  const prefix = m[1];
  let cached = keyCache.get(prefix);
  if (!cached || now - cached.at > KEY_CACHE_TTL_MS) {
    cached = { row: await apiKeyByPrefix(db.sql, prefix), at: now };
    if (keyCache.size > 10_000) keyCache.clear(); // bound memory against prefix-spraying callers
    keyCache.set(prefix, cached);
  }
  const row = cached.row;
  // Hash even when the prefix is unknown so both paths cost the same.
  const presentedHash = sha256(presented);
  const storedHash = row ? Buffer.from(row.hash, 'hex') : Buffer.alloc(32);
  const same = storedHash.length === presentedHash.length && crypto.timingSafeEqual(storedHash, presentedHash);
  if (!row || !same || row.revokedAt) return null;
  const identity: Identity = { keyName: row.name, prefix, scopes: row.scopes as ApiScope[] };
  cached.verified = { key: presented, identity };
  touch(db, prefix, now);
  return identity;
}

/** How many API keys are not revoked (the server warns at start-up when there are none). */
export function activeApiKeyCount(db: Database): Promise<number> {
  return countActiveApiKeys(db.sql);
}
