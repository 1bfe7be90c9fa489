// Backtests: replay history as of each period's start, forecast the period with every method
// from what was known then, and compare with what was actually booked. Point-in-time: deals are
// rebuilt with dealAsOf (events strictly before the as-of date), the stage, timing and period-effect
// models learn only from deals closed before it, and the run-rate and driver models see only
// earlier months.
//
// The blend and the primary method: each period's blend is weighted by the methods' errors on
// *earlier* periods only (blend.ts), including warm-up periods replayed before the first reported
// one, so the blend's error and coverage below are an out-of-sample record of the rule itself.
// The primary method — what the service presents — is the blend (which gives nearly all weight to
// one method when its record dominates); it falls back to the single method with the longest
// record only when no blend can be formed. The rule is fixed in advance, so choosing it uses none
// of the periods it is evaluated on.
import { accuracy, type AccuracyMetrics } from './backtest-metrics';
import {
  blendForecast,
  chooseCandidate,
  COMBINATION,
  MIN_RECORD,
  WINDOW,
  type BlendForecast,
  type BlendHistoryEntry,
  type MethodForecast,
} from './blend';
import type { Deal } from '../deal-timeline/deal';
import type { DealState } from './deal-state';
import type { Period } from './period';
import { driversForPeriod, runRateForPeriod } from './period-methods';
import { forecastPipelineFromHistory, type DealScorer } from './pipeline-forecast';
import { seedForStream } from '../../math/random';

import { BLENDED_METHODS, METHOD_LABELS, type BlendedMethod, type MethodKey } from './methods';

export { BLENDED_METHODS, METHOD_LABELS, type BlendedMethod, type MethodKey };

export interface BacktestInput {
  history: readonly Deal[];
  periods: readonly Period[];
  /** Earlier periods replayed only to give the blend a record before the first reported period. */
  warmUp?: readonly Period[];
  sims: number;
  seed: number;
  /** Per period: a scorer trained only on data before that period's as-of (e.g. the win model). */
  scorerFor?: (asOf: number) => Promise<DealScorer | undefined> | DealScorer | undefined;
  scorerName?: string;
  categoryOf?: (deal: DealState) => Record<string, number>;
  /** Optional monthly driver series (month index → value), e.g. activities and campaign spend. */
  drivers?: Record<string, Map<number, number>>;
}

export interface Interval {
  expected: number;
  p10: number | null;
  p50?: number | null;
  p90: number | null;
}

export interface BacktestPeriod {
  period: string;
  asOf: string;
  actual: number;
  openDeals: number;
  monteCarlo: Interval & {
    wonToDate: number;
    open: number;
    newBusiness: number;
    /** The period effect simulated: win-rate and timing shock sd (logit), position shift. */
    effects: { winSd: number; timingSd: number; winShift: number; timingShift: number; group: string | null; windows: number };
  };
  /** null when the CRM gives no expected close dates (not provided, not zero). */
  stageWeighted: number | null;
  /** null when no deal carries a forecast category. */
  commitCall: number | null;
  bestCaseCall: number | null;
  runRate: Interval & { method: string };
  /** reliable: enough periods per driver (no warning); an unreliable fit is reported, not blended. */
  driverRegression: (Interval & { reliable: boolean }) | null;
  /**
   * picked: 'combination' or the method used alone; weights: each method's share of the number;
   * raw: the band before the conformal step; combination: the combination's own forecast.
   */
  blend:
    | (Interval & {
        picked: string;
        weights: Record<string, number>;
        conformal: number;
        raw: { p10: number; p90: number };
        combination: MethodForecast;
      })
    | null;
}

export interface Selection {
  /** The key of `metrics` the service presents as its number. */
  primary: MethodKey;
  rule: string;
  /** What the blend uses for the next period: 'combination' or one method's key. */
  picked: string;
  /** Weights the blend would give each method for the next period (from every period above). */
  weights: Record<string, number>;
  /** What the number is, in one sentence. */
  headline: string;
  /** The headline, then each method's record in words. */
  reason: string;
}

export interface BacktestResult {
  seed: number;
  sims: number;
  scorer: string;
  periods: BacktestPeriod[];
  /** Periods replayed before the first reported one, only to weight the blend. */
  warmUp: BacktestPeriod[];
  metrics: Record<MethodKey, AccuracyMetrics>;
  primary: MethodKey;
  selection: Selection;
}

