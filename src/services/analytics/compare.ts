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
import { sqlDialect, type SqlDialect } from '../../db/sql-dialect';
import {
  ACCOUNT_JOINS,
  DEAL_JOINS,
  Filters,
  PeriodFields,
  accountCtes,
  filterWhere,
  groupExpr,
  noNeeds,
  parseInput,
  periodWhere,
  resolvePeriod,
  type Period,
  type Scope,
} from './filters';
import { ECON, GROSS_MARGIN, NET_PROFIT, economicsSql } from './client-economics';

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

function scopeOk(d: SqlDialect, scope: Scope, filters: Record<string, unknown>): boolean {
  try {
    filterWhere(d, scope, filters, [], noNeeds());
    return true;
  } catch (e) {
    if (e instanceof AppError && e.code === 'INVALID_INPUT') return false;
    throw e;
  }
}

async function dealMetrics(db: Database, d: SqlDialect, period: Period, filters: Record<string, unknown>) {
  const needs = noNeeds();
  const params: unknown[] = [];
  const conds = [...periodWhere('o.created_at', period, params), ...filterWhere(d, 'deals', filters, params, needs)];
  const cyc = `CASE WHEN o.outcome <> 'open' AND o.closed_at IS NOT NULL THEN ${d.daysBetween('o.created_at', 'o.closed_at')} END`;
  const amt = `CASE WHEN o.outcome = 'won' THEN o.amount END`;
  const [r] = await db.sql.all<Record<string, number>>(
    `WITH ${accountCtes(d, needs)}
     SELECT COUNT(*) AS deals, SUM(CASE WHEN o.outcome = 'won' THEN 1 ELSE 0 END) AS won, SUM(CASE WHEN o.outcome = 'lost' THEN 1 ELSE 0 END) AS lost,
            COUNT(${amt}) AS amt_n, SUM(${amt}) AS amt_s, SUM(${amt} * ${amt}) AS amt_ss,
            COUNT(${cyc}) AS cyc_n, SUM(${cyc}) AS cyc_s, SUM(${cyc} * ${cyc}) AS cyc_ss
     FROM opportunity o ${DEAL_JOINS} ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}`,
    params,
  );
  const n = (v: unknown) => Number(v ?? 0);
  return {
    deals: n(r.deals),
    winRate: { kind: 'prop', k: n(r.won), n: n(r.won) + n(r.lost) } as Prop,
    averageDealSize: { kind: 'mean', m: momentsFromSums(n(r.amt_n), n(r.amt_s), n(r.amt_ss)) } as Mean,
    cycleDays: { kind: 'mean', m: momentsFromSums(n(r.cyc_n), n(r.cyc_s), n(r.cyc_ss)) } as Mean,
  };
}

async function clientMetrics(db: Database, d: SqlDialect, period: Period, filters: Record<string, unknown>) {
  const n = (v: unknown) => Number(v ?? 0);
  const e = economicsSql(d, period, filters, noNeeds());
  const per = await db.sql.all<{ revenue: number; gm: number; np: number }>(
    `${e.with} SELECT ${ECON.revenue} AS revenue, ${GROSS_MARGIN} AS gm, ${NET_PROFIT} AS np ${e.from}`,
    e.params,
  );
  const sums = (f: (r: (typeof per)[number]) => number) => {
    let s = 0;
    let ss = 0;
    for (const r of per) {
      const x = Number(f(r));
      s += x;
      ss += x * x;
    }
    return momentsFromSums(per.length, s, ss);
  };
  // Churn among clients present at the period start.
  const needs = noNeeds();
  const cp: unknown[] = [];
  let churnSql: string;
  const fParams: unknown[] = [];
  const fConds = filterWhere(d, 'clients', filters, fParams, needs);
  if (period.from && period.toExclusive) {
    churnSql = `SUM(CASE WHEN acct.churned_at >= ? AND acct.churned_at < ? THEN 1 ELSE 0 END)`;
    cp.push(period.from, period.toExclusive);
    fConds.unshift('(acct.acquired_at IS NULL OR acct.acquired_at < ?)', '(acct.churned_at IS NULL OR acct.churned_at >= ?)');
    fParams.unshift(period.toExclusive, period.from);
  } else churnSql = `SUM(CASE WHEN acct.status = 'churned' THEN 1 ELSE 0 END)`;
  const [ch] = await db.sql.all<Record<string, number>>(
    `WITH ${accountCtes(d, needs)} SELECT COUNT(*) AS n, ${churnSql} AS k FROM acct ${ACCOUNT_JOINS} ${fConds.length ? `WHERE ${fConds.join(' AND ')}` : ''}`,
    [...cp, ...fParams],
  );
  let retention: Prop | null = null;
  if (period.from && period.toExclusive) {
    const len = period.toExclusive.getTime() - period.from.getTime();
    const rNeeds = noNeeds();
    const rParams: unknown[] = [new Date(period.from.getTime() - len), period.from, period.from, period.toExclusive];
    const rConds = filterWhere(d, 'clients', filters, rParams, rNeeds);
    const [rt] = await db.sql.all<Record<string, number>>(
      `WITH ${accountCtes(d, rNeeds)},
       prev AS (SELECT DISTINCT account_id FROM orders WHERE ordered_at >= ? AND ordered_at < ?),
       cur AS (SELECT DISTINCT account_id FROM orders WHERE ordered_at >= ? AND ordered_at < ?)
       SELECT COUNT(*) AS n, SUM(CASE WHEN cur.account_id IS NOT NULL THEN 1 ELSE 0 END) AS k
       FROM acct ${ACCOUNT_JOINS} JOIN prev ON prev.account_id = acct.id LEFT JOIN cur ON cur.account_id = acct.id
       ${rConds.length ? `WHERE ${rConds.join(' AND ')}` : ''}`,
      rParams,
    );
    retention = { kind: 'prop', k: n(rt.k), n: n(rt.n) };
  }
  return {
    clients: per.length,
    churnRate: { kind: 'prop', k: n(ch.k), n: n(ch.n) } as Prop,
    retention,
    revenuePerClient: { kind: 'mean', m: sums((r) => r.revenue) } as Mean,
    marginPerClient: { kind: 'mean', m: sums((r) => r.gm) } as Mean,
    netProfitPerClient: { kind: 'mean', m: sums((r) => r.np) } as Mean,
    grossMarginPct: {
      kind: 'ratio',
      num: Float64Array.from(per, (r) => Number(r.gm)),
      den: Float64Array.from(per, (r) => Number(r.revenue)),
    } as Ratio,
  };
}

