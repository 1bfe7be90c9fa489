// Turnover growth by group (product family, product, segment, region, ...) and calendar period:
// a cross-tab of group × period in date order, each cell with its share of the period's total,
// its growth on the previous period and on the same period a year before.
//
// Only like is compared with like. The observed span is where the data has records (from the first
// order to the end of the report); a period cut by it is partial:
// - cut at the start (the history begins inside it): it is shown, but no growth is computed from or
//   to it (a quarter holding one month of orders is not a fall of two thirds);
// - cut at the end (the current period, to date): compared with the same number of days at the
//   start of the previous period and of the period a year before ("like for like"), when the caller
//   gives those figures; otherwise no growth.
// Growth = (value − comparison) ÷ comparison, null when the comparison is 0 (a group new in the period).
export type GrowthPeriod = 'year' | 'quarter' | 'month';
export const GROWTH_PERIODS: readonly GrowthPeriod[] = ['year', 'quarter', 'month'];

const MONTHS: Record<GrowthPeriod, number> = { year: 12, quarter: 3, month: 1 };
/** How many periods back "the same period a year before" is. */
export const PERIODS_PER_YEAR: Record<GrowthPeriod, number> = { year: 1, quarter: 4, month: 12 };

/** Period number (UTC): year Y → Y, quarter → Y·4 + q − 1, month → Y·12 + m − 1 (as the SQL index). */
export function periodIndexOf(d: Date, p: GrowthPeriod): number {
  return Math.floor((d.getUTCFullYear() * 12 + d.getUTCMonth()) / MONTHS[p]);
}
export function periodStart(index: number, p: GrowthPeriod): Date {
  const m = index * MONTHS[p];
  return new Date(Date.UTC(Math.floor(m / 12), m % 12, 1));
}
/** Exclusive end: the start of the next period. */
export const periodEnd = (index: number, p: GrowthPeriod) => periodStart(index + 1, p);
export function periodLabel(index: number, p: GrowthPeriod): string {
  if (p === 'year') return String(index);
  if (p === 'quarter') return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export interface GrowthPeriodInfo {
  period: string;
  /** Calendar bounds (end exclusive), ISO dates. */
  start: string;
  end: string;
  /** The part of the period inside the observed span. */
  observedFrom: string;
  observedTo: string;
  /** Whether the whole period is observed. */
  complete: boolean;
  /** 'start' when the history begins inside the period, 'end' when the report ends inside it. */
  partial: 'start' | 'end' | null;
  /** For a period cut at the end: its growth compares the same number of days of the earlier periods. */
  likeForLike: boolean;
}

export interface GrowthCell {
  period: string;
  value: number;
  /** Share of the period's total over all groups. */
  share: number | null;
  /** The previous period's value it is compared with (like for like when the period is cut at the end). */
  previous: number | null;
  growth: number | null;
  /** The same period a year before (like for like when cut at the end). */
  yearBefore: number | null;
  yearOverYear: number | null;
}

export interface GrowthRow {
  /** null: the group is not recorded (e.g. orders without a product). */
  group: string | null;
  /** How many groups a combined "other" row holds (1 for a plain group). */
  groups: number;
  total: number;
  /** Share of the total over all periods. */
  share: number | null;
  cells: GrowthCell[];
}

export interface GrowthTable {
  periods: GrowthPeriodInfo[];
  rows: GrowthRow[];
  total: GrowthRow;
}

export interface GrowthInput {
  period: GrowthPeriod;
  /** The span the data covers: from the first record (inclusive) to the report's end (exclusive). */
  observed: { from: Date; to: Date };
  /** Turnover per group and period index (periods without turnover may be absent). */
  cells: readonly { group: string | null; period: number; value: number }[];
  /**
   * For a last period cut at the end: per group, the turnover of the previous period and of the
   * period a year before over the same number of days from their start.
   */
  likeForLike?: readonly { group: string | null; previous: number; yearBefore: number }[];
  /** Groups listed on their own, largest first; the rest are combined into one row. */
  limit?: number;
}

const keyOf = (g: string | null) => (g === null ? '\u0000null' : `=${g}`);
const growthOf = (v: number, base: number | null) => (base === null || base <= 0 ? null : (v - base) / base);
const iso = (d: Date) => d.toISOString().slice(0, 10);

export function periodInfos(p: GrowthPeriod, observed: { from: Date; to: Date }): { index: number; info: GrowthPeriodInfo }[] {
  if (!(observed.to > observed.from)) return [];
  const first = periodIndexOf(observed.from, p);
  const last = periodIndexOf(new Date(observed.to.getTime() - 1), p);
  const out: { index: number; info: GrowthPeriodInfo }[] = [];
  for (let i = first; i <= last; i++) {
    const start = periodStart(i, p);
    const end = periodEnd(i, p);
    const cutStart = observed.from > start;
    const cutEnd = observed.to < end;
    out.push({
      index: i,
      info: {
        period: periodLabel(i, p),
        start: iso(start),
        end: iso(end),
        observedFrom: iso(cutStart ? observed.from : start),
        observedTo: iso(cutEnd ? observed.to : end),
        complete: !cutStart && !cutEnd,
        partial: cutStart ? 'start' : cutEnd ? 'end' : null,
        likeForLike: false,
      },
    });
  }
  return out;
}

interface GroupValues {
  group: string | null;
  groups: number;
  values: number[];
  total: number;
  lfl?: { previous: number; yearBefore: number };
}

/** Sums the cells per group into one value per period (in the order of `periods`). */
function valuesByGroup(input: GrowthInput, periods: { index: number }[]): GroupValues[] {
  const pos = new Map(periods.map((x, i) => [x.index, i]));
  const byGroup = new Map<string, { group: string | null; values: number[] }>();
  for (const c of input.cells) {
    const at = pos.get(c.period);
    if (at === undefined) continue;
    const k = keyOf(c.group);
    if (!byGroup.has(k)) byGroup.set(k, { group: c.group, values: periods.map(() => 0) });
    byGroup.get(k)!.values[at] += c.value;
  }
  const lfl = new Map((input.likeForLike ?? []).map((x) => [keyOf(x.group), x]));
  const noLfl = input.likeForLike ? { previous: 0, yearBefore: 0 } : undefined;
  return [...byGroup.values()].map((g) => ({
    ...g,
    groups: 1,
    total: g.values.reduce((a, b) => a + b, 0),
    lfl: lfl.get(keyOf(g.group)) ?? noLfl,
  }));
}

/** Largest first, "not recorded" last; the groups past `limit` combined into one row. */
function rankAndLimit(groups: GroupValues[], limit: number): GroupValues[] {
  const sorted = [...groups].sort(
    (a, b) =>
      (a.group === null ? 1 : 0) - (b.group === null ? 1 : 0) || b.total - a.total || String(a.group).localeCompare(String(b.group)),
  );
  if (sorted.length <= limit) return sorted;
  const rest = sorted.slice(limit);
  const sum = (f: (g: GroupValues) => number) => rest.reduce((s, g) => s + f(g), 0);
  return [
    ...sorted.slice(0, limit),
    {
      group: `(${rest.length} other groups)`,
      groups: rest.length,
      values: rest[0].values.map((_, i) => sum((g) => g.values[i])),
      total: sum((g) => g.total),
      lfl: rest[0].lfl ? { previous: sum((g) => g.lfl?.previous ?? 0), yearBefore: sum((g) => g.lfl?.yearBefore ?? 0) } : undefined,
    },
  ];
}

/** One group's cells: shares of the period totals, growth on the previous period and the year before. */
function growthRow(
  g: GroupValues,
  periods: { info: GrowthPeriodInfo }[],
  periodTotals: number[],
  grandTotal: number,
  lag: number,
): GrowthRow {
  const cells = periods.map((x, i): GrowthCell => {
    const v = g.values[i];
    let previous: number | null = null;
    let yearBefore: number | null = null;
    const prev = periods[i - 1];
    const yb = periods[i - lag];
    if (x.info.partial === null) {
      if (prev?.info.complete) previous = g.values[i - 1];
      if (yb?.info.complete) yearBefore = g.values[i - lag];
    } else if (x.info.likeForLike && g.lfl) {
      // Compared with the same days of the earlier periods, which must themselves be fully observed.
      if (prev?.info.complete) previous = g.lfl.previous;
      if (yb?.info.complete) yearBefore = g.lfl.yearBefore;
    }
    return {
      period: x.info.period,
      value: v,
      share: periodTotals[i] > 0 ? v / periodTotals[i] : null,
      previous,
      growth: growthOf(v, previous),
      yearBefore,
      yearOverYear: growthOf(v, yearBefore),
    };
  });
  return { group: g.group, groups: g.groups, total: g.total, share: grandTotal > 0 ? g.total / grandTotal : null, cells };
}

/** The cross-tab: one row per group (largest total first, "not recorded" last) and a total row. */
export function growthTable(input: GrowthInput): GrowthTable {
  const periods = periodInfos(input.period, input.observed);
  const last = periods[periods.length - 1];
  if (last?.info.partial === 'end' && input.likeForLike) last.info.likeForLike = true;
  const groups = valuesByGroup(input, periods);
  const periodTotals = periods.map((_, i) => groups.reduce((s, g) => s + g.values[i], 0));
  const grandTotal = periodTotals.reduce((a, b) => a + b, 0);
  const lag = PERIODS_PER_YEAR[input.period];
  const total: GroupValues = {
    group: 'total',
    groups: groups.length,
    values: periodTotals,
    total: grandTotal,
    lfl: input.likeForLike
      ? {
          previous: groups.reduce((s, g) => s + (g.lfl?.previous ?? 0), 0),
          yearBefore: groups.reduce((s, g) => s + (g.lfl?.yearBefore ?? 0), 0),
        }
      : undefined,
  };
  return {
    periods: periods.map((x) => x.info),
    rows: rankAndLimit(groups, input.limit ?? Number.POSITIVE_INFINITY).map((g) => growthRow(g, periods, periodTotals, grandTotal, lag)),
    total: growthRow(total, periods, periodTotals, grandTotal, lag),
  };
}
