// Builds the OpenAPI 3.1 document from the mounted route definitions' zod schemas. Each schema is
// converted with z.toJSONSchema (JSON Schema 2020-12, OpenAPI 3.1's own dialect); named schemas
// (.meta({ id })) are hoisted into components.schemas and referenced, input and output shapes kept
// apart because defaults make a field optional on the way in but present on the way out.
import { z } from 'zod';
import { ErrorBody } from '../contracts/common';
import type { RouteDef } from '../contracts/route';
import { STATUS_OF } from './error-handler';

type JsonSchema = Record<string, unknown>;

const REASON: Record<number, string> = {
  400: 'Invalid input: details name each bad field',
  401: 'Missing, unknown or revoked API key',
  403: 'The API key lacks the scope this route needs',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  422: 'Valid input, but the data cannot support an answer (e.g. no trained model)',
  429: 'Rate limit exceeded',
  500: 'Internal error (no internals are returned)',
  503: 'Unavailable for now, see the code: DATABASE_BUSY (another writer holds the database), DATABASE_UNAVAILABLE (unreachable or read-only), SERVER_BUSY (the worker pool is full), TIME_BUDGET_EXCEEDED (the work was cancelled at its time budget) or NOT_READY. Retry after Retry-After seconds.',
};

/** Seconds after which a retry may succeed, on 429 and 503 answers. */
const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
};

class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodTypeAny, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    delete json.$schema;
    const rename = (id: string) => (io === 'input' && this.needsInputName(id, defs[id]) ? `${id}Input` : id);
    const names: Record<string, string> = {};
    for (const id of Object.keys(defs)) names[id] = rename(id);
    const fix = (node: JsonSchema): JsonSchema =>
      JSON.parse(JSON.stringify(node).replace(/"#\/\$defs\/([^"]+)"/g, (_m, id: string) => `"#/components/schemas/${names[id] ?? id}"`));
    for (const [id, def] of Object.entries(defs)) {
      const name = names[id];
      const fixed = fix(def);
      delete fixed.$schema;
      if (!this.components[name]) this.components[name] = fixed;
    }
    return fix(json);
  }

  /** An input shape that differs from the output shape stored under the same id gets its own name. */
  private needsInputName(id: string, def: JsonSchema): boolean {
    const existing = this.components[id];
    if (!existing) return false;
    return JSON.stringify(existing) !== JSON.stringify(def);
  }
}

const openApiPath = (p: string) => p.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

function parametersOf(def: RouteDef, c: SchemaCollector) {
  const out: Record<string, unknown>[] = [];
  for (const where of ['path', 'query'] as const) {
    const obj = where === 'path' ? def.params : def.query;
    if (!obj) continue;
    const json = c.convert(obj, 'input');
    const props = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required as string[]) ?? []);
    for (const [name, schema] of Object.entries(props)) {
      const { description, ...rest } = schema;
      out.push({
        name,
        in: where,
        required: where === 'path' ? true : required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

export interface OpenApiInfo {
  title?: string;
  version?: string;
  description?: string;
}

export function buildOpenApi(routes: RouteDef[], info: OpenApiInfo = {}): Record<string, unknown> {
  const c = new SchemaCollector();
  // Register the error body first so every response can reference it.
  c.convert(ErrorBody, 'output'); // hoists components.schemas.Error (its meta id)
  const errorRef = { $ref: '#/components/schemas/Error' };
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const def of routes) {
    tags.add(def.tag);
    const status = String(def.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: { description: 'Success', content: { 'application/json': { schema: c.convert(def.response, 'output') } } },
    };
    const errorStatuses = new Set<number>([...(def.errors ?? [])]);
    // Every /v1 route refuses an unknown query parameter, so every one can answer 400.
    if (def.params || def.query || def.body || def.scope) errorStatuses.add(400);
    if (def.body) errorStatuses.add(413);
    // Every API route needs the database (a key is looked up there) or the worker pool.
    if (def.scope) for (const s of [401, 403, 429, 503]) errorStatuses.add(s);
    errorStatuses.add(500);
    for (const s of [...errorStatuses].sort()) {
      responses[String(s)] = {
        description: REASON[s] ?? 'Error',
        ...(s === 429 || s === 503 ? { headers: RETRY_AFTER_HEADER } : {}),
        content: { 'application/json': { schema: errorRef } },
      };
    }
    const op: Record<string, unknown> = {
      operationId: def.operationId,
      summary: def.summary,
      ...(def.description ? { description: def.description } : {}),
      tags: [def.tag],
      ...(def.scope ? { security: [{ bearerAuth: [def.scope] }], 'x-required-scope': def.scope } : { security: [] }),
      parameters: parametersOf(def, c),
      ...(def.body ? { requestBody: { required: true, content: { 'application/json': { schema: c.convert(def.body, 'input') } } } } : {}),
      responses,
    };
    const p = openApiPath(def.path);
    (paths[p] ??= {})[def.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'Salescast API',
      version: info.version ?? '1.0.0',
      description:
        info.description ??
        'Deal-win and churn scores with reasons, client economics, pipeline forecasts. Authenticate with `Authorization: Bearer <api key>`; every error has the body `{"error":{"code","message","details","requestId"}}`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: c.components,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key created with `npx salescast keys create --name <name> --scope <scopes>`',
        },
      },
    },
    'x-error-codes': Object.fromEntries(Object.entries(STATUS_OF)),
  };
}
