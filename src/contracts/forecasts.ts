// Forecasts (issue 6): the pipeline forecast of a period with P10/P50/P90 from Monte Carlo over each
// deal's win probability and close timing, backtests against actuals, run-rate forecasts.
import { z } from 'zod';
import { IsoDateInput, IsoDateTime, queryRowId, text } from './common';
import { BacktestBand, DriverTerm, MethodBand, Metrics, METHOD_KEYS, PeriodEffects, PrimaryForecast } from './forecast-methods';

export { Accuracy, DriverTerm, PeriodEffects, PrimaryForecast } from './forecast-methods';
import { defineRoute } from './route';

export const FORECAST_DIMENSIONS = ['rep', 'team', 'region', 'product', 'segment', 'category'] as const;

const dims = z
  .string()
  .regex(
    new RegExp(`^(${FORECAST_DIMENSIONS.join('|')})(,(${FORECAST_DIMENSIONS.join('|')}))*$`),
    `must be a comma-separated list of ${FORECAST_DIMENSIONS.join(', ')}`,
  )
  .describe(`breakdowns, comma-separated (${FORECAST_DIMENSIONS.join(', ')}); default all`);

export const Band = z.object({ expected: z.number(), p10: z.number(), p50: z.number(), p90: z.number() }).loose().meta({ id: 'Band' });

/** A named period: a year from 1900 to 2199, optionally a month 1-12 or a quarter. */
const PeriodName = z
  .string()
  .regex(/^\d{4}(-(0?[1-9]|1[0-2])|-?Q[1-4])?$/i, 'must look like 2025-07, 2025-Q3 or 2025')
  // Only said of text that looks like a period (the pattern's message covers the rest).
  .refine(
    (s) => !/^\d{4}/.test(s) || (Number(s.slice(0, 4)) >= 1900 && Number(s.slice(0, 4)) <= 2199),
    'the year must be between 1900 and 2199',
  );

export const ForecastQuery = z.strictObject({
  period: PeriodName.optional().describe('month (2025-07), quarter (2025-Q3) or year (2025); default: the current quarter'),
  from: IsoDateInput.optional().describe('custom range start (with to) instead of a named period'),
  to: IsoDateInput.optional(),
  asOf: IsoDateInput.optional().describe('forecast as of this date (default now)'),
  by: dims.optional(),
  sims: z.coerce.number().int().min(100).max(50_000).default(10_000).describe('Monte Carlo simulations'),
  seed: z.coerce.number().int().optional().describe('default: the server seed (results are deterministic per seed)'),
  scorer: z.enum(['auto', 'win-model', 'stage-model']).default('auto'),
});

const Disagreement = z
  .enum(['above-model', 'below-model'])
  .nullable()
  .describe("the reps' commit call above the model's P90 or below its P10; null inside");

export const ForecastCategories = z
  .object({
    key: z.string(),
    closed: z.number().describe('won in the period'),
    commit: z.number().describe('open deals expected to close in the period that the reps commit to'),
    bestCase: z.number(),
    pipeline: z.number(),
    omitted: z.number(),
    commitCall: z.number().describe('closed + commit'),
    bestCaseCall: z.number().describe('commit call + best case'),
    pipelineCall: z.number().describe('best-case call + pipeline'),
    model: z.object({ expected: z.number(), p10: z.number(), p90: z.number() }).nullable(),
    disagreement: Disagreement,
  })
  .meta({ id: 'ForecastCategories' });

export const ForecastGroup = Band.extend({
  key: z.string(),
  wonToDate: z.number(),
  openDeals: z.number(),
  openExpected: z.number().describe("the group's open deals' expected contribution to the period"),
  stageWeighted: z.number(),
  commitCall: z.number().nullable(),
  bestCaseCall: z.number().nullable(),
  disagreement: Disagreement,
}).meta({ id: 'ForecastGroup' });

