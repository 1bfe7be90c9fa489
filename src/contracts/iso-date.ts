// ISO 8601 date strings read as instants, with no dependency at all: the contracts' date rule
// (input-rules.ts) and the inline deals' conversion (src/services/win/inline-deal.ts) both use it,
// and the latter runs in the CLI's `score deals`, which must start without loading zod
// (test/cli/cli-startup.test.ts).

/** The digit at s[i] (0-9), or -1. */
const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/**
 * Milliseconds of an ISO 8601 date or date-time string, exactly as `Date.parse` reads it (a bare
 * date is UTC midnight; NaN when unreadable). Calendar dates, what CRMs send most (every inline
 * deal carries several), are computed from their digits without the parser: this runs twice per
 * date on the scoring path (the contract's check, then the deal's conversion). Years before 100
 * take the parser (Date.UTC would read them as 1900-1999), as does anything not YYYY-MM-DD.
 */
export function parseIsoDate(s: string): number {
  if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const y0 = digit(s, 0);
    const y1 = digit(s, 1);
    const y2 = digit(s, 2);
    const y3 = digit(s, 3);
    const m0 = digit(s, 5);
    const m1 = digit(s, 6);
    const d0 = digit(s, 8);
    const d1 = digit(s, 9);
    if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) >= 0) {
      const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
      const month = m0 * 10 + m1;
      const day = d0 * 10 + d1;
      // V8 reads days up to 31 in any month and rolls over (2025-02-30 is March 2), as Date.UTC does.
      if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31) return Date.UTC(year, month - 1, day);
    }
  }
  return Date.parse(s);
}

const DAY_MS = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z: the years toISOString writes with four digits. */
const FOUR_DIGIT_YEARS = [-62_167_219_200_000, 253_402_300_800_000] as const;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()`, computed from the number (civil-from-days after Howard Hinnant, as
 * src/math/time.ts; exact for the proleptic Gregorian calendar of ECMAScript time): the API writes
 * two or three instants per scored deal, and Date's own formatting took about 0.35 µs each. Years
 * outside 0000-9999 (six-digit years) and invalid times (a RangeError) are left to Date.
 */
export function formatIsoDate(ms: number): string {
  if (!(ms >= FOUR_DIGIT_YEARS[0] && ms < FOUR_DIGIT_YEARS[1])) return new Date(ms).toISOString();
  const t = Math.trunc(ms); // a Date holds whole milliseconds (TimeClip)
  const days = Math.floor(t / DAY_MS);
  const inDay = t - days * DAY_MS;
  const z = days + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153); // month counted from March
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9; // 1 = January
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const y = year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1000 ? `0${year}` : `${year}`;
  const h = Math.floor(inDay / 3_600_000);
  const m = Math.floor(inDay / 60_000) % 60;
  const s = Math.floor(inDay / 1000) % 60;
  return `${y}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(inDay % 1000)}Z`;
}
