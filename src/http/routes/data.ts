// Bulk upsert over HTTP: the same canonical validation and the same all-or-nothing write as
// `salescast import` (src/services/import/upsert-records.ts), dates sent as ISO 8601 strings.
import { upsertBatchRoute, upsertKindRoute } from '../../contracts/data';
import { AppError, type ErrorDetail } from '../../errors';
import { type EntityKind, type RecordBatches, upsertRecords, validateJsonRecords } from '../../services/import/upsert-records';
import type { AppContext } from '../context';

async function upsert(
  ctx: AppContext,
  input: Partial<Record<EntityKind, Record<string, unknown>[]>>,
  query: { dryRun: boolean; unknownFields: 'reject' | 'attributes' },
) {
  const batches: RecordBatches = {};
  const problems: ErrorDetail[] = [];
  const validated: Record<string, number> = {};
  for (const [kind, raw] of Object.entries(input) as [EntityKind, Record<string, unknown>[]][]) {
    if (!raw?.length) continue;
    const { valid, errors } = validateJsonRecords(kind, raw, { unknownToAttributes: query.unknownFields === 'attributes' });
    problems.push(...errors);
    (batches as Record<string, unknown>)[kind] = valid;
    validated[kind] = raw.length;
  }
  if (problems.length) {
    const unknown = query.unknownFields === 'reject' && problems.some((p) => /is not a field of/.test(p.problem));
    throw new AppError(
      'INVALID_INPUT',
      `${problems.length} problem(s) in the records; nothing was written${unknown ? ' (to keep unknown fields as custom attributes, send ?unknownFields=attributes)' : ''}`,
      problems.slice(0, 500),
    );
  }
  if (query.dryRun) return { dryRun: true, counts: {}, validated };
  const counts = await upsertRecords(ctx.services.db, batches);
  return { dryRun: false, counts, validated };
}

export function dataRoutes(ctx: AppContext) {
  ctx.mount(upsertKindRoute, ({ params, query, body }) => upsert(ctx, { [params.kind]: body.records }, query));
  ctx.mount(upsertBatchRoute, ({ query, body }) => upsert(ctx, body as Partial<Record<EntityKind, Record<string, unknown>[]>>, query));
}
