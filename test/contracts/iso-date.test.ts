// Instants written as ISO 8601 on the scoring path: formatIsoDate must write exactly what
// Date.prototype.toISOString writes, and throw where it throws.
import fc from 'fast-check';
import { formatIsoDate } from '../../src/contracts/iso-date';

/** toISOString's answer, or the error's name when it throws. */
const viaDate = (ms: number) => {
  try {
    return new Date(ms).toISOString();
  } catch (e) {
    return (e as Error).name;
  }
};
const viaFormat = (ms: number) => {
  try {
    return formatIsoDate(ms);
  } catch (e) {
    return (e as Error).name;
  }
};

const MAX_TIME = 8.64e15; // ECMA-262 §21.4.1.22: the range of a Date
const YEAR_0 = -62_167_219_200_000;
const YEAR_10000 = 253_402_300_800_000;

test('every instant is written as toISOString writes it', () => {
  fc.assert(
    fc.property(fc.integer({ min: YEAR_0 - 86_400_000, max: YEAR_10000 + 86_400_000 }), (ms) => viaFormat(ms) === viaDate(ms)),
    { numRuns: 20_000 },
  );
  fc.assert(
    fc.property(fc.double({ min: -MAX_TIME * 1.01, max: MAX_TIME * 1.01 }), (ms) => viaFormat(ms) === viaDate(ms)),
    { numRuns: 5000 },
  );
  for (const ms of [
    0,
    -0,
    -1,
    0.9,
    -0.9,
    1.5,
    YEAR_0,
    YEAR_0 - 1,
    YEAR_10000 - 1,
    YEAR_10000,
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    Date.UTC(2000, 1, 29),
    Date.UTC(1900, 2, 1),
    Date.UTC(99, 11, 31) - 1, // years before 100: Date.UTC maps 99 to 1999, this is 1999
    -62_135_596_800_000, // 0001-01-01
    MAX_TIME,
    -MAX_TIME,
    MAX_TIME + 1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ])
    expect([ms, viaFormat(ms)]).toEqual([ms, viaDate(ms)]);
});
