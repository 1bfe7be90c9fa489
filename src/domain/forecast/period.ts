// Forecast periods: a calendar month (2025-07), quarter (2025-Q3), year (2025) or a custom range.
// All periods are half-open UTC intervals [start, end), so a deal closed at midnight on the first
// day of the next period belongs to the next period.
import { invalidInput } from '../../errors';
import { DAY_MS } from '../../math/time';

export type PeriodKind = 'month' | 'quarter' | 'year' | 'custom';

export interface Period {
  label: string;
  kind: PeriodKind;
  start: Date;
  /** Exclusive end. */
  end: Date;
}

export function monthPeriod(year: number, month0: number): Period {
  const start = new Date(Date.UTC(year, month0, 1));
  const end = new Date(Date.UTC(year, month0 + 1, 1));
  return { label: `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`, kind: 'month', start, end };
}

export function quarterPeriod(year: number, quarter: number): Period {
  const start = new Date(Date.UTC(year, (quarter - 1) * 3, 1));
  const end = new Date(Date.UTC(year, quarter * 3, 1));
  return { label: `${year}-Q${quarter}`, kind: 'quarter', start, end };
}

export function yearPeriod(year: number): Period {
  return { label: String(year), kind: 'year', start: new Date(Date.UTC(year, 0, 1)), end: new Date(Date.UTC(year + 1, 0, 1)) };
}

/** Custom range [from, to]: `to` is an inclusive calendar day when given as a date without time. */
export function customPeriod(from: Date, toInclusive: Date): Period {
  const end = new Date(toInclusive.getTime() + (toInclusive.getTime() % DAY_MS === 0 ? DAY_MS : 0));
  if (!(end > from)) throw invalidInput('The period must end after it starts', [{ path: ['to'], problem: 'must not be before from' }]);
  return { label: `${from.toISOString().slice(0, 10)}..${toInclusive.toISOString().slice(0, 10)}`, kind: 'custom', start: from, end };
}

/** Parses 2025-07, 2025-Q3 or 2025. */
export function parsePeriod(text: string): Period {
  const t = text.trim();
  let m = /^(\d{4})-(\d{1,2})$/.exec(t);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return monthPeriod(Number(m[1]), Number(m[2]) - 1);
  m = /^(\d{4})-?Q([1-4])$/i.exec(t);
  if (m) return quarterPeriod(Number(m[1]), Number(m[2]));
  m = /^(\d{4})$/.exec(t);
  if (m) return yearPeriod(Number(m[1]));
  throw invalidInput(`Unknown period "${text}": use a month (2025-07), a quarter (2025-Q3) or a year (2025)`, [
    { path: ['period'], value: text, problem: 'must look like 2025-07, 2025-Q3 or 2025' },
  ]);
}

/** The period of the given kind that contains the instant. */
export function periodContaining(at: Date, kind: Exclude<PeriodKind, 'custom'>): Period {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (kind === 'month') return monthPeriod(y, m);
  if (kind === 'quarter') return quarterPeriod(y, Math.floor(m / 3) + 1);
  return yearPeriod(y);
}

/** The period of the same kind that follows (month, quarter and year only). */
export function nextPeriod(p: Period): Period {
  if (p.kind === 'custom') throw invalidInput('A custom period has no successor');
  return periodContaining(p.end, p.kind);
}

/** Consecutive periods of a kind whose starts lie in [from, to). */
export function periodsBetween(from: Date, to: Date, kind: Exclude<PeriodKind, 'custom'>): Period[] {
  const out: Period[] = [];
  let p = periodContaining(from, kind);
  if (p.start < from) p = nextPeriod(p);
  while (p.start < to) {
    out.push(p);
    p = nextPeriod(p);
  }
  return out;
}

/** Start of the month containing t (UTC), in ms. */
export function monthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Index of the month of t counted from January of year 0 (for monthly series). */
export function monthIndex(t: number): number {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

export function monthIndexStart(index: number): number {
  return Date.UTC(Math.floor(index / 12), index % 12, 1);
}
