// fast-check arbitraries for requests, derived from the OpenAPI document the server publishes:
// "valid-ish" values that follow each parameter's and body's JSON Schema (so requests get past
// validation and reach the services), then a few mutations that make them hostile (NUL, lone
// surrogates, huge and negative numbers, very long strings, wrong types, unknown fields, dates
// far outside any CRM's range). Known values (ids, stage names) are mixed in so that lookups hit.
import fc from 'fast-check';

export type Schema = Record<string, unknown>;
type Doc = { components: { schemas: Record<string, Schema> } };

/** An operation of the server's OpenAPI document, as the tests that generate requests from it read it. */
export interface OpenApiOperation {
  operationId: string;
  parameters?: Array<{ name: string; in: 'path' | 'query'; required: boolean; schema: Schema }>;
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  responses: Record<string, unknown>;
}
/** The server's OpenAPI document (openApiDocument()), as far as those tests read it. */
export type OpenApiDoc = Doc & { paths: Record<string, Record<string, OpenApiOperation>> };

/** A number written into a JSON body as is (JSON.stringify cannot write 1e400 or -0). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Strings no client should be able to hurt the server with. */
export const HOSTILE_STRINGS: string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udc00\ud800',
  '',
  ' ',
  '  padded  ',
  'a'.repeat(300),
  'b'.repeat(100_000),
  "'; DROP TABLE account; --",
  'O\'Brien \\ "quoted"',
  '%00',
  '%',
  '../../etc/passwd',
  '\u202eevil',
  '🚀'.repeat(50),
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1',
  '0',
  '-0',
  '9007199254740993',
  '2147483648',
  '99999999999999999999999',
  '1.5',
  '0x10',
  'true',
  '2025-02-30',
  '2025-13-01',
  '0000-01-01',
  '9999-12-31',
  '1899-12-31T23:59:59Z',
  '2200-01-01',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2025-01-01T25:00:00Z',
  '2025-01-01T00:00:00+99:00',
  'a,b,,c',
  ',',
  '-',
];

export const HOSTILE_NUMBERS: unknown[] = [
  0,
  -1,
  1,
  1.5,
  -0.5,
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  1e308,
  -1e308,
  5e-324,
  new RawJson('1e400'),
  new RawJson('-1e400'),
  new RawJson('-0'),
  new RawJson('1e-400'),
];

const HOSTILE_OTHER: unknown[] = [null, true, false, [], {}, [null], [[[]]], { nested: { deep: [1, 'x'] } }, '1', 1];

/** The attacks the input rules exist for, drawn more often than the rest. */
export const TEXT_ATTACKS = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '0000-01-01', '9999-12-31'];

export const hostileValue = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...TEXT_ATTACKS) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    // A copy per draw: mutate() writes into the objects it inserts, and a shared constant would carry
    // one case's writes into the next (making the outcome depend on the order tests run in).
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_OTHER).map((v) => structuredClone(v)) },
  );