async function forecastOnePeriod(input: BacktestInput, period: Period, k: number): Promise<BacktestPeriod> {
  const { history } = input;
  const asOf = period.start.getTime();
  const scorer = input.scorerFor ? await input.scorerFor(asOf) : undefined;
  const f = forecastPipelineFromHistory({
    history,
    asOf,
    period,
    sims: input.sims,
    seed: seedForStream(input.seed, k),
    dimensions: [],
    scorer,
    scorerName: input.scorerName,
    categoryOf: input.categoryOf,
  });
  let actual = 0;
  for (const d of history)
    if (d.outcome === 'won' && d.closedAt != null && d.closedAt >= asOf && d.closedAt < period.end.getTime()) actual += d.amount ?? 0;

  // Run-rate and drivers: complete months before the period, forecast over its months.
  const rr = runRateForPeriod(history, period, asOf, 0, seedForStream(input.seed, 1000 + k));
  const dr = driversForPeriod(history, input.drivers ?? {}, period, asOf, 0);
  const driverRegression: BacktestPeriod['driverRegression'] = dr
    ? { expected: dr.expected, p10: dr.p10, p90: dr.p90, reliable: dr.reliable }
    : null;

  const sim = f.simulation;
  const e = f.periodEffects;
  return {
    period: period.label,
    asOf: new Date(asOf).toISOString(),
    actual,
    openDeals: f.openDeals.length,
    monteCarlo: {
      expected: sim.total.expected,
      p10: sim.total.p10,
      p50: sim.total.p50,
      p90: sim.total.p90,
      wonToDate: sim.wonToDate,
      open: sim.open.expected,
      newBusiness: sim.newBusiness.expected,
      effects: {
        winSd: e.win.sd,
        timingSd: e.timing.sd,
        winShift: e.win.shift,
        timingShift: e.timing.shift,
        group: e.group ? `${e.group.dimension} (sd ${e.group.sd.toFixed(2)})` : null,
        windows: e.windows,
      },
    },
    stageWeighted: f.stageWeighted,
    commitCall: f.callsProvided ? f.categories.overall.commitCall : null,
    bestCaseCall: f.callsProvided ? f.categories.overall.bestCaseCall : null,
    runRate: rr ?? { expected: 0, p10: null, p90: null, method: 'none' },
    driverRegression,
    blend: null,
  };
}

/** The blended methods' forecasts of one period (null where a method had none). */
export function methodForecasts(p: BacktestPeriod): Record<BlendedMethod, MethodForecast | null> {
  const iv = (v: Interval | null): MethodForecast | null => (v ? { expected: v.expected, p10: v.p10, p90: v.p90 } : null);
  return {
    monteCarlo: iv(p.monteCarlo),
    runRate: p.runRate.method === 'none' ? null : iv(p.runRate),
    driverRegression: p.driverRegression?.reliable ? iv(p.driverRegression) : null,
    stageWeighted: p.stageWeighted === null ? null : { expected: p.stageWeighted, p10: null, p90: null },
  };
}

/** A replayed period as the blend's history: what each method said, what the blend said, the actual. */
export function historyEntry(p: BacktestPeriod): BlendHistoryEntry {
  const b = p.blend;
  return {
    actual: p.actual,
    forecasts: methodForecasts(p),
    blend: b ? { expected: b.expected, rawP10: b.raw.p10, rawP90: b.raw.p90, combination: b.combination } : null,
  };
}

export async function runBacktest(input: BacktestInput): Promise<BacktestResult> {
  const warm = input.warmUp ?? [];
  const all = [...warm, ...input.periods];
  const replayed: BacktestPeriod[] = [];
  let scorerName = 'stage-model';
  for (let k = 0; k < all.length; k++) {
    // Seeds are numbered from the first reported period, so adding warm-up periods leaves them alone.
    const p = await forecastOnePeriod(input, all[k], k - warm.length + (k < warm.length ? 1_000_000 : 0));
    if (input.scorerFor && input.scorerName) scorerName = input.scorerName;
    replayed.push(p);
  }
  // The blend, period by period, from earlier periods only.
  const past: BlendHistoryEntry[] = [];
  for (const p of replayed) {
    const b: BlendForecast | null = blendForecast(methodForecasts(p), past);
    if (b)
      p.blend = {
        expected: b.expected,
        p10: b.p10,
        p90: b.p90,
        picked: b.picked,
        weights: b.weights,
        conformal: b.conformal,
        raw: { p10: b.rawP10, p90: b.rawP90 },
        combination: b.combination,
      };
    past.push(historyEntry(p));
  }
  const periods = replayed.slice(warm.length);
  const metrics = periodMetrics(periods);
  const lastMethods = replayed.length ? BLENDED_METHODS.filter((m) => methodForecasts(replayed[replayed.length - 1])[m] !== null) : [];
  const next = chooseCandidate(lastMethods, past);
  return {
    seed: input.seed,
    sims: input.sims,
    scorer: scorerName,
    periods,
    warmUp: replayed.slice(0, warm.length),
    metrics,
    ...selectPrimary(metrics, next, input.periods[0]?.kind === 'custom' ? 'period' : (input.periods[0]?.kind ?? 'period')),
  };
}

