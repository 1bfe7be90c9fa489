// Cohort report (issue 5 §3). Client cohorts: accounts grouped by acquisition month/quarter (or by
// any client field), followed over periods since their own acquisition period k = 0, 1, 2, ...:
//   retention_k      = active_k / size            (share of the cohort with an order in period k)
//   nrr_k            = Σ_a rev_k(a) / Σ_a rev_0(a)                 (net revenue retention)
//   grr_k            = Σ_a min(rev_k(a), rev_0(a)) / Σ_a rev_0(a)  (gross: expansion capped at the
//                      client's own period-0 revenue, so it never exceeds 1)
//   cumRevPerClient_k = Σ_{j ≤ k} Σ_a rev_j(a) / size
// Acquisition = account.acquired_at, or the first order when it is unknown. Deal cohorts: deals by
// created month/quarter with counts, win rate (won / closed) with a Wilson interval, mean cycle days.
//
// Left censoring (issue 15, defect 3): clients acquired before the recorded order history begins
// have their first periods missing, so their retention starts late and climbs ("a reversed
// staircase"), and cohorts acquired long before it are empty rows. By default (`cohorts:
// 'observed'`) they are left out and counted in `leftOut`; `cohorts: 'all'` keeps them, with the
// unobserved cells null and marked `observed: false`.
import { z } from 'zod';
import type { Database } from '../../db/database';
import { clientCohortRows, clientsAcquiredBeforeHistory } from '../../db/repositories/analytics/client-cohorts';
import { dealCohorts, type Granularity } from '../../db/repositories/analytics/cohorts';
import { measureSpan } from '../../db/repositories/analytics/growth';
import { retentionMatrix } from '../../domain/analytics/cohort-retention';
import { monthIndexOf } from '../../domain/analytics/payback';
import { wilsonInterval, type Interval } from '../../domain/analytics/statistics';
import { Filters, PeriodFields, parseInput, resolvePeriod } from './filters';

export const CohortsInput = z.object({
  ...PeriodFields,
  filters: Filters,
  /** clients (retention matrices) or deals (created-month cohorts). */
  kind: z.enum(['clients', 'deals']).default('clients'),
  /** Cohort key: 'month', 'quarter' or any client field (segment, region, attr.<name>, ...). */
  by: z.string().default('month'),
  /** Length of the periods since acquisition. Defaults to the cohort granularity (month unless by=quarter). */
  period: z.enum(['month', 'quarter']).optional(),
  /** How many periods since acquisition to show. */
  periods: z.coerce.number().int().min(1).max(120).default(12),
  /** observed: only clients acquired once the order history had begun; all: every client, unobserved cells marked. */
  cohorts: z.enum(['observed', 'all']).default('observed'),
});
export type CohortsInputT = z.input<typeof CohortsInput>;

export interface CohortCell {
  period: number;
  /** False when no client of the cohort can be seen in the period (outside the order history). */
  observed: boolean;
  /** The clients of the cohort that can be seen in the period (the denominator of retention). */
  eligibleClients: number;
  activeClients: number | null;
  retention: number | null;
  revenue: number | null;
  netRevenueRetention: number | null;
  grossRevenueRetention: number | null;
  cumulativeRevenuePerClient: number | null;
}
export interface ClientCohort {
  cohort: string | null;
  size: number;
  /** Whether some of the cohort's clients were acquired before the order history begins. */
  leftCensored: boolean;
  cells: CohortCell[];
}
export interface DealCohort {
  cohort: string | null;
  deals: number;
  won: number;
  lost: number;
  open: number;
  winRate: Interval;
  avgCycleDays: number | null;
  wonAmount: number;
}
export interface CohortsResult {
  report: 'cohorts';
  kind: 'clients' | 'deals';
  by: string;
  period: Granularity;
  periods: number;
  cohorts?: ClientCohort[];
  dealCohorts?: DealCohort[];
  /** The span of the order history (first and last order), null without orders. */
  history?: { from: string; to: string } | null;
  /** Clients left out because they were acquired before the order history begins (cohorts: observed). */
  leftOut?: { clients: number; acquiredFrom: string | null; acquiredTo: string | null } | null;
  notes?: string[];
  totals?: { size: number } | { deals: number; won: number; lost: number; open: number; wonAmount: number; winRate: Interval };
}

