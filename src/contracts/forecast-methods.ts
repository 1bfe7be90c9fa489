// The forecasting methods in the API: each method's backtest accuracy, the primary forecast the
// service presents (chosen by its own backtest, issue #16) and the period effects behind the Monte
// Carlo range. Shared by the forecast, backtest and run-rate contracts.
import { z } from 'zod';
import { IsoDateTime } from './common';

export const METHOD_KEYS = ['monteCarlo', 'stageWeighted', 'commitCall', 'bestCaseCall', 'runRate', 'driverRegression', 'blend'] as const;
export const BLENDED_METHOD_KEYS = ['monteCarlo', 'runRate', 'driverRegression', 'stageWeighted'] as const;

export const Accuracy = z
  .object({
    periods: z.number().int(),
    bias: z.number().nullable().describe('mean of forecast - actual (null without periods)'),
    mae: z.number().nullable(),
    rmse: z.number().nullable(),
    mape: z.number().nullable().describe('in percent; null when every actual is zero'),
    coverage: z.number().nullable().describe('share of periods whose actual lies in P10-P90; null without an interval'),
    intervals: z.number().int().describe('periods with a P10-P90 range'),
    covered: z.number().int().describe('of those, periods whose actual fell inside it'),
  })
  .meta({ id: 'ForecastAccuracy' });

export const Metrics = z
  .object(Object.fromEntries(METHOD_KEYS.map((k) => [k, Accuracy])) as Record<(typeof METHOD_KEYS)[number], typeof Accuracy>)
  .describe('per method: error, bias, MAPE, P10-P90 coverage; `blend` is the rule the service presents, evaluated out of sample');

export const BacktestBand = z.object({
  expected: z.number(),
  p10: z.number().nullable(),
  p50: z.number().nullable().optional(),
  p90: z.number().nullable(),
});

export const MethodBand = z.object({ expected: z.number(), p10: z.number().nullable(), p90: z.number().nullable() });

export const DriverTerm = z
  .object({
    term: z.string().describe('driver name, or (intercept)'),
    estimate: z.number().describe('bookings per unit of the driver'),
    standardError: z.number(),
    t: z.number(),
    pValue: z.number().describe('two-sided, Student t'),
    ci95: z.tuple([z.number(), z.number()]),
  })
  .meta({ id: 'DriverTerm' });

export const PrimaryForecast = z
  .object({
    method: z.enum(METHOD_KEYS).describe("the key of the backtest's metrics this number comes from (normally blend)"),
    label: z.string(),
    expected: z.number(),
    p10: z.number(),
    p90: z.number(),
    picked: z.string().describe("what the blend uses this period: 'combination' or one method's key"),
    weights: z.record(z.string(), z.number()).describe("each method's share of the number"),
    methods: z
      .object(
        Object.fromEntries(BLENDED_METHOD_KEYS.map((k) => [k, MethodBand.nullable()])) as Record<
          (typeof BLENDED_METHOD_KEYS)[number],
          z.ZodNullable<typeof MethodBand>
        >,
      )
      .describe("every method's own forecast of the period (null: not available)"),
    driverRegression: z
      .object({
        shown: z.boolean().describe('reliable (enough periods per driver) and its backtest MAPE beats run-rate'),
        terms: z.array(DriverTerm),
        adjustedRSquared: z.number(),
        n: z.number().int(),
        horizon: z.number().int().describe('months the target sums'),
        warnings: z.array(z.string()),
      })
      .nullable(),
    record: z.object({
      periodKind: z.enum(['month', 'quarter']),
      from: IsoDateTime,
      to: IsoDateTime,
      periods: z.number().int(),
      metrics: Metrics,
    }),
    headline: z.string().describe('what the number is, in one sentence: "This quarter\'s number is the blend, …"'),
    reason: z.string().describe("the headline, then each method's record, in words"),
  })
  .meta({ id: 'PrimaryForecast' });

export const PeriodEffects = z
  .object({
    windows: z.number().int().describe('past periods the estimate rests on'),
    winRateSd: z.number().describe('between-period sd of the win rate (logit scale) beyond binomial noise'),
    timingSd: z.number().describe('between-period sd of the close rate (logit scale)'),
    winRateI2: z.number(),
    timingI2: z.number(),
    position: z
      .object({ kind: z.string(), position: z.number().int(), winRateShift: z.number(), timingShift: z.number() })
      .nullable()
      .describe("the period's position (e.g. 3rd month of a quarter) and its logit shift, when positions differ"),
    group: z.object({ dimension: z.string(), sd: z.number(), groups: z.number().int() }).nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'PeriodEffects' });
