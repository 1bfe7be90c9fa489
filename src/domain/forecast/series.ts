// Monthly series built from deal histories for the run-rate and driver models, each using only
// what was known before a cut-off (as-of) date.
import type { DealRecord } from './deal-history';
import { monthIndex } from './period';

/** Won bookings per month for months [fromMonth, toMonth), counting only deals closed before `before`. */
export function monthlyBookings(history: readonly DealRecord[], fromMonth: number, toMonth: number, before: number): number[] {
  const out = new Array(Math.max(0, toMonth - fromMonth)).fill(0);
  for (const d of history) {
    if (d.outcome !== 'won' || d.closedAt === null || d.closedAt >= before) continue;
    const i = monthIndex(d.closedAt) - fromMonth;
    if (i >= 0 && i < out.length) out[i] += d.amount;
  }
  return out;
}

/** Pipeline created per month: the amount each deal had when it was created (its first recorded amount). */
export function monthlyPipelineCreated(history: readonly DealRecord[], fromMonth: number, toMonth: number, before: number): number[] {
  const out = new Array(Math.max(0, toMonth - fromMonth)).fill(0);
  for (const d of history) {
    if (d.createdAt >= before) continue;
    const i = monthIndex(d.createdAt) - fromMonth;
    if (i < 0 || i >= out.length) continue;
    const first = d.events.find((e) => e.amount !== null && e.at < before);
    out[i] += first?.amount ?? d.amount;
  }
  return out;
}

/** First month with any deal activity (creation), or null for an empty history. */
export function firstMonth(history: readonly DealRecord[]): number | null {
  let min = Infinity;
  for (const d of history) if (d.createdAt < min) min = d.createdAt;
  return min === Infinity ? null : monthIndex(min);
}