export const ForecastResponse = z
  .object({
    currency: z.string(),
    period: z.object({ label: z.string(), start: IsoDateTime, end: IsoDateTime }),
    asOf: IsoDateTime,
    seed: z.number().int(),
    sims: z.number().int(),
    method: z.literal('monte-carlo'),
    scorer: z.string(),
    scorerNote: z.string().optional(),
    primary: PrimaryForecast.nullable()
      .optional()
      .describe('the number to act on: the method (normally the blend) chosen by its own backtest; null for year and custom periods'),
    primaryNote: z.string().optional(),
    wonToDate: z.number(),
    openPipeline: Band.extend({
      deals: z.number().int().describe('open deals at the as-of moment, whatever their expected close date'),
      sd: z.number(),
      imputedAmounts: z
        .number()
        .int()
        .describe('open deals without an amount: each win draws its amount from the won amounts of similar deals'),
      amountSources: z.array(z.object({ source: z.string(), deals: z.number().int() })),
      unvaluedDeals: z.number().int().describe('open deals without an amount and nothing ever won to value them by (left out)'),
      amount: z.number().describe('total amount of those open deals (not weighted by probability)'),
      amountInPeriod: z
        .number()
        .describe("amount of the open deals whose expected close date falls in the period (the pipeline-changes waterfall's measure)"),
    }).describe("the open deals' expected contribution to the period (win probability x probability of closing in it)"),
    newBusiness: Band.extend({ expectedDeals: z.number(), creationRatePerDay: z.number(), winRate: z.number(), meanWonAmount: z.number() }),
    total: Band.extend({ sd: z.number() }),
    periodEffects: PeriodEffects,
    stageWeighted: z.number().nullable().describe('null when the open deals carry no expected close date'),
    callsProvided: z.boolean().describe("false when no deal carries a forecast category: the reps' call is not provided"),
    categories: ForecastCategories.describe(
      "reps' forecast categories rolled up (pipeline, best case, commit, closed, omitted) next to the model",
    ),
    breakdown: z.record(z.string(), z.array(ForecastGroup)),
    elapsedMs: z.number(),
  })
  .loose();

export const forecastRoute = defineRoute({
  method: 'get',
  path: '/v1/forecasts',
  operationId: 'forecastPipeline',
  summary: 'Pipeline forecast of a period: won to date + open deals simulated + expected new business, with P10/P50/P90 and breakdowns',
  tag: 'forecasts',
  scope: 'scores:read',
  query: ForecastQuery,
  response: ForecastResponse,
  errors: [422],
});

export const BacktestQuery = z.strictObject({
  from: IsoDateInput.optional().describe('default: 12 periods before `to`'),
  to: IsoDateInput.optional().describe('default: the start of the current period'),
  period: z.enum(['month', 'quarter', 'year']).default('month'),
  sims: z.coerce.number().int().min(100).max(20_000).default(2000),
  seed: z.coerce.number().int().optional(),
});

export const BacktestPeriod = z
  .object({
    period: z.string(),
    asOf: IsoDateTime.describe("the period's first moment: every method forecasts from what was known then"),
    actual: z.number().describe('bookings won in the period'),
    openDeals: z.number().int(),
    monteCarlo: BacktestBand.extend({
      wonToDate: z.number(),
      open: z.number(),
      newBusiness: z.number(),
      effects: z
        .object({
          winSd: z.number(),
          timingSd: z.number(),
          winShift: z.number(),
          timingShift: z.number(),
          group: z.string().nullable(),
          windows: z.number().int(),
        })
        .describe('the period effect simulated'),
    }),
    stageWeighted: z.number().nullable().describe('null when the CRM gives no expected close dates'),
    commitCall: z
      .number()
      .nullable()
      .describe(
        "the reps' commit on the period's first day: won so far (nothing yet) + open deals in the commit category expected to close in the period; null when no deal has a forecast category",
      ),
    bestCaseCall: z.number().nullable(),
    runRate: BacktestBand.extend({ method: z.string() }),
    driverRegression: BacktestBand.extend({ reliable: z.boolean().describe('enough periods per driver to be blended') }).nullable(),
    blend: BacktestBand.extend({
      picked: z.string().describe("'combination' or the method used alone"),
      weights: z.record(z.string(), z.number()),
      conformal: z.number().describe('widening (or narrowing) of the band from its own past misses, as a share of the point'),
      raw: z.object({ p10: z.number(), p90: z.number() }),
      combination: MethodBand,
    })
      .nullable()
      .describe('the blend, from earlier periods only'),
  })
  .meta({ id: 'BacktestPeriod' });

export const BacktestResponse = z
  .object({
    currency: z.string(),
    from: IsoDateTime,
    to: IsoDateTime,
    periodKind: z.string(),
    seed: z.number().int(),
    sims: z.number().int(),
    scorer: z.string(),
    notes: z.array(z.string()).optional(),
    periods: z.array(BacktestPeriod).describe('per period: forecast vs actual for each method'),
    warmUp: z.array(BacktestPeriod).describe('periods replayed before the first one only to give the blend a record'),
    metrics: Metrics,
    primary: z.enum(METHOD_KEYS).describe('the method the service presents: a key of metrics'),
    selection: z.object({
      primary: z.enum(METHOD_KEYS),
      rule: z.string(),
      picked: z.string().describe("what the blend would use next: 'combination' or one method's key"),
      weights: z.record(z.string(), z.number()),
      headline: z.string(),
      reason: z.string(),
    }),
    elapsedMs: z.number(),
  })
  .loose();

