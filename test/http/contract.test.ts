// The whole contract at once: the OpenAPI document validates, lists every served route with its
// scope, and every secured route answers 401 without a key, 401 with a revoked key, 403 with a key
// lacking its scope, and 400 (never 500) for a body that is not what it documents.
import request from 'supertest';
import { revokeApiKey, createApiKey, clearApiKeyCache } from '../../src/services/api-keys/api-keys';
import { bearer, expectError, harness, validateOpenApi, type Harness } from './helpers';

let h: Harness;
let doc: {
  paths: Record<
    string,
    Record<string, { operationId: string; 'x-required-scope'?: string; requestBody?: unknown; responses: Record<string, unknown> }>
  >;
};
let revoked: string;

beforeAll(async () => {
  h = await harness();
  doc = (await request(h.app).get('/openapi.json').expect(200)).body;
  revoked = (await createApiKey(h.tdb.db, { name: 'gone', scopes: 'scores:read,data:write,admin' })).key;
  await revokeApiKey(h.tdb.db, 'gone');
  clearApiKeyCache();
});
afterAll(async () => h.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([p, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path: p.replace(/\{[^}]+\}/g, '1'), op })),
  );

const keyWithout = (scope: string) => (scope === 'scores:read' ? h.keys.write : scope === 'data:write' ? h.keys.admin : h.keys.read);

describe('the API contract', () => {
  test('the OpenAPI document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', () => {
    const result = validateOpenApi(doc);
    if (!result.valid) throw new Error(JSON.stringify(result.errors, null, 2).slice(0, 3000));
  });

  test('it documents the capabilities of every group', () => {
    const ids = operations().map((o) => o.op.operationId);
    for (const id of [
      'health',
      'ready',
      'scoreInlineDeals',
      'scoreDeal',
      'scoreDealBatch',
      'listDealScores',
      'scoreCustomer',
      'scoreInlineCustomers',
      'profitabilityReport',
      'paretoReport',
      'cohortsReport',
      'compareReport',
      'funnelReport',
      'campaignsReport',
      'forecastPipeline',
      'backtestForecasts',
      'forecastRunRate',
      'takeForecastSnapshot',
      'listForecastSnapshots',
      'pipelineChanges',
      'dealWhatIf',
      'listModelVersions',
      'promoteModel',
      'rollbackModel',
      'startTrainingJob',
      'getTrainingJob',
      'upsertRecords',
      'createApiKey',
    ]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('every secured operation declares its scope and its 400/401/403 answers with the error body', () => {
    const secured = operations().filter((o) => o.op['x-required-scope']);
    expect(secured.length).toBeGreaterThan(20);
    for (const { op } of secured) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '429', '503']));
  });

  test('503 answers are documented with their codes and Retry-After, and the codes are in the error body schema', () => {
    const full = doc as unknown as {
      components: { schemas: { Error: { properties: { error: { properties: { code: { enum: string[] } } } } } } };
      'x-error-codes': Record<string, number>;
    };
    for (const { op } of operations().filter((o) => o.op['x-required-scope'])) {
      const r503 = (op.responses as Record<string, { description: string; headers?: Record<string, unknown> }>)['503'];
      expect(r503.description).toMatch(/DATABASE_BUSY.*DATABASE_UNAVAILABLE.*SERVER_BUSY.*TIME_BUDGET_EXCEEDED/);
      expect(r503.headers).toHaveProperty('Retry-After');
    }
    const codes = full.components.schemas.Error.properties.error.properties.code.enum;
    for (const code of ['DATABASE_BUSY', 'DATABASE_UNAVAILABLE', 'SERVER_BUSY', 'TIME_BUDGET_EXCEEDED']) {
      expect(codes).toContain(code);
      expect(full['x-error-codes'][code]).toBe(503);
    }
  });

  test('every secured route: no key → 401, revoked key → 401, key without the scope → 403', async () => {
    const secured = operations().filter((o) => o.op['x-required-scope']);
    expect(secured.length).toBeGreaterThan(20);
    for (const { method, path, op } of secured) {
      const call = () => (request(h.app) as unknown as Record<string, (p: string) => request.Test>)[method](path);
      expectError(await call().send({}), 401, 'UNAUTHENTICATED');
      expectError(await call().set(bearer(revoked)).send({}), 401, 'UNAUTHENTICATED');
      expectError(await call().set('Authorization', 'Basic dXNlcjpwYXNz').send({}), 401, 'UNAUTHENTICATED');
      const forbidden = await call()
        .set(bearer(keyWithout(op['x-required-scope']!)))
        .send({});
      expectError(forbidden, 403, 'FORBIDDEN');
    }
  });

  test('every route with a body answers 400 (not 500) to a body of the wrong shape', async () => {
    const withBody = operations().filter((o) => o.op.requestBody);
    expect(withBody.length).toBeGreaterThan(10);
    for (const { method, path } of withBody) {
      const res = await (request(h.app) as unknown as Record<string, (p: string) => request.Test>)
        [method](path.replace('/v1/data/1', '/v1/data/accounts'))
        .set(bearer(h.keys.all))
        .send([42]);
      expectError(res, 400, 'INVALID_INPUT');
      expect(res.body.error.details.length).toBeGreaterThan(0);
    }
  });
});
