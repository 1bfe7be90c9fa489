// Concentration of value across clients: the Pareto (Lorenz-style) curve, the top-20% share, ABC
// classes and the clients whose net profit is negative. Input is one aggregate per client (already
// summed in SQL); this file only sorts and accumulates.

export interface ClientValue {
  id: string;
  name: string;
  revenue: number;
  profit: number;
}

/**
 * ABC thresholds on the cumulative share of positive profit, clients ranked by profit descending:
 * A = clients up to and including the one that takes the cumulative share to 80%, B = up to 95%,
 * C = the remaining profitable (or break-even) clients, D = clients with negative net profit
 * (the "profit destroyers" of Kaplan & Narayanan's whale curve, 2001).
 */
export const ABC_THRESHOLDS = { A: 0.8, B: 0.95 } as const;
export type AbcClass = 'A' | 'B' | 'C' | 'D';

export interface ParetoPoint {
  /** Share of clients (0..1), ranked by the measure descending. */
  clientShare: number;
  clients: number;
  /** Cumulative measure of the top `clients` over the total; above 1 on a whale curve. */
  profitShare: number | null;
  revenueShare: number | null;
}

export interface ParetoResult {
  clients: number;
  totalRevenue: number;
  totalProfit: number;
  /** Profit of profitable clients only (the whale curve's peak in money). */
  positiveProfit: number;
  top20: { clients: number; profitShare: number | null; revenueShare: number | null };
  /** Highest point of the cumulative profit curve (≥ 1 when some clients destroy profit). */
  peakProfitShare: number | null;
  curve: ParetoPoint[];
  classes: { class: AbcClass; clients: number; clientShare: number; revenue: number; profit: number; profitShare: number | null }[];
  classOf: Map<string, AbcClass>;
  destroyers: (ClientValue & { rank: number })[];
}

const share = (x: number, total: number) => (total !== 0 ? x / total : null);

/** Cumulative top-k sums for a ranking, read at k = ⌈q·n⌉ for each quantile q (0..1 by step). */
function cumulativeAt(sorted: number[], ks: number[]): number[] {
  const out: number[] = [];
  let acc = 0;
  let i = 0;
  for (const k of ks) {
    while (i < k) acc += sorted[i++];
    out.push(acc);
  }
  return out;
}

export function pareto(values: ClientValue[], opts: { points?: number; destroyersLimit?: number } = {}): ParetoResult {
  const n = values.length;
  const points = opts.points ?? 20;
  const totalRevenue = values.reduce((s, v) => s + v.revenue, 0);
  const totalProfit = values.reduce((s, v) => s + v.profit, 0);
  // Each curve ranks clients by its own measure (profit curve by profit, revenue curve by revenue).
  const byProfit = [...values].sort((a, b) => b.profit - a.profit || a.id.localeCompare(b.id));
  const revenueSorted = values.map((v) => v.revenue).sort((a, b) => b - a);
  const profitSorted = byProfit.map((v) => v.profit);
  const ks = Array.from({ length: points + 1 }, (_, i) => Math.max(0, Math.ceil((i / points) * n - 1e-9)));
  const cumP = cumulativeAt(profitSorted, ks);
  const cumR = cumulativeAt(revenueSorted, ks);
  const curve = ks.map((k, i) => ({
    clientShare: i / points,
    clients: k,
    profitShare: share(cumP[i], totalProfit),
    revenueShare: share(cumR[i], totalRevenue),
  }));
  const k20 = Math.max(0, Math.ceil(0.2 * n - 1e-9));
  const [p20] = cumulativeAt(profitSorted, [k20]);
  const [r20] = cumulativeAt(revenueSorted, [k20]);
  let peak = 0;
  let acc = 0;
  for (const p of profitSorted) {
    acc += p;
    if (acc > peak) peak = acc;
  }
  const positiveProfit = profitSorted.filter((p) => p > 0).reduce((s, p) => s + p, 0);
  const classOf = new Map<string, AbcClass>();
  let cum = 0;
  for (const v of byProfit) {
    let cls: AbcClass;
    if (v.profit < 0) cls = 'D';
    else {
      // The class is decided by the cumulative share *before* adding this client, so the client that
      // crosses 80% is still an A.
      const before = positiveProfit > 0 ? cum / positiveProfit : 1;
      cls = before < ABC_THRESHOLDS.A ? 'A' : before < ABC_THRESHOLDS.B ? 'B' : 'C';
      cum += v.profit;
    }
    classOf.set(v.id, cls);
  }
  const classes = (['A', 'B', 'C', 'D'] as AbcClass[]).map((c) => {
    const members = values.filter((v) => classOf.get(v.id) === c);
    const profit = members.reduce((s, v) => s + v.profit, 0);
    return {
      class: c,
      clients: members.length,
      clientShare: n ? members.length / n : 0,
      revenue: members.reduce((s, v) => s + v.revenue, 0),
      profit,
      profitShare: share(profit, totalProfit),
    };
  });
  const destroyers = byProfit
    .map((v, i) => ({ ...v, rank: i + 1 }))
    .filter((v) => v.profit < 0)
    .reverse()
    .slice(0, opts.destroyersLimit ?? 50);
  return {
    clients: n,
    totalRevenue,
    totalProfit,
    positiveProfit,
    top20: { clients: k20, profitShare: share(p20, totalProfit), revenueShare: share(r20, totalRevenue) },
    peakProfitShare: share(peak, totalProfit),
    curve,
    classes,
    classOf,
    destroyers,
  };
}
