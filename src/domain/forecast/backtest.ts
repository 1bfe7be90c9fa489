// Backtests: replay history as of each period's start, forecast the period with every method
// from what was known then, and compare with what was actually booked. Point-in-time: deals are
// rebuilt with the deal timeline's dealAsOf (events stamped before the period's start: nothing of
// the period itself), the stage and timing models learn only from deals closed before it, and the
// run-rate and driver models see only earlier months.
import type { Deal } from '../deal-timeline/deal';
import type { DealState } from './deal-state';
import { accuracy, type AccuracyMetrics } from './backtest-metrics';
import { fitDriverRegression, type DriverRow } from './driver-regression';
import { monthIndex, type Period } from './period';
import { forecastPipelineFromHistory, type DealScorer } from './pipeline-forecast';
import { seedForStream } from '../../math/random';
import { forecastRunRate } from './run-rate';
import { firstMonth, monthlyBookings, monthlyPipelineCreated } from './series';

export interface BacktestInput {
  history: readonly Deal[];
  periods: readonly Period[];
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
  monteCarlo: Interval & { wonToDate: number; open: number; newBusiness: number };
  stageWeighted: number;
  commitCall: number;
  bestCaseCall: number;
  runRate: Interval & { method: string };
  driverRegression: Interval | null;
}

export interface BacktestResult {
  seed: number;
  sims: number;
  scorer: string;
  periods: BacktestPeriod[];
  metrics: Record<'monteCarlo' | 'stageWeighted' | 'commitCall' | 'bestCaseCall' | 'runRate' | 'driverRegression', AccuracyMetrics>;
}

export async function runBacktest(input: BacktestInput): Promise<BacktestResult> {
  const { history, periods } = input;
  const first = firstMonth(history);
  const out: BacktestPeriod[] = [];
  let scorerName = 'stage-model';
  for (let k = 0; k < periods.length; k++) {
    const period = periods[k];
    const asOf = period.start.getTime();
    const scorer = input.scorerFor ? await input.scorerFor(asOf) : undefined;
    if (scorer) scorerName = input.scorerName ?? 'custom';
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

    // Run-rate: monthly bookings strictly before the period, forecast over the period's months.
    const startMonth = monthIndex(asOf);
    const months = Math.max(1, monthIndex(period.end.getTime() - 1) - startMonth + 1);
    const from = first ?? startMonth;
    const series = monthlyBookings(history, from, startMonth, asOf);
    const rr = series.length ? forecastRunRate(series, months, { firstMonth: from % 12, seed: seedForStream(input.seed, 1000 + k) }) : null;

    // Drivers (one-month periods only: lag-1 drivers are known for the next month alone).
    let driverRegression: Interval | null = null;
    if (months === 1 && series.length >= 8) {
      const created = monthlyPipelineCreated(history, from, startMonth, asOf);
      const rows: DriverRow[] = series.map((b, i) => {
        const drivers: Record<string, number> = { pipelineCreated: created[i] };
        for (const [name, m] of Object.entries(input.drivers ?? {})) drivers[name] = m.get(from + i) ?? 0;
        return { bookings: b, drivers };
      });
      const fit = fitDriverRegression(rows);
      if (fit) driverRegression = { expected: fit.next.mean, p10: fit.next.p10, p90: fit.next.p90 };
    }

    const sim = f.simulation;
    out.push({
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
      },
      stageWeighted: f.stageWeighted,
      commitCall: f.categories.overall.commitCall,
      bestCaseCall: f.categories.overall.bestCaseCall,
      runRate: rr
        ? { expected: Math.max(0, rr.sum.mean), p10: Math.max(0, rr.sum.p10), p90: Math.max(0, rr.sum.p90), method: rr.method }
        : { expected: 0, p10: null, p90: null, method: 'none' },
      driverRegression,
    });
  }
  const pts = (pick: (p: BacktestPeriod) => Interval | number | null) =>
    out.flatMap((p) => {
      const v = pick(p);
      if (v === null) return [];
      return typeof v === 'number'
        ? [{ forecast: v, actual: p.actual }]
        : [{ forecast: v.expected, actual: p.actual, p10: v.p10, p90: v.p90 }];
    });
  return {
    seed: input.seed,
    sims: input.sims,
    scorer: scorerName,
    periods: out,
    metrics: {
      monteCarlo: accuracy(pts((p) => p.monteCarlo)),
      stageWeighted: accuracy(pts((p) => p.stageWeighted)),
      commitCall: accuracy(pts((p) => p.commitCall)),
      bestCaseCall: accuracy(pts((p) => p.bestCaseCall)),
      runRate: accuracy(pts((p) => (p.runRate.method === 'none' ? null : p.runRate))),
      driverRegression: accuracy(pts((p) => p.driverRegression)),
    },
  };
}
