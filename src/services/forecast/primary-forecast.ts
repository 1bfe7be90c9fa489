// The number the service presents for a period: the primary method chosen by its own backtest.
// The backtest of the same period kind (the last 12 months, or the last 4 quarters, each with its
// warm-up) is the record; this period's forecast of every method is put through the same blend
// rule with that record as its past, so the live number is made exactly as each backtest period's
// number was. The record is that of forecasts made on each period's first day; later in a period
// the bookings won so far are known, every method forecasts only the rest, and the blend's
// conformal widening applies to the rest only.
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { AccuracyMetrics } from '../../domain/forecast/backtest-metrics';
import { historyEntry, METHOD_LABELS, selectPrimary, type BlendedMethod, type MethodKey } from '../../domain/forecast/backtest';
import { blendForecast, type MethodForecast } from '../../domain/forecast/blend';
import type { Deal } from '../../domain/deal-timeline/deal';
import type { DriverTerm } from '../../domain/forecast/driver-regression';
import { seedForStream } from '../../math/random';
import { driversForPeriod, runRateForPeriod } from '../../domain/forecast/period-methods';
import type { PipelineForecastResult } from '../../domain/forecast/pipeline-forecast';
import { backtestForecasts } from './backtest-service';
import type { MonthlyDrivers } from './load-history';

export interface PrimaryForecast {
  /** The key of the backtest's metrics this number comes from (normally 'blend'). */
  method: MethodKey;
  label: string;
  expected: number;
  p10: number;
  p90: number;
  /** What the blend uses this period: 'combination' or one method's key. */
  picked: string;
  /** Each method's share of the number. */
  weights: Record<string, number>;
  /** Every method's own forecast of the period (null: not available here). */
  methods: Record<BlendedMethod, MethodForecast | null>;
  /** The driver regression's fit for the period, and whether it is shown (reliable and its backtest beats run-rate). */
  driverRegression: {
    shown: boolean;
    terms: DriverTerm[];
    adjustedRSquared: number;
    n: number;
    horizon: number;
    warnings: string[];
  } | null;
  /** The backtest behind the choice. */
  record: {
    periodKind: 'month' | 'quarter';
    from: string;
    to: string;
    periods: number;
    metrics: Record<MethodKey, AccuracyMetrics>;
  };
  /** What the number is, in one sentence ("This quarter's number is the blend, …"). */
  headline: string;
  /** The headline, then each method's record here in words. */
  reason: string;
}

export interface PrimaryInput {
  result: PipelineForecastResult;
  history: Deal[];
  drivers: MonthlyDrivers;
  asOf: Date;
  seed: number;
  /** Simulations per backtest period (default: the backtest's own default). */
  backtestSims?: number;
}

const lowerFirst = (t: string) => `${t.charAt(0).toLowerCase()}${t.slice(1)}`;

/** The primary forecast of the period, or null with the reason when there is no record to choose by. */
export async function primaryForecast(db: Database, input: PrimaryInput): Promise<{ primary: PrimaryForecast | null; note?: string }> {
  const { result, history, drivers, asOf, seed } = input;
  const kind = result.period.kind;
  if (kind !== 'month' && kind !== 'quarter')
    return { primary: null, note: 'the primary method is chosen by monthly or quarterly backtests: this period shows Monte Carlo' };
  let bt: Awaited<ReturnType<typeof backtestForecasts>>;
  try {
    bt = await backtestForecasts(db, { period: kind, now: asOf, seed, sims: input.backtestSims, history, drivers });
  } catch (e) {
    if (e instanceof AppError && (e.code === 'UNPROCESSABLE' || e.code === 'INVALID_INPUT'))
      return { primary: null, note: `no backtest to choose a method by (${e.message}): this period shows Monte Carlo` };
    throw e;
  }
  const t = asOf.getTime();
  const won = result.simulation.wonToDate;
  const sim = result.simulation.total;
  const rr = runRateForPeriod(history, result.period, t, won, seedForStream(seed, 0x2f17));
  const dr = driversForPeriod(history, { activities: drivers.activities, campaignSpend: drivers.campaignSpend }, result.period, t, won);
  const methods: Record<BlendedMethod, MethodForecast | null> = {
    monteCarlo: { expected: sim.expected, p10: sim.p10, p90: sim.p90 },
    runRate: rr ? { expected: rr.expected, p10: rr.p10, p90: rr.p90 } : null,
    driverRegression: dr ? { expected: dr.expected, p10: dr.p10, p90: dr.p90 } : null,
    stageWeighted: result.stageWeighted === null ? null : { expected: result.stageWeighted, p10: null, p90: null },
  };
  const blended = { ...methods, driverRegression: dr?.reliable ? methods.driverRegression : null };
  const past = [...bt.warmUp, ...bt.periods].map(historyEntry);
  const b = blendForecast(blended, past, won);
  if (!b) return { primary: null, note: 'no method could forecast this period: this period shows Monte Carlo' };
  const { primary, selection } = selectPrimary(bt.metrics, { picked: b.picked, weights: b.weights, scores: b.scores }, kind);
  const m = bt.metrics;
  const shown = !!dr?.reliable && m.driverRegression.mape !== null && m.runRate.mape !== null && m.driverRegression.mape < m.runRate.mape;
  // Without any blend record the primary is the one method with a record; its own forecast is the number.
  const own = primary === 'blend' ? b : (methods[primary as BlendedMethod] ?? b);
  return {
    primary: {
      method: primary,
      label: METHOD_LABELS[primary],
      expected: own.expected,
      p10: own.p10 ?? b.p10,
      p90: own.p90 ?? b.p90,
      picked: b.picked,
      weights: b.weights,
      methods,
      driverRegression: dr
        ? {
            shown,
            terms: dr.fit.terms,
            adjustedRSquared: dr.fit.adjustedRSquared,
            n: dr.fit.n,
            horizon: dr.fit.horizon,
            warnings: dr.fit.warnings,
          }
        : null,
      record: { periodKind: kind, from: bt.from, to: bt.to, periods: bt.periods.length, metrics: m },
      headline: `This ${kind}'s number is ${lowerFirst(selection.headline)}`,
      reason: `This ${kind}'s number is ${lowerFirst(selection.reason)}`,
    },
  };
}
