// Per-customer repeat-buying summary for the BG/NBD and Gamma-Gamma models (Fader, Hardie & Lee 2005):
// frequency x = repeat purchase occasions, recency t_x = time from the first to the last purchase,
// T = time from the first purchase to the end of calibration, and m_x = mean value of the repeat
// occasions (the first purchase is excluded, as in Fader & Hardie's Gamma-Gamma note).
// A purchase occasion is a calendar day (UTC): several orders on one day count once, as in the
// CDNOW data the models were published on. Times are measured in the chosen unit (fractional).
// The calibration end is the last day of the calibration period, inclusive, and T runs from the
// first purchase day to it (the convention of lifetimes' observation_period_end, which reproduces
// the published CDNOW summaries: first purchase 1997-01-01, end 1997-09-30 → T = 272/7 = 38.86).
// services/customers/customer-summaries.ts computes the same numbers in SQL; both must agree.
import { DAY_MS } from '../../math/time';

export const TIME_UNITS = ['day', 'week', 'month'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** Length of a unit in days (a month is the mean Gregorian month, 365.25 / 12). */
export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7, month: 30.4375 };

export function dayNumber(d: Date): number {
  return Math.floor(d.getTime() / DAY_MS);
}

export interface CustomerSummary {
  frequency: number;
  recency: number;
  T: number;
  /** Mean revenue of repeat purchase occasions (0 when frequency = 0). */
  monetaryValue: number;
  firstPurchaseAt: Date;
  lastPurchaseAt: Date;
  purchaseDays: number;
  totalRevenue: number;
  totalCostOfGoods: number;
}

export interface OrderLike {
  orderedAt: Date;
  revenue: number;
  costOfGoods?: number;
}

/**
 * Summarises one customer's orders placed on or before the calibration end day (and, when given,
 * strictly before the instant `before`). Returns null when the customer has no such order (BG/NBD
 * describes customers from their first purchase on).
 */
export function summarizeOrders(orders: OrderLike[], calibrationEnd: Date, unit: TimeUnit, before?: Date): CustomerSummary | null {
  const byDay = new Map<number, number>();
  const endDay = dayNumber(calibrationEnd);
  let cogs = 0;
  for (const o of orders) {
    if (dayNumber(o.orderedAt) > endDay || (before && !(o.orderedAt < before))) continue;
    const d = dayNumber(o.orderedAt);
    byDay.set(d, (byDay.get(d) ?? 0) + o.revenue);
    cogs += o.costOfGoods ?? 0;
  }
  if (byDay.size === 0) return null;
  return summaryFromDays(byDay, cogs, calibrationEnd, unit);
}

/** The first instant after the calibration end day (the exclusive bound for queries). */
export function dayAfter(calibrationEnd: Date): Date {
  return new Date((dayNumber(calibrationEnd) + 1) * DAY_MS);
}

/** Shared by the SQL path: day numbers → summary. */
export function summaryFromAggregates(
  a: { firstDay: number; lastDay: number; days: number; revenue: number; firstDayRevenue: number; costOfGoods: number },
  calibrationEnd: Date,
  unit: TimeUnit,
): CustomerSummary {
  const u = UNIT_DAYS[unit];
  const endDay = dayNumber(calibrationEnd);
  const frequency = a.days - 1;
  return {
    frequency,
    recency: (a.lastDay - a.firstDay) / u,
    T: (Math.max(a.lastDay, endDay) - a.firstDay) / u,
    monetaryValue: frequency > 0 ? (a.revenue - a.firstDayRevenue) / frequency : 0,
    firstPurchaseAt: new Date(a.firstDay * DAY_MS),
    lastPurchaseAt: new Date(a.lastDay * DAY_MS),
    purchaseDays: a.days,
    totalRevenue: a.revenue,
    totalCostOfGoods: a.costOfGoods,
  };
}

function summaryFromDays(byDay: Map<number, number>, cogs: number, calibrationEnd: Date, unit: TimeUnit): CustomerSummary {
  const days = [...byDay.keys()].sort((x, y) => x - y);
  let revenue = 0;
  for (const v of byDay.values()) revenue += v;
  return summaryFromAggregates(
    {
      firstDay: days[0],
      lastDay: days[days.length - 1],
      days: days.length,
      revenue,
      firstDayRevenue: byDay.get(days[0])!,
      costOfGoods: cogs,
    },
    calibrationEnd,
    unit,
  );
}
