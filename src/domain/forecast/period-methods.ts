// The time-series methods' forecast of one period's bookings as of a moment: run-rate and the
// driver regression, each fitted on the complete months before the as-of month. As of a period's
// first day (every backtest) they forecast its whole months; later in the period the bookings
// already won are known (won to date) and the methods forecast only what is left: the remaining
// months, and the rest of the as-of month pro rata to its remaining days.
import type { Deal } from '../deal-timeline/deal';
import { fitDriverRegression, PERIODS_PER_DRIVER, type DriverForecast, type DriverRow } from './driver-regression';
import { monthIndex, monthIndexStart, type Period } from './period';
import { forecastRunRate, type RunRateForecast } from './run-rate';
import { firstMonth, monthlyBookings, monthlyPipelineCreated } from './series';

export interface PeriodMethodForecast {
  expected: number;
  p10: number;
  p90: number;
}

interface Remaining {
  /** Months of the period from the as-of month on. */
  months: number;
  /** Share of the horizon's months still to come (the as-of month counts pro rata). */
  share: number;
  startMonth: number;
}

/** Which months of the period are still to come as of `asOf`. */
function remainingMonths(period: Period, asOf: number): Remaining {
  const startMonth = monthIndex(Math.max(asOf, period.start.getTime()));
  const lastMonth = monthIndex(period.end.getTime() - 1);
  const months = Math.max(1, lastMonth - startMonth + 1);
  const mStart = monthIndexStart(startMonth);
  const mEnd = monthIndexStart(startMonth + 1);
  const firstShare = asOf <= mStart ? 1 : Math.max(0, (mEnd - asOf) / (mEnd - mStart));
  return { months, share: (months - 1 + firstShare) / months, startMonth };
}

/** Won to date + a forecast of the remaining months scaled to what is left of them. */
function withWonToDate(wonToDate: number, mean: number, p10: number, p90: number, share: number): PeriodMethodForecast {
  return {
    expected: wonToDate + Math.max(0, mean) * share,
    p10: wonToDate + Math.max(0, p10) * share,
    p90: wonToDate + Math.max(0, p90) * share,
  };
}

export interface RunRateForPeriod extends PeriodMethodForecast {
  method: RunRateForecast['method'];
}

/** Run-rate: monthly bookings of the complete months before as-of, forecast over the period's remaining months. */
export function runRateForPeriod(
  history: readonly Deal[],
  period: Period,
  asOf: number,
  wonToDate: number,
  seed: number,
): RunRateForPeriod | null {
  const from = firstMonth(history);
  const r = remainingMonths(period, asOf);
  if (from === null || r.startMonth <= from) return null;
  const series = monthlyBookings(history, from, r.startMonth, asOf);
  const rr = forecastRunRate(series, r.months, { firstMonth: from % 12, seed });
  return { ...withWonToDate(wonToDate, rr.sum.mean, rr.sum.p10, rr.sum.p90, r.share), method: rr.method };
}

export interface DriversForPeriod extends PeriodMethodForecast {
  fit: DriverForecast;
  /** At least PERIODS_PER_DRIVER periods per driver: reliable enough to blend and to show. */
  reliable: boolean;
}

/** The monthly driver rows (bookings and drivers per complete month before the as-of month). */
export function driverRows(
  history: readonly Deal[],
  drivers: Record<string, Map<number, number>>,
  from: number,
  to: number,
  asOf: number,
): DriverRow[] {
  const bookings = monthlyBookings(history, from, to, asOf);
  const created = monthlyPipelineCreated(history, from, to, asOf);
  return bookings.map((b, i) => {
    const row: Record<string, number> = { pipelineCreated: created[i] };
    for (const [name, m] of Object.entries(drivers)) row[name] = m.get(from + i) ?? 0;
    return { bookings: b, drivers: row };
  });
}

/** Minimum months of history before the driver regression is tried at all. */
export const MIN_DRIVER_MONTHS = 8;

/** The driver regression with an h-month horizon covering the period's remaining months. */
export function driversForPeriod(
  history: readonly Deal[],
  drivers: Record<string, Map<number, number>>,
  period: Period,
  asOf: number,
  wonToDate: number,
): DriversForPeriod | null {
  const from = firstMonth(history);
  const r = remainingMonths(period, asOf);
  if (from === null || r.startMonth - from < MIN_DRIVER_MONTHS) return null;
  const fit = fitDriverRegression(driverRows(history, drivers, from, r.startMonth, asOf), { horizon: r.months });
  if (!fit) return null;
  return {
    ...withWonToDate(wonToDate, fit.next.mean, fit.next.p10, fit.next.p90, r.share),
    fit,
    reliable: fit.n >= PERIODS_PER_DRIVER * fit.drivers.length,
  };
}
