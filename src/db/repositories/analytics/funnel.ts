// The funnel report's queries over the deals of a period (created or closed in it) that match the
// filters: outcome sums overall and per value of each breakdown field, how far each deal got in a
// given order of open stages, and the time spent in each stage. Stage names are bound parameters.
import type { SqlRunner } from '../../sql';
import { type SqlDialect, sqlDialect } from '../../sql-dialect';
import { accountCtes, DEAL_JOINS, filterWhere, groupExpr, type Needs, noNeeds, type Period, periodWhere } from './report-fields';

export type FunnelBasis = 'created' | 'closed';

/** Outcome sums of a set of deals. */
export interface OutcomeSums {
  deals: number;
  won: number;
  lost: number;
  wonAmount: number;
  /** Mean days from creation to close of the won deals, or null. */
  wonCycleDays: number | null;
}

const efficiencySelect = (d: SqlDialect) => `COUNT(*) AS deals,
  SUM(CASE WHEN o.outcome = 'won' THEN 1 ELSE 0 END) AS won,
  SUM(CASE WHEN o.outcome = 'lost' THEN 1 ELSE 0 END) AS lost,
  SUM(CASE WHEN o.outcome = 'won' THEN o.amount ELSE 0 END) AS won_amount,
  AVG(CASE WHEN o.outcome = 'won' AND o.closed_at IS NOT NULL THEN ${d.daysBetween('o.created_at', 'o.closed_at')} END) AS won_cycle`;

const sumsOf = (r: Record<string, unknown>): OutcomeSums => ({
  deals: Number(r.deals ?? 0),
  won: Number(r.won ?? 0),
  lost: Number(r.lost ?? 0),
  wonAmount: Number(r.won_amount ?? 0),
  wonCycleDays: r.won_cycle === null || r.won_cycle === undefined ? null : Number(r.won_cycle),
});

interface DealSet {
  d: SqlDialect;
  withSql: string;
  where: string;
  params: unknown[];
}

