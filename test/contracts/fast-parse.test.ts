// The compiled fast path for contract schemas (src/contracts/fast-parse.ts) against zod itself: for
// requests generated from every route's OpenAPI schemas, then made hostile, the fast parser either
// returns exactly zod's output (deep and strict: the same keys, trimmed text, defaults) or FAIL, and
// it accepts exactly what zod accepts.
import util from 'node:util';
import fc from 'fast-check';
import { z } from 'zod';
import { ScoreInlineBody } from '../../src/contracts/deals';
import { FAIL, fastParser } from '../../src/contracts/fast-parse';
import type { RouteDef } from '../../src/contracts/route';
import { mountedRoutes, openApiDocument } from '../../src/http/app';
import {
  hostileValue,
  leafPaths,
  type Mutation,
  mutate,
  type OpenApiDoc,
  mutationArb,
  type Schema,
  RawJson,
  SchemaArbitraries,
  toJsonText,
  urlString,
} from '../http/fuzz/schema-arbitraries';

const SEED = Number(process.env.SALESCAST_FUZZ_SEED ?? 20_261_205);

const DOC = openApiDocument({ db: null as never }) as unknown as OpenApiDoc;
const OPS = new Map(Object.values(DOC.paths).flatMap((ops) => Object.values(ops).map((op) => [op.operationId, op] as const)));
const DEFS: RouteDef[] = mountedRoutes({ db: null as never });
const arbs = new SchemaArbitraries(DOC, () => undefined);

/** A deep copy that keeps RawJson numbers as they are (structuredClone would make them plain objects). */
const copy = (v: unknown): unknown =>
  v instanceof RawJson
    ? v
    : Array.isArray(v)
      ? v.map(copy)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]))
        : v;

/** How many inputs zod accepted and refused in the last property: a run that only ever fails proves little. */
const seen = { accepted: 0, refused: 0 };

/** zod's verdict and the fast parser's agree: the same output, or both refuse. */
function expectSame(schema: z.ZodType, input: unknown) {
  const fast = fastParser(schema)!;
  const zod = schema.safeParse(input);
  const out = fast(input);
  seen[zod.success ? 'accepted' : 'refused']++;
  if (zod.success !== (out !== FAIL) || (zod.success && !util.isDeepStrictEqual(out, zod.data)))
    throw new Error(
      `fast parser and zod disagree on ${util.inspect(input, { depth: 6 })}:\nzod ${util.inspect(zod.success ? zod.data : zod.error.issues, { depth: 6 })}\nfast ${util.inspect(out, { depth: 6 })}`,
    );
}

