// A second, faster way to run a contract's zod schema on input that is valid, which is what
// nearly every request sends. zod walks a tree of schema objects through generic run/parse/check
// calls and builds a result object per node; on bench:api's scoring call that walk was the largest
// share of the API's own CPU per request. Here the same tree is turned once into plain functions
// (objects as generated code with literal keys, as zod's own object JIT does) that either return
// exactly what zod's parse would (the same output: trimmed text, defaults, stripped keys) or FAIL.
// On FAIL the caller runs zod itself, so every error a client sees still comes from zod, with its
// details; the schema stays the one definition of the contract.
//
// Only what contracts use is compiled: strings, numbers, booleans, null, enums, literals, objects
// (strict or stripping), arrays, records with constrained keys, optional, nullable, default and
// unions. A schema using anything else (transforms, pipes, coercion, dates, ...) gets no fast
// parser. The checks attached to a schema (lengths, formats, refinements) are zod's own: the
// commonest (lengths, numeric bounds, trim) are taken directly when they clearly pass, and anything
// in doubt calls zod's check. This reads zod's internals (zod/v4/core, the version in the lock
// file): test/contracts/fast-parse.test.ts, which holds the two equal on generated and mutated
// requests of every route, is what a zod upgrade must keep green.
import type { z } from 'zod';

/** What a fast parser returns when zod might not accept the input: run zod for the verdict. */
export const FAIL: unique symbol = Symbol('fast-parse: not accepted');

export type FastParse = (input: unknown) => unknown;

// zod's internals as read here (zod/v4/core): each schema's definition, its checks and its
// optionality flags.
interface Check {
  _zod: {
    def: { when?: (payload: Payload) => boolean };
    check: (payload: Payload) => unknown;
  };
}
interface Payload {
  value: unknown;
  issues: unknown[];
}
interface Internals {
  def: {
    type: string;
    coerce?: boolean;
    checks?: Check[];
    innerType?: z.ZodType;
    element?: z.ZodType;
    options?: z.ZodType[];
    shape?: Record<string, z.ZodType>;
    catchall?: z.ZodType;
    defaultValue?: unknown;
    keyType?: z.ZodType;
    valueType?: z.ZodType;
    mode?: string;
    partial?: boolean;
  };
  traits: Set<string>;
  values?: Set<unknown>;
  optin?: 'optional' | 'defaulted';
  optout?: 'optional';
}

const internals = (schema: z.ZodType) => (schema as unknown as { _zod: Internals })._zod;

const cache = new WeakMap<z.ZodType, FastParse | null>();

/** The fast parser of a schema (compiled once), or null when the schema uses something not compiled here. */
export function fastParser(schema: z.ZodType): FastParse | null {
  let fast = cache.get(schema);
  if (fast === undefined) {
    // A schema that refers back to itself (a getter in its shape) reaches here again while being
    // compiled: it is left to zod.
    cache.set(schema, null);
    fast = compile(schema);
    cache.set(schema, fast);
  }
  return fast;
}

function compile(schema: z.ZodType): FastParse | null {
  const zod = internals(schema);
  const parse = compileType(zod);
  if (!parse) return null;
  // A schema that is itself a check (a string format such as z.iso.date()) runs first, as in zod.
  const checks = [...(zod.traits.has('$ZodCheck') ? [schema as unknown as Check] : []), ...(zod.def.checks ?? [])];
  if (!checks.length) return parse;
  const run = checks.map(compileCheck);
  return (input) => {
    let v = parse(input);
    for (let i = 0; i < run.length && v !== FAIL; i++) v = run[i](v);
    return v;
  };
}

/**
 * A check as zod runs it after parsing (in order; `when` decides whether it applies); any issue is
 * FAIL. The commonest kinds accept what they clearly accept without the call into zod (lengths
 * within bounds counted in UTF-16 units, numeric bounds, a trim); anything in doubt is zod's call.
 */
