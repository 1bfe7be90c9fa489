// The one point-in-time boundary of Salescast: **as of t, an event is seen when it is stamped
// strictly before t**. An event stamped exactly t is not seen at t: "as of t" is the half-open past
// (-∞, t), the state at the instant t begins.
//
// Why strict:
// - periods are half-open [start, end): a forecast as of a period's start must know nothing of
//   the period it forecasts, and a label window that starts at t must not overlap the features;
// - date-only exports (most CRM exports) stamp a whole day's events at its midnight: as of a date,
//   nothing of that day has happened yet;
// - the rest of the project already counts this way: win rates from deals closed before t, churn
//   features from orders before t, customer summaries up to an exclusive as-of.
// Consequence for a deal's own records: a deal is not seen before it exists, and it exists as
// created, with what was recorded at its creation instant (its first stage, its first amount). A
// deal asked about at its creation instant (or earlier) is therefore seen at `atCreation`
// (createdAt + CREATION_MOMENT): `momentFor` clamps the moment. Training snapshots at creation use
// the same moment, so a server asked about a new deal "as of its creation" answers exactly what
// training saw. This clamps the question's moment; the boundary itself has no exception.
//
// Every consumer decides "seen at t" with `seenAt` (stage changes, activities, closes, orders…).

/** Whether an event stamped `at` is known as of `t`. */
export const seenAt = (at: number, t: number): boolean => at < t;

/** The first instant after createdAt: the deal as created, with what was recorded at creation. */
export const CREATION_MOMENT = 1;

/** The moment at which a deal created at `createdAt` is seen as it was created. */
export const atCreation = (createdAt: number): number => createdAt + CREATION_MOMENT;

/** The moment a deal is looked at when asked about at t: never before it is seen as created. */
export const momentFor = (createdAt: number, t: number): number => Math.max(t, atCreation(createdAt));

/** Number of times in a sorted array that are seen as of t (binary search). */
export function countSeen(sortedTimes: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sortedTimes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seenAt(sortedTimes[mid], t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
