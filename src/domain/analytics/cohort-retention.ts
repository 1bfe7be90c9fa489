// Retention matrices of client cohorts with the order history's edges taken into account (issue 15,
// defect 3). A client acquired in period index c can be seen in its period k only when c + k lies
// inside the history [first, last] (in periods of the report's granularity): before the first
// order nothing was recorded, after the last nothing has happened yet. So each cell counts only
// the clients it could see:
//   eligible_k  = clients with first ≤ c + k ≤ last
//   retention_k = active_k ÷ eligible_k                                  (null when none eligible)
//   NRR_k, GRR_k, cumulative revenue per client: over the clients whose period 0 and period k are
//     both observed (c ≥ first and c + k ≤ last), so an unobserved period 0 never counts as 0
// Before this, a cohort acquired before the history began had its late, observed periods divided
// by the whole cohort and its early ones shown as 0 or blank (a "reversed staircase"), and a field
// cohort (by segment) counted clients acquired last month in the denominator of period 8.

export interface CohortSizeRow {
  cohort: string | null;
  /** The clients' acquisition period index (months: Y·12 + m − 1; quarters: Y·4 + q − 1). */
  acquired: number;
  /** Acquired before the month of the first recorded order (their first months are not observed). */
  early: boolean;
  size: number;
}
export interface CohortCellRow {
  cohort: string | null;
  acquired: number;
  k: number;
  activeClients: number;
  revenue: number;
  /** Σ min(revenue in period k, the client's period-0 revenue). */
  cappedRevenue: number;
}

export interface RetentionCell {
  period: number;
  /** Whether any of the cohort's clients could be seen in this period. */
  observed: boolean;
  /** Clients of the cohort that could be seen in this period. */
  eligibleClients: number;
  activeClients: number | null;
  retention: number | null;
  revenue: number | null;
  netRevenueRetention: number | null;
  grossRevenueRetention: number | null;
  cumulativeRevenuePerClient: number | null;
}

export interface RetentionCohort {
  cohort: string | null;
  size: number;
  /** Some clients were acquired before the history begins (their first periods are not observed). */
  leftCensored: boolean;
  cells: RetentionCell[];
}

const keyOf = (c: string | null) => (c === null ? '\u0000' : c);

export function retentionMatrix(opts: {
  sizes: readonly CohortSizeRow[];
  cells: readonly CohortCellRow[];
  periods: number;
  /** The history's first and last period index (null: no orders). */
  first: number | null;
  last: number | null;
}): RetentionCohort[] {
  const { first, last } = opts;
  const seen = (c: number, k: number) => first !== null && last !== null && c + k >= first && c + k <= last;
  // Period 0 and period k both seen: the base of the revenue ratios.
  const based = (c: number, k: number) => seen(c, 0) && seen(c, k);
  const order: (string | null)[] = [];
  const groups = new Map<string, { sizes: CohortSizeRow[]; cells: CohortCellRow[] }>();
  for (const s of opts.sizes) {
    const key = keyOf(s.cohort);
    if (!groups.has(key)) {
      groups.set(key, { sizes: [], cells: [] });
      order.push(s.cohort);
    }
    groups.get(key)!.sizes.push(s);
  }
  for (const c of opts.cells) groups.get(keyOf(c.cohort))?.cells.push(c);
  return order.map((cohort) => {
    const g = groups.get(keyOf(cohort))!;
    const size = g.sizes.reduce((n, s) => n + s.size, 0);
    const sum = (k: number, keep: (c: number) => boolean, f: (x: CohortCellRow) => number) =>
      g.cells.filter((x) => x.k === k && keep(x.acquired)).reduce((a, x) => a + f(x), 0);
    const cells: RetentionCell[] = [];
    let cumRevenue = 0;
    for (let k = 0; k < opts.periods; k++) {
      const eligible = g.sizes.filter((s) => seen(s.acquired, k)).reduce((n, s) => n + s.size, 0);
      const baseClients = g.sizes.filter((s) => based(s.acquired, k)).reduce((n, s) => n + s.size, 0);
      const inBase = (c: number) => based(c, k);
      const rev0 = sum(0, inBase, (x) => x.revenue);
      const revK = sum(k, inBase, (x) => x.revenue);
      // Cumulative revenue per client: Σ_{j ≤ k} revenue_j of the clients seen from 0 to k.
      cumRevenue = 0;
      for (let j = 0; j <= k; j++) cumRevenue += sum(j, inBase, (x) => x.revenue);
      if (eligible === 0) {
        cells.push({
          period: k,
          observed: false,
          eligibleClients: 0,
          activeClients: null,
          retention: null,
          revenue: null,
          netRevenueRetention: null,
          grossRevenueRetention: null,
          cumulativeRevenuePerClient: null,
        });
        continue;
      }
      const active = sum(
        k,
        () => true,
        (x) => x.activeClients,
      );
      cells.push({
        period: k,
        observed: true,
        eligibleClients: eligible,
        activeClients: active,
        retention: active / eligible,
        revenue: sum(
          k,
          () => true,
          (x) => x.revenue,
        ),
        netRevenueRetention: rev0 ? revK / rev0 : null,
        grossRevenueRetention: rev0 ? sum(k, inBase, (x) => x.cappedRevenue) / rev0 : null,
        cumulativeRevenuePerClient: baseClients ? cumRevenue / baseClients : null,
      });
    }
    return { cohort, size, leftCensored: g.sizes.some((s) => s.early), cells };
  });
}