export const backtestRoute = defineRoute({
  method: 'get',
  path: '/v1/forecasts/backtest',
  operationId: 'backtestForecasts',
  summary: 'Replay past periods as of their start (no leakage) and score each method against actuals',
  description:
    'Uses the stage model over HTTP (fast); the deal-win model retrained per period is a batch job: `npx salescast forecast backtest --scorer win-model`.',
  tag: 'forecasts',
  scope: 'scores:read',
  query: BacktestQuery,
  response: BacktestResponse,
  errors: [422],
});

export const RunRateQuery = z.strictObject({
  horizon: z.coerce.number().int().min(1).max(60).default(12).describe('months ahead'),
  asOf: IsoDateInput.optional(),
  seed: z.coerce.number().int().optional(),
});

const Series = z.array(z.object({ month: z.string(), value: z.number() }));
const Levels = z.object({ 80: z.array(z.number()), 95: z.array(z.number()) }).describe('per interval level (%), one bound per month');
export const RunRateForecast = z
  .object({
    mean: z.array(z.number()),
    lo: Levels,
    hi: Levels,
    method: z.enum(['holt-winters-additive', 'holt-winters-multiplicative', 'trend-seasonal', 'trend', 'mean']),
    sum: z
      .object({ mean: z.number(), p10: z.number(), p90: z.number() })
      .describe('the total over the horizon, P10-P90 from simulated paths'),
    details: z.record(z.string(), z.union([z.number(), z.string()])),
  })
  .meta({ id: 'RunRateForecast' });
export const RunRateResponse = z
  .object({
    currency: z.string(),
    asOf: IsoDateTime,
    seed: z.number().int(),
    months: z.array(z.string()),
    bookings: z.object({ history: Series, forecast: RunRateForecast }),
    revenue: z.object({ history: Series, forecast: RunRateForecast }).nullable(),
    drivers: z
      .object({
        drivers: z.array(z.string()),
        coefficients: z.record(z.string(), z.number()),
        intercept: z.number(),
        terms: z.array(DriverTerm),
        residualSd: z.number(),
        rSquared: z.number(),
        adjustedRSquared: z.number(),
        n: z.number().int(),
        horizon: z.number().int(),
        covariance: z.enum(['ols', 'newey-west']),
        warnings: z.array(z.string()),
        next: z.object({ mean: z.number(), p10: z.number(), p90: z.number() }),
        month: z.string(),
      })
      .nullable()
      .describe("bookings on last month's drivers (multi-factor regression) with standard errors and p-values"),
  })
  .loose();

export const runRateRoute = defineRoute({
  method: 'get',
  path: '/v1/forecasts/run-rate',
  operationId: 'forecastRunRate',
  summary: 'Run-rate forecast of monthly bookings and revenue (trend + seasonality, intervals) and the driver regression',
  tag: 'forecasts',
  scope: 'scores:read',
  query: RunRateQuery,
  response: RunRateResponse,
});

export const Snapshot = z
  .object({
    id: z.number().int(),
    takenAt: IsoDateTime,
    asOf: IsoDateTime,
    period: z.string(),
    periodStart: IsoDateTime,
    periodEnd: IsoDateTime,
    wonToDate: z.number(),
    expected: z.number(),
    p10: z.number(),
    p50: z.number(),
    p90: z.number(),
    deals: z.number().int(),
  })
  .meta({ id: 'ForecastSnapshot' });

export const TakeSnapshotBody = z
  .object({
    period: ForecastQuery.shape.period,
    asOf: IsoDateInput.optional(),
    sims: z.number().int().min(100).max(50_000).default(10_000),
    seed: z.number().int().optional(),
  })
  .strict();

export const takeSnapshotRoute = defineRoute({
  method: 'post',
  path: '/v1/forecasts/snapshots',
  operationId: 'takeForecastSnapshot',
  summary: 'Store the forecast as of now (with per-deal states) for later backtests and change waterfalls',
  tag: 'forecasts',
  scope: 'admin',
  body: TakeSnapshotBody,
  status: 201,
  response: z.object({ currency: z.string(), snapshot: Snapshot, rows: z.number().int() }),
  errors: [422],
});

