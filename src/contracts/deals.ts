// Deal scores: win probability (calibrated), expected close, slip risk, the factors behind each
// score and the model version that produced it. Deals are named by their external (CRM) id.
import { z } from 'zod';
import { IsoDateInput, IsoDateTime, PageQuery, paged, safeString, sortParam, text } from './common';
import { defineRoute } from './route';

const attrValue = z.union([safeString().max(1000), z.number(), z.boolean(), z.null()]);

// Omitted is not null (docs/win-model.md "Missing is not zero"): leave out what you do not know
// (activities, rep, account, stageChanges…) and it is not read as evidence; send null or [] for "none".
export const InlineDeal = z
  .object({
    externalId: text().optional().describe('your id for the deal, echoed back'),
    stage: text(100).describe('current stage, as named in your CRM'),
    amount: z
      .number()
      .finite()
      .nonnegative()
      .nullish()
      .describe('deal value in the server currency; leave it out (or null) when none is recorded yet, never 0 for "unknown"'),
    discount: z.number().min(0).max(1).optional().describe('fraction of list price given away, 0..1'),
    createdAt: IsoDateInput,
    expectedCloseAt: IsoDateInput.nullish(),
    source: text().nullish(),
    product: text().nullish(),
    productFamily: text().nullish(),
    campaign: text().nullish(),
    campaignChannel: text().nullish(),
    rep: text().nullish(),
    team: text().nullish(),
    account: z
      .object({
        externalId: text().nullish(),
        segment: text().nullish(),
        industry: text().nullish(),
        region: text().nullish(),
        country: text().nullish(),
        size: text().nullish(),
        employees: z.number().int().nonnegative().nullish(),
        annualRevenue: z.number().nonnegative().nullish(),
      })
      .strict()
      .nullish(),
    attributes: z.record(safeString().max(200), attrValue).nullish().describe('custom attributes, as imported'),
    stageChanges: z
      .array(
        z
          .object({
            fromStage: text(100).nullish(),
            toStage: text(100),
            amount: z.number().nonnegative().nullish(),
            expectedCloseAt: IsoDateInput.nullish(),
            changedAt: IsoDateInput,
          })
          .strict(),
      )
      .max(1000)
      .optional()
      .describe('recorded stage changes; leave out when not known (not provided), [] when the deal never moved'),
    activities: z
      .array(z.object({ type: text(100), occurredAt: IsoDateInput }).strict())
      .max(10_000)
      .optional()
      .describe('activities on the deal; leave out when not known (not provided), [] when there were none'),
    asOf: IsoDateInput.optional().describe(
      'score this deal as it stood at this moment (overrides the request asOf; e.g. to replay a past decision)',
    ),
  })
  .strict()
  .meta({ id: 'InlineDeal', description: 'An opportunity as a CRM frontend holds it, possibly never saved to Salescast.' });

export const Factor = z
  .object({
    feature: z.string(),
    value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    effect: z.number().describe('contribution to the log-odds of winning (positive raises the odds)'),
    text: z.string().describe('the reason in words a sales rep understands'),
  })
  .meta({ id: 'Factor' });

export const DealScore = z
  .object({
    externalId: z.string().nullable(),
    winProbability: z.number().min(0).max(1),
    expectedCloseAt: IsoDateTime.nullable(),
    slipProbability: z.number().min(0).max(1).nullable().describe('P(it closes after its expected close period)'),
    closeDistribution: z
      .array(z.object({ monthOffset: z.number().int(), probability: z.number() }))
      .describe('P(close in month k after the as-of month | won)'),
    factors: z.array(Factor),
    modelVersion: z.number().int().nullable(),
    algorithm: z.string(),
    fallback: z.boolean().describe('true when scored by the stage baseline because no trained model serves'),
    fallbackReason: z.string().optional(),
    timingBasis: z.string(),
    scoredAt: IsoDateTime,
  })
  .meta({ id: 'DealScore' });

export const ScoresResponse = z.object({ currency: z.string(), asOf: IsoDateTime, scores: z.array(DealScore) });

export const ScoreInlineBody = z
  .object({
    deals: z.array(InlineDeal).min(1, 'send at least one deal').max(5000, 'at most 5,000 deals per request'),
    asOf: IsoDateInput.optional().describe('score as of this moment (default: now)'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional()
      .describe('must equal the server currency when given (no conversion is done)'),
    explain: z.boolean().default(true).describe('false: leave out the factors (faster, for bulk callers that only need the probabilities)'),
  })
  .strict();

export const scoreInlineRoute = defineRoute({
  method: 'post',
  path: '/v1/deals/score',
  operationId: 'scoreInlineDeals',
  summary: 'Score deals passed inline (deals Salescast has never seen), in memory',
  description: 'Scores are returned in the order sent. No database access per request: the active model is held in memory.',
  tag: 'deals',
  scope: 'scores:read',
  body: ScoreInlineBody,
  response: ScoresResponse,
  errors: [422],
});

export const scoreOneRoute = defineRoute({
  method: 'get',
  path: '/v1/deals/:id/score',
  operationId: 'scoreDeal',
  summary: 'Score one stored deal by its external id (as of now, or `asOf`: 404 for a deal created after it)',
  tag: 'deals',
  scope: 'scores:read',
  params: z.object({ id: text() }),
  query: z.strictObject({ asOf: IsoDateInput.optional() }),
  response: z.object({ currency: z.string(), asOf: IsoDateTime, score: DealScore, amount: z.number(), stage: z.string() }),
  errors: [404, 422],
});

export const ScoreBatchBody = z
  .object({ ids: z.array(text()).min(1, 'send at least one id').max(5000), asOf: IsoDateInput.optional() })
  .strict();

export const scoreBatchRoute = defineRoute({
  method: 'post',
  path: '/v1/deals/scores',
  operationId: 'scoreDealBatch',
  summary: 'Score a batch of stored deals by external id',
  description:
    'Unknown ids, and deals created after `asOf` (they did not exist yet), are listed in `missing` rather than failing the batch.',
  tag: 'deals',
  scope: 'scores:read',
  body: ScoreBatchBody,
  response: ScoresResponse.extend({ missing: z.array(z.string()) }),
  errors: [422],
});

export const StoredDealScore = z
  .object({
    externalId: z.string(),
    name: z.string().nullable(),
    account: z
      .object({ externalId: z.string(), name: z.string() })
      .nullable()
      .describe('the account the deal is sold to; null when the CRM did not record one'),
    rep: z.string().nullable().describe("the owning rep's name; null when the CRM did not record one"),
    stage: z.string(),
    amount: z.object({ amount: z.number(), currency: z.string() }),
    winProbability: z.number(),
    expectedCloseAt: IsoDateTime.nullable(),
    slipProbability: z.number().nullable(),
    fallback: z.boolean(),
    modelVersion: z.number().int().nullable(),
    topFactor: Factor.nullable().describe('the strongest reason behind the score'),
    scoredAt: IsoDateTime,
  })
  .meta({ id: 'StoredDealScore' });

export const listScoresRoute = defineRoute({
  method: 'get',
  path: '/v1/deals/scores',
  operationId: 'listDealScores',
  summary: 'Latest stored score of every open deal (from `salescast score deals`), sorted and paginated',
  tag: 'deals',
  scope: 'scores:read',
  query: PageQuery.extend({
    sort: sortParam(['winProbability', 'amount', 'expectedCloseAt', 'scoredAt', 'externalId'] as const, '-winProbability'),
    stage: text(100).optional(),
  }),
  response: paged(StoredDealScore),
});
