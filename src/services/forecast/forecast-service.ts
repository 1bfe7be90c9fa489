// Forecast use cases: load history, pick the scorer (the deal-win model when one is active, else
// the stage model), run the pure forecast, and shape a plain JSON-ready report for the CLI and the
// HTTP layer. Every report carries its seed, simulation count and the scorer used.
import { DAY_MS } from '../../math/time';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { hasActiveVersion } from '../../db/repositories/model-versions';
import { invalidInput } from '../../errors';
import type { CategoryRollup } from '../../domain/forecast/categories';
import type { Deal } from '../../domain/deal-timeline/deal';
import type { DealState } from '../../domain/forecast/deal-state';
import { fitDriverRegression, type DriverForecast } from '../../domain/forecast/driver-regression';
import { customPeriod, monthIndex, monthIndexStart, parsePeriod, periodContaining, type Period } from '../../domain/forecast/period';
import {
  categoryMixFromCurrent,
  DIMENSIONS,
  forecastPipelineFromHistory,
  type DealScorer,
  type Dimension,
  type PipelineForecastResult,
} from '../../domain/forecast/pipeline-forecast';
import { forecastRunRate, type RunRateForecast } from '../../domain/forecast/run-rate';
import { firstMonth, monthlyBookings, monthlyPipelineCreated } from '../../domain/forecast/series';
import { checkSims } from './forecast-options';
import { loadDeals } from '../deals/load-deals';
import { loadMonthlyDrivers } from './load-history';
import { primaryForecast, type PrimaryForecast } from './primary-forecast';
import { activeWinModelScorer } from './win-model-scorer';

export type { Dimension };

export const DEFAULT_SIMS = 10_000;

/** Every stored deal with its stage history (the stage model and simulations do not read activities). */
export function loadForecastDeals(db: Database): Promise<Deal[]> {
  return loadDeals(db, { activities: false });
}
export type ScorerChoice = 'auto' | 'win-model' | 'stage-model';

export interface PeriodInput {
  /** 2025-07, 2025-Q3 or 2025. */
  period?: string;
  /** Custom range (inclusive days) instead of a named period. */
  from?: Date;
  to?: Date;
}

export interface PipelineForecastOptions extends PeriodInput {
  asOf?: Date;
  sims?: number;
  seed?: number;
  /** Breakdowns to compute (default: all). */
  by?: Dimension[];
  scorer?: ScorerChoice;
  modelsDir?: string;
  /** Name the primary method by its backtest (default true; costs one cached backtest). */
  primary?: boolean;
}

export interface Band {
  expected: number;
  p10: number;
  p50: number;
  p90: number;
}

export interface GroupRow extends Band {
  key: string;
  wonToDate: number;
  openDeals: number;
  openExpected: number;
  stageWeighted: number;
  commitCall: number | null;
  bestCaseCall: number | null;
  disagreement: CategoryRollup['disagreement'];
}

export interface PipelineForecastReport {
  period: { label: string; start: string; end: string };
  asOf: string;
  seed: number;
  sims: number;
  method: 'monte-carlo';
  scorer: string;
  scorerNote?: string;
  /**
   * The number to act on: the primary method chosen by its own backtest (normally the blend), with
   * every method's forecast and the record behind the choice. null for year and custom periods, or
   * without history to backtest (primaryNote says why); the Monte Carlo sections below remain.
   */
  primary?: PrimaryForecast | null;
  primaryNote?: string;
  wonToDate: number;
  /**
   * The open deals' expected contribution to the period, with their count and total amount (any
   * close date), and the amount of those expected to close in the period (unweighted: the
   * pipeline-changes waterfall's measure).
   */
  openPipeline: Band & {
    deals: number;
    sd: number;
    amount: number;
    amountInPeriod: number;
    /** Open deals without an amount, valued by the won amounts of similar deals. */
    imputedAmounts: number;
    /** Where those amounts come from: pool and number of deals. */
    amountSources: { source: string; deals: number }[];
    /** Open deals without an amount and nothing ever won to value them by: left out. */
    unvaluedDeals: number;
  };
  /** How much whole periods move together (fitted from past periods) and the shocks simulated. */
  periodEffects: PeriodEffectsView;
  newBusiness: Band & { expectedDeals: number; creationRatePerDay: number; winRate: number; meanWonAmount: number };
  total: Band & { sd: number };
  /** null when open deals carry no expected close date (the CRM does not provide one). */
  stageWeighted: number | null;
  /** False when no deal carries a forecast category: the reps' call is not provided (its figures are 0). */
  callsProvided: boolean;
  categories: CategoryRollup;
  breakdown: Partial<Record<Dimension, GroupRow[]>>;
  elapsedMs: number;
}

