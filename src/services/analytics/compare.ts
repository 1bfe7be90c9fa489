// Comparison of two or more groups of clients or deals (issue 5 §4). Every group is a set of filters
// (segment, region, rep, product, cohort, rfm, attr.<name>, ...); every metric comes with a 95%
// interval and a test of its difference from the first group (the baseline):
//   win rate   = won / (won + lost), deals created in the period     Wilson; two-proportion z + Newcombe
//   churn rate = clients churned in the period / clients active at its start (or status = churned
//                when no period is given)                             Wilson; two-proportion z + Newcombe
//   retention  = clients that ordered in the previous window of the same length and ordered again in
//                the period / clients that ordered in that window     Wilson; two-proportion z + Newcombe
//   average won deal size, cycle days (closed deals), revenue, gross margin and net profit per client
//                                                                      t interval; Welch t test
//   gross margin % = Σ margin / Σ revenue over clients                  percentile bootstrap, fixed seed
// Sums (n, Σx, Σx²) come from SQL; only the bootstrap reads one aggregate row per client.
import { z } from 'zod';
import type { Database } from '../../db/database';
import { churnCounts, clientMoney, dealSums, fieldValues, retentionCounts } from '../../db/repositories/analytics/compare';
import { checkFilterFields, filtersApply } from '../../db/repositories/analytics/report-fields';
import { AppError, invalidInput } from '../../errors';
import {
  bootstrapRatioDifference,
  bootstrapRatioInterval,
  meanInterval,
  momentsFromSums,
  twoProportionTest,
  welchTest,
  wilsonInterval,
  type DifferenceTest,
  type Moments,
} from '../../domain/analytics/statistics';
import { Filters, PeriodFields, parseInput, resolvePeriod, type Period } from './filters';

export const CompareInput = z
  .object({
    ...PeriodFields,
    /** Explicit groups, each a set of filters; the first is the baseline. */
    groups: z.array(z.object({ name: z.string().optional(), filters: Filters })).optional(),
    /** Or: one group per value of this field (largest groups first, at most `limit`). */
    by: z.string().optional(),
    /** Filters applied to every group (with `by`). */
    filters: Filters,
    limit: z.coerce.number().int().min(2).max(50).default(10),
    /** Groups with fewer observations than this are flagged as small. */
    minGroupSize: z.coerce.number().int().min(1).default(30),
    confidence: z.coerce.number().gt(0).lt(1).default(0.95),
    seed: z.coerce.number().int().default(42),
    resamples: z.coerce.number().int().min(100).max(20_000).default(1000),
  })
  .refine((v) => (v.groups && v.groups.length >= 2) || v.by, {
    message: 'give at least two groups or a field to group by',
    path: ['groups'],
  });
export type CompareInputT = z.input<typeof CompareInput>;

export interface CompareRow {
  metric: string;
  group: string;
  n: number;
  estimate: number | null;
  lo: number | null;
  hi: number | null;
  /** Difference from the baseline group (this − baseline), with its interval and p-value. */
  difference: number | null;
  differenceLo: number | null;
  differenceHi: number | null;
  pValue: number | null;
  method: string | null;
  significant: boolean | null;
  small: boolean;
}
export interface CompareResult {
  report: 'compare';
  period: { from: string | null; to: string | null };
  baseline: string;
  confidence: number;
  seed: number;
  groups: { name: string; filters: Record<string, unknown>; clients: number; deals: number; small: boolean; notes: string[] }[];
  rows: CompareRow[];
}

type Prop = { kind: 'prop'; k: number; n: number };
type Mean = { kind: 'mean'; m: Moments };
type Ratio = { kind: 'ratio'; num: Float64Array; den: Float64Array };
type Metric = Prop | Mean | Ratio | null;

const METRICS = [
  'winRate',
  'averageDealSize',
  'cycleDays',
  'churnRate',
  'retention',
  'revenuePerClient',
  'marginPerClient',
  'netProfitPerClient',
  'grossMarginPct',
] as const;
type MetricName = (typeof METRICS)[number];

