// Client economics and comparisons (issue 5) over HTTP. Reads are GETs with flat query strings so a
// dashboard can bookmark them: reserved parameters below, and ANY OTHER query parameter is a filter
// `field=value[,value...]` (segment, region, rep, cohort, product, attr.<name>, ...; unknown fields
// are refused with 400 naming them). Group comparisons take their group definitions as a JSON body.
import { z } from 'zod';
import { IsoDateInput, safeString } from './common';
import { defineRoute } from './route';

export const FILTER_NOTE =
  'Any other query parameter filters: field=value or field=a,b (e.g. segment=enterprise&region=EU,US; attr.<name> for custom attributes).';

const period = {
  from: IsoDateInput.optional().describe('inclusive start (YYYY-MM-DD or date-time)'),
  to: IsoDateInput.optional().describe('inclusive end; a date covers the whole day'),
};
/** Reserved keys are declared; the rest (filters) pass through as strings. */
export const reportQuery = <S extends z.ZodRawShape>(shape: S) => z.object({ ...period, ...shape }).catchall(safeString());

export const qInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const Interval = z
  .looseObject({ estimate: z.number().nullable(), lo: z.number().nullable(), hi: z.number().nullable() })
  .meta({ id: 'Interval' });
export const PeriodOut = z.looseObject({ from: z.string().nullable(), to: z.string().nullable() });

export const ProfitabilityQuery = reportQuery({
  sort: safeString()
    .default('-netProfit')
    .describe('sort field, - prefix for descending (netProfit, revenue, grossMargin, netMarginPct, paybackMonths, clv, ...)'),
  limit: qInt(1, 1000).default(50),
  offset: qInt(0, 10_000_000).default(0),
  by: safeString().optional().describe('break totals down by a client field instead of listing clients'),
});

const MoneyTotals = z.looseObject({
  clients: z.number(),
  revenue: z.number(),
  costOfGoods: z.number(),
  grossMargin: z.number(),
  costToServe: z.number(),
  netProfit: z.number(),
  netMarginPct: z.number().nullable(),
});

export const PaybackMonthOut = z
  .looseObject({
    month: z.number().int().describe('months since acquisition (0 = the acquisition month)'),
    calendarMonth: z.string(),
    netProfit: z.number(),
    cumulativeNetProfit: z.number(),
    balance: z.number().describe('cumulative net profit − acquisition cost'),
  })
  .meta({ id: 'PaybackMonth' });

export const ProfitabilityRow = z
  .looseObject({
    accountId: z.string(),
    name: z.string(),
    revenue: z.number(),
    costOfGoods: z.number(),
    grossMargin: z.number(),
    grossMarginPct: z.number().nullable(),
    costToServe: z.number(),
    netProfit: z.number(),
    netMarginPct: z.number().nullable(),
    orders: z.number(),
    averageOrderValue: z.number().nullable(),
    firstPurchase: z.string().nullable(),
    lastPurchase: z.string().nullable(),
    acquisitionCost: z.number().nullable(),
    acquisitionCostSource: z
      .enum(['account', 'campaign'])
      .nullable()
      .describe("account: the account's own acquisition cost; campaign: its acquiring campaign's cost ÷ the clients it acquired"),
    acquiredAt: z.string().nullable().describe('acquisition date, else the first order'),
    paybackMonths: z.number().nullable(),
    payback: z
      .enum(['paid_back', 'not_yet', 'no_acquisition_cost', 'acquired_before_history'])
      .describe('acquired_before_history: the margin of its first months was never recorded, so payback cannot be counted'),
    paybackCurve: z
      .array(PaybackMonthOut)
      .optional()
      .describe('month by month from acquisition until cumulative net profit covers the acquisition cost (one client only)'),
    clv: z.number().nullable(),
  })
  .meta({ id: 'ProfitabilityRow' });

export const ProfitabilityResponse = z.looseObject({
  report: z.literal('profitability'),
  currency: z.string().describe('ISO 4217 code of every money figure'),
  period: PeriodOut,
  totals: MoneyTotals,
  rows: z.array(ProfitabilityRow),
  groups: z.array(z.looseObject({ group: z.string().nullable() })).optional(),
  page: z.object({ limit: z.number().int(), offset: z.number().int(), total: z.number().int(), nextOffset: z.number().int().nullable() }),
});

