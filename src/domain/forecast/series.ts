// Monthly series built from deal histories for the run-rate and driver models, each using only
// what was known before a cut-off (as-of) date.
import { dealAsOf, isClosedAsOf } from '../deal-timeline/as-of';
import { seenAt } from '../deal-timeline/boundary';
import type { Deal } from '../deal-timeline/deal';
import { monthIndex } from './period';

/** Won bookings per month for months [fromMonth, toMonth), counting only deals closed before `before`. */
export function monthlyBookings(history: readonly Deal[], fromMonth: number, toMonth: number, before: number): number[] {
  const out = new Array(Math.max(0, toMonth - fromMonth)).fill(0);
  for (const d of history) {
    if (d.outcome !== 'won' || !isClosedAsOf(d, before)) continue;
    const i = monthIndex(d.closedAt as number) - fromMonth;
    if (i >= 0 && i < out.length) out[i] += d.amount ?? 0;
  }
  return out;
}

/**
 * Pipeline created per month: the first amount each deal is known to have had as of `before` (its
 * first recorded amount, or its stored amount where that holds as of `before`; none when unknown).
 */
export function monthlyPipelineCreated(history: readonly Deal[], fromMonth: number, toMonth: number, before: number): number[] {
  const out = new Array(Math.max(0, toMonth - fromMonth)).fill(0);
  for (const d of history) {
    if (!seenAt(d.createdAt, before)) continue;
    const i = monthIndex(d.createdAt) - fromMonth;
    if (i < 0 || i >= out.length) continue;
    out[i] += dealAsOf(d, before).firstAmount ?? 0;
  }
  return out;
}

/** First month with any deal activity (creation), or null for an empty history. */
export function firstMonth(history: readonly Deal[]): number | null {
  let min = Infinity;
  for (const d of history) if (d.createdAt < min) min = d.createdAt;
  return min === Infinity ? null : monthIndex(min);
}
