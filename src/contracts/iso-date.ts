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