export interface PeriodEffectsView {
  /** Past periods the estimate rests on. */
  windows: number;
  /** Between-period standard deviation of the win rate and of the close rate (logit scale), and the share of their variation that is not binomial noise (I²). */
  winRateSd: number;
  timingSd: number;
  winRateI2: number;
  timingI2: number;
  /** The period's position (e.g. last month of a quarter) and the logit shift it brings, when positions differ. */
  position: { kind: string; position: number; winRateShift: number; timingShift: number } | null;
  /** A win-rate shock shared by the deals of one segment or rep, where the data supports it. */
  group: { dimension: string; sd: number; groups: number } | null;
  note: string | null;
}

function effectsView(r: PipelineForecastResult): PeriodEffectsView {
  const e = r.periodEffects;
  return {
    windows: e.windows,
    winRateSd: e.win.sd,
    timingSd: e.timing.sd,
    winRateI2: e.win.i2,
    timingI2: e.timing.i2,
    position: e.position?.used
      ? { kind: e.position.kind, position: e.position.position + 1, winRateShift: e.win.shift, timingShift: e.timing.shift }
      : null,
    group: e.group,
    note: e.note,
  };
}

export function resolvePeriod(input: PeriodInput, asOf: Date): Period {
  if (input.from || input.to) {
    if (!input.from || !input.to)
      throw invalidInput('A custom period needs both from and to', [
        { path: [input.from ? 'to' : 'from'], problem: 'is required with a custom range' },
      ]);
    return customPeriod(input.from, input.to);
  }
  return input.period ? parsePeriod(input.period) : periodContaining(asOf, 'quarter');
}

function checkDims(by: string[]) {
  const bad = by.filter((b) => !(DIMENSIONS as readonly string[]).includes(b));
  if (bad.length)
    throw invalidInput(
      `Unknown breakdown ${bad.join(', ')}: use ${DIMENSIONS.join(', ')}`,
      bad.map((b) => ({ path: ['by'], value: b, problem: `must be one of ${DIMENSIONS.join(', ')}` })),
    );
}

export interface ScorerPick {
  scorer?: DealScorer;
  name?: string;
  note?: string;
}

export async function pickScorer(db: Database, choice: ScorerChoice, asOf: Date, modelsDir?: string): Promise<ScorerPick> {
  if (choice === 'stage-model') return {};
  if (choice === 'auto') {
    // Cheap check first: without an active version there is nothing to load (the win service's own
    // fallback is the stage baseline, which the stage model here replaces).
    if (!(await hasActiveVersion(db.sql, 'win')))
      return { note: 'no active deal-win model (train one with `salescast train win`); scored by the stage model' };
  }
  try {
    const h = await activeWinModelScorer(db, asOf, { modelsDir });
    if (h.fallback && choice === 'auto')
      return { note: `no active deal-win model (${h.fallbackReason ?? 'not trained'}); scored by the stage model` };
    return { scorer: h.scorer, name: h.name, ...(h.fallback ? { note: h.fallbackReason } : {}) };
  } catch (e) {
    if (choice === 'win-model') throw e;
    return { note: `deal-win model unavailable (${e instanceof Error ? e.message : String(e)}); scored by the stage model` };
  }
}

/** The pipeline forecast for a period, with breakdowns, categories and new business. */
export async function forecastPipeline(db: Database, opts: PipelineForecastOptions = {}): Promise<PipelineForecastReport> {
  const started = Date.now();
  const run = await runPipelineForecast(db, opts);
  if (opts.primary === false) return run.report;
  const drivers = await loadMonthlyDrivers(db);
  const p = await primaryForecast(db, { result: run.result, history: run.history, drivers, asOf: run.asOf, seed: run.seed });
  return { ...run.report, primary: p.primary, ...(p.note ? { primaryNote: p.note } : {}), elapsedMs: Date.now() - started };
}

