// Time constants for UTC millisecond arithmetic (Date.getTime() values). A UTC day is always
// 86,400,000 ms: JavaScript time ignores leap seconds (ECMA-262 §21.4.1.1).

/** One UTC day in milliseconds. */
export const DAY_MS = 86_400_000;

// Calendar months of UTC instants without Date objects (the close-timing outlook resolves one per
// month a deal's draws cross, for every deal scored). Civil-from-days after Howard Hinnant,
// "chrono-Compatible Low-Level Date Algorithms" (https://howardhinnant.github.io/date_algorithms.html),
// exact for the proleptic Gregorian calendar that ECMAScript time uses (ECMA-262 §21.4.1).

/** Months since year 0 of the UTC month holding `t`: year * 12 + month (0-based). */
export function utcMonthIndex(t: number): number {
  const z = Math.floor(t / DAY_MS) + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097; // day of the 400-year era, 0..146096
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // day of the March-based year
  const mp = Math.floor((5 * doy + 2) / 153); // month counted from March, 0..11
  const month = mp < 10 ? mp + 2 : mp - 10; // 0 = January
  const year = yoe + era * 400 + (month <= 1 ? 1 : 0);
  return year * 12 + month;
}

/** The instant a UTC month index (utcMonthIndex) begins. */
export function utcMonthStart(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12; // 0 = January
  const y = month <= 1 ? year - 1 : year; // days-from-civil, March-based year
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month <= 1 ? month + 10 : month - 2;
  const doy = Math.floor((153 * mp + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146_097 + doe - 719_468) * DAY_MS;
}

/** The last millisecond of the UTC month holding `t`. */
export function utcEndOfMonth(t: number): number {
  return utcMonthStart(utcMonthIndex(t) + 1) - 1;
}
