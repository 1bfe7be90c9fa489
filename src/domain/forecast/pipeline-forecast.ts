// One pipeline forecast for one period as of one moment, from deal histories alone (pure; the
// service loads the data and may plug in the deal-win model as the scorer). Used for the live
// forecast, snapshots, what-if and every backtest period, so that all of them compute the same
// thing. Methods side by side:
//  - monte-carlo: won to date + open deals simulated (win × timing) + expected new business;
//  - stage-weighted: won to date + Σ amount × stage win rate over open deals whose expected close
//    date lies in the period (the classic CRM weighted pipeline);
//  - categories: the reps' call (closed + commit, best case, pipeline).
import { isClosedAsOf } from '../deal-timeline/as-of';
import type { Deal } from '../deal-timeline/deal';
import { dealGroups } from '../deal-timeline/outcome';
import { forecastDealAsOf, UNKNOWN_STAGE, type DealState } from './deal-state';
import { simulatePipeline, type DealOutlook, type SimulationResult } from './monte-carlo';
import { estimateNewBusiness, type NewBusinessEstimate } from './new-business';
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
}

export interface DealForecast {
  id: number;
  externalId: string;
  amount: number;
  /** True when the deal had no amount and was valued at its product's mean won amount. */
  amountImputed: boolean;
  stage: string;
  expectedCloseAt: number | null;
  category: string;
  winProbability: number;
  inPeriodProbability: number;
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
  stageWeighted: number;
  stageWeightedByDimension: Record<string, { key: string; value: number }[]>;
  wonInPeriod: { id: number; amount: number; closedAt: number; groups: Record<string, string> }[];
  openDeals: DealForecast[];
  categories: { overall: CategoryRollup; byDimension: Record<string, CategoryRollup[]> };
  stageModel: StageModel;
}

export function forecastPipelineFromHistory(input: PipelineForecastInput): PipelineForecastResult {
  const { history, asOf, period } = input;
  const start = period.start.getTime();
  const end = period.end.getTime();
  const dims = [...(input.dimensions ?? DIMENSIONS)];
  const stageModel = input.stageModel ?? fitStageModel(history, asOf);

  const open: DealState[] = [];
  const wonInPeriod: PipelineForecastResult['wonInPeriod'] = [];
  for (const rec of history) {
    let s = forecastDealAsOf(rec, asOf);
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

  // Open deals without an amount (CRM exports often record a value only once a deal is won) are
  // valued at the mean won amount of their product over the year before as-of (else of all
  // products): counting them as worth 0 would forecast nothing for most of such a pipeline.
  const imputedIds = new Set<number>();
  if (open.some((d) => !((d.amount ?? 0) > 0))) {
    const since = asOf - 365 * DAY_MS;
    const sums = new Map<string, { n: number; sum: number }>();
    let allN = 0;
    let allSum = 0;
    for (const rec of history) {
      const amount = rec.amount ?? 0;
      if (rec.outcome !== 'won' || !isClosedAsOf(rec, asOf) || (rec.closedAt as number) < since || !(amount > 0)) continue;
      const k = dealGroups(rec).product;
      const c = sums.get(k) ?? { n: 0, sum: 0 };
      c.n++;
      c.sum += amount;
      sums.set(k, c);
      allN++;
      allSum += amount;
    }
    for (let i = 0; i < open.length; i++) {
      if ((open[i].amount ?? 0) > 0) continue;
      const c = sums.get(open[i].groups.product ?? '(none)');
      const v = c && c.n >= 5 ? c.sum / c.n : allN > 0 ? allSum / allN : 0;
      if (v > 0) {
        open[i] = { ...open[i], amount: v };
        imputedIds.add(open[i].id);
      }
    }
  }

  const external = input.scorer ? input.scorer(open, { asOf, start, end, stageModel }) : new Map<number, DealScore>();
  const categoryOf = input.categoryOf ?? ((d: DealState) => ({ [normalizeCategory(d.groups.category)]: 1 }));
  const outlooks: DealOutlook[] = [];
  const openDeals: DealForecast[] = [];
  for (const d of open) {
    const ext = external.get(d.id);
    const amount = d.amount ?? 0;
    const stale = asOf - d.createdAt > stageModel.maxWonAge;
    const winProbability = ext?.winProbability ?? (stale ? 0 : stageModel.winProbability(d.stage, (asOf - d.stageEnteredAt) / DAY_MS));
    const inPeriodProbability = ext?.inPeriodProbability ?? stageModel.inWindowProbability(d, start, end);
    const mix = categoryOf(d);
    const category = Object.entries(mix).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'pipeline';
    const groups = { ...d.groups, category };
    outlooks.push({ id: d.id, amount, winProbability, inPeriodProbability, groups });
    openDeals.push({
      id: d.id,
      externalId: d.externalId,
      amount,
      amountImputed: imputedIds.has(d.id),
      stage: d.stage,
      expectedCloseAt: d.expectedCloseAt,
      category,
      winProbability,
      inPeriodProbability,
      expectedContribution: amount * winProbability * inPeriodProbability,
      groups,
    });
  }
  const wonGroups = (g: Record<string, string>) => ({ ...g, category: 'closed' });

  // estimateNewBusiness reads only deals created and closed before asOf.
  const nb = estimateNewBusiness(history, asOf, start, end, input.newBusinessLookbackDays ?? 365);
  const simulation = simulatePipeline(outlooks, {
    sims: input.sims,
    seed: input.seed,
    dimensions: dims,
    fixed: wonInPeriod.map((w) => ({ amount: w.amount, groups: wonGroups(w.groups) })),
    newBusiness: { expectedCount: nb.expectedCount, amounts: nb.amounts, weights: nb.weights },
  });

  // Stage-weighted pipeline over deals whose expected close date falls in the period.
  let stageWeighted = 0;
  const swBy = dims.map(() => new Map<string, number>());
  const addSw = (groups: Record<string, string>, v: number) => {
    dims.forEach((dim, i) => {
      swBy[i].set(groups[dim] ?? '(none)', (swBy[i].get(groups[dim] ?? '(none)') ?? 0) + v);
    });
  };
  for (const w of wonInPeriod) {
    stageWeighted += w.amount;
    addSw(wonGroups(w.groups), w.amount);
  }
  for (const d of openDeals) {
    if (d.expectedCloseAt === null || d.expectedCloseAt < start || d.expectedCloseAt >= end) continue;
    const v = d.amount * stageModel.winProbability(d.stage);
    stageWeighted += v;
    addSw(d.groups, v);
  }

  // Categories: the reps' call over deals expected to close in the period, next to the model.
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

  return {
    period,
    asOf,
    scorer: input.scorer ? (input.scorerName ?? 'custom') : 'stage-model',
    simulation,
    newBusinessModel: nb,
    stageWeighted,
    stageWeightedByDimension: Object.fromEntries(
      dims.map((dim, i) => [dim, [...swBy[i].entries()].map(([key, value]) => ({ key, value })).sort((a, b) => b.value - a.value)]),
    ),
    wonInPeriod,
    openDeals,
    categories: { overall, byDimension },
    stageModel,
  };
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
