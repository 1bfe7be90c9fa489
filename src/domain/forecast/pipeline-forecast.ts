// One pipeline forecast for one period as of one moment, from deal histories alone (pure; the
// service loads the data and may plug in the deal-win model as the scorer). Used for the live
// forecast, snapshots, what-if and every backtest period, so that all of them compute the same
// thing. Methods side by side:
//  - monte-carlo: won to date + open deals simulated (win × timing) + expected new business;
//  - stage-weighted: won to date + Σ amount × stage win rate over open deals whose expected close
//    date lies in the period (the classic CRM weighted pipeline);
//  - categories: the reps' call (closed + commit, best case, pipeline).
import { imputeAmounts, type AmountImputation } from './amount-pools';
import type { Deal } from '../deal-timeline/deal';
import { dealGroups } from '../deal-timeline/outcome';
import { forecastDealAsOf, UNKNOWN_STAGE, type DealState } from './deal-state';
import { shiftMarginal } from '../../math/logit-normal';
import { simulatePipeline, type DealOutlook, type SimulationResult } from './monte-carlo';
import { estimateNewBusiness, type NewBusinessEstimate } from './new-business';
import type { PeriodEffects } from './period-effects';
import { newBusinessInput, resolvePeriodEffects, shocksOf } from './period-shocks';
import { fitStageModel, type StageModel } from './stage-model';
import { normalizeCategory, rollUpCategories, type CategorizedDeal, type CategoryRollup, type ModelView } from './categories';
import type { Period } from './period';
import { DAY_MS } from '../../math/time';
import { DIMENSIONS, type Dimension } from './dimensions';

export { DIMENSIONS, type Dimension };

export interface DealScore {
  winProbability: number;
  inPeriodProbability: number;
}

/** Scores open deals as of the forecast's as-of date for the window; missing ids fall back to the stage model. */
export type DealScorer = (
  deals: readonly DealState[],
  ctx: { asOf: number; start: number; end: number; stageModel: StageModel },
) => Map<number, DealScore>;

export interface PipelineForecastInput {
  history: readonly Deal[];
  /** Deals are seen as of this moment (deal-timeline: events stamped before it). */
  asOf: number;
  period: Period;
  sims: number;
  seed: number;
  dimensions?: readonly string[];
  scorer?: DealScorer;
  scorerName?: string;
  stageModel?: StageModel;
  newBusinessLookbackDays?: number;
  /** Replace or drop deals before forecasting (what-if). */
  overrides?: Map<number, Partial<DealState> | null>;
  /** Category of an open deal as of asOf (defaults to the stored category). */
  categoryOf?: (deal: DealState) => Record<string, number>;
  /**
   * Period-level random effects: estimated from the history before as-of (default), given, or
   * `false` for independent outcomes (the engine's textbook form, for comparisons).
   */
  periodEffects?: PeriodEffects | false;
}

export interface DealForecast {
  id: number;
  externalId: string;
  amount: number;
  /** True when the deal had no amount: it is valued by the won amounts of similar deals (amountSource). */
  amountImputed: boolean;
  /** The pool its amount is drawn from, e.g. "product=GTX Pro", or null for a recorded amount. */
  amountSource: string | null;
  stage: string;
  expectedCloseAt: number | null;
  category: string;
  winProbability: number;
  inPeriodProbability: number;
  /** P(won inside the period): win × timing, with the period's position effect (e.g. quarter end). */
  periodProbability: number;
  /** amount × P(won inside the period). */
  expectedContribution: number;
  groups: Record<string, string>;
}

export interface PipelineForecastResult {
  period: Period;
  asOf: number;
  scorer: string;
  simulation: SimulationResult;
  newBusinessModel: NewBusinessEstimate;
  /** How much whole periods move together, and the shocks simulated (null sd: none). */
  periodEffects: PeriodEffects;
  /** Open deals left out: no amount, and nothing ever won to value them by. */
  unvaluedDeals: number;
  /** null when open deals carry no expected close date (the CRM does not provide one). */
  stageWeighted: number | null;
  stageWeightedByDimension: Record<string, { key: string; value: number }[]>;
  wonInPeriod: { id: number; amount: number; closedAt: number; groups: Record<string, string> }[];
  openDeals: DealForecast[];
  categories: { overall: CategoryRollup; byDimension: Record<string, CategoryRollup[]> };
  /** False when no deal carries a forecast category: the reps' call is not provided. */
  callsProvided: boolean;
  stageModel: StageModel;
}