export const listSnapshotsRoute = defineRoute({
  method: 'get',
  path: '/v1/forecasts/snapshots',
  operationId: 'listForecastSnapshots',
  summary: 'Stored forecast snapshots, latest as-of first (paginated)',
  tag: 'forecasts',
  scope: 'scores:read',
  query: z.strictObject({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  }),
  response: z.object({
    currency: z.string(),
    items: z.array(Snapshot),
    page: z.object({ limit: z.number().int(), offset: z.number().int(), total: z.number().int(), nextOffset: z.number().int().nullable() }),
  }),
});

const SnapshotDeal = z.object({
  externalId: z.string().nullable(),
  outcome: z.string(),
  amount: z.number(),
  expectedCloseAt: IsoDateTime.nullable(),
  stage: z.string(),
});
export const ChangesResponse = z.object({
  currency: z.string(),
  from: Snapshot,
  to: Snapshot,
  window: z.object({ start: IsoDateTime, end: IsoDateTime }).describe("the earlier snapshot's period: pipeline expected to close in it"),
  start: z.number().describe('pipeline amount in the window at the earlier snapshot'),
  end: z.number().describe('pipeline amount in the window at the later snapshot'),
  steps: z
    .array(
      z.object({
        kind: z.enum(['new', 'pulled_in', 'pushed_out', 'won', 'lost', 'amount_change']),
        deals: z.number().int(),
        amount: z.number(),
      }),
    )
    .describe('the waterfall from start to end'),
  changes: z.array(
    z.object({
      externalId: z.string().nullable(),
      name: z.string().nullable().describe("the deal's name in the CRM, when it has one"),
      kind: z.string(),
      delta: z.number(),
      from: SnapshotDeal.nullable(),
      to: SnapshotDeal.nullable(),
    }),
  ),
});

export const changesRoute = defineRoute({
  method: 'get',
  path: '/v1/forecasts/changes',
  operationId: 'pipelineChanges',
  summary:
    'Pipeline changes between two snapshots (default: the two latest) as a waterfall: new, won, lost, pushed out, pulled in, amount changes',
  tag: 'forecasts',
  scope: 'scores:read',
  query: z.strictObject({
    from: queryRowId().optional().describe('snapshot id'),
    to: queryRowId().optional().describe('snapshot id'),
  }),
  response: ChangesResponse,
  errors: [404],
});

export const WhatIfChange = z
  .object({
    id: text().describe('external id of an open deal'),
    stage: text(100).optional(),
    amount: z.number().finite().nonnegative().optional(),
    expectedCloseAt: IsoDateInput.optional(),
    addActivities: z
      .object({ count: z.number().int().min(1).max(1000), type: text(100).optional() })
      .strict()
      .optional()
      .describe('activities logged now, e.g. a meeting booked'),
    drop: z.boolean().optional().describe('remove the deal from the pipeline'),
  })
  .strict()
  .refine(
    (c) =>
      c.stage !== undefined ||
      c.amount !== undefined ||
      c.expectedCloseAt !== undefined ||
      c.addActivities !== undefined ||
      c.drop === true,
    { message: 'name at least one change (stage, amount, expectedCloseAt, addActivities or drop)' },
  );

export const WhatIfBody = z
  .object({
    changes: z.array(WhatIfChange).min(1, 'name at least one change').max(500),
    period: ForecastQuery.shape.period,
    asOf: IsoDateInput.optional(),
    sims: z.number().int().min(100).max(50_000).default(10_000),
    seed: z.number().int().optional(),
  })
  .strict();

const DealView = z
  .object({
    stage: z.string(),
    amount: z.number(),
    expectedCloseAt: IsoDateTime.nullable(),
    winProbability: z.number(),
    inPeriodProbability: z.number(),
    expectedContribution: z.number(),
  })
  .loose();
export const WhatIfResponse = z.object({
  currency: z.string(),
  period: z.object({ label: z.string(), start: IsoDateTime, end: IsoDateTime }),
  asOf: IsoDateTime,
  seed: z.number().int(),
  sims: z.number().int(),
  scorer: z.string(),
  notes: z.array(z.string()),
  baseline: Band,
  scenario: Band,
  delta: Band.describe('scenario minus baseline (same seed, common random numbers)'),
  deals: z.array(z.object({ externalId: z.string(), before: DealView, after: DealView.nullable().describe('null when dropped') })),
});

export const whatIfRoute = defineRoute({
  method: 'post',
  path: '/v1/deals/what-if',
  operationId: 'dealWhatIf',
  summary: "What-if: change deals' stage, amount, close date or activity (or drop them) and get their new scores and the forecast delta",
  tag: 'deals',
  scope: 'scores:read',
  body: WhatIfBody,
  response: WhatIfResponse,
  errors: [404],
});