describe('the compiled fast path of contract schemas', () => {
  test('compiles the bodies of the scoring routes', () => {
    expect(fastParser(ScoreInlineBody)).not.toBeNull();
    const hot = ['scoreInlineDeals', 'scoreDealBatch', 'scoreInlineCustomers', 'scoreCustomerBatch'];
    for (const id of hot) expect([id, fastParser(DEFS.find((d) => d.operationId === id)!.body!) !== null]).toEqual([id, true]);
  });

  test.each(DEFS.filter((d) => d.body && fastParser(d.body)).map((d) => [d.operationId, d] as const))(
    'agrees with zod on generated and hostile bodies of %s',
    (id, def) => {
      seen.accepted = seen.refused = 0;
      const schema = OPS.get(id)!.requestBody!.content['application/json'].schema;
      const request = fc.tuple(arbs.value(schema), fc.array(mutationArb(), { maxLength: 3 }), fc.boolean());
      fc.assert(
        fc.property(request, ([generated, mutations, mutated]) => {
          const parts = { params: {}, query: {}, body: structuredClone(generated) };
          if (mutated) {
            // Also a mutation at a chosen nested field, so deep leaves are reached.
            const leaves = leafPaths(parts.body, ['body']);
            const deep: Mutation[] = leaves.length
              ? [{ ...mutations[0], kind: 'replace', path: leaves[mutations.length % leaves.length] } as Mutation]
              : [];
            // On copies: the hostile values are shared constants, and a mutation may write into one.
            mutate(
              parts,
              [...mutations, ...deep].map((m) => ({ ...m, value: copy(m.value) })),
              [],
            );
          }
          // What the server would parse: the body written as JSON (raw numbers such as 1e400
          // included) and read back.
          expectSame(def.body!, JSON.parse(toJsonText(parts.body)));
        }),
        { seed: SEED, numRuns: 150 },
      );
      expect(seen.accepted).toBeGreaterThanOrEqual(10);
      expect(seen.refused).toBeGreaterThanOrEqual(10);
    },
  );

  test.each(
    DEFS.filter((d) => (d.params && fastParser(d.params)) || (d.query && fastParser(d.query))).map((d) => [d.operationId, d] as const),
  )('agrees with zod on generated and hostile parameters of %s', (id, def) => {
    const params = (OPS.get(id)!.parameters ?? []).filter((p) => p.in === 'path');
    const query = (OPS.get(id)!.parameters ?? []).filter((p) => p.in === 'query');
    const text = (s: Schema) => arbs.value(s).map((v) => (v === null || v === undefined ? '' : String(v)));
    const record = (ps: typeof params) => fc.record(Object.fromEntries(ps.map((p) => [p.name, text(p.schema)])), { requiredKeys: [] });
    fc.assert(
      fc.property(record(params), record(query), fc.option(hostileValue()), (p, q, hostile) => {
        if (hostile !== null) {
          const all = [...Object.keys(p), ...Object.keys(q)];
          // As a URL carries it: text.
          if (all.length) (p as Record<string, unknown>)[all[0]] = urlString(hostile);
        }
        if (def.params && fastParser(def.params)) expectSame(def.params, p);
        if (def.query && fastParser(def.query)) expectSame(def.query, q);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  test('gives what zod gives on the cases that differ from plain JSON', () => {
    const deal = { stage: 'Proposal', createdAt: '2025-01-15' };
    const cases: unknown[] = [
      { deals: [deal] },
      { deals: [{ ...deal, stage: '  Proposal  ', source: ' web ' }] },
      { deals: [deal], explain: false },
      { deals: [{ ...deal, account: null, rep: null, amount: null, expectedCloseAt: null }] },
      { deals: [{ ...deal, account: { segment: 'smb', extra: 1 } }] },
      { deals: [{ ...deal, attributes: { tier: 'gold', seats: 3, trial: false, note: null, __proto__x: 1 } }] },
      JSON.parse('{"deals":[{"stage":"Proposal","createdAt":"2025-01-15","attributes":{"__proto__":{"polluted":1}}}]}'),
      JSON.parse('{"deals":[{"stage":"Proposal","createdAt":"2025-01-15"}],"__proto__":{"explain":false}}'),
      { deals: [{ ...deal, createdAt: '2025-02-30' }] },
      { deals: [{ ...deal, createdAt: '2025-02-28T10:00:00+02:00' }] },
      { deals: [{ ...deal, createdAt: '1899-12-31' }] },
      { deals: [{ ...deal, stage: 'a\u0000b' }] },
      { deals: [{ ...deal, stage: '\ud800' }] },
      { deals: [{ ...deal, stage: '🚀' }] },
      { deals: [{ ...deal, stage: '🚀'.repeat(100) }] },
      { deals: [{ ...deal, stage: 'x'.repeat(101) }] },
      { deals: [{ ...deal, stage: '   ' }] },
      { deals: [{ ...deal, discount: 1.5 }] },
      { deals: [{ ...deal, amount: -1 }] },
      { deals: [{ ...deal, account: { employees: 2.5 } }] },
      { deals: [{ ...deal, stageChanges: [] }] },
      {
        deals: [
          {
            ...deal,
            activities: [
              { type: 'call', occurredAt: '2025-01-20' },
              { type: '', occurredAt: '2025-01-21' },
            ],
          },
        ],
      },
      { deals: [] },
      { deals: [deal], currency: 'usd' },
      { deals: [deal], asOf: undefined },
      { deals: [{ ...deal, externalId: undefined }] },
      { deals: deal },
      [],
      null,
      'deals',
    ];
    for (const c of cases) expectSame(ScoreInlineBody, c);
  });

  test('counts lengths in code points, as zod does', () => {
    const cases: Array<[z.ZodType, unknown[]]> = [
      [z.string().min(2), ['🚀', 'ab', '🚀🚀', 'a', '']],
      [z.string().max(1), ['🚀', 'ab', 'a']],
      [z.string().trim().min(1).max(3), ['  a  ', '   ', ' 🚀🚀🚀 ', 'abcd']],
      [z.array(z.number()).min(2).max(3), [[1], [1, 2], [1, 2, 3, 4], [1, Number.NaN]]],
      [z.number().int().min(0).max(10), [0, 10, 11, -1, 2.5, '3']],
      [
        z.object({ n: z.number().default(7), s: z.string().optional(), t: z.string().nullish() }),
        [{}, { n: 1 }, { s: undefined }, { t: null }, { n: null }],
      ],
      [z.union([z.literal('a'), z.number()]), ['a', 'b', 1]],
      [z.enum(['x', 'y']), ['x', 'z']],
    ];
    for (const [schema, inputs] of cases) {
      expect(fastParser(schema)).not.toBeNull();
      for (const input of inputs) expectSame(schema, input);
    }
  });

  test('leaves schemas it does not compile to zod', () => {
    expect(fastParser(z.coerce.number())).toBeNull();
    expect(fastParser(z.string().transform((s) => s.length))).toBeNull();
    expect(fastParser(z.object({ a: z.string() }).passthrough())).toBeNull();
    expect(fastParser(z.object({ a: z.date() }))).toBeNull();
    const Node = z.object({
      name: z.string(),
      get children() {
        return z.array(Node).optional();
      },
    });
    expect(fastParser(Node)).toBeNull();
    expect(Node.parse({ name: 'a', children: [{ name: 'b' }] })).toEqual({ name: 'a', children: [{ name: 'b' }] });
  });
});
