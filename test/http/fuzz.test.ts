// Property-based fuzzing of EVERY operation in the OpenAPI document the server publishes, through
// the real app (all scopes, trained models, demo data) on the database under test: SQLite in
// `npm test`, PostgreSQL in `npm run test:pg` (SALESCAST_TEST_DIALECT=postgresql). Requests are
// derived from each operation's schemas, then made hostile (test/http/fuzz/schema-arbitraries.ts):
// first every declared field (and up to 12 nested body fields) with one critical attack, then
// RUNS random requests. For every request:
//   - never a 5xx (only /ready may say 503), never a hang (a per-request timeout);
//   - only statuses the operation documents, in the one error body;
//   - a success matches the operation's response schema (the dashboard is typed from it);
//   - a rejected request (4xx) wrote nothing: every row of every table is fingerprinted before
//     and after.
// The seed is fixed and printed; SALESCAST_FUZZ_SEED and SALESCAST_FUZZ_RUNS (runs per operation)
// override it, e.g. to replay a failure or to fuzz longer locally.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { ErrorBody } from '../../src/contracts/common';
import type { RouteDef } from '../../src/contracts/route';
import { recordFields } from '../../src/domain/import/record-fields';
import { ENTITY_KINDS, type EntityKind } from '../../src/domain/records';
import { mountedRoutes, openApiDocument } from '../../src/http/app';
import { combineModels, customerPart, winPart } from '../../src/http/model-holder';
import { createApiKey } from '../../src/services/api-keys/api-keys';
import { CustomerScoring, scoreAndStoreCustomers } from '../../src/services/customers/score-customers';
import { trainClvModel } from '../../src/services/customers/train-clv-model';
import { loadDemoData } from '../../src/services/demo-service';
import { takeForecastSnapshot } from '../../src/services/forecast/snapshot-service';
import { TrainingJobs, type Trainer } from '../../src/services/jobs/training-jobs';
import { scoreOpenDeals, WinScoring } from '../../src/services/win/score-deals';
import { trainWinModel } from '../../src/services/win/train-win-model';
import { testDialect } from '../helpers/db';
import { dbFingerprint } from './fuzz/db-fingerprint';
import {
  encodeUrlText,
  hostileValue,
  type Field,
  leafPaths,
  type Mutation,
  mutate,
  type OpenApiDoc,
  type OpenApiOperation,
  mutationArb,
  type Schema,
  SchemaArbitraries,
  toJsonText,
  urlString,
} from './fuzz/schema-arbitraries';
import { bearer, harness, type Harness } from './helpers';

const SEED = Number(process.env.SALESCAST_FUZZ_SEED ?? 20_261_204);
const RUNS = Number(process.env.SALESCAST_FUZZ_RUNS ?? 20);
const REQUEST_TIMEOUT_MS = 30_000;
/** The demo data ends here and generated dates cluster before it: the same seed, the same requests, any day. */
const FUZZ_NOW = new Date('2026-06-30T00:00:00Z');

/**
 * Known failures, for the lead: operations whose fuzzing finds a bug owned by work in progress
 * elsewhere, each with the reason. Keep this empty unless such a bug cannot be fixed here.
 */
const KNOWN_FAILURES: Record<string, string> = {};

type Operation = OpenApiOperation & {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  parameters: NonNullable<OpenApiOperation['parameters']>;
};
// The operations, known before any test runs (the test below checks the server publishes these).
const DOC = openApiDocument({ db: null as never }) as unknown as OpenApiDoc;
const OPERATIONS: Operation[] = Object.entries(DOC.paths).flatMap(([p, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ ...op, parameters: op.parameters ?? [], method: method as Operation['method'], path: p })),
);
const DEFS = new Map<string, RouteDef>(mountedRoutes({ db: null as never }).map((d) => [d.operationId, d]));

interface FuzzRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body?: unknown;
  mutations: Mutation[];
  /** Sent instead of the body: not an object, or not JSON at all. */
  wholeBody: { value: unknown } | { text: string } | null;
}

let h: Harness;
/** One listening server for the whole run (supertest would otherwise start one per request). */
let server: http.Server;
let modelsDir: string;
let fingerprint: Record<string, string>;
let releaseTrainers: () => void = () => undefined;
const known = new Map<string, string[]>();
/** Answers per operation and status class, printed at the end: a fuzz run that never gets past validation tests little. */
const tally = new Map<string, Record<string, number>>();

