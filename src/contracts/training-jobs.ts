import { z } from 'zod';
import { IsoDateInput, IsoDateTime, Json, PageQuery, paged, queryRowId } from './common';
import { defineRoute } from './route';

export const MODEL_NAMES = ['win', 'churn', 'clv'] as const;
export const ModelName = z.enum(MODEL_NAMES);

export const TrainingJob = z
  .object({
    id: z.number().int(),
    model: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    params: Json,
    log: z.string().describe('the job log so far (time-stamped lines)'),
    result: z.unknown().describe('the training summary once succeeded (metrics of candidate vs active vs baseline, promotion decision)'),
    error: z.string().nullable(),
    startedAt: IsoDateTime.describe('when a runner took the job (while queued: when it was queued)'),
    finishedAt: IsoDateTime.nullable(),
    queuedAt: IsoDateTime.nullable().describe('when the job was asked for'),
    worker: z
      .string()
      .nullable()
      .describe('who runs or ran it: a `salescast worker` (TRAINING_RUNNER=worker) or the API server; null while queued'),
    attempts: z.number().int().describe('how many times a runner took the job (a job whose runner died is re-queued)'),
  })
  .meta({ id: 'TrainingJob' });

export const StartTrainingJobBody = z
  .object({
    model: ModelName,
    asOf: IsoDateInput.optional().describe('train as of this date (default: now)'),
    promote: z
      .enum(['auto', 'never', 'always'])
      .default('auto')
      .describe('auto: promote only if the candidate beats the active model and the baseline'),
    algorithm: z.enum(['logistic', 'mlp', 'both']).optional().describe('win only: which estimator(s) to fit'),
    calibrationEnd: IsoDateInput.optional().describe('clv only: end of the calibration period'),
    timeUnit: z.enum(['day', 'week', 'month']).optional().describe('clv only'),
  })
  .strict()
  .superRefine((b, ctx) => {
    // Options belong to particular models; say so here rather than let the training run fail.
    if (b.algorithm && b.model === 'clv') ctx.addIssue({ code: 'custom', path: ['algorithm'], message: 'applies to win and churn only' });
    if (b.algorithm === 'both' && b.model === 'churn')
      ctx.addIssue({ code: 'custom', path: ['algorithm'], message: 'churn takes logistic or mlp' });
    for (const k of ['calibrationEnd', 'timeUnit'] as const)
      if (b[k] !== undefined && b.model !== 'clv') ctx.addIssue({ code: 'custom', path: [k], message: 'applies to clv only' });
  });

export const startTrainingJobRoute = defineRoute({
  method: 'post',
  path: '/v1/training-jobs',
  operationId: 'startTrainingJob',
  summary: 'Start a training job (one per model at a time; 409 if one is queued or running)',
  description:
    'Returns at once with the job (202): running in this server, or queued for a `salescast worker` when the server runs with TRAINING_RUNNER=worker. Poll GET /v1/training-jobs/{id} for its status and log. A version the job promotes is served by every API replica within seconds, without a restart.',
  tag: 'training',
  scope: 'admin',
  body: StartTrainingJobBody,
  status: 202,
  response: TrainingJob,
  errors: [409],
});

export const getTrainingJobRoute = defineRoute({
  method: 'get',
  path: '/v1/training-jobs/:id',
  operationId: 'getTrainingJob',
  summary: 'A training job: status, log, result',
  tag: 'training',
  scope: 'admin',
  params: z.object({ id: queryRowId() }),
  response: TrainingJob,
  errors: [404],
});

export const listTrainingJobsRoute = defineRoute({
  method: 'get',
  path: '/v1/training-jobs',
  operationId: 'listTrainingJobs',
  summary: 'Training jobs, newest first (paginated)',
  tag: 'training',
  scope: 'admin',
  query: PageQuery.extend({
    model: ModelName.optional(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']).optional(),
    sort: z.enum(['-startedAt', 'startedAt']).default('-startedAt'),
  }),
  response: paged(TrainingJob),
});