/** The forecast with its full result (per-deal outlooks), for snapshots and what-if. */
export async function runPipelineForecast(
  db: Database,
  opts: PipelineForecastOptions = {},
  extra: { history?: Deal[]; scorer?: ScorerPick; overrides?: Map<number, Partial<DealState> | null> } = {},
) {
  const started = Date.now();
  const asOf = opts.asOf ?? new Date(started);
  const period = resolvePeriod(opts, asOf);
  const sims = opts.sims ?? DEFAULT_SIMS;
  checkSims(sims);
  const seed = opts.seed ?? loadConfig().SALESCAST_SEED;
  const by = opts.by ?? [...DIMENSIONS];
  checkDims(by);
  const history = extra.history ?? (await loadForecastDeals(db));
  // The active deal-win model was trained on data up to its training date: a forecast as of an
  // earlier date would see through it. `auto` therefore uses the stage model (learned as of asOf)
  // for past as-of dates; --scorer win-model forces the active model anyway.
  const past = asOf.getTime() < Date.now() - DAY_MS;
  const choice = opts.scorer ?? 'auto';
  const pick =
    extra.scorer ??
    (past && choice === 'auto'
      ? {
          note: 'as-of date in the past: scored by the stage model learned as of that date (the active deal-win model has seen later data)',
        }
      : await pickScorer(db, choice, asOf, opts.modelsDir));
  const result = forecastPipelineFromHistory({
    history,
    // Every deal as of asOf (deal timeline): a forecast as of an earlier moment cannot see later
    // outcomes, one as of now reads the stored current state.
    asOf: asOf.getTime(),
    period,
    sims,
    seed,
    dimensions: by,
    scorer: pick.scorer,
    scorerName: pick.name,
    overrides: extra.overrides,
    categoryOf: opts.asOf && opts.asOf.getTime() < Date.now() - DAY_MS ? categoryMixFromCurrent(history) : undefined,
  });
  return { result, report: toReport(result, { seed, sims, note: pick.note, started }), history, asOf, seed, sims };
}

/** Total amount of the open deals, and of those expected to close in the period (as snapshots count them). */
function openAmounts(r: PipelineForecastResult): { amount: number; amountInPeriod: number } {
  const start = r.period.start.getTime();
  const end = r.period.end.getTime();
  let amount = 0;
  let amountInPeriod = 0;
  for (const d of r.openDeals) {
    amount += d.amount;
    if (d.expectedCloseAt !== null && d.expectedCloseAt >= start && d.expectedCloseAt < end) amountInPeriod += d.amount;
  }
  return { amount, amountInPeriod };
}

function amountSources(r: PipelineForecastResult): { source: string; deals: number }[] {
  const by = new Map<string, number>();
  for (const d of r.openDeals) if (d.amountSource) by.set(d.amountSource, (by.get(d.amountSource) ?? 0) + 1);
  return [...by.entries()]
    .map(([source, deals]) => ({ source, deals }))
    .sort((a, b) => b.deals - a.deals || a.source.localeCompare(b.source));
}

