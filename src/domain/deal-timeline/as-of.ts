// What a deal looked like as of a moment t, from what had been recorded before t (boundary.ts).
// One function for win features, forecasts, backtests, what-if and serving.
//
// The rules (docs/forecasts.md "Point in time", docs/win-model.md "Point-in-time features"):
// 1. Recorded changes stamped before t are replayed in time order: the stage, the amount and the
//    expected close date are those of the latest change that recorded them.
// 2. A value recorded on a change at time c is unknown before c: nothing is filled back from a later
//    change (an export whose only amount is on the closing change reveals nothing before the close).
// 3. The stored (current) fields describe the deal now. They hold as of t only
//    - when the deal had closed before t (they are its final state), or
//    - when the deal is still open now and no change at or after t recorded the field (for fields
//      the history records, the stored value is the latest record; fields it never records are
//      taken as constant while the deal is open).
//    For a deal that closed at or after t they may carry the outcome (the final stage, a won amount,
//    0 on lost deals, a close date set on closing), so a field no earlier change recorded is
//    unknown (null).
// 4. A deal is closed as of t when it is won or lost with a close date before t.
import { momentFor, seenAt } from './boundary';
import { DAY_MS } from '../../math/time';
import type { Deal, DealOutcome, DealStageChange } from './deal';

export interface DealAsOf {
  /** Created before t. A deal that does not exist yet still gets a state (nothing is seen). */
  exists: boolean;
  /** 'open' unless the deal was won or lost before t. */
  outcome: DealOutcome;
  /** Set only when closed before t. */
  closedAt: number | null;
  /** null: not known at t. */
  stage: string | null;
  /** When the current stage was entered (creation for a deal that never moved); null when the stage is unknown. */
  stageEnteredAt: number | null;
  amount: number | null;
  expectedCloseAt: number | null;
  discount: number | null;
  /** Recorded changes seen (close-date pushes included). */
  changesSeen: number;
  /** Moves to another stage seen. */
  stageChanges: number;
  stagesVisited: number;
  /** Expected close date moved later by more than half a day, and by how many days in total. */
  closeDatePushes: number;
  closeDatePushDays: number;
  /** Recorded amount changes after the first recorded amount, and that first amount. */
  amountChanges: number;
  firstAmount: number | null;
}

const sortedCache = new WeakMap<DealStageChange[], DealStageChange[]>();

/** The deal's recorded changes in time order (the input array itself when already sorted). */
export function changesInOrder(deal: Pick<Deal, 'stageChanges'>): DealStageChange[] {
  const all = deal.stageChanges ?? [];
  for (let i = 1; i < all.length; i++)
    if (all[i].at < all[i - 1].at) {
      let sorted = sortedCache.get(all);
      if (!sorted || sorted.length !== all.length) {
        sorted = [...all].sort((a, b) => a.at - b.at);
        sortedCache.set(all, sorted);
      }
      return sorted;
    }
  return all;
}

/** Index of the first change not seen as of t (= number of changes seen). */
function seenCount(changes: DealStageChange[], t: number): number {
  let lo = 0;
  let hi = changes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seenAt(changes[mid].at, t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isClosedAsOf(deal: Pick<Deal, 'outcome' | 'closedAt'>, t: number): boolean {
  return (deal.outcome === 'won' || deal.outcome === 'lost') && deal.closedAt != null && seenAt(deal.closedAt, t);
}

/**
 * The deal as of t (rules in the header). Pure; does not modify the deal. Asked at or before its
 * creation instant, the deal is seen as created (boundary.ts momentFor), but `exists` is false.
 */
export function dealAsOf(deal: Deal, asked: number): DealAsOf {
  const exists = seenAt(deal.createdAt, asked);
  const t = momentFor(deal.createdAt, asked);
  const changes = changesInOrder(deal);
  const n = seenCount(changes, t);
  const closed = isClosedAsOf(deal, t);
  const openNow = (deal.outcome ?? 'open') === 'open';
  const replay = replayChanges(changes, n, deal.createdAt);
  let amountLater = false;
  let closeLater = false;
  for (let i = n; i < changes.length; i++) {
    if (changes[i].amount != null) amountLater = true;
    if (changes[i].expectedCloseAt != null) closeLater = true;
  }
  // Rule 3: whether the stored value of a field holds as of t, given whether a later change records it.
  const storedHolds = (recordedLater: boolean) => closed || (openNow && !recordedLater);
  const stage = storedHolds(n < changes.length) ? deal.stage : replay.stage;
  let stageEnteredAt: number | null = null;
  if (stage !== null) stageEnteredAt = stage === replay.stage ? replay.stageEnteredAt : n > 0 ? changes[n - 1].at : deal.createdAt;
  return {
    exists,
    outcome: closed ? (deal.outcome as DealOutcome) : 'open',
    closedAt: closed ? (deal.closedAt as number) : null,
    stage,
    stageEnteredAt,
    amount: storedHolds(amountLater) ? deal.amount : replay.amount,
    expectedCloseAt: storedHolds(closeLater) ? (deal.expectedCloseAt ?? null) : replay.expectedCloseAt,
    // Never recorded on changes: known only from the stored field (rule 3).
    discount: storedHolds(false) ? (deal.discount ?? null) : null,
    changesSeen: n,
    stageChanges: replay.stageChanges,
    stagesVisited: stage !== null && stage !== replay.stage && !replay.visited.has(stage) ? replay.visited.size + 1 : replay.visited.size,
    closeDatePushes: replay.pushes,
    closeDatePushDays: replay.pushDays,
    amountChanges: replay.amountChanges,
    firstAmount: replay.firstAmount ?? (storedHolds(amountLater) ? deal.amount : null),
  };
}

interface Replay {
  stage: string | null;
  stageEnteredAt: number;
  amount: number | null;
  expectedCloseAt: number | null;
  stageChanges: number;
  visited: Set<string>;
  pushes: number;
  pushDays: number;
  amountChanges: number;
  firstAmount: number | null;
}

/** Rules 1 and 2: the first n changes (those seen) replayed in time order. */
function replayChanges(changes: DealStageChange[], n: number, createdAt: number): Replay {
  const r: Replay = {
    stage: null,
    // A stage named only as the first change's fromStage is taken as held since creation.
    stageEnteredAt: createdAt,
    amount: null,
    expectedCloseAt: null,
    stageChanges: 0,
    visited: new Set(),
    pushes: 0,
    pushDays: 0,
    amountChanges: 0,
    firstAmount: null,
  };
  for (let i = 0; i < n; i++) {
    const c = changes[i];
    if (i === 0 && c.fromStage != null) {
      // The first change names the stage the deal was in before it: known once the change is seen.
      r.stage = c.fromStage;
      r.visited.add(c.fromStage);
    }
    if (c.toStage !== r.stage) {
      if (r.stage !== null) r.stageChanges++;
      r.stage = c.toStage;
      r.stageEnteredAt = c.at;
      r.visited.add(c.toStage);
    }
    if (c.amount != null) {
      if (r.amount === null) r.firstAmount ??= c.amount;
      else if (c.amount !== r.amount) r.amountChanges++;
      r.amount = c.amount;
    }
    if (c.expectedCloseAt != null) {
      if (r.expectedCloseAt !== null && c.expectedCloseAt > r.expectedCloseAt + DAY_MS / 2) {
        r.pushes++;
        r.pushDays += (c.expectedCloseAt - r.expectedCloseAt) / DAY_MS;
      }
      r.expectedCloseAt = c.expectedCloseAt;
    }
  }
  return r;
}
