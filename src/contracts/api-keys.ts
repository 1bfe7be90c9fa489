import { z } from 'zod';
import { IsoDateTime, safeString, Scope } from './common';
import { defineRoute } from './route';

export const ApiKey = z
  .object({
    name: z.string(),
    prefix: z.string().describe('the first characters of the key (sc_<prefix>_...), safe to show'),
    scopes: z.array(Scope),
    createdAt: IsoDateTime,
    revokedAt: IsoDateTime.nullable(),
    lastUsedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const CreateApiKeyBody = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1-100 characters: letters, digits, . _ -'),
  scopes: z.array(Scope).min(1, 'must list at least one scope'),
});

export const listApiKeysRoute = defineRoute({
  method: 'get',
  path: '/v1/api-keys',
  operationId: 'listApiKeys',
  summary: 'List API keys (never the keys themselves)',
  tag: 'api-keys',
  scope: 'admin',
  response: z.object({ items: z.array(ApiKey) }),
});

export const createApiKeyRoute = defineRoute({
  method: 'post',
  path: '/v1/api-keys',
  operationId: 'createApiKey',
  summary: 'Create an API key; the key is returned once and only its hash is stored',
  tag: 'api-keys',
  scope: 'admin',
  body: CreateApiKeyBody,
  status: 201,
  response: z.object({ key: z.string().describe('shown once: store it now'), apiKey: ApiKey }),
  errors: [409],
});

export const revokeApiKeyRoute = defineRoute({
  method: 'delete',
  path: '/v1/api-keys/:name',
  operationId: 'revokeApiKey',
  summary: 'Revoke an API key (takes effect at once in this process, within seconds elsewhere)',
  tag: 'api-keys',
  scope: 'admin',
  params: z.object({ name: safeString().min(1).max(100) }),
  response: z.object({ apiKey: ApiKey }),
  errors: [404],
});
