// Shared inputs of every report: the period and the filters that pick clients or deals, validated
// here; which fields a report can filter and group by (and their SQL) is the analytics
// repositories' field map (src/db/repositories/analytics/report-fields.ts), which refuses unknown
// names with INVALID_INPUT naming the field.
import { z } from 'zod';
import type { Period } from '../../db/repositories/analytics/report-fields';
import { invalidInput } from '../../errors';
import { DAY_MS } from '../../math/time';

/** A date given as YYYY-MM-DD or a full ISO timestamp. */
export const DateInput = z.union([z.date(), z.string().trim()]).transform((v, ctx) => {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) ctx.addIssue({ code: 'custom', message: 'is not a valid date' });
    return { date: v, dateOnly: false };
  }
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const d = new Date(dateOnly ? `${v}T00:00:00.000Z` : v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime()) || (dateOnly && d.toISOString().slice(0, 10) !== v)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a valid date (use YYYY-MM-DD)` });
    return z.NEVER;
  }
  return { date: d, dateOnly };
});

const filterValue = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()])).min(1)]);
/** Filters as field → value (or list of values, matched with IN). Field names are checked per report. */
export const Filters = z.record(z.string(), filterValue).default({});
export type FiltersInput = z.input<typeof Filters>;

export const PeriodFields = {
  /** Inclusive start. */
  from: DateInput.optional(),
  /** Inclusive end: a date-only value covers that whole day. */
  to: DateInput.optional(),
};

export type { Period } from '../../db/repositories/analytics/report-fields';
export { describeFields, FIELD_NAMES } from '../../db/repositories/analytics/report-fields';

export function resolvePeriod(from?: { date: Date } | undefined, to?: { date: Date; dateOnly: boolean } | undefined): Period {
  const toExclusive = to ? (to.dateOnly ? new Date(to.date.getTime() + DAY_MS) : new Date(to.date.getTime() + 1)) : null;
  if (from && toExclusive && toExclusive <= from.date)
    throw invalidInput('"to" must not be before "from"', [{ path: ['to'], problem: 'must not be before from' }]);
  return { from: from?.date ?? null, toExclusive };
}

/** Throws INVALID_INPUT with zod's issues as details, naming the report. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) {
    const details = r.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), problem: i.message }));
    throw invalidInput(`Invalid ${what} input: ${details.map((x) => `${x.path.join('.') || '(input)'} ${x.problem}`).join('; ')}`, details);
  }
  return r.data;
}