/** Known values by field name (ids in the database, stage names, ...) so that lookups hit. */
export type KnownValues = (name: string) => string[] | undefined;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAY = 86_400_000;
// Mostly the two years before `now` (where the demo data lies), sometimes decades either side.
const dateArb = (withTime: boolean, now: number) =>
  fc
    .oneof(
      {
        weight: 3,
        arbitrary: fc.date({ min: new Date(now - 730 * DAY), max: new Date(now + 180 * DAY), noInvalidDate: true }),
      },
      {
        weight: 1,
        arbitrary: fc.date({ min: new Date('1995-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
      },
    )
    .map((d) => (withTime ? d.toISOString() : `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`));

/** Builds arbitraries for JSON Schemas of one OpenAPI document. */
export class SchemaArbitraries {
  constructor(
    private readonly doc: Doc,
    private readonly known: KnownValues,
    /** The fuzz run's "today" (fixed, so a seed replays the same requests on any day). */
    private readonly now = Date.UTC(2026, 5, 30),
  ) {}

  resolve(s: Schema): Schema {
    let out = s;
    for (let i = 0; i < 10 && typeof out.$ref === 'string'; i++) {
      const name = (out.$ref as string).replace('#/components/schemas/', '');
      out = { ...this.doc.components.schemas[name], ...Object.fromEntries(Object.entries(out).filter(([k]) => k !== '$ref')) };
    }
    return out;
  }

  /** A value that follows the schema (bounded sizes, small numbers preferred: a fuzz run must stay quick). */
  value(schema: Schema, name = '', depth = 0): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    if (depth > 6) return fc.constant(null);
    if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf))
      return fc.oneof(...((s.anyOf ?? s.oneOf) as Schema[]).map((x) => this.value(x, name, depth + 1)));
    if (s.const !== undefined) return fc.constant(s.const);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    const type = Array.isArray(s.type) ? (s.type as string[]) : s.type ? [s.type as string] : [];
    if (type.length > 1) return fc.oneof(...type.map((t) => this.value({ ...s, type: t }, name, depth + 1)));
    switch (type[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
      case 'number':
        return this.number(s, type[0] === 'integer');
      case 'string':
        return this.string(s, name);
      case 'array': {
        const min = (s.minItems as number) ?? 0;
        const max = Math.min((s.maxItems as number) ?? min + 3, min + 3);
        return fc.array(this.value((s.items as Schema) ?? {}, name.replace(/s$/, ''), depth + 1), { minLength: min, maxLength: max });
      }
      case 'object':
        return this.object(s, depth);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private number(s: Schema, integer: boolean): fc.Arbitrary<unknown> {
    // Unbounded numbers are mostly amounts and counts: 0 and up (negatives come from the mutations).
    let min = (s.minimum as number) ?? (s.exclusiveMinimum !== undefined ? (s.exclusiveMinimum as number) + (integer ? 1 : 1e-9) : 0);
    let max = (s.maximum as number) ?? (s.exclusiveMaximum !== undefined ? (s.exclusiveMaximum as number) - (integer ? 1 : 1e-9) : 1e6);
    min = Math.max(min, -Number.MAX_SAFE_INTEGER);
    max = Math.min(max, Number.MAX_SAFE_INTEGER);
    // Mostly near the lower bound (sims=100, not 50,000), sometimes the bounds themselves.
    const near = Math.min(max, min + (integer ? 1000 : 1000));
    if (integer)
      return fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: Math.ceil(min), max: Math.floor(near) }) },
        { weight: 1, arbitrary: fc.constantFrom(Math.ceil(min), Math.floor(max)) },
      );
    const choices = [
      { weight: 4, arbitrary: fc.double({ min, max: near, noNaN: true, noDefaultInfinity: true }) as fc.Arbitrary<number> },
      { weight: 1, arbitrary: fc.constantFrom(min, max) },
    ];
    // Whole amounts too, where the range has any (not in 0 < confidence < 1).
    if (Math.ceil(min) <= Math.floor(near))
      choices.push({ weight: 4, arbitrary: fc.integer({ min: Math.ceil(min), max: Math.floor(near) }) });
    return fc.oneof(...choices);
  }

  private string(s: Schema, name: string): fc.Arbitrary<unknown> {
    const minLength = (s.minLength as number) ?? 0;
    const maxLength = Math.min((s.maxLength as number) ?? 40, 40);
    const base =
      s.format === 'date'
        ? dateArb(false, this.now)
        : s.format === 'date-time'
          ? dateArb(true, this.now)
          : typeof s.pattern === 'string'
            ? fc.stringMatching(new RegExp(s.pattern as string)).filter((x) => x.length <= 300)
            : fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
    const known = this.known(name);
    return known?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: base }) : base;
  }

  private object(s: Schema, depth: number): fc.Arbitrary<unknown> {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const required = new Set((s.required as string[]) ?? []);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of Object.entries(props)) model[k] = this.value(v, k, depth + 1);
    // The required fields and a few of the optional ones (all of them at once mostly trips the
    // rules between fields, e.g. options that apply to one model only).
    const optional = Object.keys(props).filter((k) => !required.has(k));
    const fixed = fc
      .shuffledSubarray(optional, { minLength: 0, maxLength: Math.min(optional.length, 3) })
      .chain((chosen) => fc.record(Object.fromEntries(Object.entries(model).filter(([k]) => required.has(k) || chosen.includes(k)))));
    const extra = s.additionalProperties;
    if (!extra || typeof extra !== 'object') return fixed;
    // A map (filters, attributes): known keys where there are some.
    const keys = this.known('$key') ?? [];
    const key = keys.length
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) })
      : fc.string({ minLength: 1, maxLength: 12 });
    return fc
      .tuple(fixed, fc.dictionary(key, this.value(extra as Schema, '', depth + 1), { maxKeys: 3 }))
      .map(([a, b]) => ({ ...b, ...(a as object) }));
  }
}

/** Where a mutation lands: one node of the request (a parameter, a body field at any depth). */
export interface Mutation {
  target: number;
  /**
   * replace: any node present; declared: a parameter or top-level body field the operation
   * declares, present or not (`field` names it, else `target` picks one); unknown-field: a field
   * no schema has; delete; wrap: a value in an array (or a second, comma-separated one in a URL).
   */
  kind: 'replace' | 'declared' | 'unknown-field' | 'delete' | 'wrap';
  value: unknown;
  field?: Field;
  /** replace at exactly this path from the request's parts (['body', 'records', 0, 'name']). */
  path?: (string | number)[];
}

