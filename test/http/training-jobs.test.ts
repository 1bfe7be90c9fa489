// Training jobs over HTTP: start one, poll its status and log, one per model at a time, admin only.
import request from 'supertest';
import { TrainingJob } from '../../src/contracts/training-jobs';
import { TrainingJobs, type Trainer } from '../../src/services/jobs/training-jobs';
import { bearer, detailPaths, expectError, expectSchema, harness, type Harness } from './helpers';

let h: Harness;
let release: () => void = () => undefined;
let refreshed = 0;
const trainers: Record<string, Trainer> = {
  // Waits until the test releases it, so "already running" can be observed deterministically.
  win: async (params, ctx) => {
    ctx.log('building examples');
    await new Promise<void>((r) => (release = r));
    ctx.log('fitted');
    return { promoted: true, params };
  },
  churn: async () => {
    throw new Error('too little history: 3 churned accounts, need 40');
  },
  clv: async () => ({ ok: true }),
};

beforeAll(async () => {
  h = await harness();
  const jobs = new TrainingJobs(h.tdb.db, trainers, { onSucceeded: () => void refreshed++ });
  h = await harness({ tdb: h.tdb, services: { jobs } });
});
afterAll(async () => h.close());

async function waitFor(id: number, status: string) {
  for (let i = 0; i < 200; i++) {
    const res = await request(h.app).get(`/v1/training-jobs/${id}`).set(bearer(h.keys.admin));
    if (res.body.status === status) return res;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} never reached ${status}`);
}

describe('training jobs', () => {
  test('a started job runs, logs, succeeds, and a second one for the same model waits its turn (409)', async () => {
    const started = await request(h.app)
      .post('/v1/training-jobs')
      .set(bearer(h.keys.admin))
      .send({ model: 'win', asOf: '2025-06-30' })
      .expect(202);
    expectSchema(TrainingJob, started.body);
    expect(started.body).toMatchObject({ model: 'win', status: 'running', params: { asOf: '2025-06-30', promote: 'auto' } });
    expectError(await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.admin)).send({ model: 'win' }), 409, 'CONFLICT');
    // Another model is free to train meanwhile.
    await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.admin)).send({ model: 'clv' }).expect(202);
    release();
    const done = await waitFor(started.body.id, 'succeeded');
    expectSchema(TrainingJob, done.body);
    expect(done.body.log).toContain('building examples');
    expect(done.body.log).toContain('fitted');
    expect(done.body.result).toMatchObject({ promoted: true });
    expect(refreshed).toBeGreaterThanOrEqual(1);
    // Free again once finished.
    const again = await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.admin)).send({ model: 'win' }).expect(202);
    release();
    await waitFor(again.body.id, 'succeeded');
  });

  test('a failing trainer marks the job failed with its reason', async () => {
    const started = await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.admin)).send({ model: 'churn' }).expect(202);
    const done = await waitFor(started.body.id, 'failed');
    expect(done.body.error).toContain('too little history');
  });

  test('lists jobs newest first with pagination', async () => {
    const res = await request(h.app).get('/v1/training-jobs?limit=2&model=win').set(bearer(h.keys.admin)).expect(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0].id).toBeGreaterThan(res.body.items[1].id);
    expect(res.body.page).toMatchObject({ limit: 2, offset: 0 });
  });

  test('rejects bad input with the field named', async () => {
    expect(
      detailPaths(
        expectError(await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.admin)).send({ model: 'nope' }), 400, 'INVALID_INPUT'),
      ),
    ).toContain('model');
    expect(
      detailPaths(
        expectError(
          await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.admin)).send({ model: 'win', asOf: '30/06/2025' }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('asOf');
    expect(
      detailPaths(
        expectError(
          await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.admin)).send({ model: 'win', extra: 1 }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toEqual(['extra']);
    expect(
      detailPaths(
        expectError(
          await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.admin)).send({ model: 'clv', algorithm: 'mlp' }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('algorithm');
    expect(
      detailPaths(
        expectError(
          await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.admin)).send({ model: 'win', timeUnit: 'week' }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('timeUnit');
    expect(
      detailPaths(expectError(await request(h.app).get('/v1/training-jobs/abc').set(bearer(h.keys.admin)), 400, 'INVALID_INPUT')),
    ).toContain('params.id');
    expect(
      detailPaths(expectError(await request(h.app).get('/v1/training-jobs?limit=0').set(bearer(h.keys.admin)), 400, 'INVALID_INPUT')),
    ).toContain('query.limit');
    expectError(await request(h.app).get('/v1/training-jobs/999999').set(bearer(h.keys.admin)), 404, 'NOT_FOUND');
  });

  test('is admin only', async () => {
    expectError(await request(h.app).post('/v1/training-jobs').send({ model: 'win' }), 401, 'UNAUTHENTICATED');
    expectError(await request(h.app).post('/v1/training-jobs').set(bearer(h.keys.read)).send({ model: 'win' }), 403, 'FORBIDDEN');
    expectError(await request(h.app).get('/v1/training-jobs/1').set(bearer(h.keys.write)), 403, 'FORBIDDEN');
  });

  test('jobs left running by a stopped server are marked failed at start-up', async () => {
    await h.tdb.db.sql.run(
      "INSERT INTO training_job (model_name, status, params, log, started_at) VALUES ('clv', 'running', '{}', '', ?)",
      [new Date()],
    );
    const n = await new TrainingJobs(h.tdb.db, trainers).recoverStale();
    expect(n).toBe(1);
  });
});

describe('the real training command', () => {
  test('a clv job runs `salescast train clv` in a child process, logs it, registers a version and the server reloads', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { loadDemoData } = await import('../../src/services/demo-service');
    const { cliTrainer } = await import('../../src/services/jobs/training-jobs');
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-job-'));
    const base = await harness();
    try {
      await loadDemoData(base.tdb.db, { seed: 4, accounts: 60, months: 12 });
      let reloaded = 0;
      const jobs = new TrainingJobs(
        base.tdb.db,
        { clv: cliTrainer('clv', { env: { DATABASE_URL: base.tdb.url, SALESCAST_MODELS_DIR: modelsDir } }) },
        { onSucceeded: () => void reloaded++ },
      );
      const app = (await harness({ tdb: base.tdb, services: { jobs } })).app;
      const started = await request(app)
        .post('/v1/training-jobs')
        .set(bearer(base.keys.admin))
        .send({ model: 'clv', promote: 'always', timeUnit: 'week' })
        .expect(202);
      let job = started.body;
      for (let i = 0; i < 600 && job.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = (await request(app).get(`/v1/training-jobs/${job.id}`).set(bearer(base.keys.admin))).body;
      }
      expect(job).toMatchObject({ status: 'succeeded', error: null });
      expect(job.log).toContain('salescast train clv --json --promote always --time-unit week');
      expect(reloaded).toBe(1);
      const versions = await base.tdb.db.sql.all<{ status: string }>("SELECT status FROM model_version WHERE name = 'clv'");
      expect(versions.map((v) => v.status)).toEqual(['active']);
    } finally {
      await base.close();
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });
});