export const profitabilityRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/profitability',
  operationId: 'profitabilityReport',
  summary: 'Per-client profitability, ranked and paginated (or totals by a field)',
  description: `Revenue, cost of goods, gross margin, cost to serve, net profit, payback and CLV per client over a period. ${FILTER_NOTE}`,
  tag: 'reports',
  scope: 'scores:read',
  query: ProfitabilityQuery,
  response: ProfitabilityResponse,
});

export const clientProfitabilityRoute = defineRoute({
  method: 'get',
  path: '/v1/clients/:id/profitability',
  operationId: 'clientProfitability',
  summary: 'Profitability of one client (by external id)',
  tag: 'reports',
  scope: 'scores:read',
  params: z.object({ id: safeString().min(1).max(200) }),
  query: z.strictObject(period),
  response: z.object({ currency: z.string(), period: PeriodOut, client: ProfitabilityRow }),
  errors: [404],
});

export const ParetoQuery = reportQuery({
  points: qInt(2, 1000).default(20).describe('steps of the curve'),
  limit: qInt(0, 100_000).default(20).describe('profit-destroying clients to list'),
});
export const ParetoPoint = z
  .object({
    clientShare: z.number().describe('share of clients (0..1), most profitable first'),
    clients: z.number().int(),
    profitShare: z.number().nullable().describe('cumulative share of net profit; above 1 on a whale curve'),
    revenueShare: z.number().nullable(),
  })
  .meta({ id: 'ParetoPoint' });
export const ParetoResponse = z.looseObject({
  report: z.literal('pareto'),
  currency: z.string(),
  period: PeriodOut,
  clients: z.number(),
  totalRevenue: z.number(),
  totalProfit: z.number(),
  positiveProfit: z.number(),
  top20: z.looseObject({ clients: z.number(), profitShare: z.number().nullable(), revenueShare: z.number().nullable() }),
  peakProfitShare: z
    .number()
    .nullable()
    .describe('highest point of the cumulative profit curve (above 1 when some clients destroy profit)'),
  curve: z.array(ParetoPoint),
  classes: z.array(z.looseObject({ class: z.string(), clients: z.number() })),
  destroyers: z.array(
    z.looseObject({ accountId: z.string(), name: z.string(), revenue: z.number(), netProfit: z.number(), rank: z.number().int() }),
  ),
  destroyerCount: z.number().int(),
});
export const paretoRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/pareto',
  operationId: 'paretoReport',
  summary: 'Concentration: Pareto curve of profit and revenue, top-20% share, ABC classes, profit destroyers',
  description: FILTER_NOTE,
  tag: 'reports',
  scope: 'scores:read',
  query: ParetoQuery,
  response: ParetoResponse,
});

export const CohortsQuery = reportQuery({
  kind: z.enum(['clients', 'deals']).default('clients'),
  by: safeString().default('month').describe('cohort key: month, quarter or a client field'),
  period: z.enum(['month', 'quarter']).optional().describe('length of the periods since acquisition'),
  periods: qInt(1, 120).default(12),
  cohorts: z
    .enum(['observed', 'all'])
    .default('observed')
    .describe(
      'observed: leave out clients acquired before the order history begins (their first periods were not recorded); all: keep them, unobserved cells null',
    ),
});
export const CohortCell = z
  .looseObject({
    period: z.number().int().describe('periods since acquisition (0 = the acquisition period)'),
    observed: z.boolean().describe('false when no client of the cohort can be seen in this period (outside the order history)'),
    eligibleClients: z.number().int().describe('clients of the cohort that can be seen in this period: the denominator of retention'),
    activeClients: z.number().nullable(),
    retention: z.number().nullable().describe('share of the cohort with an order in this period; null before the order history starts'),
    revenue: z.number().nullable(),
    netRevenueRetention: z.number().nullable(),
    grossRevenueRetention: z.number().nullable(),
    cumulativeRevenuePerClient: z.number().nullable(),
  })
  .meta({ id: 'CohortCell' });