async function groupsFromField(db: Database, d: SqlDialect, field: string, base: Record<string, unknown>, limit: number) {
  const scope: Scope = scopeOk(d, 'clients', { [field]: 'x' }) ? 'clients' : 'deals';
  const needs = noNeeds();
  const expr = groupExpr(d, scope, field, needs);
  const params: unknown[] = [];
  const conds = filterWhere(d, scope, base, params, needs);
  const from = scope === 'clients' ? `acct ${ACCOUNT_JOINS}` : `opportunity o ${DEAL_JOINS}`;
  const rows = await db.sql.all<{ g: unknown; n: number }>(
    `WITH ${accountCtes(d, needs)} SELECT ${expr} AS g, COUNT(*) AS n FROM ${from} WHERE ${[`${expr} IS NOT NULL`, ...conds].join(' AND ')} GROUP BY ${expr} ORDER BY COUNT(*) DESC, 1 LIMIT ?`,
    [...params, limit],
  );
  if (rows.length < 2) throw new AppError('UNPROCESSABLE', `Field "${field}" has fewer than two values to compare`);
  return rows.map((r) => ({ name: String(r.g), filters: { ...base, [field]: String(r.g) } }));
}

export async function compareReport(db: Database, input: CompareInputT): Promise<CompareResult> {
  const q = parseInput(CompareInput, input, 'compare');
  const d = sqlDialect(db.sql.dialect);
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
    : await groupsFromField(db, d, q.by!, q.filters, q.limit);
  const computed = [];
  for (const [i, g] of groupDefs.entries()) {
    const dealsOk = scopeOk(d, 'deals', g.filters);
    const clientsOk = scopeOk(d, 'clients', g.filters);
    if (!dealsOk && !clientsOk) filterWhere(d, 'deals', g.filters, [], noNeeds(), ['groups', i, 'filters']); // throws naming the field
    const notes: string[] = [];
    if (!dealsOk) notes.push('deal metrics skipped: a filter field does not apply to deals');
    if (!clientsOk) notes.push('client metrics skipped: a filter field does not apply to clients');
    const dm = dealsOk ? await dealMetrics(db, d, period, g.filters) : null;
    const cm = clientsOk ? await clientMetrics(db, d, period, g.filters) : null;
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
    computed.push({ ...g, deals: dm?.deals ?? 0, clients: cm?.clients ?? 0, notes, metrics });
  }
  const size = (m: Metric) => (m === null ? 0 : m.kind === 'prop' ? m.n : m.kind === 'mean' ? m.m.n : m.num.length);
  const rows: CompareRow[] = [];
  const base = computed[0];
  for (const metric of METRICS) {
    for (const g of computed) {
      const m = g.metrics[metric];
      const b = base.metrics[metric];
      if (m === null) continue;
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
        n: size(m),
        estimate: est.estimate,
        lo: est.lo,
        hi: est.hi,
        difference: diff?.difference ?? null,
        differenceLo: diff?.lo ?? null,
        differenceHi: diff?.hi ?? null,
        pValue: diff?.pValue ?? null,
        method: diff?.method ?? null,
        significant: diff?.pValue === null || diff?.pValue === undefined ? null : diff.pValue < 1 - q.confidence,
        small: size(m) < q.minGroupSize,
      });
    }
  }
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
