// Bulk upsert over HTTP: the same canonical validation and the same all-or-nothing write as
// `salescast import` (src/services/import/upsert-records.ts). JSON has no date type, so ISO 8601
// strings in date fields are turned into dates first; anything else is left for the canonical
// schema to reject with the field named.
import { upsertBatchRoute, upsertKindRoute } from '../../contracts/data';
import { parseIsoDate } from '../../domain/import/parse-date';
import { recordFields } from '../../domain/import/record-fields';
import type { EntityKind } from '../../domain/records';
import { AppError, type ErrorDetail } from '../../errors';
import { upsertRecords, validateRecords, type RecordBatches } from '../../services/import/upsert-records';
import type { AppContext } from '../context';

function withDates(kind: EntityKind, raw: Record<string, unknown>[]): Record<string, unknown>[] {
  const dateFields = recordFields(kind)
    .filter((f) => f.type === 'date')
    .map((f) => f.name);
  return raw.map((r) => {
    const out = { ...r };
    for (const f of dateFields) {
      const v = out[f];
      if (typeof v === 'string') out[f] = parseIsoDate(v) ?? v;
    }
    return out;
  });
}

async function upsert(ctx: AppContext, input: Partial<Record<EntityKind, Record<string, unknown>[]>>, dryRun: boolean) {
  const batches: RecordBatches = {};
  const problems: ErrorDetail[] = [];
  const validated: Record<string, number> = {};
  for (const [kind, raw] of Object.entries(input) as [EntityKind, Record<string, unknown>[]][]) {
    if (!raw?.length) continue;
    const { valid, errors } = validateRecords(kind, withDates(kind, raw));
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