export function forecastPipelineFromHistory(input: PipelineForecastInput): PipelineForecastResult {
  const { history, asOf, period } = input;
  const start = period.start.getTime();
  const end = period.end.getTime();
  const dims = [...(input.dimensions ?? DIMENSIONS)];
  const stageModel = input.stageModel ?? fitStageModel(history, asOf);
  const { open, wonInPeriod } = dealsAsOf(input, start, end);
  const effects = resolvePeriodEffects(input.periodEffects, history, asOf, period);
  const shocks = shocksOf(effects);
  // Open deals without an amount (CRM exports often record a value only once a deal is won) get
  // the won amounts of similar deals as a distribution (amount-pools.ts): counting them as worth
  // 0 would forecast nothing for most of such a pipeline, and one mean would hide how unsure it is.
  const imputation = imputeAmounts(history, asOf, open);
  const categoryOf = input.categoryOf ?? ((d: DealState) => ({ [normalizeCategory(d.groups.category)]: 1 }));
  const { outlooks, openDeals } = scoreOpenDeals(input, open, { start, end, stageModel, effects, shocks, imputation, categoryOf });

  // estimateNewBusiness reads only deals created and closed before asOf.
  const nb = estimateNewBusiness(history, asOf, start, end, input.newBusinessLookbackDays ?? 365);
  const simulation = simulatePipeline(outlooks, {
    sims: input.sims,
    seed: input.seed,
    dimensions: dims,
    fixed: wonInPeriod.map((w) => ({ amount: w.amount, groups: wonGroups(w.groups) })),
    newBusiness: newBusinessInput(nb, effects, shocks, asOf, start, end),
    shocks: shocks.spec,
    amountPools: imputation.pools.map((p) => p.values),
  });
  const sw = stageWeightedPipeline(open, openDeals, wonInPeriod, dims, stageModel, start, end);
  return {
    period,
    asOf,
    scorer: input.scorer ? (input.scorerName ?? 'custom') : 'stage-model',
    simulation,
    newBusinessModel: nb,
    periodEffects: effects,
    unvaluedDeals: imputation.unvalued.length,
    stageWeighted: sw.value,
    callsProvided: history.some((d) => !!d.forecastCategory),
    stageWeightedByDimension: sw.byDimension,
    wonInPeriod,
    openDeals,
    categories: categoryRollups(open, wonInPeriod, categoryOf, simulation, dims, start, end),
    stageModel,
  };
}

const wonGroups = (g: Record<string, string>) => ({ ...g, category: 'closed' });

/** Every deal as of asOf (what-if overrides applied): the open pipeline and the period's wins so far. */
function dealsAsOf(input: PipelineForecastInput, start: number, end: number) {
  const open: DealState[] = [];
  const wonInPeriod: PipelineForecastResult['wonInPeriod'] = [];
  for (const rec of input.history) {
    let s = forecastDealAsOf(rec, input.asOf);
    if (!s) continue;
    if (input.overrides?.has(s.id)) {
      const o = input.overrides.get(s.id);
      if (o === null) continue;
      s = { ...s, ...o, groups: { ...s.groups, ...(o?.groups ?? {}) } };
    }
    if (s.outcome === 'open') open.push(s);
    else if (s.outcome === 'won' && s.closedAt !== null && s.closedAt >= start && s.closedAt < end)
      wonInPeriod.push({ id: s.id, amount: s.amount ?? 0, closedAt: s.closedAt, groups: s.groups });
  }
  open.sort((a, b) => a.id - b.id);
  return { open, wonInPeriod };
}

interface ScoringContext {
  start: number;
  end: number;
  stageModel: StageModel;
  effects: PeriodEffects;
  shocks: ReturnType<typeof shocksOf>;
  imputation: AmountImputation;
  categoryOf: (deal: DealState) => Record<string, number>;
}

/** Win and timing probabilities of every open deal (scorer, else the stage model), and its amount or pool. */
function scoreOpenDeals(input: PipelineForecastInput, open: readonly DealState[], c: ScoringContext) {
  const { asOf } = input;
  const { start, end, stageModel, effects, shocks, imputation } = c;
  const unvalued = new Set(imputation.unvalued);
  const external = input.scorer ? input.scorer(open, { asOf, start, end, stageModel }) : new Map<number, DealScore>();
  const outlooks: DealOutlook[] = [];
  const openDeals: DealForecast[] = [];
  for (const d of open) {
    if (unvalued.has(d.id)) continue;
    const ext = external.get(d.id);
    const stale = asOf - d.createdAt > stageModel.maxWonAge;
    const winProbability = ext?.winProbability ?? (stale ? 0 : stageModel.winProbability(d.stage, (asOf - d.stageEnteredAt) / DAY_MS));
    const inPeriodProbability = ext?.inPeriodProbability ?? stageModel.inWindowProbability(d, start, end);
    // The period's position (e.g. the last month of a quarter) shifts the marginals the simulation
    // keeps; the deal's own scores are reported unshifted.
    const w = shiftMarginal(winProbability, effects.win.shift, shocks.winTotalSd);
    const t = shiftMarginal(inPeriodProbability, effects.timing.shift, shocks.timingSd);
    const mix = c.categoryOf(d);
    const category = Object.entries(mix).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'pipeline';
    const groups = { ...d.groups, category };
    const poolIndex = imputation.poolOf.get(d.id);
    const pool = poolIndex === undefined ? null : imputation.pools[poolIndex];
    const amount = pool ? pool.mean : (d.amount ?? 0);
    outlooks.push({ id: d.id, amount, winProbability: w, inPeriodProbability: t, groups, ...(pool ? { amountPool: poolIndex } : {}) });
    openDeals.push({
      id: d.id,
      externalId: d.externalId,
      amount,
      amountImputed: pool !== null,
      amountSource: pool ? pool.key : null,
      stage: d.stage,
      expectedCloseAt: d.expectedCloseAt,
      category,
      winProbability,
      inPeriodProbability,
      periodProbability: w * t,
      expectedContribution: amount * w * t,
      groups,
    });
  }
  return { outlooks, openDeals };
}