/** A declared parameter or top-level body field. */
export type Field = readonly ['params' | 'query' | 'body', string];

export const mutationArb = (): fc.Arbitrary<Mutation> =>
  fc.record({
    target: fc.nat(),
    kind: fc.constantFrom<Mutation['kind']>('replace', 'replace', 'declared', 'declared', 'declared', 'unknown-field', 'delete', 'wrap'),
    value: hostileValue(),
  });

/** Paths of the leaves of a value (the first item of each array only). */
export function leafPaths(v: unknown, base: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) {
    if (v.length) leafPaths(v[0], [...base, 0], out);
  } else if (v && typeof v === 'object' && !(v instanceof RawJson)) {
    for (const [k, x] of Object.entries(v)) leafPaths(x, [...base, k], out);
  } else out.push(base);
  return out;
}

type Slot = { holder: Record<string, unknown> | unknown[]; key: string | number };

function slots(root: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(root)) {
    root.forEach((v, i) => {
      out.push({ holder: root, key: i });
      slots(v, out);
    });
  } else if (root && typeof root === 'object' && !(root instanceof RawJson)) {
    for (const [k, v] of Object.entries(root)) {
      out.push({ holder: root as Record<string, unknown>, key: k });
      slots(v, out);
    }
  }
  return out;
}

/**
 * Applies mutations in place to a request's parts ({ params, query, body }). Params and query
 * values stay strings (that is all a URL can carry).
 */
export function mutate(
  parts: { params: Record<string, unknown>; query: Record<string, unknown>; body?: unknown },
  mutations: readonly Mutation[],
  declared: readonly Field[],
) {
  for (const m of mutations) {
    if (m.path) {
      let node: unknown = parts;
      for (const k of m.path.slice(0, -1))
        node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[k] : undefined;
      if (node && typeof node === 'object') (node as Record<string | number, unknown>)[m.path[m.path.length - 1]] = m.value;
      continue;
    }
    if (m.kind === 'declared') {
      const [where, name] = m.field ?? declared[m.target % Math.max(1, declared.length)] ?? [];
      if (!where || !name) continue;
      if (where !== 'body') parts[where][name] = inUrlText(urlString(m.value));
      else if (parts.body && typeof parts.body === 'object' && !Array.isArray(parts.body))
        (parts.body as Record<string, unknown>)[name] = m.value;
      continue;
    }
    const all = slots(parts).filter((s) => !(s.holder === parts && s.key !== 'body' && s.key !== 'query' && s.key !== 'params'));
    const inUrl = (s: Slot) => s.holder === parts.params || s.holder === parts.query;
    const objects = all.filter((s) => {
      const v = (s.holder as Record<string | number, unknown>)[s.key];
      return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RawJson) && s.key !== 'params';
    });
    if (m.kind === 'unknown-field') {
      const holders = objects.map((s) => (s.holder as Record<string | number, unknown>)[s.key] as Record<string, unknown>);
      if (!holders.length) continue;
      const h = holders[m.target % holders.length];
      h[['nmae', 'colour', 'extra', '__proto__x', 'amount ', 'Stage'][m.target % 6]] =
        h === parts.query ? inUrlText(urlString(m.value)) : m.value;
      continue;
    }
    const leaves = all.filter((s) => s.key !== 'params' && s.key !== 'query' && s.key !== 'body');
    if (!leaves.length) continue;
    const s = leaves[m.target % leaves.length];
    const holder = s.holder as Record<string | number, unknown>;
    if (m.kind === 'delete') {
      if (Array.isArray(holder)) holder.splice(s.key as number, 1);
      else delete holder[s.key];
    } else if (m.kind === 'wrap')
      holder[s.key] = inUrl(s) ? inUrlText(`${urlString(holder[s.key])},${urlString(m.value)}`) : [holder[s.key]];
    else holder[s.key] = inUrl(s) ? inUrlText(urlString(m.value)) : m.value;
  }
}

/**
 * Long text in a URL is cut to 4,000 characters: Node's HTTP parser answers a URL over its 16 KB
 * header limit with a bare 431 before the app sees it (the very long strings go into bodies).
 */
const inUrlText = (s: string) => s.slice(0, 4000);

/** What a value looks like in a URL. */
export function urlString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof RawJson) return v.text;
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(urlString).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Percent-encodes text for a URL, code unit by code unit: a lone surrogate (which encodeURIComponent
 * refuses) is sent as the bytes a careless client would send (CESU-8), so the server sees it.
 */
export function encodeUrlText(s: string): string {
  let out = '';
  for (const ch of s) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      const c = ch.charCodeAt(0);
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }
  }
  return out;
}

/** JSON text of a body, with RawJson numbers written as they are. */
export function toJsonText(body: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_k, v) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001raw${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i) => raws[Number(i)]);
}