beforeAll(async () => {
  process.stdout.write(`fuzz: seed ${SEED}, ${RUNS} runs per operation, ${OPERATIONS.length} operations on ${testDialect()}\n`);
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-fuzz-models-'));
  const base = await harness();
  const db = base.tdb.db;
  await loadDemoData(db, { seed: 3, accounts: 40, months: 18, asOf: FUZZ_NOW });
  await trainWinModel(db, { modelsDir, algorithm: 'logistic', minWon: 5, minLost: 5, promote: 'always', asOf: FUZZ_NOW });
  await trainClvModel(db, { modelsDir, promote: 'always', asOf: FUZZ_NOW }).catch(() => undefined);
  await scoreOpenDeals(db, { modelsDir, asOf: FUZZ_NOW });
  await scoreAndStoreCustomers(db, { modelsDir, asOf: FUZZ_NOW });
  for (const asOf of [new Date(FUZZ_NOW.getTime() - 20 * 86_400_000), FUZZ_NOW])
    await takeForecastSnapshot(db, { asOf, sims: 200, modelsDir });
  const win = new WinScoring(db, { modelsDir });
  const customers = new CustomerScoring(db, { modelsDir });
  const models = combineModels([winPart(win), customerPart(customers)]);
  await models.refresh();
  // Trainers that never finish during the run: a started job stays "running" (later starts are
  // 409s) and writes nothing behind a later request's back.
  const blocked = new Promise<void>((r) => (releaseTrainers = r));
  const trainer: Trainer = async () => {
    await blocked;
    return { ok: true };
  };
  const jobs = new TrainingJobs(db, { win: trainer, churn: trainer, clv: trainer });
  h = await harness({ tdb: base.tdb, services: { win, customers, models, jobs }, config: { SALESCAST_MODELS_DIR: modelsDir } });
  for (const name of ['fuzz-victim-1', 'fuzz-victim-2', 'fuzz-victim-3']) await createApiKey(db, { name, scopes: 'scores:read' });

  const column = async (sql: string) => (await db.sql.all<{ v: unknown }>(sql)).map((r) => String(r.v)).filter(Boolean);
  const deals = await column('SELECT external_id AS v FROM opportunity ORDER BY id LIMIT 30');
  const accounts = await column('SELECT external_id AS v FROM account ORDER BY id LIMIT 30');
  const stages = await column('SELECT DISTINCT stage AS v FROM opportunity');
  const fields = ['segment', 'region', 'industry', 'country', 'size', 'rep', 'team', 'product', 'source', 'campaign', 'cohort', 'status'];
  const put = (names: string[], values: string[]) => {
    for (const n of names) known.set(n, values);
  };
  put(['scoreDeal.id', 'externalId', 'opportunityId'], deals);
  put(['scoreCustomer.id', 'clientProfitability.id', 'accountId'], accounts);
  const openDeals = await column("SELECT external_id AS v FROM opportunity WHERE outcome = 'open' ORDER BY id LIMIT 30");
  put(['id'], [...openDeals, ...deals.slice(0, 5), ...accounts.slice(0, 5)]);
  put(['stage', 'toStage', 'fromStage', 'type'], stages);
  put(['stages'], [stages.join(','), stages.slice(0, 2).join(',')]);
  put(['segment'], await column('SELECT DISTINCT segment AS v FROM account'));
  put(['region'], await column('SELECT DISTINCT region AS v FROM account'));
  put(['repId'], await column('SELECT external_id AS v FROM rep'));
  put(['productId'], await column('SELECT external_id AS v FROM product'));
  put(['campaignId', 'acquisitionCampaignId'], await column('SELECT external_id AS v FROM campaign'));
  put(['by', '$key'], fields);
  put(['profitabilityReport.sort'], ['-netProfit', 'revenue', 'clv', '-paybackMonths', 'grossMargin']);
  put(['compareReport.by'], ['segment', 'region', 'rep']);
  const year = FUZZ_NOW.getUTCFullYear();
  const periods = [`${year}`, `${year}-Q${Math.floor(FUZZ_NOW.getUTCMonth() / 3) + 1}`, `${year - 1}-Q4`, `${year}-01`];
  put(['forecastPipeline.period', 'takeForecastSnapshot.period', 'dealWhatIf.period'], periods);
  put(['forecastPipeline.by'], ['rep', 'team,region', 'segment,category', 'product']);
  put(['currency'], ['USD']);
  put(['revokeApiKey.name'], ['fuzz-victim-1', 'fuzz-victim-2', 'fuzz-victim-3', 'nobody']);
  server = http.createServer(h.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fingerprint = await dbFingerprint(db);
}, 300_000);

afterAll(async () => {
  const lines = [...tally].map(
    ([id, t]) =>
      `${id.padEnd(24)} ${Object.entries(t)
        .sort()
        .map(([k, n]) => `${k}:${n}`)
        .join(' ')}`,
  );
  process.stdout.write(`fuzz: answers per operation (seed ${SEED})\n${lines.join('\n')}\n`);
  releaseTrainers();
  await new Promise((r) => server?.close(r));
  await h?.close();
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

/** Canonical records of a kind, valid-ish: the fields the kind has, references to known ids. */
function recordArb(arbs: SchemaArbitraries, kind: EntityKind): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of recordFields(kind)) {
    const schema: Schema =
      f.type === 'date'
        ? { type: 'string', format: 'date' }
        : f.type === 'number'
          ? { type: f.integer ? 'integer' : 'number', minimum: 0, maximum: f.name === 'discount' ? 1 : 1e6 }
          : f.type === 'enum'
            ? { enum: f.values }
            : f.type === 'attributes'
              ? { type: 'object', additionalProperties: { type: 'string', maxLength: 8 } }
              : { type: 'string', minLength: 1, maxLength: 20 };
    model[f.name] = arbs.value(schema, f.name);
  }
  const required = recordFields(kind)
    .filter((f) => f.required)
    .map((f) => f.name);
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
}

function requestArb(op: Operation): fc.Arbitrary<FuzzRequest> {
  // Known values for this operation's field first (forecastPipeline.by), then for the field name.
  const arbs = new SchemaArbitraries(DOC, (name) => known.get(`${op.operationId}.${name}`) ?? known.get(name));
  const params: Record<string, fc.Arbitrary<unknown>> = {};
  const query: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredQuery: string[] = [];
  for (const p of op.parameters) {
    if (p.in === 'path') params[p.name] = arbs.value(p.schema, p.name).map(urlString);
    else {
      query[p.name] = arbs.value(p.schema, p.name).map(urlString);
      if (p.required) requiredQuery.push(p.name);
    }
  }
  let body: fc.Arbitrary<unknown> = fc.constant(undefined);
  const records = fc.array(fc.constantFrom(...ENTITY_KINDS), { minLength: 1, maxLength: 1 });
  if (op.operationId === 'upsertRecords') {
    // The kind in the path and the records in the body agree (or nothing would ever be written):
    // the kind is drawn once, here, and put into both.
    const kind = fc.constantFrom(...ENTITY_KINDS);
    body = kind.chain((k) => fc.record({ kind: fc.constant(k), records: fc.array(recordArb(arbs, k), { minLength: 1, maxLength: 3 }) }));
  } else if (op.operationId === 'upsertBatch')
    body = records.chain(([k]) => fc.record({ [k]: fc.array(recordArb(arbs, k), { minLength: 1, maxLength: 3 }) }));
  else if (op.requestBody) body = arbs.value(op.requestBody.content['application/json'].schema);
  const wholeBody = op.requestBody
    ? fc.oneof(
        { weight: 12, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: hostileValue().map((value) => ({ value })) },
        { weight: 1, arbitrary: fc.constantFrom('{"deals":[', '{', 'nul', '"\\ud800"', '[]'.repeat(5000)).map((text) => ({ text })) },
      )
    : fc.constant(null);
  return fc.record({
    params: fc.record(params),
    query: fc.record(query, { requiredKeys: requiredQuery }),
    body,
    // About a third of the requests stay valid-ish; the rest carry one to three hostile changes.
    mutations: fc.oneof(
      { weight: 1, arbitrary: fc.constant<Mutation[]>([]) },
      { weight: 2, arbitrary: fc.array(mutationArb(), { minLength: 1, maxLength: 3 }) },
    ),
    wholeBody,
  }) as unknown as fc.Arbitrary<FuzzRequest>;
}

/** The parameters and top-level body fields an operation declares. */
function declaredFields(op: Operation): Field[] {
  const body = op.requestBody
    ? (new SchemaArbitraries(DOC, () => undefined).resolve(op.requestBody.content['application/json'].schema) as Schema)
    : null;
  return [
    ...op.parameters.map((p): Field => [p.in === 'path' ? 'params' : 'query', p.name]),
    ...Object.keys((body?.properties as object) ?? {}).map((n): Field => ['body', n]),
  ];
}

/**
 * The critical value for a declared field: a text attack for text, an out-of-range date, an
 * out-of-range integer (the two variants of each alternate between fields, one request per field).
 */
function criticalValue(op: Operation, [where, name]: Field, i: number): unknown {
  const arbs = new SchemaArbitraries(DOC, () => undefined);
  const schema =
    where === 'body'
      ? ((arbs.resolve(op.requestBody!.content['application/json'].schema).properties as Record<string, Schema>)[name] ?? {})
      : (op.parameters.find((p) => p.name === name)?.schema ?? {});
  const text = JSON.stringify(arbs.resolve(schema));
  const pick = <T>(a: T, b: T) => (i % 2 === 0 ? a : b);
  if (/"format":"date/.test(text)) return pick('0000-01-01', '9999-12-31T23:59:59Z');
  if (/"type":"integer"/.test(text) && !/"type":"string"/.test(text)) return pick(2 ** 31, -1);
  return pick('\u0000', 'a\ud800');
}

/**
 * Examples run before the random requests: one valid-ish request with each declared field set to
 * each of its critical values, so every field meets the attacks the rules exist for in every run.
 */
function sweep(op: Operation, arb: fc.Arbitrary<FuzzRequest>, seed: number): [FuzzRequest][] {
  const [base] = fc.sample(arb, { seed, numRuns: 1 });
  const example = (m: Mutation): [FuzzRequest] => [{ ...base, mutations: [m], wholeBody: null }];
  const declared = declaredFields(op).map((field, i) =>
    example({ kind: 'declared', target: 0, value: criticalValue(op, field, i), field }),
  );
  // Nested body fields as sampled (deals[0].account.region, records[0].name, ...), one attack each.
  const nested = leafPaths(base.body)
    .filter((p) => p.length > 1)
    .slice(0, 12)
    .map((p) => {
      const v = p.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], base.body);
      const value =
        typeof v === 'number'
          ? Number.isInteger(v)
            ? 2 ** 31
            : -1
          : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)
            ? '0000-01-01'
            : 'x\u0000';
      return example({ kind: 'replace', target: 0, value, path: ['body', ...p] });
    });
  return [...declared, ...nested];
}

