// The model registry over HTTP: versions with their metrics, promotion and rollback (admin).
import { z } from 'zod';
import { IsoDateTime, Json, PageQuery, paged, queryRowId, rowId, sortParam } from './common';
import { defineRoute } from './route';
import { ModelName } from './training-jobs';

export const ReliabilityBin = z
  .looseObject({
    bin: z.number().int(),
    from: z.number(),
    to: z.number(),
    count: z.number().int(),
    meanPredicted: z.number().nullable(),
    observedRate: z.number().nullable(),
  })
  .meta({ id: 'ReliabilityBin' });

/** A classifier's evaluation on one window (src/ml/metrics.ts). */
export const ClassifierMetrics = z
  .looseObject({
    n: z.number().int(),
    positives: z.number().int(),
    baseRate: z.number(),
    auc: z.number().nullable(),
    logLoss: z.number(),
    brier: z.number(),
    ece: z.number().describe('expected calibration error, 10 equal-width bins'),
    reliability: z.array(ReliabilityBin),
  })
  .meta({ id: 'ClassifierMetrics' });

/**
 * What the registry records per version. Which parts are present depends on the model (classifiers:
 * test and baseline; the clv model: bgNbd, gammaGamma and clv), and on the version that wrote them,
 * so every part is optional; each part's own fields are as written today.
 */
export const ModelMetrics = z
  .looseObject({
    test: ClassifierMetrics.optional().describe('on the later time window the model never saw'),
    baseline: ClassifierMetrics.partial().optional().describe('the baseline on the same window'),
    bgNbd: z
      .looseObject({ customers: z.number().int(), logLikelihood: z.number(), converged: z.boolean() })
      .optional()
      .describe('BG/NBD fit'),
    gammaGamma: z.looseObject({ customers: z.number().int(), populationMeanSpend: z.number() }).optional().describe('Gamma-Gamma fit'),
    clv: z.looseObject({ horizonMonths: z.number(), annualDiscountRate: z.number() }).optional(),
  })
  .meta({ id: 'ModelMetrics' });

export const ModelVersion = z
  .object({
    name: z.string(),
    version: z.number().int(),
    algorithm: z.string(),
    status: z.enum(['candidate', 'active', 'retired']),
    metrics: ModelMetrics.nullable().describe(
      'evaluation on the later time window: AUC, log loss, Brier, ECE, reliability, lift over the baseline (deal-win); fitted parameters and log-likelihood (BG/NBD)',
    ),
    trainedAt: IsoDateTime,
    dataFrom: IsoDateTime.nullable(),
    dataTo: IsoDateTime.nullable(),
    promotedAt: IsoDateTime.nullable(),
    retiredAt: IsoDateTime.nullable(),
    notes: z.string().nullable(),
  })
  .meta({ id: 'ModelVersion' });

export const ModelVersionDetail = ModelVersion.extend({
  featureSchema: Json.nullable(),
  meta: Json.nullable().describe('meta.json of the version folder: seed, library versions, artifact checksum'),
}).meta({ id: 'ModelVersionDetail' });

const nameParam = z.object({ name: ModelName });

export const listModelsRoute = defineRoute({
  method: 'get',
  path: '/v1/models',
  operationId: 'listModelVersions',
  summary: 'Model versions with their metrics (paginated)',
  description: 'Reading the registry needs scores:read (dashboards show model health); changing it needs admin.',
  tag: 'models',
  scope: 'scores:read',
  query: PageQuery.extend({
    name: ModelName.optional(),
    status: z.enum(['candidate', 'active', 'retired']).optional(),
    sort: sortParam(['trainedAt', 'version', 'name'] as const, '-trainedAt'),
  }),
  response: paged(ModelVersion),
});

export const showModelRoute = defineRoute({
  method: 'get',
  path: '/v1/models/:name',
  operationId: 'showModel',
  summary: 'A model: its active version (with metrics and feature schema) and its version history',
  tag: 'models',
  scope: 'scores:read',
  params: nameParam,
  response: z.object({
    name: z.string(),
    active: ModelVersionDetail.nullable(),
    fallback: z
      .object({
        reason: z.string(),
        version: z.number().int().nullable().describe('the newest trained version (for deal-win, its stage baseline serves)'),
        decision: z.string().nullable().describe('why that version was not promoted'),
        baseline: Json.nullable().describe("the baseline's own metrics on that version's test window"),
        candidate: Json.nullable().describe("the refused candidate's metrics on the same window"),
      })
      .nullable()
      .describe('null when a version is active; otherwise what serves instead and why'),
    versions: z.array(ModelVersion),
  }),
});

export const showModelVersionRoute = defineRoute({
  method: 'get',
  path: '/v1/models/:name/versions/:version',
  operationId: 'showModelVersion',
  summary: 'One model version in full',
  tag: 'models',
  scope: 'scores:read',
  params: z.object({ name: ModelName, version: queryRowId() }),
  response: ModelVersionDetail,
  errors: [404],
});

export const promoteModelRoute = defineRoute({
  method: 'post',
  path: '/v1/models/:name/promote',
  operationId: 'promoteModel',
  summary: 'Make a version active (atomic; the server swaps it in without a restart)',
  description:
    'The artifact is loaded and checked first: a version whose feature schema does not match this code is refused (422) and the current one keeps serving.',
  tag: 'models',
  scope: 'admin',
  params: nameParam,
  body: z.strictObject({ version: rowId() }),
  response: z.object({ promoted: ModelVersion, retired: ModelVersion.nullable() }),
  errors: [404, 422],
});

export const rollbackModelRoute = defineRoute({
  method: 'post',
  path: '/v1/models/:name/rollback',
  operationId: 'rollbackModel',
  summary: 'Restore the previously active version (the server swaps it in without a restart)',
  tag: 'models',
  scope: 'admin',
  params: nameParam,
  response: z.object({ restored: ModelVersion, retired: ModelVersion }),
  errors: [422],
});