async function dealMetrics(db: Database, period: Period, filters: Record<string, unknown>) {
  const r = await dealSums(db.sql, { period, filters });
  return {
    deals: r.deals,
    winRate: { kind: 'prop', k: r.won, n: r.won + r.lost } as Prop,
    averageDealSize: { kind: 'mean', m: momentsFromSums(r.amountN, r.amountSum, r.amountSumSq) } as Mean,
    cycleDays: { kind: 'mean', m: momentsFromSums(r.cycleN, r.cycleSum, r.cycleSumSq) } as Mean,
  };
}

async function clientMetrics(db: Database, period: Period, filters: Record<string, unknown>) {
  const per = await clientMoney(db.sql, { period, filters });
  const sums = (f: (r: (typeof per)[number]) => number) => {
    let s = 0;
    let ss = 0;
    for (const r of per) {
      const x = f(r);
      s += x;
      ss += x * x;
    }
    return momentsFromSums(per.length, s, ss);
  };
  // Churn among clients present at the period start.
  const ch = await churnCounts(db.sql, { period, filters });
  const retention: Prop | null =
    period.from && period.toExclusive
      ? { kind: 'prop', ...(await retentionCounts(db.sql, { from: period.from, toExclusive: period.toExclusive, filters })) }
      : null;
  return {
    clients: per.length,
    churnRate: { kind: 'prop', k: ch.k, n: ch.n } as Prop,
    retention,
    revenuePerClient: { kind: 'mean', m: sums((r) => r.revenue) } as Mean,
    marginPerClient: { kind: 'mean', m: sums((r) => r.grossMargin) } as Mean,
    netProfitPerClient: { kind: 'mean', m: sums((r) => r.netProfit) } as Mean,
    grossMarginPct: {
      kind: 'ratio',
      num: Float64Array.from(per, (r) => r.grossMargin),
      den: Float64Array.from(per, (r) => r.revenue),
    } as Ratio,
  };
}

async function groupsFromField(db: Database, field: string, base: Record<string, unknown>, limit: number) {
  const rows = await fieldValues(db.sql, { field, filters: base, limit });
  if (rows.length < 2) throw new AppError('UNPROCESSABLE', `Field "${field}" has fewer than two values to compare`);
  return rows.map((r) => ({ name: r.value, filters: { ...base, [field]: r.value } }));
}

export async function compareReport(db: Database, input: CompareInputT): Promise<CompareResult> {
  const q = parseInput(CompareInput, input, 'compare');
  const period = resolvePeriod(q.from, q.to);
  const groupDefs = q.groups
    ? q.groups.map((g, i) => ({
        name:
          g.name ??
          (Object.entries(g.filters)
            .map(([k, v]) => `${k}=${v}`)
            .join(' & ') ||
            `group ${i + 1}`),
        filters: { ...q.filters, ...g.filters },
      }))
    : await groupsFromField(db, q.by!, q.filters, q.limit);
  const computed: ComputedGroup[] = [];
  for (const [i, g] of groupDefs.entries()) computed.push(await groupMetrics(db, period, g, i));
  const rows: CompareRow[] = [];
  const base = computed[0];
  for (const metric of METRICS) for (const g of computed) pushCompareRow(rows, q, metric, g, base);
  if (computed.length < 2) throw invalidInput('compare needs at least two groups', [{ path: ['groups'], problem: 'at least two groups' }]);
  return {
    report: 'compare',
    period: { from: period.from?.toISOString() ?? null, to: period.toExclusive?.toISOString() ?? null },
    baseline: base.name,
    confidence: q.confidence,
    seed: q.seed,
    groups: computed.map((g) => ({
      name: g.name,
      filters: g.filters,
      clients: g.clients,
      deals: g.deals,
      small: g.deals < q.minGroupSize && g.clients < q.minGroupSize,
      notes: g.notes,
    })),
    rows,
  };
}

