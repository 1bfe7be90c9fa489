import { z } from 'zod';
import { defineRoute } from './route';

const DatabaseState = z
  .enum(['up', 'read-only', 'down'])
  .describe('up: answers and can be written; read-only: answers but cannot be written; down: does not answer');

export const HealthResponse = z.object({
  status: z.literal('ok'),
  database: DatabaseState,
  dialect: z.enum(['sqlite', 'postgresql']),
});

export const ModelReadiness = z.object({
  name: z.string(),
  state: z
    .enum(['loaded', 'fallback', 'none', 'failed'])
    .describe(
      'loaded: an active version serves; fallback: none trained, the baseline serves; none: none trained, its figures are left empty; failed: the active version could not be loaded',
    ),
  version: z.number().int().nullable(),
  message: z.string().optional(),
});

export const ReadyResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  database: DatabaseState,
  /** Why the database is not ready, for operators. */
  databaseProblem: z.string().optional(),
  models: z.array(ModelReadiness),
});

export const healthRoute = defineRoute({
  method: 'get',
  path: '/health',
  operationId: 'health',
  summary: 'Liveness: the process answers (and whether the database does)',
  tag: 'operations',
  scope: null,
  response: HealthResponse,
});

export const readyRoute = defineRoute({
  method: 'get',
  path: '/ready',
  operationId: 'ready',
  summary: 'Readiness: database reachable and writable, and active models loaded (503 otherwise)',
  tag: 'operations',
  scope: null,
  response: ReadyResponse,
  errors: [503],
});
