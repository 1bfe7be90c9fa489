// What-if: change a deal's stage, amount, expected close date or activity (or drop it) and see
// its new score and the forecast delta. Both forecasts use the same seed and each deal draws from
// its own random stream, so the delta comes from the changed deals only (common random numbers).
// Scores come from the deal-win model when one is active (the changed deal is re-scored through
// its inline scoring path), else from the stage model.
import type { Database } from '../../db/database';
import { invalidInput, notFound } from '../../errors';
import { isClosedAsOf } from '../../domain/deal-timeline/as-of';
import { seenAt } from '../../domain/deal-timeline/boundary';
import type { Deal } from '../../domain/deal-timeline/deal';
import type { DealState } from '../../domain/forecast/deal-state';
import type { DealForecast } from '../../domain/forecast/pipeline-forecast';
import {
  loadForecastDeals,
  pickScorer,
  runPipelineForecast,
  type Band,
  type PipelineForecastOptions,
  type ScorerPick,
} from './forecast-service';
import { activeWinModelScorer, dealScorerFrom } from './win-model-scorer';

export interface DealChangeInput {
  opportunityId: number;
  stage?: string;
  amount?: number;
  expectedCloseAt?: Date;
  /** Activities logged now (e.g. a meeting booked): count and type. */
  addActivities?: { count: number; type?: string };
  /** Remove the deal from the pipeline (e.g. it is known to be dead). */
  drop?: boolean;
}

export interface WhatIfOptions extends PipelineForecastOptions {
  changes: DealChangeInput[];
}

export interface DealWhatIf {
  opportunityId: number;
  externalId: string;
  before: Pick<DealForecast, 'stage' | 'amount' | 'winProbability' | 'inPeriodProbability' | 'expectedContribution'> & {
    expectedCloseAt: string | null;
  };
  after:
    | (Pick<DealForecast, 'stage' | 'amount' | 'winProbability' | 'inPeriodProbability' | 'expectedContribution'> & {
        expectedCloseAt: string | null;
      })
    | null;
}

export interface WhatIfReport {
  period: { label: string; start: string; end: string };
  asOf: string;
  seed: number;
  sims: number;
  scorer: string;
  notes: string[];
  baseline: Band;
  scenario: Band;
  delta: Band;
  deals: DealWhatIf[];
}

export async function whatIfForecast(db: Database, opts: WhatIfOptions): Promise<WhatIfReport> {
  validateChanges(opts.changes);
  const asOf = opts.asOf ?? new Date();
  const t = asOf.getTime();
  const history = await loadForecastDeals(db);
  const byId = new Map(history.map((d) => [d.id, d]));
  const notes: string[] = [];
  checkDealsOpen(opts.changes, byId, asOf);
  const changes = new Map(opts.changes.map((c) => [c.opportunityId, c]));
  const { basePick, scenarioPick } = await baselineAndScenarioScorers(db, opts, asOf, changes, notes);
  if (!scenarioPick.scorer && opts.changes.some((c) => c.addActivities))
    notes.push('the stage model does not use activities: adding activities changes nothing without a trained deal-win model');

  const common = { ...opts, asOf, by: [] };
  const base = await runPipelineForecast(db, common, { history, scorer: basePick });
  const scen = await runPipelineForecast(db, common, { history, scorer: scenarioPick, overrides: stateOverrides(opts.changes, t) });
  const band = (x: { expected: number; p10: number; p50: number; p90: number }): Band => ({
    expected: x.expected,
    p10: x.p10,
    p50: x.p50,
    p90: x.p90,
  });
  const b = band(base.result.simulation.total);
  const s = band(scen.result.simulation.total);
  const beforeDeals = new Map(base.result.openDeals.map((d) => [d.id, d]));
  const afterDeals = new Map(scen.result.openDeals.map((d) => [d.id, d]));
  return {
    period: base.report.period,
    asOf: base.report.asOf,
    seed: base.seed,
    sims: base.sims,
    scorer: scen.report.scorer,
    notes,
    baseline: b,
    scenario: s,
    delta: { expected: s.expected - b.expected, p10: s.p10 - b.p10, p50: s.p50 - b.p50, p90: s.p90 - b.p90 },
    deals: opts.changes.map((c) => ({
      opportunityId: c.opportunityId,
      externalId: byId.get(c.opportunityId)!.externalId ?? String(c.opportunityId),
      before: dealView(beforeDeals.get(c.opportunityId))!,
      after: dealView(afterDeals.get(c.opportunityId)),
    })),
  };
}

/** At least one change, each naming an integer id, a non-negative amount and a valid date. */
function validateChanges(changes: DealChangeInput[] | undefined): asserts changes is DealChangeInput[] {
  if (!changes?.length) throw invalidInput('Name at least one change', [{ path: ['changes'], problem: 'must not be empty' }]);
  changes.forEach((c, i) => {
    if (!Number.isInteger(c.opportunityId))
      throw invalidInput('opportunityId must be an integer', [
        { path: ['changes', i, 'opportunityId'], value: c.opportunityId, problem: 'must be an integer' },
      ]);
    if (c.amount !== undefined && !(c.amount >= 0))
      throw invalidInput('amount must not be negative', [
        { path: ['changes', i, 'amount'], value: c.amount, problem: 'must not be negative' },
      ]);
    if (c.expectedCloseAt !== undefined && !Number.isFinite(c.expectedCloseAt.getTime()))
      throw invalidInput('expectedCloseAt must be a date', [{ path: ['changes', i, 'expectedCloseAt'], problem: 'must be a valid date' }]);
  });
}

