// Test harness for the HTTP API: the app in-process on a temporary migrated SQLite database, and
// keys with chosen scopes created through the real key service.
import pino from 'pino';
import type request from 'supertest';
import type { z } from 'zod';
import { createApp, type AppServices } from '../../src/http/app';
import type { HttpConfig } from '../../src/http/context';
import { clearApiKeyCache, createApiKey } from '../../src/services/api-keys/api-keys';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

export interface Harness {
  tdb: TestDatabase;
  app: ReturnType<typeof createApp>;
  keys: { read: string; write: string; admin: string; all: string };
  close(): Promise<void>;
}

export const TEST_CONFIG: Partial<HttpConfig> = {
  SALESCAST_AUTH_DISABLED: false,
  RATE_LIMIT_PER_MINUTE: 100_000,
  BODY_LIMIT: '1mb',
  CORS_ORIGINS: 'https://crm.example.com',
  CURRENCY: 'USD',
};

let harnessCount = 0;

export async function harness(
  opts: { config?: Partial<HttpConfig>; services?: Partial<AppServices>; tdb?: TestDatabase } = {},
): Promise<Harness> {
  clearApiKeyCache();
  const tdb = opts.tdb ?? (await createTestDatabase());
  const n = ++harnessCount;
  const mk = async (name: string, scopes: string) => (await createApiKey(tdb.db, { name: `${name}-${n}`, scopes })).key;
  const keys = {
    read: await mk('reader', 'scores:read'),
    write: await mk('writer', 'data:write'),
    admin: await mk('admin', 'admin'),
    all: await mk('everything', 'scores:read,data:write,admin'),
  };
  const app = createApp({ db: tdb.db, logger: pino({ level: 'silent' }), ...opts.services, config: { ...TEST_CONFIG, ...opts.config } });
  return { tdb, app, keys, close: () => tdb.cleanup() };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** Asserts the standard error body and returns it. */
export function expectError(res: request.Response, status: number, code: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
  expect(Array.isArray(res.body.error.details)).toBe(true);
  expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
  return res.body.error as {
    code: string;
    message: string;
    details: Array<{ path?: (string | number)[]; problem: string }>;
    requestId: string;
  };
}

/** Asserts a response body matches its contract schema (the same one the OpenAPI doc is built from). */
export function expectSchema(schema: z.ZodTypeAny, body: unknown) {
  const r = schema.safeParse(body);
  if (!r.success)
    throw new Error(
      `response does not match its schema: ${JSON.stringify(r.error.issues.slice(0, 5))}\n${JSON.stringify(body).slice(0, 500)}`,
    );
}

export const detailPaths = (err: { details: Array<{ path?: (string | number)[] }> }) => err.details.map((d) => (d.path ?? []).join('.'));

/**
 * Validates an OpenAPI document with @seriousme/openapi-schema-validator. The package is ESM-only
 * and Jest runs CommonJS here, so it runs in a child Node process.
 */
export function validateOpenApi(doc: unknown): { valid: boolean; errors?: unknown } {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = ''; process.stdin.on('data', (c) => (input += c));
    process.stdin.on('end', async () => {
      const v = new Validator();
      const r = await v.validate(JSON.parse(input));
      process.stdout.write(JSON.stringify({ valid: r.valid, version: v.version, errors: r.errors }));
    });`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(doc),
    cwd: require('node:path').resolve(__dirname, '..', '..'),
  });
  return JSON.parse(out.toString());
}
