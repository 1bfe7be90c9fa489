// Growth by group and period (`report growth`, docs/reports.md): turnover per group and calendar
// period with shares and growth on the previous period and the year before.
import { z } from 'zod';
import { safeString } from './input-rules';
import { defineRoute } from './route';
import { FILTER_NOTE, qInt, reportQuery } from './reports';

export const GrowthQuery = reportQuery({
  by: safeString().min(1).max(100).default('family').describe('family, product, segment, region, business, or another client field'),
  period: z.enum(['year', 'quarter', 'month']).default('quarter'),
  measure: z
    .enum(['auto', 'turnover', 'bookings'])
    .default('auto')
    .describe('turnover = order revenue; bookings = won deal amounts; auto: turnover when orders exist'),
  limit: qInt(1, 500).default(20).describe('groups listed on their own; the rest are one row'),
});

export const GrowthCell = z
  .looseObject({
    period: z.string(),
    value: z.number(),
    share: z.number().nullable().describe("share of the period's total"),
    previous: z.number().nullable().describe('the previous period it is compared with (like for like when the period is cut at the end)'),
    growth: z.number().nullable().describe('(value − previous) ÷ previous; null when not comparable or previous is 0'),
    yearBefore: z.number().nullable(),
    yearOverYear: z.number().nullable(),
  })
  .meta({ id: 'GrowthCell' });
export const GrowthRowOut = z
  .looseObject({
    group: z.string().nullable().describe('null: not recorded'),
    groups: z.number().int().describe('groups a combined row holds'),
    total: z.number(),
    share: z.number().nullable(),
    cells: z.array(GrowthCell),
  })
  .meta({ id: 'GrowthRow' });
export const GrowthPeriodOut = z
  .looseObject({
    period: z.string(),
    start: z.string(),
    end: z.string(),
    observedFrom: z.string(),
    observedTo: z.string(),
    complete: z.boolean(),
    partial: z.enum(['start', 'end']).nullable(),
    likeForLike: z.boolean(),
  })
  .meta({ id: 'GrowthPeriod' });

export const GrowthResponse = z.looseObject({
  report: z.literal('growth'),
  currency: z.string(),
  measure: z.enum(['turnover', 'bookings']),
  measureDefinition: z.string(),
  by: z.string(),
  period: z.enum(['year', 'quarter', 'month']),
  observed: z.looseObject({ from: z.string(), to: z.string() }).nullable(),
  periods: z.array(GrowthPeriodOut),
  rows: z.array(GrowthRowOut),
  total: GrowthRowOut,
  notes: z.array(z.string()),
});

export const growthRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/growth',
  operationId: 'growthReport',
  summary: 'Turnover by group and period: growth on the previous period and on the year before, shares',
  description: `A cross-tab of groups (product family, product, segment, region, new or existing business, ...) by year, quarter or month in date order. Periods cut by the data's span are flagged and compared like for like or not at all. Without orders it measures bookings and says so. ${FILTER_NOTE}`,
  tag: 'reports',
  scope: 'scores:read',
  query: GrowthQuery,
  response: GrowthResponse,
});