export function toReport(
  r: PipelineForecastResult,
  o: { seed: number; sims: number; note?: string; started: number },
): PipelineForecastReport {
  const s = r.simulation;
  const band = (x: { expected: number; p10: number; p50: number; p90: number }): Band => ({
    expected: x.expected,
    p10: x.p10,
    p50: x.p50,
    p90: x.p90,
  });
  const breakdown: Partial<Record<Dimension, GroupRow[]>> = {};
  for (const [dim, groups] of Object.entries(s.byDimension)) {
    const sw = new Map((r.stageWeightedByDimension[dim] ?? []).map((g) => [g.key, g.value]));
    const cats = new Map((r.categories.byDimension[dim] ?? []).map((c) => [c.key, c]));
    breakdown[dim as Dimension] = groups.map((g) => {
      const c = cats.get(g.key);
      return {
        key: g.key,
        ...band(g.forecast),
        wonToDate: g.wonToDate,
        openDeals: g.openDeals,
        openExpected: g.openExpected,
        stageWeighted: sw.get(g.key) ?? 0,
        commitCall: c && r.callsProvided ? c.commitCall : null,
        bestCaseCall: c && r.callsProvided ? c.bestCaseCall : null,
        disagreement: r.callsProvided ? (c?.disagreement ?? null) : null,
      };
    });
  }
  const nb = r.newBusinessModel;
  return {
    period: { label: r.period.label, start: r.period.start.toISOString(), end: r.period.end.toISOString() },
    asOf: new Date(r.asOf).toISOString(),
    seed: o.seed,
    sims: o.sims,
    method: 'monte-carlo',
    scorer: r.scorer,
    ...(o.note ? { scorerNote: o.note } : {}),
    wonToDate: s.wonToDate,
    openPipeline: {
      ...band(s.open),
      deals: s.open.deals,
      sd: s.open.sd,
      imputedAmounts: r.openDeals.filter((d) => d.amountImputed).length,
      ...openAmounts(r),
      amountSources: amountSources(r),
      unvaluedDeals: r.unvaluedDeals,
    },
    periodEffects: effectsView(r),
    newBusiness: {
      ...band(s.newBusiness),
      expectedDeals: nb.meanWonAmount > 0 ? s.newBusiness.expected / nb.meanWonAmount : nb.expectedCount,
      creationRatePerDay: nb.creationRatePerDay,
      winRate: nb.winRate,
      meanWonAmount: nb.meanWonAmount,
    },
    total: { ...band(s.total), sd: s.total.sd },
    stageWeighted: r.stageWeighted,
    callsProvided: r.callsProvided,
    categories: r.callsProvided ? r.categories.overall : { ...r.categories.overall, disagreement: null },
    breakdown,
    elapsedMs: Date.now() - o.started,
  };
}

export { backtestForecasts, type BacktestOptions, type BacktestReport } from './backtest-service';

export interface RunRateOptions {
  /** Months ahead to forecast (default 12). */
  horizon?: number;
  asOf?: Date;
  seed?: number;
}

export interface RunRateReport {
  asOf: string;
  seed: number;
  months: string[];
  bookings: { history: { month: string; value: number }[]; forecast: RunRateForecast };
  revenue: { history: { month: string; value: number }[]; forecast: RunRateForecast } | null;
  drivers: (DriverForecast & { month: string }) | null;
}

const monthLabel = (i: number) => new Date(monthIndexStart(i)).toISOString().slice(0, 7);

/** Run-rate forecasts of monthly bookings and revenue, and the driver regression for next month. */
export async function forecastRunRates(db: Database, opts: RunRateOptions = {}): Promise<RunRateReport> {
  const asOf = opts.asOf ?? new Date();
  const h = opts.horizon ?? 12;
  if (!Number.isInteger(h) || h < 1 || h > 60)
    throw invalidInput('horizon must be between 1 and 60 months', [{ path: ['horizon'], value: h, problem: 'out of range' }]);
  const seed = opts.seed ?? loadConfig().SALESCAST_SEED;
  const history: Deal[] = await loadForecastDeals(db);
  const drivers = await loadMonthlyDrivers(db);
  const cut = monthIndex(asOf.getTime()); // the current (partial) month is left out of the fit
  const from = firstMonth(history) ?? cut;
  const bookings = monthlyBookings(history, from, cut, asOf.getTime());
  const months = Array.from({ length: h }, (_, k) => monthLabel(cut + k));
  const revenueHistory = Array.from({ length: cut - from }, (_, i) => drivers.revenue.get(from + i) ?? 0);
  const hasRevenue = revenueHistory.some((v) => v > 0);
  const created = monthlyPipelineCreated(history, from, cut, asOf.getTime());
  const driverFit = fitDriverRegression(
    bookings.map((b, i) => ({
      bookings: b,
      drivers: {
        pipelineCreated: created[i],
        activities: drivers.activities.get(from + i) ?? 0,
        campaignSpend: drivers.campaignSpend.get(from + i) ?? 0,
      },
    })),
  );
  return {
    asOf: asOf.toISOString(),
    seed,
    months,
    bookings: {
      history: bookings.map((v, i) => ({ month: monthLabel(from + i), value: v })),
      forecast: forecastRunRate(bookings, h, { firstMonth: from % 12, seed }),
    },
    revenue: hasRevenue
      ? {
          history: revenueHistory.map((v, i) => ({ month: monthLabel(from + i), value: v })),
          forecast: forecastRunRate(revenueHistory, h, { firstMonth: from % 12, seed }),
        }
      : null,
    drivers: driverFit ? { ...driverFit, month: monthLabel(cut) } : null,
  };
}
