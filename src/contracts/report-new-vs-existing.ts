// New-client vs existing-client business (`report new-vs-existing`, docs/reports.md).
import { z } from 'zod';
import { safeString } from './input-rules';
import { defineRoute } from './route';
import { FILTER_NOTE, reportQuery, SalesEfficiency } from './reports';

export const NewVsExistingQuery = reportQuery({
  basis: z.enum(['created', 'closed']).default('created').describe('which deal date the period applies to'),
  by: safeString().min(1).max(100).optional().describe('a deal field to repeat the split for (rep, product, segment, ...)'),
});

export const BusinessFiguresOut = SalesEfficiency.extend({
  business: z.enum(['new', 'existing']),
  activitiesPerWonDeal: z.number().nullable().describe('activities logged on the won deals ÷ won deals; null when none are logged at all'),
  wonActivities: z.number(),
}).meta({ id: 'BusinessFigures' });

export const NewVsExistingResponse = z.looseObject({
  report: z.literal('new-vs-existing'),
  currency: z.string(),
  period: z.looseObject({ from: z.string().nullable(), to: z.string().nullable(), basis: z.enum(['created', 'closed']) }),
  definition: z.string(),
  deals: z.array(BusinessFiguresOut),
  winRateDifference: z.looseObject({
    difference: z.number().nullable(),
    lo: z.number().nullable(),
    hi: z.number().nullable(),
    pValue: z.number().nullable(),
    method: z.string(),
  }),
  breakdown: z
    .looseObject({
      by: z.string(),
      rows: z.array(z.looseObject({ group: z.string().nullable(), new: BusinessFiguresOut, existing: BusinessFiguresOut })),
    })
    .nullable(),
  orders: z
    .array(
      z.looseObject({
        business: z.enum(['new', 'existing']),
        revenue: z.number(),
        orders: z.number(),
        clients: z.number(),
        share: z.number().nullable(),
      }),
    )
    .nullable()
    .describe('null when no orders are recorded'),
  dealsWithoutAccount: z.number(),
  notes: z.array(z.string()),
});

export const newVsExistingRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/new-vs-existing',
  operationId: 'newVsExistingReport',
  summary: 'Deals and revenue split into new-client and existing-client business',
  description: `A deal is existing-client business when its account had a won deal, an order or an acquisition date before the deal was created. Win rate (Wilson 95%), cycle and activities per won deal for each, the win-rate difference with Newcombe's interval, order revenue by business. ${FILTER_NOTE} The same split is the deal field "business" of every deal report.`,
  tag: 'reports',
  scope: 'scores:read',
  query: NewVsExistingQuery,
  response: NewVsExistingResponse,
});