export const CohortsResponse = z.looseObject({
  report: z.literal('cohorts'),
  kind: z.enum(['clients', 'deals']),
  by: z.string(),
  period: z.enum(['month', 'quarter']),
  periods: z.number().int(),
  cohorts: z
    .array(
      z.looseObject({
        cohort: z.string().nullable(),
        size: z.number(),
        leftCensored: z.boolean().describe('some clients were acquired before the order history begins'),
        cells: z.array(CohortCell),
      }),
    )
    .optional(),
  history: z.looseObject({ from: z.string(), to: z.string() }).nullable().optional().describe('first and last recorded order'),
  leftOut: z
    .looseObject({ clients: z.number().int(), acquiredFrom: z.string().nullable(), acquiredTo: z.string().nullable() })
    .nullable()
    .optional()
    .describe('clients acquired before the order history, left out (cohorts=observed)'),
  notes: z.array(z.string()).optional(),
  dealCohorts: z.array(z.looseObject({ cohort: z.string().nullable(), deals: z.number() })).optional(),
});
export const cohortsRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/cohorts',
  operationId: 'cohortsReport',
  summary: 'Acquisition cohorts with retention matrices, or deal cohorts with win rate and cycle length',
  description: FILTER_NOTE,
  tag: 'reports',
  scope: 'scores:read',
  query: CohortsQuery,
  response: CohortsResponse,
});

export const FunnelQuery = reportQuery({
  basis: z.enum(['created', 'closed']).default('created'),
  by: safeString().optional().describe('comma-separated deal fields to break down by (rep, team, region, product, source, campaign, ...)'),
  stages: safeString().optional().describe('comma-separated funnel order of the open stages (inferred when omitted)'),
});
export const SalesEfficiency = z
  .looseObject({
    deals: z.number(),
    open: z.number(),
    won: z.number(),
    lost: z.number(),
    winRate: Interval.describe('won / (won + lost) with its 95% Wilson interval'),
    wonAmount: z.number(),
    averageWonDealSize: z.number().nullable(),
    averageCycleDays: z.number().nullable().describe('days from creation to close'),
    velocityPerDay: z.number().nullable(),
  })
  .meta({ id: 'SalesEfficiency' });
export const FunnelResponse = z.looseObject({
  report: z.literal('funnel'),
  period: z.looseObject({ from: z.string().nullable(), to: z.string().nullable(), basis: z.enum(['created', 'closed']) }),
  stages: z.array(
    z.looseObject({
      stage: z.string(),
      reached: z.number(),
      conversionToNext: z.number().nullable(),
      averageDaysInStage: z.number().nullable(),
      stays: z.number(),
    }),
  ),
  summary: SalesEfficiency,
  breakdowns: z.array(z.looseObject({ by: z.string(), rows: z.array(SalesEfficiency.extend({ group: z.string().nullable() })) })),
});
export const funnelRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/funnel',
  operationId: 'funnelReport',
  summary: 'Stage conversion, time in stage, velocity, win rate and won revenue by dimension',
  description: FILTER_NOTE,
  tag: 'reports',
  scope: 'scores:read',
  query: FunnelQuery,
  response: FunnelResponse,
});

export const CampaignsQuery = reportQuery({
  sort: z
    .enum(['roi', 'cost', 'attributedRevenue', 'attributedMargin', 'wonAmount', 'accountsAcquired', 'paybackMonths', 'name'])
    .default('roi'),
  windowDays: qInt(1, 3650)
    .default(365)
    .describe('orders count for a campaign only within this many days of its touch (its deal, or the acquisition)'),
});
const CampaignFigures = {
  cost: z.number(),
  deals: z.number(),
  won: z.number(),
  wonAmount: z.number(),
  accountsAcquired: z.number(),
  loyalClients: z.number().describe('acquired clients that ordered again, at least a day after their first order, within the window'),
  acquiredWindowOpen: z.number().describe('acquired clients whose window is still open (they may yet become loyal)'),
  acquisitionCostPerAccount: z.number().nullable().describe('cost ÷ clients acquired'),
  costPerLoyalClient: z.number().nullable().describe('cost ÷ loyal clients'),
  attributedRevenue: z.number(),
  attributedMargin: z.number().describe('attributed revenue − cost of goods'),
  roi: z.number().nullable().describe('(attributed margin − cost) ÷ cost'),
  wonDealRoi: z.number().nullable(),
};
export const CampaignRowOut = z
  .looseObject({
    campaignId: z.string(),
    name: z.string(),
    channel: z.string().nullable(),
    startedAt: z.string().nullable(),
    targets: z.number().int().describe('accounts on its target list (0: none recorded)'),
    paybackMonths: z.number().nullable(),
    payback: z.enum(['paid_back', 'not_yet', 'no_acquisition_cost', 'acquired_before_history']),
    ...CampaignFigures,
  })
  .meta({ id: 'CampaignRow' });