async function send(op: Operation, req: FuzzRequest) {
  const parts = structuredClone({ params: req.params, query: req.query, body: req.body });
  const drawn = parts.body as { kind?: string } | undefined;
  if (op.operationId === 'upsertRecords' && drawn?.kind) {
    parts.params.kind = drawn.kind;
    delete drawn.kind;
  }
  mutate(parts, req.mutations, declaredFields(op));
  // An empty path segment makes the URL another route's (/v1/models/ is the list): still no 5xx
  // and no write, but that route's answers.
  let url = op.path.replace(/\{(\w+)\}/g, (_m, n: string) => encodeUrlText(urlString(parts.params[n])));
  const rerouted = /\/\/|\/$/.test(url);
  const qs = Object.entries(parts.query)
    .map(([k, v]) => `${encodeUrlText(k)}=${encodeUrlText(urlString(v))}`)
    .join('&');
  if (qs) url += `?${qs}`;
  let body: string | undefined;
  if (op.requestBody) {
    const whole = req.wholeBody;
    body = whole && 'text' in whole ? whole.text : toJsonText(whole ? whole.value : (parts.body ?? {}));
  }
  let r = (request(server) as unknown as Record<string, (u: string) => request.Test>)
    [op.method](url)
    .set(bearer(h.keys.all))
    .timeout({ response: REQUEST_TIMEOUT_MS, deadline: REQUEST_TIMEOUT_MS });
  if (body !== undefined) r = r.set('Content-Type', 'application/json').send(body);
  const started = Date.now();
  try {
    const res = await r;
    return {
      res,
      rerouted,
      what: `${op.method.toUpperCase()} ${url.slice(0, 600)}${body ? ` ${body.slice(0, 400)}` : ''}`,
      ms: Date.now() - started,
    };
  } catch (e) {
    throw new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms (a hang?) to ${op.method.toUpperCase()} ${url}: ${(e as Error).message}`);
  }
}

async function check(op: Operation, req: FuzzRequest) {
  const { res, what, rerouted } = await send(op, req);
  const status = res.status;
  const t = tally.get(op.operationId) ?? {};
  t[String(status)] = (t[String(status)] ?? 0) + 1;
  tally.set(op.operationId, t);
  const fail = (problem: string) => {
    throw new Error(`${problem}\n  request: ${what}\n  answer: ${status} ${res.text.slice(0, 800)}`);
  };
  if (status >= 500 && !(op.operationId === 'ready' && status === 503)) fail('a 5xx');
  const unroutable = status === 404 && /^No route /.test(res.body?.error?.message ?? '');
  if (!(String(status) in op.responses) && !unroutable && !rerouted) fail(`status ${status} is not documented for ${op.operationId}`);
  if (status >= 400) {
    if (process.env.SALESCAST_FUZZ_VERBOSE && !req.mutations.length && !req.wholeBody)
      process.stdout.write(`fuzz: valid-ish ${what.slice(0, 300)} -> ${status} ${res.text.slice(0, 300)}\n`);
    const parsed = ErrorBody.safeParse(res.body);
    if (!parsed.success) fail(`not the error body: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
    if (res.body.error.requestId !== res.headers['x-request-id']) fail('the error body does not carry the request id');
    const after = await dbFingerprint(h.tdb.db);
    const changed = Object.keys(after).filter((t) => after[t] !== fingerprint[t]);
    if (changed.length) {
      fingerprint = after;
      fail(`a rejected request wrote to ${changed.join(', ')}`);
    }
    return;
  }
  const def = DEFS.get(op.operationId)!;
  const shape = def.response.safeParse(res.body);
  if (!shape.success && !rerouted)
    fail(`the answer does not match its documented schema: ${JSON.stringify(shape.error.issues.slice(0, 3))}`);
  if (op.method === 'get') return;
  // A started training job writes its first log line a moment later (TrainingJobs flushes every 500 ms).
  if (op.operationId === 'startTrainingJob') await new Promise((r) => setTimeout(r, 700));
  fingerprint = await dbFingerprint(h.tdb.db);
}

