// Input hygiene at the contract layer: the text rule (no NUL, no unpaired surrogate) on every
// string a client sends, dates in a sane range, and unknown fields refused on every route, each a
// 400 naming the field. The structural test walks every route's input schemas, so a route added
// later with a loose object fails here rather than silently dropping a misspelt field.
import fc from 'fast-check';
import request from 'supertest';
import type { z } from 'zod';
import { dateInRange, isoDateProblem, parseIsoDate, textIssues, textProblem } from '../../src/contracts/input-rules';
import { mountedRoutes as routeDefinitions, openApiDocument } from '../../src/http/app';
import { bearer, detailPaths, expectError, harness, type Harness } from './helpers';

const mountedRoutes = () => routeDefinitions({ db: null as never });

type SchemaDef = {
  type: string;
  shape: Record<string, z.ZodTypeAny>;
  catchall?: z.ZodTypeAny;
  element: z.ZodTypeAny;
  valueType: z.ZodTypeAny;
  options: z.ZodTypeAny[];
  in: z.ZodTypeAny;
  out: z.ZodTypeAny;
  left: z.ZodTypeAny;
  right: z.ZodTypeAny;
  innerType?: z.ZodTypeAny;
};

/** Paths inside a schema to objects that silently drop unknown keys (no catchall, not strict). */
function looseObjects(schema: z.ZodTypeAny, path: string, out: string[], seen = new Set<unknown>()) {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  switch (def.type) {
    case 'object':
      if (!def.catchall) out.push(path || '(root)');
      for (const [k, v] of Object.entries(def.shape)) looseObjects(v, `${path}.${k}`, out, seen);
      if (def.catchall) looseObjects(def.catchall, `${path}.*`, out, seen);
      return;
    case 'array':
      return looseObjects(def.element, `${path}[]`, out, seen);
    case 'record':
      return looseObjects(def.valueType, `${path}{}`, out, seen);
    case 'union':
      for (const o of def.options) looseObjects(o, path, out, seen);
      return;
    case 'pipe':
      looseObjects(def.in, path, out, seen);
      looseObjects(def.out, path, out, seen);
      return;
    case 'intersection':
      looseObjects(def.left, path, out, seen);
      looseObjects(def.right, path, out, seen);
      return;
    default:
      if (def.innerType) looseObjects(def.innerType, path, out, seen);
  }
}

