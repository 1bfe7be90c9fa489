// @ts-check
// Calendar quarters (UTC, as the API counts them) and the dashboard's as-of day.

/** @typedef {{ year: number, q: number }} Quarter */

/** @param {Date} d @returns {Quarter} */
export const quarterOf = (d) => ({ year: d.getUTCFullYear(), q: Math.floor(d.getUTCMonth() / 3) + 1 });
/** The API's key: "2026-Q4". @param {Quarter} q */
export const quarterKey = ({ year, q }) => `${year}-Q${q}`;
/** "Q4 2026". @param {Quarter} q */
export const quarterLabel = ({ year, q }) => `Q${q} ${year}`;
/** @param {Quarter} q @param {number} n @returns {Quarter} */
export function shiftQuarter({ year, q }, n) {
  const i = year * 4 + (q - 1) + n;
  return { year: Math.floor(i / 4), q: (i % 4) + 1 };
}
/** The quarter's first day, "2026-10-01". @param {Quarter} q */
export const quarterStart = ({ year, q }) => `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
/** An API period label ("2026-Q4", "2026-07", "2026") as people write it ("Q4 2026"). @param {string} label */
export const periodLabel = (label) => label.replace(/^(\d{4})-Q(\d)$/, 'Q$2 $1');

/** @param {Date} d */
const isoDay = (d) => d.toISOString().slice(0, 10);

/**
 * The moment every figure on the page is as of: the start of today (UTC). Forecasts move with time
 * (a deal's chance of closing this quarter shrinks by the minute), so asking "as of now" gave
 * different figures on every reload; as of the day, a reload gives the same page until midnight.
 * `day` is sent as the API's asOf; reports take periods that end the day before (`through`).
 * @param {Date} [now]
 */
export function asOfDay(now = new Date()) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const yearBefore = new Date(Date.UTC(start.getUTCFullYear() - 1, start.getUTCMonth(), start.getUTCDate()));
  return {
    /** The as-of moment, 00:00 UTC today. */
    at: start,
    /** The API's asOf: "2026-12-04" (its first moment). */
    day: isoDay(start),
    /** The last whole day before it, a report's inclusive `to`. */
    through: isoDay(new Date(start.getTime() - 86_400_000)),
    /** A year before the as-of day, a report's inclusive `from` for "the last 12 months". */
    yearAgo: isoDay(yearBefore),
    quarter: quarterOf(start),
  };
}
/** @typedef {ReturnType<typeof asOfDay>} AsOf */
