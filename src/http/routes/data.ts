// Bulk upsert over HTTP: the same canonical validation and the same all-or-nothing write as
// `salescast import` (src/services/import/upsert-records.ts), dates sent as ISO 8601 strings.
import { upsertBatchRoute, upsertKindRoute } from '../../contracts/data';
import { AppError, type ErrorDetail } from '../../errors';
import { type EntityKind, type RecordBatches, upsertRecords, validateJsonRecords } from '../../services/import/upsert-records';
import type { AppContext } from '../context';

async function upsert(ctx: AppContext, input: Partial<Record<EntityKind, Record<string, unknown>[]>>, dryRun: boolean) {
  const batches: RecordBatches = {};
  const problems: ErrorDetail[] = [];
  const validated: Record<string, number> = {};
  for (const [kind, raw] of Object.entries(input) as [EntityKind, Record<string, unknown>[]][]) {
    if (!raw?.length) continue;
    const { valid, errors } = validateJsonRecords(kind, raw);
    problems.push(...errors);
    (batches as Record<string, unknown>)[kind] = valid;
    validated[kind] = raw.length;
  }
  if (problems.length)
    throw new AppError('INVALID_INPUT', `${problems.length} problem(s) in the records; nothing was written`, problems.slice(0, 500));
  if (dryRun) return { dryRun: true, counts: {}, validated };
  const counts = await upsertRecords(ctx.services.db, batches);
  return { dryRun: false, counts, validated };
}

export function dataRoutes(ctx: AppContext) {
  ctx.mount(upsertKindRoute, ({ params, query, body }) => upsert(ctx, { [params.kind]: body.records }, query.dryRun));
  ctx.mount(upsertBatchRoute, ({ query, body }) =>
    upsert(ctx, body as Partial<Record<EntityKind, Record<string, unknown>[]>>, query.dryRun),
  );
}
