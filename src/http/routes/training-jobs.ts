// Training jobs: start one (202), poll it. The work runs in src/services/jobs.
import { getTrainingJobRoute, listTrainingJobsRoute, startTrainingJobRoute } from '../../contracts/training-jobs';
import { AppError } from '../../errors';
import type { TrainingJobInfo } from '../../services/jobs/training-jobs';
import type { AppContext } from '../context';
import { pageOf } from '../pagination';

export const jobView = (j: TrainingJobInfo) => ({
  ...j,
  startedAt: j.startedAt.toISOString(),
  finishedAt: j.finishedAt?.toISOString() ?? null,
  queuedAt: j.queuedAt?.toISOString() ?? null,
});

export function trainingJobRoutes({ mount, services }: AppContext) {
  const jobs = () => {
    if (!services.jobs) throw new AppError('UNPROCESSABLE', 'Training jobs are not available in this server');
    return services.jobs;
  };
  mount(startTrainingJobRoute, async ({ body, req }) => {
    const { model, ...params } = body;
    const job = await jobs().start(model, params);
    req.log.info({ job: job.id, model, status: job.status, by: req.identity?.keyName }, 'training job started');
    return jobView(job);
  });
  mount(getTrainingJobRoute, async ({ params }) => jobView(await jobs().get(params.id)));
  mount(listTrainingJobsRoute, async ({ query }) => {
    const { items, total } = await jobs().list({
      model: query.model,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
      order: query.sort === 'startedAt' ? 'asc' : 'desc',
    });
    return pageOf(items.map(jobView), total, query.limit, query.offset);
  });
}
