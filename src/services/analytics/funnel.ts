// Funnel and sales efficiency (issue 5 §5).
//  - Stage reach: a deal reached stage i when its history (stage_change from/to) or its current stage
//    is at position ≥ i of the funnel order; won deals reached every stage. Deals with no history fall
//    back to their current stage; closed deals with neither count as reaching the first stage only.
//    conversion_i = reached_{i+1} / reached_i, the last open stage converting into "won".
//  - Time in stage: mean days between entering a stage (stage_change.changed_at, or created_at for the
//    first from_stage) and leaving it (the next change, or closed_at); stays still open are left out.
//  - Win rate = won / (won + lost) with a Wilson interval; won revenue = Σ amount of won deals.
//  - Velocity (revenue per day) = open deals × win rate × average won deal size / mean won cycle days.
import { z } from 'zod';
import type { Database } from '../../db/database';
import { invalidInput } from '../../errors';
import { wilsonInterval, type Interval } from '../../domain/analytics/statistics';
import { sqlDialect, type SqlDialect } from '../../db/sql-dialect';
import {
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
  type Needs,
} from './filters';

export const DEFAULT_FUNNEL_BREAKDOWNS = ['rep', 'team', 'office', 'region', 'product', 'source', 'campaign'];

export const FunnelInput = z.object({
  ...PeriodFields,
  filters: Filters,
  /** Which deal date the period applies to. */
  basis: z.enum(['created', 'closed']).default('created'),
  /** Fields to break win rate and won revenue down by (deal fields). */
  by: z.union([z.string(), z.array(z.string())]).optional(),
  /** Funnel order of the open stages; inferred from stage history when omitted. */
  stages: z.array(z.string().min(1)).optional(),
});
export type FunnelInputT = z.input<typeof FunnelInput>;

