// Customer scores: churn probability (supervised) with factors, P(alive) and expected purchases
// (BG/NBD), CLV (BG/NBD x Gamma-Gamma), RFM segment. Customers are named by external (CRM) id.
import { z } from 'zod';
import { IsoDateInput, IsoDateTime, PageQuery, paged, safeString, sortParam, text } from './common';
import { defineRoute } from './route';

const money = z.number().finite().nonnegative();

export const InlineCustomer = z
  .object({
    externalId: text().optional(),
    segment: text().nullish(),
    industry: text().nullish(),
    region: text().nullish(),
    country: text().nullish(),
    size: text().nullish(),
    employees: z.number().int().nonnegative().nullish(),
    annualRevenue: money.nullish(),
    acquisitionCost: money.nullish(),
    acquiredAt: IsoDateInput.nullish(),
    attributes: z.record(safeString().max(200), z.union([safeString().max(1000), z.number(), z.boolean(), z.null()])).nullish(),
    orders: z
      .array(z.object({ orderedAt: IsoDateInput, revenue: money, costOfGoods: money.optional() }).strict())
      .max(100_000)
      .optional(),
    activities: z
      .array(z.object({ occurredAt: IsoDateInput }).strict())
      .max(100_000)
      .optional(),
    serviceCosts: z
      .array(z.object({ incurredAt: IsoDateInput, amount: money }).strict())
      .max(100_000)
      .optional(),
    openDeals: z
      .array(z.object({ createdAt: IsoDateInput, amount: money }).strict())
      .max(10_000)
      .optional(),
  })
  .strict()
  .meta({ id: 'InlineCustomer', description: 'A customer with its history as a CRM holds it, possibly never saved to Salescast.' });

export const CustomerFactor = z
  .object({
    feature: z.string(),
    value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    effect: z.number().describe('contribution to the log-odds of churning (positive raises the risk)'),
    text: z.string(),
  })
  .meta({ id: 'CustomerFactor' });

export const Rfm = z
  .object({ r: z.number().int(), f: z.number().int(), m: z.number().int(), score: z.string(), segment: z.string() })
  .meta({ id: 'Rfm' });

export const CustomerScore = z
  .object({
    externalId: z.string().nullable(),
    churnProbability: z.number().min(0).max(1).nullable(),
    pAlive: z.number().min(0).max(1).nullable(),
    expectedPurchases: z.number().nullable().describe('over the CLV horizon'),
    expectedSpend: z.number().nullable().describe('expected average order value (Gamma-Gamma)'),
    clv: z.number().nullable().describe('customer lifetime value over the horizon, discounted, in the server currency'),
    rfm: Rfm.nullable(),
    factors: z.array(CustomerFactor),
    notes: z.array(z.string()).describe('why a figure is missing (no model, no orders, already churned...)'),
  })
  .meta({ id: 'CustomerScore' });

const ModelRef = z.object({ version: z.number().int(), algorithm: z.string() }).loose();

export const CustomerScoresResponse = z.object({
  currency: z.string(),
  asOf: IsoDateTime,
  churnModel: ModelRef.extend({
    windowDays: z.number().int().describe('the churn model predicts churn within this many days'),
    labelMode: z.string().describe('status: the account is marked churned; no-purchase: an active customer places no order'),
  }).nullable(),
  clvModel: ModelRef.extend({ timeUnit: z.string(), horizonMonths: z.number() }).nullable(),
  errors: z.array(z.string()).describe('active models that could not be loaded'),
  scores: z.array(CustomerScore),
});

export const scoreInlineCustomersRoute = defineRoute({
  method: 'post',
  path: '/v1/customers/score',
  operationId: 'scoreInlineCustomers',
  summary: 'Score customers passed inline (attributes and history)',
  tag: 'customers',
  scope: 'scores:read',
  body: z
    .object({ customers: z.array(InlineCustomer).min(1, 'send at least one customer').max(1000), asOf: IsoDateInput.optional() })
    .strict(),
  response: CustomerScoresResponse,
});

export const scoreCustomerRoute = defineRoute({
  method: 'get',
  path: '/v1/customers/:id/score',
  operationId: 'scoreCustomer',
  summary: 'Score one stored customer by external id',
  tag: 'customers',
  scope: 'scores:read',
  params: z.object({ id: text() }),
  query: z.strictObject({ asOf: IsoDateInput.optional() }),
  response: CustomerScoresResponse.omit({ scores: true }).extend({ score: CustomerScore }),
  errors: [404],
});

export const scoreCustomerBatchRoute = defineRoute({
  method: 'post',
  path: '/v1/customers/scores',
  operationId: 'scoreCustomerBatch',
  summary: 'Score a batch of stored customers by external id (unknown ids listed in `missing`)',
  tag: 'customers',
  scope: 'scores:read',
  body: z.object({ ids: z.array(text()).min(1, 'send at least one id').max(5000), asOf: IsoDateInput.optional() }).strict(),
  response: CustomerScoresResponse.extend({ missing: z.array(z.string()) }),
});

export const StoredCustomerScore = z
  .object({
    externalId: z.string(),
    name: z.string(),
    segment: z.string().nullable(),
    status: z.string(),
    churnProbability: z.number().nullable(),
    pAlive: z.number().nullable(),
    expectedPurchases: z.number().nullable(),
    clv: z.object({ amount: z.number(), currency: z.string() }).nullable(),
    rfmSegment: z.string().nullable(),
    rfmScore: z.string().nullable(),
    topFactor: CustomerFactor.nullable(),
    scoredAt: IsoDateTime,
  })
  .meta({ id: 'StoredCustomerScore' });

export const listCustomerScoresRoute = defineRoute({
  method: 'get',
  path: '/v1/customers/scores',
  operationId: 'listCustomerScores',
  summary: 'Stored customer scores (from `salescast score customers`), sorted and paginated',
  tag: 'customers',
  scope: 'scores:read',
  query: PageQuery.extend({
    sort: sortParam(['churnProbability', 'pAlive', 'clv', 'expectedPurchases', 'externalId', 'name'] as const, '-churnProbability'),
    rfmSegment: text().optional(),
    segment: text().optional(),
  }),
  response: paged(StoredCustomerScore),
});
