// Historical win rates "as of" a moment: for any key (a rep, a segment, an account, a product) the
// number of deals closed before time t (seen as of t, deal-timeline/boundary.ts) and how many of
// them were won. Built once from the closed deals, queried by binary search, so every training
// snapshot sees only the past. Rates are smoothed towards the overall rate as of t with `prior`
// pseudo-deals (empirical Bayes).
import { seenAt } from '../deal-timeline/boundary';

export interface ClosedDeal {
  closedAt: number;
  won: boolean;
  keys: string[];
}

export interface HistoryCounts {
  closed: number;
  won: number;
}

interface Series {
  times: Float64Array;
  cumWon: Uint32Array;
}

export interface DealHistoryState {
  kind: 'salescast-deal-history';
  /** Counts per key as of `asOf` (what a scorer without database access uses). */
  asOf: number;
  totals: Record<string, HistoryCounts>;
}

export const OVERALL = '*';

export class DealHistory {
  private series = new Map<string, Series>();
  private frozen: Record<string, HistoryCounts> | null = null;
  private frozenAsOf = 0;

  constructor(deals: ClosedDeal[] = []) {
    const byKey = new Map<string, { t: number; w: number }[]>();
    for (const d of deals) {
      for (const k of [OVERALL, ...d.keys]) {
        let list = byKey.get(k);
        if (!list) byKey.set(k, (list = []));
        list.push({ t: d.closedAt, w: d.won ? 1 : 0 });
      }
    }
    for (const [k, list] of byKey) {
      list.sort((a, b) => a.t - b.t);
      const times = new Float64Array(list.length);
      const cumWon = new Uint32Array(list.length);
      let w = 0;
      list.forEach((e, i) => {
        times[i] = e.t;
        w += e.w;
        cumWon[i] = w;
      });
      this.series.set(k, { times, cumWon });
    }
  }

  /** Deals of `key` closed before t (an event stamped exactly t is not seen at t). */
  counts(key: string, t: number): HistoryCounts {
    if (this.frozen && this.series.size === 0) {
      // A frozen snapshot answers only for moments at or after its date.
      return t >= this.frozenAsOf ? (this.frozen[key] ?? { closed: 0, won: 0 }) : { closed: 0, won: 0 };
    }
    const s = this.series.get(key);
    if (!s) return { closed: 0, won: 0 };
    let lo = 0;
    let hi = s.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seenAt(s.times[mid], t)) lo = mid + 1;
      else hi = mid;
    }
    return { closed: lo, won: lo ? s.cumWon[lo - 1] : 0 };
  }

  /** Smoothed win rate of a key as of t (null when nothing at all has closed yet). */
  winRate(key: string, t: number, prior = 10): number | null {
    const all = this.counts(OVERALL, t);
    if (all.closed === 0) return null;
    const overall = all.won / all.closed;
    const c = this.counts(key, t);
    return (c.won + prior * overall) / (c.closed + prior);
  }

  /** Counts per key as of t, for a scorer that has no database (saved with the model). */
  freeze(t: number): DealHistoryState {
    const totals: Record<string, HistoryCounts> = {};
    for (const k of this.series.keys()) {
      const c = this.counts(k, t);
      if (c.closed) totals[k] = c;
    }
    return { kind: 'salescast-deal-history', asOf: t, totals };
  }

  static fromState(s: DealHistoryState): DealHistory {
    if (s?.kind !== 'salescast-deal-history') throw new Error('not a deal history state');
    const h = new DealHistory();
    h.frozen = s.totals;
    h.frozenAsOf = s.asOf;
    return h;
  }
}

/** The keys under which a deal's outcome counts in history. */
export function historyKeys(d: {
  rep?: string | null;
  account?: { segment?: string | null; externalId?: string | null } | null;
  product?: string | null;
  source?: string | null;
}): string[] {
  const keys: string[] = [];
  if (d.rep) keys.push(`rep:${d.rep}`);
  if (d.account?.segment) keys.push(`segment:${d.account.segment}`);
  if (d.account?.externalId) keys.push(`account:${d.account.externalId}`);
  if (d.product) keys.push(`product:${d.product}`);
  if (d.source) keys.push(`source:${d.source}`);
  return keys;
}