export async function cohortsReport(db: Database, input: CohortsInputT = {}): Promise<CohortsResult> {
  const q = parseInput(CohortsInput, input, 'cohorts');
  const range = resolvePeriod(q.from, q.to);
  const g: Granularity = q.period ?? (q.by === 'quarter' ? 'quarter' : 'month');
  return q.kind === 'deals' ? dealCohortsReport(db, q, range, g) : clientCohortsReport(db, q, range, g);
}

type CohortsQuery = z.output<typeof CohortsInput>;

/** Deals grouped by the period they were created in: counts, win rate with its interval, cycle, amount won. */
async function dealCohortsReport(
  db: Database,
  q: CohortsQuery,
  range: ReturnType<typeof resolvePeriod>,
  g: Granularity,
): Promise<CohortsResult> {
  const dealCohortRows = (await dealCohorts(db.sql, { period: range, filters: q.filters, by: q.by })).map((r) => ({
    cohort: r.cohort,
    deals: r.deals,
    won: r.won,
    lost: r.lost,
    open: r.deals - r.won - r.lost,
    winRate: wilsonInterval(r.won, r.won + r.lost),
    avgCycleDays: r.cycleDays,
    wonAmount: r.wonAmount,
  }));
  const t = dealCohortRows.reduce(
    (a, c) => ({
      deals: a.deals + c.deals,
      won: a.won + c.won,
      lost: a.lost + c.lost,
      open: a.open + c.open,
      wonAmount: a.wonAmount + c.wonAmount,
    }),
    { deals: 0, won: 0, lost: 0, open: 0, wonAmount: 0 },
  );
  return {
    report: 'cohorts',
    kind: 'deals',
    by: q.by,
    period: g,
    periods: q.periods,
    dealCohorts: dealCohortRows,
    totals: { ...t, winRate: wilsonInterval(t.won, t.won + t.lost) },
  };
}

/** Client retention by acquisition cohort, over the cells the order history can see. */
async function clientCohortsReport(
  db: Database,
  q: CohortsQuery,
  range: ReturnType<typeof resolvePeriod>,
  g: Granularity,
): Promise<CohortsResult> {
  // The order history's span decides which cells can be seen (cohort-retention.ts).
  const span = await measureSpan(db.sql, 'turnover');
  const toIndex = (d: Date) => (g === 'month' ? monthIndexOf(d) : Math.floor(monthIndexOf(d) / 3));
  const query = {
    period: range,
    filters: q.filters,
    by: q.by,
    granularity: g,
    periods: q.periods,
    historyMonth: span ? monthIndexOf(span.first) : null,
    observedOnly: q.cohorts === 'observed',
  };
  const { sizes, cells } = await clientCohortRows(db.sql, query);
  const cohorts: ClientCohort[] = retentionMatrix({
    sizes,
    cells,
    periods: q.periods,
    first: span ? toIndex(span.first) : null,
    last: span ? toIndex(span.last) : null,
  }).map(({ cohort, size, leftCensored, cells }) => ({ cohort, size, leftCensored, cells }));
  const notes: string[] = [];
  let leftOut: CohortsResult['leftOut'] = null;
  if (span) {
    const early = await clientsAcquiredBeforeHistory(db.sql, { ...query, observedOnly: false });
    const month = span.first.toISOString().slice(0, 7);
    if (early.clients > 0 && q.cohorts === 'observed') {
      leftOut = { clients: early.clients, acquiredFrom: early.from?.toISOString() ?? null, acquiredTo: early.to?.toISOString() ?? null };
      notes.push(
        `${early.clients} clients acquired before the order history begins (${month}) are left out: their first ${g}s were not recorded, so their retention would start late and climb. cohorts=all shows them, with those ${g}s marked unobserved.`,
      );
    } else if (early.clients > 0)
      notes.push(
        `${early.clients} clients were acquired before the order history begins (${month}): their ${g}s before it are marked unobserved (null).`,
      );
  }
  notes.push(
    `A cell counts only the clients that could be seen in it: those whose ${g} since acquisition falls inside the order history${span ? ` (${span.first.toISOString().slice(0, 10)} to ${span.last.toISOString().slice(0, 10)})` : ''}.`,
  );
  return {
    report: 'cohorts',
    kind: 'clients',
    by: q.by,
    period: g,
    periods: q.periods,
    cohorts,
    history: span ? { from: span.first.toISOString(), to: span.last.toISOString() } : null,
    leftOut,
    notes,
    totals: { size: cohorts.reduce((n, c) => n + c.size, 0) },
  };
}