function compileCheck(ch: Check): (v: unknown) => unknown {
  const generic = zodCheck(ch);
  const d = ch._zod.def as {
    check?: string;
    minimum?: number;
    maximum?: number;
    value?: unknown;
    inclusive?: boolean;
    tx?: (v: unknown) => unknown;
  };
  switch (d.check) {
    case 'min_length': {
      // zod counts code points (one or two units): twice the floor in units always clears it.
      const clear = 2 * d.minimum!;
      return (v) => ((typeof v === 'string' && v.length >= clear) || (Array.isArray(v) && v.length >= d.minimum!) ? v : generic(v));
    }
    case 'max_length': {
      const max = d.maximum!;
      return (v) => ((typeof v === 'string' || Array.isArray(v)) && v.length <= max ? v : generic(v));
    }
    case 'greater_than': {
      const { value, inclusive } = d;
      if (typeof value !== 'number') return generic;
      return (v) => (typeof v === 'number' && (inclusive ? v >= value : v > value) ? v : generic(v));
    }
    case 'less_than': {
      const { value, inclusive } = d;
      if (typeof value !== 'number') return generic;
      return (v) => (typeof v === 'number' && (inclusive ? v <= value : v < value) ? v : generic(v));
    }
    case 'overwrite':
      return typeof d.tx === 'function' && ch._zod.def.when === undefined ? d.tx : generic;
    default:
      return generic;
  }
}

/** zod's own check, run on a value: the value it leaves (an overwrite may change it), or FAIL on any issue. */
function zodCheck(ch: Check): (v: unknown) => unknown {
  const when = ch._zod.def.when;
  const payload: Payload = { value: undefined, issues: [] };
  return (v) => {
    payload.value = v;
    if (payload.issues.length) payload.issues = [];
    if (when && !when(payload)) return v;
    if (ch._zod.check(payload) instanceof Promise) return FAIL;
    return payload.issues.length ? FAIL : payload.value;
  };
}

function compileType(zod: Internals): FastParse | null {
  const def = zod.def;
  if (def.coerce) return null;
  switch (def.type) {
    case 'string':
      return (v) => (typeof v === 'string' ? v : FAIL);
    case 'number':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : FAIL);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : FAIL);
    case 'null':
      return (v) => (v === null ? null : FAIL);
    case 'enum':
    case 'literal': {
      const values = zod.values;
      if (!values) return null;
      return (v) => (values.has(v) ? v : FAIL);
    }
    case 'optional': {
      const innerType = def.innerType!;
      // An optional around a default substitutes for absence: rare, left to zod.
      if (zod.traits.has('$ZodExactOptional') || internals(innerType).optin === 'defaulted') return null;
      const inner = fastParser(innerType);
      return inner && ((v) => (v === undefined ? undefined : inner(v)));
    }
    case 'nullable': {
      const inner = fastParser(def.innerType!);
      return inner && ((v) => (v === null ? null : inner(v)));
    }
    case 'default': {
      const inner = fastParser(def.innerType!);
      if (!inner) return null;
      return (v) => {
        if (v === undefined) return def.defaultValue;
        const r = inner(v);
        return r === undefined ? def.defaultValue : r;
      };
    }
    case 'union': {
      // The first option that accepts the input, as zod's union; a discriminated union picks the
      // same one (the others fail on the discriminator). Exclusive unions are left to zod.
      if (zod.traits.has('$ZodXor')) return null;
      const options = def.options!.map(fastParser);
      if (options.some((o) => o === null)) return null;
      const opts = options as FastParse[];
      return (v) => {
        for (let i = 0; i < opts.length; i++) {
          const r = opts[i](v);
          if (r !== FAIL) return r;
        }
        return FAIL;
      };
    }
    case 'array': {
      const element = fastParser(def.element!);
      if (!element) return null;
      return (v) => {
        if (!Array.isArray(v)) return FAIL;
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const r = element(v[i]);
          if (r === FAIL) return FAIL;
          out[i] = r;
        }
        return out;
      };
    }
    case 'object':
      return compileObject(def);
    case 'record':
      return compileRecord(def);
    default:
      return null;
  }
}