export const CampaignsResponse = z.looseObject({
  report: z.literal('campaigns'),
  currency: z.string(),
  period: PeriodOut,
  windowDays: z.number().int(),
  rows: z.array(CampaignRowOut),
  totals: z.looseObject(CampaignFigures),
  notes: z.array(z.string()),
});
export const campaignsRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/campaigns',
  operationId: 'campaignsReport',
  summary: 'Campaign ROI within an attribution window: revenue and margin, acquired and loyal clients, cost per client, payback',
  description: 'Filters: channel=..., campaign=... (external id or name).',
  tag: 'reports',
  scope: 'scores:read',
  query: CampaignsQuery,
  response: CampaignsResponse,
});

const FilterMap = z.record(safeString(), z.union([safeString(), z.number(), z.array(z.union([safeString(), z.number()])).min(1)]));
export const CompareBody = z
  .object({
    ...period,
    groups: z
      .array(z.strictObject({ name: safeString().max(200).optional(), filters: FilterMap.default({}) }))
      .min(2, 'give at least two groups')
      .max(50)
      .optional()
      .describe('explicit groups (filters each); the first is the baseline'),
    by: safeString().optional().describe('or: one group per value of this field'),
    filters: FilterMap.default({}).describe('applied to every group'),
    limit: z.number().int().min(2).max(50).default(10),
    minGroupSize: z.number().int().min(1).default(30),
    confidence: z.number().gt(0).lt(1).default(0.95),
    seed: z.number().int().default(42),
    resamples: z.number().int().min(100).max(20_000).default(1000),
  })
  .strict()
  .refine((v) => (v.groups && v.groups.length >= 2) || v.by, {
    message: 'give at least two groups or a field to group by',
    path: ['groups'],
  });
export const CompareResponse = z.looseObject({
  report: z.literal('compare'),
  baseline: z.string(),
  confidence: z.number(),
  groups: z.array(z.looseObject({ name: z.string(), small: z.boolean() })),
  rows: z.array(
    z.looseObject({
      metric: z.string(),
      group: z.string(),
      n: z.number(),
      estimate: z.number().nullable(),
      lo: z.number().nullable(),
      hi: z.number().nullable(),
      difference: z.number().nullable(),
      pValue: z.number().nullable(),
      significant: z.boolean().nullable(),
      small: z.boolean(),
    }),
  ),
});
export const compareRoute = defineRoute({
  method: 'post',
  path: '/v1/reports/compare',
  operationId: 'compareReport',
  summary: 'Compare two or more groups of clients or deals, with intervals and tests of the difference',
  description:
    'Win rate, deal size, cycle length, churn, revenue and margin per client, retention; each with a confidence interval and a test against the first (baseline) group. Small groups are flagged.',
  tag: 'reports',
  scope: 'scores:read',
  body: CompareBody,
  response: CompareResponse,
});

export const ReportFields = z.object({
  clients: z.array(z.object({ field: z.string(), meaning: z.string() })),
  deals: z.array(z.object({ field: z.string(), meaning: z.string() })),
});
export const reportFieldsRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/fields',
  operationId: 'reportFields',
  summary: 'The fields reports can filter and group by',
  tag: 'reports',
  scope: 'scores:read',
  response: ReportFields,
});
