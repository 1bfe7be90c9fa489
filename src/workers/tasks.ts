// The CPU-heavy work the HTTP server hands to its worker threads (src/workers/pool.ts), by name.
// Each task is a thin adapter: it calls the service that does the work, exactly as a route would,
// with plain data in and plain data out (both cross a thread boundary by structured clone). The
// same table runs in the server's own thread when no pool is configured (tests building the app
// alone), so a route behaves the same either way.
// The forecast task includes the backtest that names its primary method (#16): the first forecast
// of a period kind for a data version runs it in this thread, later ones read it from the
// thread's backtest cache (src/services/forecast/backtest-service.ts).
// Measured on the demo company (500 accounts, 3,816 deals; CPU time): a forecast ~1.3 s, what-if
// ~0.5 s, a backtest ~0.7 s, compare ~150 ms, campaign effect ~120 ms, funnel/pareto/
// profitability/run-rate 60-100 ms, one client's profitability 50-70 ms, scoring 1,000 stored
// deals ~80 ms or 500 stored customers ~125 ms. Everything under ~50 ms (single scores, small
// batches, lists, cohorts, campaigns, growth ~5 ms, new vs existing ~15 ms) stays on the event loop.
import type { Database } from '../db/database';
import {
  campaignEffectReport,
  clientProfitability,
  compareReport,
  funnelReport,
  paretoReport,
  profitabilityReport,
} from '../services/analytics';
import { CustomerScoring, scoreCustomers, type ScoreCustomersOptions } from '../services/customers/score-customers';
import { dataVersion } from '../services/data-version';
import {
  backtestForecasts,
  type BacktestOptions,
  forecastPipeline,
  forecastRunRates,
  type PipelineForecastOptions,
  type RunRateOptions,
} from '../services/forecast/forecast-service';
import { takeForecastSnapshot } from '../services/forecast/snapshot-service';
import { whatIfForecast, type WhatIfOptions } from '../services/forecast/what-if-service';
import type { InlineDeal } from '../services/win/inline-deal';
import { scoreDeals, WinScoring } from '../services/win/score-deals';
import { scoreStoredDeals } from '../services/win/stored-deal-scores';
import { scoreStoredCustomers } from '../services/customers/stored-customer-scores';

/** What a task may use besides its input: the database, and the models held in memory. */
export interface TaskContext {
  db: Database;
  /** Where the read-only tasks (READ_TASKS) read: the read replica's view when one is configured, else `db`. */
  readDb: Database;
  modelsDir: string;
  /** The deal-win scoring, current with the data (a worker refreshes its own when the data version moves). */
  win(): Promise<WinScoring>;
  customers(): Promise<CustomerScoring>;
}

type AnalyticsInput<F extends (db: Database, input: never) => unknown> = Parameters<F>[1];

export const TASKS = {
  forecast: (c: TaskContext, input: PipelineForecastOptions) => forecastPipeline(c.readDb, { ...input, modelsDir: c.modelsDir }),
  // Progress callbacks cannot cross a thread: the HTTP backtest has none.
  backtest: (c: TaskContext, input: Omit<BacktestOptions, 'onProgress'>) => backtestForecasts(c.readDb, input),
  runRate: (c: TaskContext, input: RunRateOptions) => forecastRunRates(c.readDb, input),
  snapshot: async (c: TaskContext, input: PipelineForecastOptions & { takenAt?: Date }) => {
    const r = await takeForecastSnapshot(c.db, { ...input, modelsDir: c.modelsDir });
    return { snapshotId: r.snapshotId, rows: r.rows };
  },
  whatIf: (c: TaskContext, input: WhatIfOptions) => whatIfForecast(c.readDb, { ...input, modelsDir: c.modelsDir }),
  compare: (c: TaskContext, input: AnalyticsInput<typeof compareReport>) => compareReport(c.readDb, input),
  profitability: (c: TaskContext, input: AnalyticsInput<typeof profitabilityReport>) => profitabilityReport(c.readDb, input),
  clientProfitability: (c: TaskContext, { externalId, ...input }: { externalId: string } & Parameters<typeof clientProfitability>[2]) =>
    clientProfitability(c.readDb, externalId, input),
  pareto: (c: TaskContext, input: AnalyticsInput<typeof paretoReport>) => paretoReport(c.readDb, input),
  campaignEffect: (c: TaskContext, input: AnalyticsInput<typeof campaignEffectReport>) => campaignEffectReport(c.readDb, input),
  funnel: (c: TaskContext, input: AnalyticsInput<typeof funnelReport>) => funnelReport(c.readDb, input),
  /**
   * Stored deals by internal id, or inline deals: a large batch. Inline deals go through
   * WinScoring.scoreInline as on the event loop: each as of its own asOf when it has one, factors
   * left out when explain is false.
   */
  scoreDeals: async (c: TaskContext, input: { opportunityIds?: number[]; inline?: InlineDeal[]; asOf: Date; explain?: boolean }) =>
    scoreDeals(c.db, { ...input, scoring: await c.win() }),
  /** Stored deals named by external id (the ids the database does not know are listed as missing). */
  scoreStoredDeals: async (c: TaskContext, input: { externalIds: string[]; asOf: Date }) =>
    scoreStoredDeals(c.db, await c.win(), input.externalIds, input.asOf),
  scoreCustomers: async (c: TaskContext, input: Omit<ScoreCustomersOptions, 'scoring' | 'modelsDir'>) =>
    scoreCustomers(c.db, { ...input, scoring: await c.customers() }),
  scoreStoredCustomers: async (c: TaskContext, input: { externalIds: string[]; asOf?: Date }) =>
    scoreStoredCustomers(c.db, input.externalIds, { asOf: input.asOf, scoring: await c.customers() }),
} satisfies Record<string, (c: TaskContext, input: never) => Promise<unknown>>;

export type TaskName = keyof typeof TASKS;

/** The tasks that only read, and so read from the read replica when one is configured (DATABASE_READ_URL). */
export const READ_TASKS: ReadonlySet<TaskName> = new Set<TaskName>([
  'forecast',
  'backtest',
  'runRate',
  'whatIf',
  'compare',
  'profitability',
  'clientProfitability',
  'pareto',
  'campaignEffect',
  'funnel',
]);
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[1];
export type TaskOutput<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;

/**
 * The models a worker thread holds: loaded on first use, reloaded when the data version moved
 * (a promotion or an import by any process changes it), so a worker scores with what the server
 * would.
 */
export function workerModels(db: Database, modelsDir: string): Pick<TaskContext, 'win' | 'customers'> {
  return {
    win: heldUntilDataChanges(db, () => new WinScoring(db, { modelsDir })),
    customers: heldUntilDataChanges(db, () => new CustomerScoring(db, { modelsDir })),
  };
}

/** One scoring object, refreshed whenever the data version has moved since its last refresh. */
function heldUntilDataChanges<S extends { refresh(): Promise<unknown> }>(db: Database, make: () => S): () => Promise<S> {
  let held: { at: number | null; scoring: S } | null = null;
  return async () => {
    const v = await dataVersion(db);
    if (!held || v === null || held.at !== v) {
      const scoring = held?.scoring ?? make();
      await scoring.refresh();
      held = { at: v, scoring };
    }
    return held.scoring;
  };
}