interface ComputedGroup {
  name: string;
  filters: Record<string, unknown>;
  deals: number;
  clients: number;
  notes: string[];
  metrics: Record<MetricName, Metric>;
}

/** A group's deal and client metrics (those its filters apply to), with notes on what was skipped. */
async function groupMetrics(
  db: Database,
  period: ReturnType<typeof resolvePeriod>,
  g: { name: string; filters: Record<string, unknown> },
  i: number,
): Promise<ComputedGroup> {
  const dealsOk = filtersApply('deals', g.filters);
  const clientsOk = filtersApply('clients', g.filters);
  if (!dealsOk && !clientsOk) checkFilterFields('deals', g.filters, ['groups', i, 'filters']); // throws naming the field
  const notes: string[] = [];
  if (!dealsOk) notes.push('deal metrics skipped: a filter field does not apply to deals');
  if (!clientsOk) notes.push('client metrics skipped: a filter field does not apply to clients');
  const dm = dealsOk ? await dealMetrics(db, period, g.filters) : null;
  const cm = clientsOk ? await clientMetrics(db, period, g.filters) : null;
  if (cm && !cm.retention) notes.push('retention needs both from and to');
  const metrics: Record<MetricName, Metric> = {
    winRate: dm?.winRate ?? null,
    averageDealSize: dm?.averageDealSize ?? null,
    cycleDays: dm?.cycleDays ?? null,
    churnRate: cm?.churnRate ?? null,
    retention: cm?.retention ?? null,
    revenuePerClient: cm?.revenuePerClient ?? null,
    marginPerClient: cm?.marginPerClient ?? null,
    netProfitPerClient: cm?.netProfitPerClient ?? null,
    grossMarginPct: cm?.grossMarginPct ?? null,
  };
  return { ...g, deals: dm?.deals ?? 0, clients: cm?.clients ?? 0, notes, metrics };
}

const metricSize = (m: Metric) => (m === null ? 0 : m.kind === 'prop' ? m.n : m.kind === 'mean' ? m.m.n : m.num.length);

/**
 * The row of one metric of one group: its estimate with an interval (Wilson, t, or bootstrap for
 * ratios) and, for groups other than the baseline, the difference from the baseline with its test.
 */
function pushCompareRow(
  rows: CompareRow[],
  q: z.output<typeof CompareInput>,
  metric: MetricName,
  g: ComputedGroup,
  base: ComputedGroup,
): void {
  const m = g.metrics[metric];
  const b = base.metrics[metric];
  if (m === null) return;
  let est: { estimate: number | null; lo: number | null; hi: number | null };
  let diff: DifferenceTest | null = null;
  if (m.kind === 'prop') {
    est = wilsonInterval(m.k, m.n, q.confidence);
    if (g !== base && b && b.kind === 'prop') diff = twoProportionTest(b.k, b.n, m.k, m.n, q.confidence);
  } else if (m.kind === 'mean') {
    est = meanInterval(m.m, q.confidence);
    if (g !== base && b && b.kind === 'mean') diff = welchTest(b.m, m.m, q.confidence);
  } else {
    est = bootstrapRatioInterval(m, { resamples: q.resamples, seed: q.seed, confidence: q.confidence });
    if (g !== base && b && b.kind === 'ratio')
      diff = bootstrapRatioDifference(b, m, { resamples: q.resamples, seed: q.seed, confidence: q.confidence });
  }
  rows.push({
    metric,
    group: g.name,
    n: metricSize(m),
    estimate: est.estimate,
    lo: est.lo,
    hi: est.hi,
    difference: diff?.difference ?? null,
    differenceLo: diff?.lo ?? null,
    differenceHi: diff?.hi ?? null,
    pValue: diff?.pValue ?? null,
    method: diff?.method ?? null,
    significant: diff?.pValue === null || diff?.pValue === undefined ? null : diff.pValue < 1 - q.confidence,
    small: metricSize(m) < q.minGroupSize,
  });
}
