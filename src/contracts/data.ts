import { z } from 'zod';
import { defineRoute } from './route';

// Mirrors ENTITY_KINDS in src/domain/records.ts (contracts import only zod; a test checks they agree).
export const ENTITY_KIND_NAMES = [
  'campaigns',
  'accounts',
  'products',
  'reps',
  'opportunities',
  'stage-changes',
  'activities',
  'orders',
  'service-costs',
  'campaign-targets',
] as const;
export const EntityKindName = z.enum(ENTITY_KIND_NAMES);

const RecordObject = z
  .record(z.string(), z.unknown())
  .describe(
    'A canonical record of the kind (fields as in `salescast import`; dates ISO 8601; references are external ids). Validated per kind; errors name row, field and value.',
  );

export const WriteCounts = z
  .object({ inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int() })
  .meta({ id: 'WriteCounts' });

export const UpsertKindBody = z.strictObject({
  records: z.array(RecordObject).min(1, 'must contain at least one record').max(100_000, 'at most 100,000 records per request'),
});

export const UpsertBatchBody = z
  .object(
    Object.fromEntries(ENTITY_KIND_NAMES.map((k) => [k, z.array(RecordObject).max(100_000).optional()])) as Record<
      (typeof ENTITY_KIND_NAMES)[number],
      z.ZodOptional<z.ZodArray<typeof RecordObject>>
    >,
  )
  .strict()
  .refine((b) => Object.values(b).some((v) => Array.isArray(v) && v.length > 0), {
    message: 'must contain at least one non-empty kind',
    path: [],
  });

export const UpsertQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('validate only; write nothing'),
  unknownFields: z
    .enum(['reject', 'attributes'])
    .default('reject')
    .describe(
      'a record field the kind does not have: reject (400 naming it, the default) or attributes (kept as a custom attribute, for kinds that have attributes)',
    ),
});

export const UpsertResponse = z.object({
  dryRun: z.boolean(),
  counts: z.record(z.string(), WriteCounts).describe('per kind; empty on a dry run'),
  validated: z.record(z.string(), z.number().int()).describe('records validated per kind'),
});

export const upsertKindRoute = defineRoute({
  method: 'post',
  path: '/v1/data/:kind',
  operationId: 'upsertRecords',
  summary: 'Bulk upsert of one entity kind by external id (all or nothing, same validation as the CLI import)',
  description:
    'Every record is validated first; any invalid record or unknown reference rejects the whole request (400, details name row, field and value) and nothing is written. Re-sending the same records changes nothing.',
  tag: 'data',
  scope: 'data:write',
  params: z.object({ kind: EntityKindName }),
  query: UpsertQuery,
  body: UpsertKindBody,
  response: UpsertResponse,
});

export const upsertBatchRoute = defineRoute({
  method: 'post',
  path: '/v1/data',
  operationId: 'upsertBatch',
  summary: 'Bulk upsert of several kinds in one transaction, parents before children',
  tag: 'data',
  scope: 'data:write',
  query: UpsertQuery,
  body: UpsertBatchBody,
  response: UpsertResponse,
});