interface Field {
  key: string;
  parse: FastParse;
  optin: Internals['optin'];
  optionalOut: boolean;
}

/** An object as zod's parses it: declared keys in order, what absent keys become, unknown keys refused (strict) or dropped. */
function compileObject(def: Internals['def']): FastParse | null {
  const shape = def.shape!;
  if (Object.getOwnPropertySymbols(shape).length) return null;
  let strict = false;
  if (def.catchall) {
    if (internals(def.catchall).def.type !== 'never') return null;
    strict = true;
  }
  const fields: Field[] = [];
  for (const key of Object.keys(shape)) {
    if (key === '__proto__') return null;
    const parse = fastParser(shape[key]);
    if (!parse) return null;
    const z = internals(shape[key]);
    fields.push({ key, parse, optin: z.optin, optionalOut: z.optout === 'optional' });
  }
  // Generated once per object schema, with each key written as a literal (JSON-escaped) so every
  // read, test and write is its own property access, as zod's own compiled object parser does; a
  // loop over the fields reading input[key] cost about twice as much.
  const lines = ['if (typeof v !== "object" || v === null || Array.isArray(v)) return FAIL;', 'const out = {};', 'let r;'];
  fields.forEach((f, i) => {
    const k = JSON.stringify(f.key);
    const read = `r = p[${i}](v[${k}]);`;
    if (f.optin !== undefined && f.optionalOut) {
      // Optional in and out: an absent key adds nothing (a failure on it is ignored, as zod does).
      const assign = f.optin === 'optional' ? `${k} in v` : `r !== undefined || ${k} in v`;
      lines.push(`${read} if (r === FAIL) { if (${k} in v) return FAIL; } else if (${assign}) out[${k}] = r;`);
    } else if (f.optin === undefined) {
      // Required: absent is an issue even when the schema would accept undefined.
      lines.push(`if (!(${k} in v)) return FAIL; ${read} if (r === FAIL) return FAIL; out[${k}] = r;`);
    } else {
      const assign = f.optin === 'defaulted' ? 'true' : `r !== undefined || ${k} in v`;
      lines.push(`${read} if (r === FAIL) return FAIL; if (${assign}) out[${k}] = r;`);
    }
  });
  if (strict) {
    const cases = fields.map((f) => `case ${JSON.stringify(f.key)}:`).join(' ');
    lines.push(`for (const key in v) switch (key) { ${cases} break; default: return FAIL; }`);
  }
  lines.push('return out;');
  const factory = new Function('p', 'FAIL', `return function parseObject(v) {\n${lines.join('\n')}\n};`) as (
    parsers: FastParse[],
    fail: typeof FAIL,
  ) => FastParse;
  return factory(
    fields.map((f) => f.parse),
    FAIL,
  );
}

/** zod's isPlainObject (util.cjs): what a record accepts. */
function isPlainObject(o: unknown): o is Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prot: unknown = ctor.prototype;
  if (typeof prot !== 'object' || prot === null || Array.isArray(prot)) return false;
  return Object.hasOwn(prot, 'isPrototypeOf');
}

/**
 * A record whose keys are constrained by a schema (not an enumeration of keys): every own key is
 * checked and kept, except "__proto__", which zod skips. A key or value zod would refuse is FAIL.
 */
function compileRecord(def: Internals['def']): FastParse | null {
  if (def.mode === 'loose' || def.partial || internals(def.keyType!).values) return null;
  const key = fastParser(def.keyType!);
  const value = fastParser(def.valueType!);
  if (!key || !value) return null;
  return (v) => {
    if (!isPlainObject(v) || Object.getOwnPropertySymbols(v).length) return FAIL;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') continue;
      const outKey = key(k);
      if (typeof outKey !== 'string') return FAIL;
      if (outKey === '__proto__') continue;
      const r = value(v[k]);
      if (r === FAIL) return FAIL;
      out[outKey] = r;
    }
    return out;
  };
}