describe('the input rules', () => {
  test('text with NUL or an unpaired surrogate is refused; paired surrogates (emoji) are fine', () => {
    expect(textProblem('Acme')).toBeNull();
    expect(textProblem('Acme 🚀 Ünïcødé')).toBeNull();
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    expect(textProblem('a\ud800')).toMatch(/surrogate/);
    expect(textProblem('\udc00a')).toMatch(/surrogate/);
    expect(textProblem('\ud83d\ude80'.slice(0, 1))).toMatch(/surrogate/);
  });

  test('dates run from 1900-01-01 to 2199-12-31 (UTC), as ISO strings or instants', () => {
    expect(isoDateProblem('1900-01-01')).toBeNull();
    expect(isoDateProblem('2199-12-31T23:59:59.999Z')).toBeNull();
    expect(isoDateProblem('0000-01-01')).toMatch(/between 1900-01-01 and 2199-12-31/);
    expect(isoDateProblem('9999-12-31')).toMatch(/between/);
    expect(isoDateProblem('1900-01-01T00:00:00+01:00')).toMatch(/between/); // 1899-12-31T23:00Z
    expect(dateInRange(Number.NaN)).toBe(false);
  });

  test('calendar dates are read from their digits exactly as Date.parse reads them', () => {
    // The fast path covers YYYY-MM-DD; everything else (and years before 100) goes to Date.parse.
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    const same = (s: string) => Object.is(parseIsoDate(s), Date.parse(s));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 39 }), (y, m, d) =>
        same(`${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
      ),
      { numRuns: 5000 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 12 }), same), { numRuns: 2000 });
    for (const s of [
      '2025-02-30',
      '2024-02-29',
      '2025-13-01',
      '2025-00-10',
      '2025-01-00',
      '0099-12-31',
      '0100-01-01',
      '2025-1-15',
      '2025-01-15T10:00:00Z',
      '2025-01-15T10:00:00+02:00',
      '+002025-01-15',
      ' 2025-01-15',
      '２０２５-01-15',
    ])
      expect([s, parseIsoDate(s)]).toEqual([s, Date.parse(s)]);
  });

  test('every bad string is found with its path, keys included, however deep', () => {
    const body = { deals: [{ stage: 'ok', account: { region: 'E\u0000U' } }], 'k\ud800': 1, tags: ['a', 'b\udfff'] };
    expect(textIssues(body)).toEqual(
      expect.arrayContaining([
        { path: ['deals', 0, 'account', 'region'], problem: expect.stringMatching(/NUL/) },
        { path: ['k\ud800'], problem: expect.stringMatching(/^field name .*surrogate/) },
        { path: ['tags', 1], problem: expect.stringMatching(/surrogate/) },
      ]),
    );
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(textIssues(deep)).toHaveLength(1);
  });

  test('no route input silently drops an unknown field: every object is strict (or declares what else it takes)', () => {
    const loose: string[] = [];
    for (const def of mountedRoutes()) {
      // Params are exactly the path's named segments: they cannot carry an unknown field.
      for (const where of ['query', 'body'] as const) {
        const s = def[where];
        if (s) looseObjects(s, `${def.method.toUpperCase()} ${def.path} ${where}`, loose);
      }
    }
    expect(loose).toEqual([]);
  });

  test('the routes checked are the routes the OpenAPI document lists', () => {
    const doc = openApiDocument({ db: null as never }) as { paths: Record<string, Record<string, unknown>> };
    const n = Object.values(doc.paths).reduce((s, ops) => s + Object.keys(ops).length, 0);
    expect(mountedRoutes()).toHaveLength(n);
  });
});

describe('the input rules over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => h.close());
  const get = (p: string) => request(h.app).get(p).set(bearer(h.keys.all));
  const post = (p: string, body: unknown) =>
    request(h.app)
      .post(p)
      .set(bearer(h.keys.all))
      .send(body as object);

  test('a NUL in a query, a path parameter or a nested body field is a 400 naming where', async () => {
    const q = expectError(await get('/v1/deals/scores?stage=%00'), 400, 'INVALID_INPUT');
    expect(q.details).toEqual([{ path: ['query', 'stage'], problem: expect.stringMatching(/NUL/) }]);
    expect(detailPaths(expectError(await get('/v1/deals/abc%00/score'), 400, 'INVALID_INPUT'))).toEqual(['params.id']);
    expect(detailPaths(expectError(await get('/v1/reports/profitability?segment=%00'), 400, 'INVALID_INPUT'))).toEqual(['query.segment']);
    expect(detailPaths(expectError(await get('/v1/reports/funnel?stages=a,%00'), 400, 'INVALID_INPUT'))).toEqual(['query.stages']);
    const b = expectError(
      await post('/v1/deals/score', { deals: [{ stage: 'Proposal', createdAt: '2025-01-01', account: { region: 'E\u0000U' } }] }),
      400,
      'INVALID_INPUT',
    );
    expect(detailPaths(b)).toEqual(['deals.0.account.region']);
  });

  test('an unpaired surrogate in a record is a 400 and nothing is stored', async () => {
    const e = expectError(await post('/v1/data/accounts', { records: [{ externalId: 'a\ud800', name: 'Acme' }] }), 400, 'INVALID_INPUT');
    expect(detailPaths(e)).toEqual(['records.0.externalId']);
    expect(e.details[0].problem).toMatch(/surrogate/);
    expect((await h.tdb.db.sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM account'))[0].n).toEqual(0);
  });

  test('dates outside 1900-2199 are 400s naming the field (asOf 0000-01-01 was a 500 on PostgreSQL)', async () => {
    const e = expectError(await get('/v1/forecasts?asOf=0000-01-01&sims=100'), 400, 'INVALID_INPUT');
    expect(e.details).toEqual([{ path: ['query', 'asOf'], problem: 'must be between 1900-01-01 and 2199-12-31' }]);
    expect(detailPaths(expectError(await get('/v1/forecasts?period=0000-Q1'), 400, 'INVALID_INPUT'))).toEqual(['query.period']);
    expect(
      detailPaths(expectError(await post('/v1/deals/score', { deals: [{ stage: 'P', createdAt: '9999-12-31' }] }), 400, 'INVALID_INPUT')),
    ).toEqual(['deals.0.createdAt']);
  });

  test('unknown fields in bodies and queries are 400s naming each one', async () => {
    const body = expectError(await post('/v1/api-keys', { name: 'x', scopes: ['admin'], scope: 'admin' }), 400, 'INVALID_INPUT');
    expect(body.details).toEqual([{ path: ['scope'], problem: 'unknown field "scope"' }]);
    expect(detailPaths(expectError(await get('/v1/deals/scores?stgae=Won'), 400, 'INVALID_INPUT'))).toEqual(['query.stgae']);
    expect(detailPaths(expectError(await get('/v1/reports/fields?x=1'), 400, 'INVALID_INPUT'))).toEqual(['query.x']);
  });
});