test('the operations fuzzed are the ones the server publishes', async () => {
  const served = (await request(server).get('/openapi.json').expect(200)).body as OpenApiDoc;
  const list = (d: OpenApiDoc) =>
    Object.entries(d.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .sort();
  expect(list(served)).toEqual(list(DOC));
  expect(OPERATIONS.length).toBeGreaterThanOrEqual(38);
});

describe.each(OPERATIONS.map((op, i) => [`${op.method.toUpperCase()} ${op.path}`, op, i] as const))('%s', (_name, op, i) => {
  const knownFailure = KNOWN_FAILURES[op.operationId];
  (knownFailure ? test.skip : test)(
    `no 5xx, no hang, documented answers, nothing written when refused (seed ${SEED + i})`,
    async () => {
      const arb = requestArb(op);
      const examples = sweep(op, arb, SEED + i);
      await fc.assert(
        fc.asyncProperty(arb, (req) => check(op, req)),
        {
          examples,
          seed: SEED + i,
          // Examples run first and count as runs: RUNS random requests come after them.
          numRuns: examples.length + RUNS,
          // The failure as check() words it (request and answer, cut short) and how to replay it;
          // fast-check's default report would print the generated values whole (100 KB strings).
          reporter: (out) => {
            if (!out.failed) return;
            const why = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
            throw new Error(
              `fuzzing ${op.operationId} failed after ${out.numRuns} run(s) (replay: SALESCAST_FUZZ_SEED=${SEED} and fc seed ${out.seed}, path "${out.counterexamplePath}")\n${why}`,
            );
          },
        },
      );
    },
    600_000,
  );
});
