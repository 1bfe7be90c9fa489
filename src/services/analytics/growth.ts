// Growth by group (issue 15): turnover per product family, product, segment, region, ... and per
// calendar year, quarter or month, in date order, each cell with its share of the period's total,
// its growth on the previous period and on the same period a year before (src/domain/analytics/
// growth.ts defines them and how periods cut by the data's span are compared).
//
// Turnover is order revenue by order date. A CRM that records no orders (the Maven export has
// deals only) gets bookings instead, won deal amounts by close date, and the result says so.
import { z } from 'zod';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { type GrowthMeasure, type GrowthQuery, growthCells, growthWindow, measureSpan } from '../../db/repositories/analytics/growth';
import {
  GROWTH_PERIODS,
  type GrowthPeriod,
  type GrowthPeriodInfo,
  type GrowthRow,
  growthTable,
  PERIODS_PER_YEAR,
  periodIndexOf,
  periodStart,
} from '../../domain/analytics/growth';
import { Filters, PeriodFields, parseInput, resolvePeriod } from './filters';

const DAY_MS = 86_400_000;

export const GrowthInput = z.object({
  ...PeriodFields,
  filters: Filters,
  /** family | product | segment | region | business, or any other client field (deal field for bookings). */
  by: z.string().min(1).default('family'),
  period: z.enum(GROWTH_PERIODS as [GrowthPeriod, ...GrowthPeriod[]]).default('quarter'),
  /** turnover (orders), bookings (won deals), or auto: turnover when any order is recorded. */
  measure: z.enum(['auto', 'turnover', 'bookings']).default('auto'),
  /** Groups listed on their own; the rest are one row. */
  limit: z.coerce.number().int().min(1).max(500).default(20),
});
export type GrowthInputT = z.input<typeof GrowthInput>;

export interface GrowthResult {
  report: 'growth';
  currency: string;
  measure: GrowthMeasure;
  /** What the values are, in words. */
  measureDefinition: string;
  by: string;
  period: GrowthPeriod;
  /** The span the data covers within the requested period (end exclusive), or null when empty. */
  observed: { from: string; to: string } | null;
  periods: GrowthPeriodInfo[];
  rows: GrowthRow[];
  total: GrowthRow;
  /** What the reader must know: a measure substituted, periods cut, a field never recorded. */
  notes: string[];
}

const DEFINITIONS: Record<GrowthMeasure, string> = {
  turnover: 'order revenue net of order discounts, by order date',
  bookings: 'amounts of won deals by close date',
};
const day = (d: Date) => d.toISOString().slice(0, 10);
const startOfNextDay = (d: Date) => new Date((Math.floor(d.getTime() / DAY_MS) + 1) * DAY_MS);

async function chooseMeasure(db: Database, asked: 'auto' | GrowthMeasure, notes: string[]) {
  const turnover = asked === 'bookings' ? null : await measureSpan(db.sql, 'turnover');
  if (asked === 'turnover' || turnover) return { measure: 'turnover' as const, span: turnover };
  const bookings = await measureSpan(db.sql, 'bookings');
  if (asked === 'auto')
    notes.push(
      bookings
        ? 'No orders are recorded, so this is the growth of bookings (won deal amounts by close date), not of turnover.'
        : 'No orders and no won deals are recorded: there is nothing to measure growth on.',
    );
  return { measure: 'bookings' as const, span: bookings };
}

/** Sentences for the periods the data's span cuts. */
function periodNotes(periods: GrowthPeriodInfo[], span: { first: Date }, observedTo: Date): string[] {
  const notes: string[] = [];
  const first = periods[0];
  if (first?.partial === 'start')
    notes.push(
      `${first.period} holds only ${first.observedFrom} to ${day(new Date(Date.parse(first.observedTo) - DAY_MS))} (the records start on ${day(span.first)}): no growth is computed from or to it.`,
    );
  const last = periods[periods.length - 1];
  if (last?.partial === 'end') {
    const days = Math.round((observedTo.getTime() - Date.parse(last.start)) / DAY_MS);
    notes.push(
      last.likeForLike
        ? `${last.period} runs to ${day(new Date(observedTo.getTime() - DAY_MS))} (${days} days): it is compared with the same ${days} days of the previous period and of the period a year before.`
        : `${last.period} runs to ${day(new Date(observedTo.getTime() - DAY_MS))} (${days} days): it is not compared.`,
    );
  }
  return notes;
}

/** The last period cut by the end: the same days of the previous period and of the year before, per group. */
async function likeForLike(db: Database, query: GrowthQuery, period: GrowthPeriod, last: GrowthPeriodInfo, observedTo: Date) {
  const index = periodIndexOf(new Date(last.start), period);
  const elapsed = observedTo.getTime() - Date.parse(last.start);
  const windowOf = (i: number) => {
    const from = periodStart(i, period);
    return { from, to: new Date(from.getTime() + elapsed) };
  };
  const prev = await growthWindow(db.sql, query, windowOf(index - 1));
  const yb = await growthWindow(db.sql, query, windowOf(index - PERIODS_PER_YEAR[period]));
  return [...new Set([...prev.keys(), ...yb.keys()])].map((group) => ({
    group,
    previous: prev.get(group) ?? 0,
    yearBefore: yb.get(group) ?? 0,
  }));
}

export async function growthReport(db: Database, input: GrowthInputT = {}): Promise<GrowthResult> {
  const q = parseInput(GrowthInput, input, 'growth');
  const range = resolvePeriod(q.from, q.to);
  const notes: string[] = [];
  const { measure, span } = await chooseMeasure(db, q.measure, notes);
  const base = {
    report: 'growth' as const,
    currency: loadConfig().CURRENCY,
    measure,
    measureDefinition: DEFINITIONS[measure],
    by: q.by,
    period: q.period,
  };
  const from = span && range.from && range.from > span.first ? range.from : span?.first;
  const dataEnd = span ? startOfNextDay(span.last) : null;
  const to = dataEnd && range.toExclusive && range.toExclusive < dataEnd ? range.toExclusive : dataEnd;
  const query: GrowthQuery = { measure, by: q.by, period: q.period, range: { from: from ?? null, toExclusive: to }, filters: q.filters };
  // The cells query also checks the field and the filters (INVALID_INPUT naming them), data or not.
  const cells = await growthCells(db.sql, query);
  if (!span || !from || !to || !(to > from)) {
    const empty = growthTable({ period: q.period, observed: { from: new Date(0), to: new Date(0) }, cells: [] });
    if (span) notes.push(`No ${measure === 'turnover' ? 'orders' : 'won deals'} fall in the requested period.`);
    return { ...base, observed: null, ...empty, notes };
  }
  const observed = { from, to };
  const plain = growthTable({ period: q.period, observed, cells });
  const last = plain.periods[plain.periods.length - 1];
  const table =
    last?.partial === 'end'
      ? growthTable({ period: q.period, observed, cells, likeForLike: await likeForLike(db, query, q.period, last, to), limit: q.limit })
      : growthTable({ period: q.period, observed, cells, limit: q.limit });
  notes.push(...periodNotes(table.periods, span, to));
  if (cells.length > 0 && cells.every((c) => c.group === null))
    notes.push(
      `No ${q.by} is recorded on any ${measure === 'turnover' ? 'order or its client' : 'won deal or its account'}: everything falls in "not recorded".`,
    );
  return { ...base, observed: { from: from.toISOString(), to: to.toISOString() }, ...table, notes };
}