export function periodMetrics(periods: readonly BacktestPeriod[]): Record<MethodKey, AccuracyMetrics> {
  const pts = (pick: (p: BacktestPeriod) => Interval | number | null) =>
    periods.flatMap((p) => {
      const v = pick(p);
      if (v === null) return [];
      return typeof v === 'number'
        ? [{ forecast: v, actual: p.actual }]
        : [{ forecast: v.expected, actual: p.actual, p10: v.p10, p90: v.p90 }];
    });
  return {
    monteCarlo: accuracy(pts((p) => p.monteCarlo)),
    stageWeighted: accuracy(pts((p) => p.stageWeighted)),
    commitCall: accuracy(pts((p) => p.commitCall)),
    bestCaseCall: accuracy(pts((p) => p.bestCaseCall)),
    runRate: accuracy(pts((p) => (p.runRate.method === 'none' ? null : p.runRate))),
    driverRegression: accuracy(pts((p) => p.driverRegression)),
    blend: accuracy(pts((p) => p.blend)),
  };
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)}%`);

/** One method's record in words: "Monte Carlo alone: MAPE 35.9%, its P10-P90 missed 8 of 9 periods". */
export function recordInWords(key: MethodKey, m: AccuracyMetrics, kind = 'period'): string {
  const label = key === 'blend' ? 'the blend' : `${METHOD_LABELS[key]} alone`;
  const cov =
    m.coverage === null || m.intervals === 0
      ? 'no range'
      : `its P10-P90 missed ${m.intervals - m.covered} of ${m.intervals} ${kind}${m.intervals === 1 ? '' : 's'}`;
  return `${label}: MAPE ${pct(m.mape)}, ${cov}`;
}

export interface NextChoice {
  picked: string;
  weights: Record<string, number>;
  scores: Record<string, number | null>;
}

/**
 * The primary method is the blend — a rule fixed in advance whose record above is out-of-sample —
 * unless no blend could be formed (then the single method with the longest record). The reason
 * names what the blend does next and each method's own record.
 */
export function selectPrimary(
  metrics: Record<MethodKey, AccuracyMetrics>,
  next: NextChoice,
  kind = 'period',
): Pick<BacktestResult, 'primary' | 'selection'> {
  const rule = `the blend: each period, the combination of the methods weighted by their inverse mean squared relative error, or one method alone when its record over the last ${WINDOW} periods is better (at least ${MIN_RECORD} periods), chosen from earlier periods only; its P10-P90 conformalised by its own past misses`;
  const singles = BLENDED_METHODS.filter((m) => metrics[m].periods > 0);
  const primary: MethodKey =
    metrics.blend.periods > 0 ? 'blend' : ([...singles].sort((a, b) => metrics[b].periods - metrics[a].periods)[0] ?? 'monteCarlo');
  const parts = Object.entries(next.weights)
    .filter(([, w]) => w >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([m, w]) => `${METHOD_LABELS[m as MethodKey]} ${Math.round(w * 100)}%`);
  const head =
    primary !== 'blend'
      ? `${METHOD_LABELS[primary]}: the only method with a backtest record here`
      : next.picked === COMBINATION
        ? `the blend, combining ${parts.join(', ')} by each method's past error`
        : `the blend, which picks ${METHOD_LABELS[next.picked as MethodKey]} alone: its record is better than the combination's`;
  const records = [primary, ...singles.filter((m) => m !== primary)].map((m) => recordInWords(m, metrics[m], kind));
  const first = records.length ? `${records[0].charAt(0).toUpperCase()}${records[0].slice(1)}` : '';
  return {
    primary,
    selection: {
      primary,
      rule,
      picked: next.picked,
      weights: next.weights,
      headline: `${head.charAt(0).toUpperCase()}${head.slice(1)}.`,
      reason: `${head.charAt(0).toUpperCase()}${head.slice(1)}. ${[first, ...records.slice(1)].join('; ')}.`,
    },
  };
}
