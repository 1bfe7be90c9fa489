// Training examples for the deal-win model: every closed deal snapshotted at past moments before
// it closed — one random moment inside each stage it went through (so every stage, and realistic
// days-in-stage, are represented), or two random moments in its life when it has no stage history.
// The label is the deal's eventual outcome; the features are those of the moment (deal-features.ts).
import type { Rng } from '../../math/random';
import type { DealInput } from './deal-input';

export interface DealSnapshotMoment {
  deal: DealInput;
  /** Index of the deal in the input array. */
  dealIndex: number;
  at: number;
  won: 0 | 1;
  closedAt: number;
}

/**
 * The last moment a closed deal's outcome was still unknown: its closed date, or the moment of the
 * final stage change into its closing stage when the CRM recorded that earlier.
 */
export function outcomeKnownAt(deal: DealInput): number | null {
  if (deal.closedAt == null || (deal.outcome ?? 'open') === 'open') return null;
  let known = deal.closedAt;
  for (const c of deal.stageChanges ?? []) if (c.toStage === deal.stage && c.at < known) known = c.at;
  return known;
}

export function snapshotMoments(
  deals: DealInput[],
  rng: Rng,
  options: { maxPerDeal?: number; closedFrom?: number; closedTo?: number } = {},
): DealSnapshotMoment[] {
  const maxPerDeal = options.maxPerDeal ?? 6;
  const out: DealSnapshotMoment[] = [];
  deals.forEach((deal, dealIndex) => {
    const end = outcomeKnownAt(deal);
    if (end === null || deal.closedAt == null) return;
    if (options.closedFrom !== undefined && deal.closedAt < options.closedFrom) return;
    if (options.closedTo !== undefined && deal.closedAt > options.closedTo) return;
    const won = deal.outcome === 'won' ? 1 : 0;
    const start = deal.createdAt;
    if (!(end > start)) return; // closed the moment it was created: nothing to predict
    const entries = (deal.stageChanges ?? [])
      .map((c) => c.at)
      .filter((t) => t >= start && t < end)
      .sort((a, b) => a - b);
    const intervals: [number, number][] = [];
    if (entries.length === 0) {
      intervals.push([start, start + (end - start) / 2], [start + (end - start) / 2, end]);
    } else {
      const bounds = [...new Set([start, ...entries, end])].sort((a, b) => a - b);
      for (let i = 0; i + 1 < bounds.length; i++) if (bounds[i + 1] > bounds[i]) intervals.push([bounds[i], bounds[i + 1]]);
    }
    // Keep at most maxPerDeal intervals, spread evenly over the deal's life.
    const chosen =
      intervals.length <= maxPerDeal
        ? intervals
        : Array.from({ length: maxPerDeal }, (_, i) => intervals[Math.floor((i * intervals.length) / maxPerDeal)]);
    for (const [a, b] of chosen) {
      const at = a + rng.next() * (b - a);
      if (at < end) out.push({ deal, dealIndex, at, won, closedAt: deal.closedAt });
    }
  });
  return out;
}