export interface SalesEfficiency {
  deals: number;
  open: number;
  won: number;
  lost: number;
  winRate: Interval;
  wonAmount: number;
  averageWonDealSize: number | null;
  averageCycleDays: number | null;
  velocityPerDay: number | null;
}
export interface FunnelStage {
  stage: string;
  reached: number;
  conversionToNext: number | null;
  averageDaysInStage: number | null;
  stays: number;
}
export interface FunnelResult {
  report: 'funnel';
  period: { from: string | null; to: string | null; basis: 'created' | 'closed' };
  stages: FunnelStage[];
  summary: SalesEfficiency;
  breakdowns: { by: string; rows: (SalesEfficiency & { group: string | null })[] }[];
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function efficiencyFrom(r: Record<string, unknown>): SalesEfficiency {
  const deals = Number(r.deals ?? 0);
  const won = Number(r.won ?? 0);
  const lost = Number(r.lost ?? 0);
  const open = deals - won - lost;
  const wonAmount = Number(r.won_amount ?? 0);
  const avgSize = won ? wonAmount / won : null;
  const cycle = r.won_cycle === null || r.won_cycle === undefined ? null : Number(r.won_cycle);
  const wr = wilsonInterval(won, won + lost);
  return {
    deals,
    open,
    won,
    lost,
    winRate: wr,
    wonAmount,
    averageWonDealSize: avgSize,
    averageCycleDays: cycle,
    velocityPerDay: wr.estimate !== null && avgSize !== null && cycle ? (open * wr.estimate * avgSize) / cycle : null,
  };
}

export const efficiencySelect = (d: SqlDialect) => `COUNT(*) AS deals,
  SUM(CASE WHEN o.outcome = 'won' THEN 1 ELSE 0 END) AS won,
  SUM(CASE WHEN o.outcome = 'lost' THEN 1 ELSE 0 END) AS lost,
  SUM(CASE WHEN o.outcome = 'won' THEN o.amount ELSE 0 END) AS won_amount,
  AVG(CASE WHEN o.outcome = 'won' AND o.closed_at IS NOT NULL THEN ${d.daysBetween('o.created_at', 'o.closed_at')} END) AS won_cycle`;

/** Deal set of a report: the WITH clause, FROM/WHERE and its parameters. */
export function dealSet(
  d: SqlDialect,
  period: ReturnType<typeof resolvePeriod>,
  basis: 'created' | 'closed',
  filters: Record<string, unknown>,
  needs: Needs,
) {
  const params: unknown[] = [];
  const conds = [
    ...periodWhere(basis === 'created' ? 'o.created_at' : 'o.closed_at', period, params),
    ...filterWhere(d, 'deals', filters, params, needs),
  ];
  return { conds, params };
}

async function inferStages(db: Database): Promise<string[]> {
  const terminal = new Set(
    (
      await db.sql.all<{ stage: string }>(
        `SELECT stage FROM opportunity GROUP BY stage HAVING SUM(CASE WHEN outcome = 'open' THEN 1 ELSE 0 END) = 0`,
      )
    ).map((r) => r.stage),
  );
  const hist = await db.sql.all<{ stage: string; pos: number }>(
    `SELECT stage, AVG(pos) AS pos FROM (
       SELECT to_stage AS stage, ROW_NUMBER() OVER (PARTITION BY opportunity_id ORDER BY changed_at, id) AS pos FROM stage_change
       UNION ALL
       SELECT from_stage AS stage, 0 AS pos FROM (
         SELECT from_stage, ROW_NUMBER() OVER (PARTITION BY opportunity_id ORDER BY changed_at, id) AS rn FROM stage_change) f
       WHERE rn = 1 AND from_stage IS NOT NULL
     ) s GROUP BY stage ORDER BY AVG(pos), stage`,
  );
  const order = hist.map((h) => h.stage).filter((s) => !terminal.has(s));
  const current = await db.sql.all<{ stage: string; n: number }>(
    `SELECT stage, COUNT(*) AS n FROM opportunity WHERE outcome = 'open' GROUP BY stage ORDER BY COUNT(*) DESC, stage`,
  );
  for (const c of current) if (!order.includes(c.stage) && !terminal.has(c.stage)) order.push(c.stage);
  return order;
}

export async function funnelReport(db: Database, input: FunnelInputT = {}): Promise<FunnelResult> {
  const q = parseInput(FunnelInput, input, 'funnel');
  const d = sqlDialect(db.sql.dialect);
  const period = resolvePeriod(q.from, q.to);
  const needs = noNeeds();
  const byList =
    q.by === undefined
      ? DEFAULT_FUNNEL_BREAKDOWNS
      : Array.isArray(q.by)
        ? q.by
        : q.by
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
  const groupExprs = byList.map((b, i) => groupExpr(d, 'deals', b, needs, ['by', i]));
  const set = dealSet(d, period, q.basis, q.filters, needs);
  const withSql = `WITH ${accountCtes(d, needs)}`;
  const where = set.conds.length ? `WHERE ${set.conds.join(' AND ')}` : '';

  const [sum] = await db.sql.all(`${withSql} SELECT ${efficiencySelect(d)} FROM opportunity o ${DEAL_JOINS} ${where}`, set.params);
  const summary = efficiencyFrom(sum ?? {});
  const breakdowns = [];
  for (let i = 0; i < byList.length; i++) {
    const rows = await db.sql.all(
      `${withSql} SELECT ${groupExprs[i]} AS grp, ${efficiencySelect(d)} FROM opportunity o ${DEAL_JOINS} ${where} GROUP BY ${groupExprs[i]} ORDER BY 5 DESC, CASE WHEN ${groupExprs[i]} IS NULL THEN 1 ELSE 0 END, 1`,
      set.params,
    );
    breakdowns.push({
      by: byList[i],
      rows: rows.map((r) => ({ group: r.grp === null || r.grp === undefined ? null : String(r.grp), ...efficiencyFrom(r) })),
    });
  }

  const stages = q.stages ?? (await inferStages(db));
  if (q.stages && new Set(q.stages).size !== q.stages.length)
    throw invalidInput('stages must not repeat', [{ path: ['stages'], problem: 'duplicate stage' }]);
  const idx = (e: string) =>
    stages.length ? `CASE ${e} ${stages.map((s, i) => `WHEN ${lit(s)} THEN ${i}`).join(' ')} END` : 'CAST(NULL AS INTEGER)';
  const reachRows = await db.sql.all<{ m: number; n: number }>(
    `${withSql},
     dd AS (SELECT o.id, o.outcome, ${idx('o.stage')} AS cur FROM opportunity o ${DEAL_JOINS} ${where}),
     h AS (SELECT sc.opportunity_id AS id, MAX(${d.greatest(idx('sc.to_stage'), idx('sc.from_stage'))}) AS m
           FROM stage_change sc JOIN dd ON dd.id = sc.opportunity_id GROUP BY sc.opportunity_id)
     SELECT CASE WHEN dd.outcome = 'won' THEN ${stages.length} ELSE COALESCE(${d.greatest('dd.cur', 'h.m')}, 0) END AS m, COUNT(*) AS n
     FROM dd LEFT JOIN h ON h.id = dd.id GROUP BY CASE WHEN dd.outcome = 'won' THEN ${stages.length} ELSE COALESCE(${d.greatest('dd.cur', 'h.m')}, 0) END`,
    set.params,
  );
  const timeRows = await db.sql.all<{ stage: string; days: number; n: number }>(
    `${withSql},
     dd AS (SELECT o.id, o.created_at, o.closed_at FROM opportunity o ${DEAL_JOINS} ${where}),
     seq AS (SELECT sc.opportunity_id, sc.from_stage, sc.to_stage, sc.changed_at, dd.created_at, dd.closed_at,
                    ROW_NUMBER() OVER (PARTITION BY sc.opportunity_id ORDER BY sc.changed_at, sc.id) AS rn,
                    LEAD(sc.changed_at) OVER (PARTITION BY sc.opportunity_id ORDER BY sc.changed_at, sc.id) AS next_at
             FROM stage_change sc JOIN dd ON dd.id = sc.opportunity_id),
     stays AS (SELECT to_stage AS stage, changed_at AS entered, COALESCE(next_at, closed_at) AS left_at FROM seq
               UNION ALL
               SELECT from_stage AS stage, created_at AS entered, changed_at AS left_at FROM seq WHERE rn = 1 AND from_stage IS NOT NULL)
     SELECT stage, AVG(${d.daysBetween('entered', 'left_at')}) AS days, COUNT(*) AS n FROM stays WHERE left_at IS NOT NULL GROUP BY stage`,
    set.params,
  );
  const atLeast = (i: number) => reachRows.filter((r) => Number(r.m) >= i).reduce((s, r) => s + Number(r.n), 0);
  const times = new Map(timeRows.map((t) => [t.stage, t]));
  const names = [...stages, 'won'];
  const reached = names.map((_, i) => atLeast(i));
  const funnel = names.map((stage, i) => ({
    stage,
    reached: reached[i],
    conversionToNext: i < names.length - 1 && reached[i] ? reached[i + 1] / reached[i] : null,
    averageDaysInStage: times.has(stage) ? Number(times.get(stage)!.days) : null,
    stays: times.has(stage) ? Number(times.get(stage)!.n) : 0,
  }));
  return {
    report: 'funnel',
    period: { from: period.from?.toISOString() ?? null, to: period.toExclusive?.toISOString() ?? null, basis: q.basis },
    stages: funnel,
    summary,
    breakdowns,
  };
}
