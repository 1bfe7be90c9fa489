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
import { type OutcomeSums, outcomeSums, stageOrderEvidence, stageProgress } from '../../db/repositories/analytics/funnel';
import { invalidInput } from '../../errors';
import { wilsonInterval, type Interval } from '../../domain/analytics/statistics';
import { Filters, PeriodFields, parseInput, resolvePeriod } from './filters';

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

export function efficiencyFrom(r: OutcomeSums): SalesEfficiency {
  const { deals, won, lost, wonAmount } = r;
  const open = deals - won - lost;
  const avgSize = won ? wonAmount / won : null;
  const cycle = r.wonCycleDays;
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

/**
 * The funnel order when none is given: the stages of the history by mean position, then the other
 * stages open deals are in (most deals first), leaving out terminal stages (no open deal in them).
 */
async function inferStages(db: Database): Promise<string[]> {
  const evidence = await stageOrderEvidence(db.sql);
  const terminal = new Set(evidence.terminal);
  const order = evidence.byHistoryPosition.filter((s) => !terminal.has(s));
  for (const s of evidence.openByDeals) if (!order.includes(s) && !terminal.has(s)) order.push(s);
  return order;
}

export async function funnelReport(db: Database, input: FunnelInputT = {}): Promise<FunnelResult> {
  const q = parseInput(FunnelInput, input, 'funnel');
  const period = resolvePeriod(q.from, q.to);
  const byList =
    q.by === undefined
      ? DEFAULT_FUNNEL_BREAKDOWNS
      : Array.isArray(q.by)
        ? q.by
        : q.by
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
  const set = { period, basis: q.basis, filters: q.filters };
  const sums = await outcomeSums(db.sql, { ...set, by: byList });
  const summary = efficiencyFrom(sums.total);
  const breakdowns = sums.breakdowns.map((b) => ({ by: b.by, rows: b.rows.map((r) => ({ group: r.group, ...efficiencyFrom(r.sums) })) }));

  const stages = q.stages ?? (await inferStages(db));
  if (q.stages && new Set(q.stages).size !== q.stages.length)
    throw invalidInput('stages must not repeat', [{ path: ['stages'], problem: 'duplicate stage' }]);
  const progress = await stageProgress(db.sql, { ...set, stages });
  const reachRows = progress.reached;
  const atLeast = (i: number) => reachRows.filter((r) => r.position >= i).reduce((s, r) => s + r.deals, 0);
  const times = new Map(progress.stays.map((t) => [t.stage, t]));
  const names = [...stages, 'won'];
  const reached = names.map((_, i) => atLeast(i));
  const funnel = names.map((stage, i) => ({
    stage,
    reached: reached[i],
    conversionToNext: i < names.length - 1 && reached[i] ? reached[i + 1] / reached[i] : null,
    averageDaysInStage: times.has(stage) ? times.get(stage)!.days : null,
    stays: times.has(stage) ? times.get(stage)!.stays : 0,
  }));
  return {
    report: 'funnel',
    period: { from: period.from?.toISOString() ?? null, to: period.toExclusive?.toISOString() ?? null, basis: q.basis },
    stages: funnel,
    summary,
    breakdowns,
  };
}
