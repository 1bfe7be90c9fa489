// Campaign effect against a control group (`report campaign-effect`, docs/reports.md).
import { z } from 'zod';
import { safeString } from './input-rules';
import { defineRoute } from './route';
import { qInt, reportQuery } from './reports';

export const CampaignEffectQuery = reportQuery({
  windowDays: qInt(1, 3650).default(365).describe("days after the campaign's start in which outcomes count"),
  matchOn: safeString()
    .max(500)
    .default('segment,region,status,recent,trend')
    .describe(
      'fields targeted and control accounts must share: client fields, status (customer or prospect at the start), recent (orders in the 90 days before), trend',
    ),
  confidence: z.coerce.number().gt(0).lt(1).default(0.95),
});

const Outcome = z
  .looseObject({
    targeted: z.number().nullable().describe('mean per matched targeted account'),
    control: z.number().nullable().describe('the controls reweighted to the targets’ strata'),
    difference: z.number().nullable(),
    lo: z.number().nullable(),
    hi: z.number().nullable(),
    pValue: z.number().nullable(),
    significant: z.boolean().nullable(),
    naiveDifference: z.number().nullable().describe('all targeted − all others, without strata'),
    adjustedPValue: z.number().nullable().describe("Holm's adjustment over the campaigns of the answer"),
  })
  .meta({ id: 'EffectOutcome' });
const Estimate = z.looseObject({ estimate: z.number().nullable(), lo: z.number().nullable(), hi: z.number().nullable() });

export const CampaignEffectRowOut = z
  .looseObject({
    campaignId: z.string(),
    name: z.string(),
    channel: z.string().nullable(),
    cost: z.number(),
    start: z.string(),
    windowEnd: z.string(),
    observedDays: z.number().int(),
    windowComplete: z.boolean(),
    targets: z.number().int(),
    population: z.looseObject({ targeted: z.number().int(), notTargeted: z.number().int() }),
    matched: z.looseObject({
      targeted: z.number().int(),
      unmatchedTargets: z.number().int(),
      controls: z.number().int(),
      strata: z.number().int(),
    }),
    conversion: Outcome.extend({
      cmh: z.looseObject({ statistic: z.number().nullable(), pValue: z.number().nullable(), commonOddsRatio: z.number().nullable() }),
    }),
    revenue: Outcome,
    margin: Outcome,
    bookings: Outcome,
    incremental: z.looseObject({ revenue: Estimate, margin: Estimate, roi: Estimate }),
    attributed: z.looseObject({ revenue: z.number(), margin: z.number(), roi: z.number().nullable() }),
    verdict: z.string(),
  })
  .meta({ id: 'CampaignEffect' });

export const CampaignEffectResponse = z.looseObject({
  report: z.literal('campaign-effect'),
  currency: z.string(),
  windowDays: z.number().int(),
  matchOn: z.array(z.string()),
  confidence: z.number(),
  method: z.string(),
  campaigns: z.array(CampaignEffectRowOut),
  notes: z.array(z.string()),
});

export const campaignEffectRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/campaign-effect',
  operationId: 'campaignEffectReport',
  summary: "A campaign's target list against similar accounts not targeted: conversion, revenue, margin and bookings",
  description:
    'For each campaign with a target list (campaign=<id or name> picks some), the targeted accounts are compared with accounts of the same matching fields that were not targeted, over windowDays after the start: the effect on the targeted by subclassification (Cochran 1968; Imbens & Rubin 2015), with its interval and test, the Cochran–Mantel–Haenszel test for conversion, and the naive difference for contrast. Other query parameters filter the accounts compared (segment=..., region=...).',
  tag: 'reports',
  scope: 'scores:read',
  query: CampaignEffectQuery,
  response: CampaignEffectResponse,
  errors: [404],
});
