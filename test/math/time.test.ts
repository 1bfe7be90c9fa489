// Calendar months from millisecond arithmetic must agree with Date's UTC calendar everywhere a
// deal's dates can fall, including month and leap-day boundaries and instants before 1970.
import fc from 'fast-check';
import { DAY_MS, utcEndOfMonth, utcMonthIndex, utcMonthStart } from '../../src/math/time';

const viaDate = {
  monthIndex: (t: number) => {
    const d = new Date(t);
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
  },
  endOfMonth: (t: number) => {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
  },
};
const MIN = Date.UTC(1800, 0, 1);
const MAX = Date.UTC(2300, 0, 1);

describe('UTC months without Date objects', () => {
  test('month index and end of month agree with Date for any instant from 1800 to 2300', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN, max: MAX }), (t) => {
        expect(utcMonthIndex(t)).toBe(viaDate.monthIndex(t));
        expect(utcEndOfMonth(t)).toBe(viaDate.endOfMonth(t));
      }),
      { numRuns: 20_000 },
    );
  });

  test('every month boundary: the last millisecond of a month and the first of the next', () => {
    for (let m = 1800 * 12; m < 2300 * 12; m++) {
      const start = utcMonthStart(m);
      expect(start).toBe(Date.UTC(Math.floor(m / 12), m % 12, 1));
      expect(utcMonthIndex(start)).toBe(m);
      expect(utcMonthIndex(start - 1)).toBe(m - 1);
      expect(utcEndOfMonth(start - 1)).toBe(start - 1);
    }
  });

  test('leap days, century years and instants within the day', () => {
    for (const s of [
      '2024-02-29T23:59:59.999Z',
      '2000-02-29T00:00:00Z',
      '1900-02-28T12:00:00Z',
      '2100-03-01T00:00:00Z',
      '1969-12-31T23:59:59.999Z',
    ])
      expect([s, utcMonthIndex(Date.parse(s)), utcEndOfMonth(Date.parse(s))]).toEqual([
        s,
        viaDate.monthIndex(Date.parse(s)),
        viaDate.endOfMonth(Date.parse(s)),
      ]);
    expect(utcMonthIndex(Date.UTC(2025, 0, 31) + DAY_MS - 1)).toBe(2025 * 12);
  });
});
