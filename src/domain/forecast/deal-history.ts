// Deals as they were at a past moment, rebuilt from their stage-change history. Point-in-time
// correctness (DESIGN.md): a deal seen "as of" t uses only events strictly before t — its stage,
// amount and expected close date as recorded by the last change before t, and its outcome only if
// it had closed before t. Nothing that happened at or after t can change what is seen.

export interface StageEvent {
  at: number;
  fromStage: string | null;
  toStage: string;
  amount: number | null;
  expectedCloseAt: number | null;
}

/** A deal with its full history (times in ms since the epoch). */
export interface DealRecord {
  id: number;
  externalId: string;
  amount: number;
  stage: string;
  outcome: 'open' | 'won' | 'lost';
  createdAt: number;
  expectedCloseAt: number | null;
  closedAt: number | null;
  forecastCategory: string | null;
  /** Group keys: rep, team, region, product, segment, forecastCategory. */
  groups: Record<string, string>;
  /** Stage changes in time order. */
  events: StageEvent[];
}

export interface DealState {
  id: number;
  externalId: string;
  amount: number;
  stage: string;
  outcome: 'open' | 'won' | 'lost';
  createdAt: number;
  closedAt: number | null;
  expectedCloseAt: number | null;
  /** When the deal entered its current stage (creation when unknown). */
  stageEnteredAt: number;
  stageChanges: number;
  groups: Record<string, string>;
}

export const UNKNOWN_STAGE = '(unknown)';

/**
 * The data's present: just after the latest moment the history records (a creation, a close or
 * a stage change), capped at `cap` (the clock) so that future-dated records cannot move it. As of this
 * moment or later the stored current state is the truth; before it, deals are rebuilt from their
 * history. The wall clock alone is not it: a database loaded weeks ago, or a demo company
 * generated as of a past date, has no later events to hide.
 */
export function dataPresent(history: readonly DealRecord[], cap: number): number {
  let latest = -Infinity;
  for (const d of history) {
    if (d.createdAt > latest) latest = d.createdAt;
    if (d.closedAt !== null && d.closedAt > latest) latest = d.closedAt;
    const last = d.events.length ? d.events[d.events.length - 1].at : -Infinity;
    if (last > latest) latest = last;
  }
  // Just after the latest record: a moment "as of" it sees only what happened strictly before.
  return Math.min(latest + 1, cap);
}

/**
 * The deal as of t, or null if it did not exist yet. `now` marks the data's present: as of a
 * moment at or after it, the stored current state is the truth (deals without history included).
 */
export function dealAsOf(deal: DealRecord, t: number, now = Infinity): DealState | null {
  if (deal.createdAt >= t) return null;
  if (t >= now) {
    const last = lastBefore(deal.events, t);
    return {
      id: deal.id,
      externalId: deal.externalId,
      amount: deal.amount,
      stage: deal.stage,
      outcome: deal.outcome,
      createdAt: deal.createdAt,
      closedAt: deal.closedAt,
      expectedCloseAt: deal.expectedCloseAt,
      stageEnteredAt: stageEntered(deal, last),
      stageChanges: last + 1,
      groups: deal.groups,
    };
  }
  const closed = deal.closedAt !== null && deal.closedAt < t && deal.outcome !== 'open';
  const last = lastBefore(deal.events, t);
  let stage: string;
  if (last >= 0) stage = deal.events[last].toStage;
  else if (deal.events.length > 0 && deal.events[0].fromStage) stage = deal.events[0].fromStage;
  else if (deal.events.length === 0 && deal.outcome === 'open')
    stage = deal.stage; // never moved: still in its only stage
  else stage = UNKNOWN_STAGE;
  if (closed && last < 0) stage = deal.stage;

  // Amount and expected close: the latest recorded before t. Before the first recorded value we
  // can only know the value if the deal never changed (no events): then the stored one holds.
  let amount: number | null = null;
  let expectedCloseAt: number | null = null;
  for (let i = last; i >= 0 && (amount === null || expectedCloseAt === null); i--) {
    const e = deal.events[i];
    if (amount === null && e.amount !== null) amount = e.amount;
    if (expectedCloseAt === null && e.expectedCloseAt !== null) expectedCloseAt = e.expectedCloseAt;
  }
  const noLaterAmount = !deal.events.some((e, i) => i > last && e.amount !== null);
  const noLaterClose = !deal.events.some((e, i) => i > last && e.expectedCloseAt !== null);
  if (amount === null) amount = noLaterAmount || closed ? deal.amount : (firstLater(deal.events, last, 'amount') ?? deal.amount);
  if (expectedCloseAt === null && noLaterClose) expectedCloseAt = deal.expectedCloseAt;
  if (closed) amount = deal.amount;

  return {
    id: deal.id,
    externalId: deal.externalId,
    amount,
    stage,
    outcome: closed ? deal.outcome : 'open',
    createdAt: deal.createdAt,
    closedAt: closed ? deal.closedAt : null,
    expectedCloseAt,
    stageEnteredAt: stageEntered(deal, last),
    stageChanges: last + 1,
    groups: deal.groups,
  };
}

/** When the stage current after event `last` was entered: pushes of the close date (same stage) do not count. */
function stageEntered(deal: DealRecord, last: number): number {
  let i = last;
  while (i > 0 && deal.events[i].fromStage !== null && deal.events[i].fromStage === deal.events[i].toStage) i--;
  return i >= 0 ? deal.events[i].at : deal.createdAt;
}

function lastBefore(events: StageEvent[], t: number): number {
  let lo = 0;
  let hi = events.length; // first index with at >= t
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * When no amount was recorded before t but later changes recorded one, the earliest later value
 * is the best available proxy of the amount at t. It comes from a later event, but only in the
 * absence of any earlier record; it never reveals the outcome.
 */
function firstLater(events: StageEvent[], last: number, field: 'amount'): number | null {
  for (let i = last + 1; i < events.length; i++) if (events[i][field] !== null) return events[i][field];
  return null;
}
