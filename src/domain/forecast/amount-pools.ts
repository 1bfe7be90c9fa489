// Deals without an amount: a distribution, not a point. CRM exports often record a value only once
// a deal is won (Maven's close_value), so an open deal's amount is "not provided" — not zero, and
// not known either. Such a deal is valued by the won amounts of similar deals closed before as-of:
// in the simulation each of its wins draws one of those amounts (the empirical distribution, as a
// nonparametric bootstrap draws from the sample; Efron & Tibshirani 1993, ch. 6), so the forecast
// range carries the uncertainty about its size. Its expected value is the pool's mean.
//
// Fallback chain — the first pool holding at least MIN_POOL won deals closed in the look-back
// year before as-of (the deal's own key must be known: "(none)" is not a product):
//   1. same product and segment   2. same product   3. same segment
//   4. every won deal of the past year (any number ≥ 1)   5. every won deal before as-of.
// A deal with no pool at all (nothing was ever won) cannot be valued and is left out of the
// simulation; the forecast says so.
import { DAY_MS } from '../../math/time';
import { isClosedAsOf } from '../deal-timeline/as-of';
import type { Deal } from '../deal-timeline/deal';
import { dealGroups } from '../deal-timeline/outcome';
import type { DealState } from './deal-state';

export const MIN_POOL = 20;

export type PoolLevel = 'product+segment' | 'product' | 'segment' | 'all, past year' | 'all';

export interface AmountPool {
  level: PoolLevel;
  /** e.g. "product=GTX Pro, segment=(any)". */
  key: string;
  values: number[];
  mean: number;
}

export interface AmountImputation {
  pools: AmountPool[];
  /** Deal id → index into pools. */
  poolOf: Map<number, number>;
  /** Deals without an amount for which no won deal exists to learn from. */
  unvalued: number[];
}

/** True when a deal's amount counts as provided (a positive value). */
export function hasAmount(d: Pick<DealState, 'amount'>): boolean {
  return (d.amount ?? 0) > 0;
}

export function imputeAmounts(
  history: readonly Deal[],
  asOf: number,
  deals: readonly DealState[],
  opts: { lookbackDays?: number; minPool?: number } = {},
): AmountImputation {
  const missing = deals.filter((d) => !hasAmount(d));
  const out: AmountImputation = { pools: [], poolOf: new Map(), unvalued: [] };
  if (missing.length === 0) return out;
  const minPool = opts.minPool ?? MIN_POOL;
  const since = asOf - (opts.lookbackDays ?? 365) * DAY_MS;
  const recent = new Map<string, number[]>();
  const allTime: number[] = [];
  const add = (key: string, v: number) => {
    const list = recent.get(key);
    if (list) list.push(v);
    else recent.set(key, [v]);
  };
  for (const d of history) {
    const amount = d.amount ?? 0;
    if (d.outcome !== 'won' || !isClosedAsOf(d, asOf) || !(amount > 0)) continue;
    allTime.push(amount);
    if ((d.closedAt as number) < since) continue;
    const { product, segment } = dealGroups(d);
    add(`ps\u0000${product}\u0000${segment}`, amount);
    add(`p\u0000${product}`, amount);
    add(`s\u0000${segment}`, amount);
    add('all', amount);
  }
  const index = new Map<string, number>();
  const poolIndex = (level: PoolLevel, id: string, label: string, values: number[]) => {
    let i = index.get(id);
    if (i === undefined) {
      i = out.pools.length;
      index.set(id, i);
      out.pools.push({ level, key: label, values, mean: values.reduce((a, b) => a + b, 0) / values.length });
    }
    return i;
  };
  const known = (v: string | undefined): v is string => v !== undefined && v !== '(none)' && v !== '';
  for (const d of missing) {
    const product = d.groups.product;
    const segment = d.groups.segment;
    const chain: [PoolLevel, string, string, number][] = [];
    if (known(product) && known(segment))
      chain.push(['product+segment', `ps\u0000${product}\u0000${segment}`, `product=${product}, segment=${segment}`, minPool]);
    if (known(product)) chain.push(['product', `p\u0000${product}`, `product=${product}`, minPool]);
    if (known(segment)) chain.push(['segment', `s\u0000${segment}`, `segment=${segment}`, minPool]);
    chain.push(['all, past year', 'all', 'every won deal of the past year', 1]);
    let chosen: number | null = null;
    for (const [level, id, label, min] of chain) {
      const values = recent.get(id);
      if (values && values.length >= min) {
        chosen = poolIndex(level, id, label, values);
        break;
      }
    }
    if (chosen === null && allTime.length > 0) chosen = poolIndex('all', '*', 'every won deal before as-of', allTime);
    if (chosen === null) out.unvalued.push(d.id);
    else out.poolOf.set(d.id, chosen);
  }
  return out;
}
