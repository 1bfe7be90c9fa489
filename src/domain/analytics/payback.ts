// Payback period: months from the acquisition month until the client's cumulative net profit
// (order margin after cost to serve: service costs, discounts granted, account and sales activity)
// covers its acquisition cost (CAC payback; e.g. Skok, "SaaS Metrics 2.0": months to recover CAC
// from the margin a customer brings). Month 0 is the calendar month of acquisition; profit and
// costs booked before it (the sales effort of the first deal) count in month 0.
//
// What cannot be known is said, never guessed:
// - no_acquisition_cost: neither the account nor its acquiring campaign gives a cost;
// - acquired_before_history: the client was acquired before the recorded order history begins, so
//   the margin of its first months is missing and the months to payback cannot be counted;
// - not_yet: the cumulative net profit has not reached the cost by the end of the period.

export type PaybackStatus = 'paid_back' | 'not_yet' | 'no_acquisition_cost' | 'acquired_before_history';
export const PAYBACK_STATUSES: readonly PaybackStatus[] = ['paid_back', 'not_yet', 'no_acquisition_cost', 'acquired_before_history'];

/** Calendar month number year·12 + month − 1 (UTC), the same as the SQL monthIndex. */
export const monthIndexOf = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();
/** 'YYYY-MM' of a month number. */
export const monthKeyOf = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;

export interface PaybackMonth {
  /** Months since acquisition (0 = the acquisition month). */
  month: number;
  /** Calendar month 'YYYY-MM'. */
  calendarMonth: string;
  netProfit: number;
  cumulativeNetProfit: number;
  /** cumulative net profit − acquisition cost: negative until the client has paid back. */
  balance: number;
}

export interface Payback {
  months: number | null;
  status: PaybackStatus;
  /** Month by month from acquisition until the balance turns positive (or to the end of the period). */
  curve: PaybackMonth[];
}

export interface PaybackOptions {
  /** The first month of the recorded order history (null when there is none). */
  historyStartMonth?: number | null;
  /** The last month to follow (the period end's month); defaults to the last month of the series. */
  endMonth?: number;
}

// Small tolerance so that sums of cents that exactly cover the cost are not missed by rounding.
const EPS = 1e-9;

export function payback(
  series: readonly { month: number; netProfit: number }[],
  acquisitionCost: number | null,
  acquiredAt: Date | null,
  opts: PaybackOptions = {},
): Payback {
  if (acquisitionCost === null || acquisitionCost <= 0) return { months: null, status: 'no_acquisition_cost', curve: [] };
  const sorted = [...series].sort((a, b) => a.month - b.month);
  const start = acquiredAt ? monthIndexOf(acquiredAt) : sorted[0]?.month;
  if (start === undefined) return { months: null, status: 'not_yet', curve: [] };
  const history = opts.historyStartMonth ?? null;
  if (history !== null && start < history) return { months: null, status: 'acquired_before_history', curve: [] };
  const byMonth = new Map<number, number>();
  for (const m of sorted) {
    const k = Math.max(m.month, start);
    byMonth.set(k, (byMonth.get(k) ?? 0) + m.netProfit);
  }
  const end = Math.max(start, opts.endMonth ?? sorted[sorted.length - 1]?.month ?? start);
  const curve: PaybackMonth[] = [];
  let cum = 0;
  for (let m = start; m <= end; m++) {
    const np = byMonth.get(m) ?? 0;
    cum += np;
    curve.push({ month: m - start, calendarMonth: monthKeyOf(m), netProfit: np, cumulativeNetProfit: cum, balance: cum - acquisitionCost });
    if (cum >= acquisitionCost - EPS) return { months: m - start, status: 'paid_back', curve };
  }
  return { months: null, status: 'not_yet', curve };
}

/** The months and status only (the per-row figure of the profitability report). */
export function paybackMonths(
  series: readonly { month: number; netProfit: number }[],
  acquisitionCost: number | null,
  acquiredAt: Date | null,
  opts: PaybackOptions = {},
): { months: number | null; status: PaybackStatus } {
  const p = payback(series, acquisitionCost, acquiredAt, opts);
  return { months: p.months, status: p.status };
}