/**
 * Stage-weighted pipeline over deals whose expected close date falls in the period. When no open
 * deal carries an expected close date it is not available ("not provided" is not zero).
 */
function stageWeightedPipeline(
  open: readonly DealState[],
  openDeals: readonly DealForecast[],
  wonInPeriod: PipelineForecastResult['wonInPeriod'],
  dims: readonly string[],
  stageModel: StageModel,
  start: number,
  end: number,
) {
  let value = 0;
  const swBy = dims.map(() => new Map<string, number>());
  const add = (groups: Record<string, string>, v: number) => {
    dims.forEach((dim, i) => {
      swBy[i].set(groups[dim] ?? '(none)', (swBy[i].get(groups[dim] ?? '(none)') ?? 0) + v);
    });
  };
  for (const w of wonInPeriod) {
    value += w.amount;
    add(wonGroups(w.groups), w.amount);
  }
  for (const d of openDeals) {
    if (d.expectedCloseAt === null || d.expectedCloseAt < start || d.expectedCloseAt >= end) continue;
    const v = d.amount * stageModel.winProbability(d.stage);
    value += v;
    add(d.groups, v);
  }
  const provided = open.length === 0 || open.some((d) => d.expectedCloseAt !== null);
  return {
    value: provided ? value : null,
    byDimension: Object.fromEntries(
      dims.map((dim, i) => [dim, [...swBy[i].entries()].map(([key, value]) => ({ key, value })).sort((a, b) => b.value - a.value)]),
    ),
  };
}

/** The reps' call over deals expected to close in the period, next to the model, overall and per group. */
function categoryRollups(
  open: readonly DealState[],
  wonInPeriod: PipelineForecastResult['wonInPeriod'],
  categoryOf: (deal: DealState) => Record<string, number>,
  simulation: SimulationResult,
  dims: readonly string[],
  start: number,
  end: number,
) {
  const categorized: CategorizedDeal[] = wonInPeriod.map((w) => ({ amount: w.amount, category: 'closed', groups: wonGroups(w.groups) }));
  for (const d of open) {
    if (d.expectedCloseAt === null || d.expectedCloseAt < start || d.expectedCloseAt >= end) continue;
    for (const [cat, share] of Object.entries(categoryOf(d)))
      categorized.push({ amount: (d.amount ?? 0) * share, category: cat, groups: { ...d.groups, category: cat } });
  }
  const total = simulation.total;
  const overall = rollUpCategories(categorized, null, new Map([['all', { expected: total.expected, p10: total.p10, p90: total.p90 }]]))[0];
  const byDimension: Record<string, CategoryRollup[]> = {};
  for (const dim of dims) {
    if (dim === 'category') continue;
    const model = new Map<string, ModelView>(
      (simulation.byDimension[dim] ?? []).map((g) => [g.key, { expected: g.forecast.expected, p10: g.forecast.p10, p90: g.forecast.p90 }]),
    );
    byDimension[dim] = rollUpCategories(categorized, dim, model);
  }
  return { overall, byDimension };
}

/**
 * Category mix per (rep, stage) learned from deals open now, for replaying the reps' call at a
 * past date: the CRM stores only each deal's current category, not its history. An approximation
 * (documented in docs/forecasts.md): it assumes each rep calls a stage the same way over time.
 */
export function categoryMixFromCurrent(history: readonly Deal[]): (deal: DealState) => Record<string, number> {
  const byRepStage = new Map<string, Map<string, number>>();
  const byStage = new Map<string, Map<string, number>>();
  const bump = (m: Map<string, Map<string, number>>, k: string, cat: string) => {
    const row = m.get(k) ?? new Map<string, number>();
    row.set(cat, (row.get(cat) ?? 0) + 1);
    m.set(k, row);
  };
  for (const d of history) {
    if ((d.outcome ?? 'open') !== 'open' || !d.forecastCategory) continue;
    const cat = normalizeCategory(d.forecastCategory);
    const stage = d.stage ?? UNKNOWN_STAGE;
    bump(byRepStage, `${dealGroups(d).rep}\u0000${stage}`, cat);
    bump(byStage, stage, cat);
  }
  const norm = (m: Map<string, number>) => {
    const n = [...m.values()].reduce((a, b) => a + b, 0);
    return Object.fromEntries([...m.entries()].map(([k, v]) => [k, v / n]));
  };
  return (deal) => {
    const rs = byRepStage.get(`${deal.groups.rep}\u0000${deal.stage}`);
    if (rs && [...rs.values()].reduce((a, b) => a + b, 0) >= 3) return norm(rs);
    const s = byStage.get(deal.stage);
    return s ? norm(s) : { pipeline: 1 };
  };
}
