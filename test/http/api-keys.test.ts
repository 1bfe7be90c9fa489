// API keys: created by the CLI (printed once) or by an admin over HTTP, stored only as a hash,
// listed without the secret, revoked with immediate effect in the serving process.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { createApiKeyRoute, listApiKeysRoute } from '../../src/contracts/api-keys';
import { clearApiKeyCache, KEY_CACHE_TTL_MS, verifyApiKey, verifyApiKeyCached } from '../../src/services/api-keys/api-keys';
import { bearerToken } from '../../src/http/auth';
import { bearer, detailPaths, expectError, expectSchema, harness, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h.close());

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'salescast.js');
const cli = (...args: string[]) =>
  execFileSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, DATABASE_URL: h.tdb.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();

describe('API keys', () => {
  test('an admin creates a key over HTTP, it works at once with its scopes, and revoking it stops it at once', async () => {
    const created = await request(h.app)
      .post('/v1/api-keys')
      .set(bearer(h.keys.admin))
      .send({ name: 'dashboard', scopes: ['scores:read'] })
      .expect(201);
    expectSchema(createApiKeyRoute.response, created.body);
    const key: string = created.body.key;
    expect(key).toMatch(/^sc_[0-9a-f]{8}_/);
    await request(h.app)
      .get('/v1/deals/scores')
      .set(bearer(key))
      .expect((r) => expect([200, 422]).toContain(r.status));
    expectError(
      await request(h.app)
        .post('/v1/data/accounts')
        .set(bearer(key))
        .send({ records: [{ externalId: 'x', name: 'x' }] }),
      403,
      'FORBIDDEN',
    );
    await request(h.app).delete('/v1/api-keys/dashboard').set(bearer(h.keys.admin)).expect(200);
    expectError(await request(h.app).get('/v1/reports/fields').set(bearer(key)), 401, 'UNAUTHENTICATED');
  });

  test('keys are stored as hashes and listed without secrets', async () => {
    const list = await request(h.app).get('/v1/api-keys').set(bearer(h.keys.admin)).expect(200);
    expectSchema(listApiKeysRoute.response, list.body);
    expect(JSON.stringify(list.body)).not.toContain(h.keys.admin);
    const rows = await h.tdb.db.sql.all<{ hash: string }>('SELECT hash FROM api_key');
    for (const r of rows) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    // The secret is everything after "sc_<prefix>_": base64url, so it may itself contain "_".
    const secret = h.keys.admin.replace(/^sc_[0-9a-f]+_/, '');
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  test('a key differing in one character, or with a known prefix and a wrong secret, is refused', async () => {
    const k = h.keys.read;
    const flipped = k.slice(0, -1) + (k.endsWith('A') ? 'B' : 'A');
    expect(await verifyApiKey(h.tdb.db, flipped)).toBeNull();
    expectError(await request(h.app).get('/v1/reports/fields').set(bearer(flipped)), 401, 'UNAUTHENTICATED');
    expect(await verifyApiKey(h.tdb.db, k)).toMatchObject({ scopes: ['scores:read'] });
  });

  test('the synchronous fast path only recognises the exact key verified within the cache time', async () => {
    clearApiKeyCache();
    const k = h.keys.read;
    const now = Date.now();
    expect(verifyApiKeyCached(h.tdb.db, k, now)).toBeUndefined(); // never verified: the full check runs
    expect(await verifyApiKey(h.tdb.db, k, now)).toMatchObject({ scopes: ['scores:read'] });
    expect(verifyApiKeyCached(h.tdb.db, k, now + 1000)).toMatchObject({
      keyName: expect.stringMatching(/^reader-/),
      scopes: ['scores:read'],
    });
    const flipped = k.slice(0, -1) + (k.endsWith('A') ? 'B' : 'A');
    expect(verifyApiKeyCached(h.tdb.db, flipped, now + 1000)).toBeUndefined();
    expect(await verifyApiKey(h.tdb.db, flipped, now + 1000)).toBeNull();
    expect(verifyApiKeyCached(h.tdb.db, k, now + 1000)).toBeDefined(); // a wrong guess does not evict the right key
    expect(verifyApiKeyCached(h.tdb.db, k, now + KEY_CACHE_TTL_MS + 1)).toBeUndefined(); // stale: re-read (revocation elsewhere)
    expect(verifyApiKeyCached(h.tdb.db, 'sc_', now)).toBeUndefined();
  });

  test('bad names, unknown scopes and duplicates are refused', async () => {
    expect(
      detailPaths(
        expectError(
          await request(h.app)
            .post('/v1/api-keys')
            .set(bearer(h.keys.admin))
            .send({ name: 'has spaces', scopes: ['admin'] }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('name');
    expect(
      detailPaths(
        expectError(
          await request(h.app)
            .post('/v1/api-keys')
            .set(bearer(h.keys.admin))
            .send({ name: 'ok', scopes: ['root'] }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('scopes.0');
    expect(
      detailPaths(
        expectError(
          await request(h.app).post('/v1/api-keys').set(bearer(h.keys.admin)).send({ name: 'ok', scopes: [] }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('scopes');
    expectError(
      await request(h.app)
        .post('/v1/api-keys')
        .set(bearer(h.keys.admin))
        .send({ name: 'reader-1', scopes: ['admin'] }),
      409,
      'CONFLICT',
    );
    expectError(await request(h.app).delete('/v1/api-keys/nobody').set(bearer(h.keys.admin)), 404, 'NOT_FOUND');
  });

  test('the CLI creates a key (printed once), lists it without the secret and revokes it', async () => {
    const key = cli('keys', 'create', '--name', 'crm-frontend', '--scope', 'scores:read,data:write').trim();
    expect(key).toMatch(/^sc_[0-9a-f]{8}_\S+$/);
    await request(h.app).get('/v1/reports/fields').set(bearer(key)).expect(200);
    const listed = JSON.parse(cli('keys', 'list', '--json')) as { name: string; scopes: string[] }[];
    expect(listed.find((k) => k.name === 'crm-frontend')?.scopes).toEqual(['scores:read', 'data:write']);
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(cli('keys', 'revoke', 'crm-frontend')).toContain('Revoked');
    let failed: { status: number; stderr: string } | null = null;
    try {
      cli('keys', 'create', '--name', 'x', '--scope', 'everything');
    } catch (e) {
      failed = { status: (e as { status: number }).status, stderr: String((e as { stderr: Buffer }).stderr) };
    }
    expect(failed?.status).not.toBe(0);
    expect(failed?.stderr).toContain('Unknown scope');
  });
});

describe('the Authorization header', () => {
  test('the token is read as the "Bearer <token>" pattern reads it, fast path or not', () => {
    const reference = (h: string) => /^Bearer\s+(\S+)\s*$/i.exec(h)?.[1] ?? null;
    const samples = [
      'Bearer sc_0123abcd_secret',
      'bearer sc_x',
      'BEARER  sc_x  ',
      'Bearer',
      'Bearer ',
      'Bearer a b',
      'Bearer\tsc_x',
      'Basic abc',
      'Bearer sc_x\t',
      'Bearersc_x',
      ' Bearer sc_x',
    ];
    for (const h of samples) expect([h, bearerToken(h)]).toEqual([h, reference(h)]);
  });
});