/** Every changed deal exists, was created by asOf and is still open then. */
function checkDealsOpen(changes: DealChangeInput[], byId: Map<number | undefined, Deal>, asOf: Date): void {
  const t = asOf.getTime();
  for (const [i, c] of changes.entries()) {
    const d = byId.get(c.opportunityId);
    if (!d) throw notFound(`no opportunity with id ${c.opportunityId}`);
    const name = d.externalId ?? String(c.opportunityId);
    if ((d.outcome ?? 'open') !== 'open' || isClosedAsOf(d, t))
      throw invalidInput(`deal ${name} is already closed (${d.outcome})`, [
        { path: ['changes', i, 'id'], value: name, problem: 'must be an open deal' },
      ]);
    // As of a moment the deal was not yet seen (boundary.ts), it is in no pipeline: nothing to change.
    if (!seenAt(d.createdAt, t))
      throw invalidInput(`deal ${name} did not exist yet as of ${asOf.toISOString()}`, [
        { path: ['changes', i, 'id'], value: name, problem: `was created after asOf (${new Date(d.createdAt).toISOString()})` },
      ]);
  }
}

/**
 * The baseline's scorer and the scenario's: the active deal-win model, the scenario's reading the
 * changed deals' inputs; the stage model for both without one (or when asked for).
 */
async function baselineAndScenarioScorers(
  db: Database,
  opts: WhatIfOptions,
  asOf: Date,
  changes: Map<number, DealChangeInput>,
  notes: string[],
): Promise<{ basePick: ScorerPick; scenarioPick: ScorerPick }> {
  if (opts.scorer === 'stage-model') {
    const stageModel: ScorerPick = {};
    return { basePick: stageModel, scenarioPick: stageModel };
  }
  const t = asOf.getTime();
  let handle: Awaited<ReturnType<typeof activeWinModelScorer>> | null = null;
  try {
    handle = await activeWinModelScorer(db, asOf, { modelsDir: opts.modelsDir });
  } catch (e) {
    if (opts.scorer === 'win-model') throw e;
  }
  if (handle && !(handle.fallback && opts.scorer !== 'win-model')) {
    const edit = (input: Deal): Deal => {
      const c = input.id === undefined ? undefined : changes.get(input.id);
      return c ? editDealInput(input, c, t) : input;
    };
    return {
      basePick: { scorer: handle.scorer, name: handle.name },
      scenarioPick: { scorer: dealScorerFrom(handle.winScorer, handle.inputs, edit), name: handle.name },
    };
  }
  const pick = await pickScorer(db, 'stage-model', asOf);
  notes.push('no active deal-win model: scores come from the stage model');
  return { basePick: pick, scenarioPick: pick };
}

/** The forecast state each change overrides as of t (null: the deal is dropped). */
function stateOverrides(changes: DealChangeInput[], t: number): Map<number, Partial<DealState> | null> {
  const overrides = new Map<number, Partial<DealState> | null>();
  for (const c of changes) {
    if (c.drop) {
      overrides.set(c.opportunityId, null);
      continue;
    }
    const o: Partial<DealState> = {};
    if (c.stage !== undefined) {
      o.stage = c.stage;
      o.stageEnteredAt = t;
    }
    if (c.amount !== undefined) o.amount = c.amount;
    if (c.expectedCloseAt !== undefined) o.expectedCloseAt = c.expectedCloseAt.getTime();
    overrides.set(c.opportunityId, o);
  }
  return overrides;
}

const dealView = (d: DealForecast | undefined) =>
  d
    ? {
        stage: d.stage,
        amount: d.amount,
        expectedCloseAt: d.expectedCloseAt === null ? null : new Date(d.expectedCloseAt).toISOString(),
        winProbability: d.winProbability,
        inPeriodProbability: d.inPeriodProbability,
        expectedContribution: d.expectedContribution,
      }
    : null;

/** The deal-win model's input with the change applied as of t (a stage change, new amount/date, activities). */
function editDealInput(input: Deal, c: DealChangeInput, t: number): Deal {
  const out: Deal = { ...input };
  if (c.stage !== undefined || c.amount !== undefined || c.expectedCloseAt !== undefined) {
    const stage = c.stage ?? input.stage;
    out.stage = stage;
    if (c.amount !== undefined) out.amount = c.amount;
    if (c.expectedCloseAt !== undefined) out.expectedCloseAt = c.expectedCloseAt.getTime();
    // Recorded just before t, so the deal as of t sees it (an event stamped t is not seen at t).
    if (stage !== null)
      out.stageChanges = [
        ...(input.stageChanges ?? []),
        { fromStage: input.stage, toStage: stage, amount: out.amount, expectedCloseAt: out.expectedCloseAt ?? null, at: t - 1 },
      ];
  }
  if (c.addActivities && c.addActivities.count > 0) {
    const type = c.addActivities.type ?? 'meeting';
    out.activities = [
      ...(input.activities ?? []),
      ...Array.from({ length: Math.min(100, Math.floor(c.addActivities.count)) }, () => ({ type, at: t - 1 })),
    ];
  }
  return out;
}
