// Date arithmetic for the demo generator, in UTC milliseconds so that results never depend on the
// machine's time zone.
import { DAY_MS } from '../../math/time';

export const days = (n: number) => n * DAY_MS;

/** Midnight UTC of the day containing t. */
export function startOfDay(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/** Rounds to the minute: CRM timestamps rarely carry seconds, and round values read better. */
export function toMinute(t: number): number {
  return Math.floor(t / 60_000) * 60_000;
}

/** The same day of month `months` months earlier (clamped to the month's length: Mar 31 → Feb 28). */
export function addMonths(t: number, months: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes());
}

export function startOfMonth(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function quarterLabel(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

// Relative buying activity by calendar month: budgets flush in Q4, summer and January are slow,
// quarter ends are a little busier. Mean ≈ 1 so rates stay comparable to their annual averages.
const SEASON = [0.85, 0.95, 1.05, 0.95, 1.0, 1.05, 0.85, 0.85, 1.05, 1.1, 1.2, 1.1];
export const SEASON_MAX = Math.max(...SEASON);

export function seasonality(t: number): number {
  return SEASON[new Date(t).getUTCMonth()];
}