/** The deal set of the report: its WITH clause, WHERE and parameters (fields checked, INVALID_INPUT naming the bad one). */
function dealSet(q: SqlRunner, opts: { period: Period; basis: FunnelBasis; filters: Record<string, unknown> }, needs: Needs): DealSet {
  const d = sqlDialect(q.dialect);
  const params: unknown[] = [];
  const conds = [
    ...periodWhere(opts.basis === 'created' ? 'o.created_at' : 'o.closed_at', opts.period, params),
    ...filterWhere(d, 'deals', opts.filters, params, needs),
  ];
  return { d, withSql: `WITH ${accountCtes(d, needs)}`, where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

/**
 * Outcome sums of the deal set, overall and per value of each `by` field (largest won amount first,
 * no value last). Every field is checked before the first query.
 */
export async function outcomeSums(
  q: SqlRunner,
  opts: { period: Period; basis: FunnelBasis; filters: Record<string, unknown>; by: readonly string[] },
): Promise<{ total: OutcomeSums; breakdowns: { by: string; rows: { group: string | null; sums: OutcomeSums }[] }[] }> {
  const needs = noNeeds();
  const d = sqlDialect(q.dialect);
  const groupExprs = opts.by.map((b, i) => groupExpr(d, 'deals', b, needs, ['by', i]));
  const set = dealSet(q, opts, needs);
  const [sum] = await q.all<Record<string, unknown>>(
    `${set.withSql} SELECT ${efficiencySelect(d)} FROM opportunity o ${DEAL_JOINS} ${set.where}`,
    set.params,
  );
  const breakdowns = [];
  for (let i = 0; i < opts.by.length; i++) {
    const rows = await q.all<Record<string, unknown>>(
      `${set.withSql} SELECT ${groupExprs[i]} AS grp, ${efficiencySelect(d)} FROM opportunity o ${DEAL_JOINS} ${set.where} GROUP BY ${groupExprs[i]} ORDER BY 5 DESC, CASE WHEN ${groupExprs[i]} IS NULL THEN 1 ELSE 0 END, 1`,
      set.params,
    );
    breakdowns.push({
      by: opts.by[i],
      rows: rows.map((r) => ({ group: r.grp === null || r.grp === undefined ? null : String(r.grp), sums: sumsOf(r) })),
    });
  }
  return { total: sumsOf(sum ?? {}), breakdowns };
}

/** What the stage history says about the funnel order of stages. */
export interface StageOrderEvidence {
  /** Stages no open deal is in (won, lost and the like). */
  terminal: string[];
  /** Stages of the history by their mean position in the deals' sequences (the first from-stage at 0). */
  byHistoryPosition: string[];
  /** Stages of open deals, most deals first. */
  openByDeals: string[];
}

export async function stageOrderEvidence(q: SqlRunner): Promise<StageOrderEvidence> {
  const terminal = await q.all<{ stage: string }>(
    `SELECT stage FROM opportunity GROUP BY stage HAVING SUM(CASE WHEN outcome = 'open' THEN 1 ELSE 0 END) = 0`,
  );
  const hist = await q.all<{ stage: string; pos: number }>(
    `SELECT stage, AVG(pos) AS pos FROM (
       SELECT to_stage AS stage, ROW_NUMBER() OVER (PARTITION BY opportunity_id ORDER BY changed_at, id) AS pos FROM stage_change
       UNION ALL
       SELECT from_stage AS stage, 0 AS pos FROM (
         SELECT from_stage, ROW_NUMBER() OVER (PARTITION BY opportunity_id ORDER BY changed_at, id) AS rn FROM stage_change) f
       WHERE rn = 1 AND from_stage IS NOT NULL
     ) s GROUP BY stage ORDER BY AVG(pos), stage`,
  );
  const current = await q.all<{ stage: string; n: number }>(
    `SELECT stage, COUNT(*) AS n FROM opportunity WHERE outcome = 'open' GROUP BY stage ORDER BY COUNT(*) DESC, stage`,
  );
  return { terminal: terminal.map((r) => r.stage), byHistoryPosition: hist.map((h) => h.stage), openByDeals: current.map((c) => c.stage) };
}

/**
 * How far each deal of the set got in the stage order: deals per furthest stage position reached
 * (its current stage or any stage of its history; won deals count as `stages.length`, deals with
 * neither as 0); and the mean days spent in each stage with the number of finished stays.
 */
export async function stageProgress(
  q: SqlRunner,
  opts: { period: Period; basis: FunnelBasis; filters: Record<string, unknown>; stages: readonly string[] },
): Promise<{ reached: { position: number; deals: number }[]; stays: { stage: string; days: number; stays: number }[] }> {
  const set = dealSet(q, opts, noNeeds());
  const { d } = set;
  const stages = opts.stages;
  // pos(stage, i): the position of each stage in the order, names bound as parameters.
  const pos = stages.length
    ? `pos (stage, i) AS (VALUES ${stages.map((_, i) => `(?, ${i})`).join(', ')})`
    : 'pos (stage, i) AS (SELECT CAST(NULL AS TEXT), CAST(NULL AS INTEGER) WHERE 1 = 0)';
  const reach = `CASE WHEN dd.outcome = 'won' THEN ${stages.length} ELSE COALESCE(${d.greatest('dd.cur', 'h.m')}, 0) END`;
  const reachRows = await q.all<{ m: number; n: number }>(
    `${set.withSql},
     ${pos},
     dd AS (SELECT o.id, o.outcome, pc.i AS cur FROM opportunity o ${DEAL_JOINS} LEFT JOIN pos pc ON pc.stage = o.stage ${set.where}),
     h AS (SELECT sc.opportunity_id AS id, MAX(${d.greatest('pt.i', 'pf.i')}) AS m
           FROM stage_change sc JOIN dd ON dd.id = sc.opportunity_id
           LEFT JOIN pos pt ON pt.stage = sc.to_stage LEFT JOIN pos pf ON pf.stage = sc.from_stage
           GROUP BY sc.opportunity_id)
     SELECT ${reach} AS m, COUNT(*) AS n
     FROM dd LEFT JOIN h ON h.id = dd.id GROUP BY ${reach}`,
    [...stages, ...set.params],
  );
  const timeRows = await q.all<{ stage: string; days: number; n: number }>(
    `${set.withSql},
     dd AS (SELECT o.id, o.created_at, o.closed_at FROM opportunity o ${DEAL_JOINS} ${set.where}),
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
  return {
    reached: reachRows.map((r) => ({ position: Number(r.m), deals: Number(r.n) })),
    stays: timeRows.map((t) => ({ stage: t.stage, days: Number(t.days), stays: Number(t.n) })),
  };
}
