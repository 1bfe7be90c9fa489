// The training queue and its workers (TRAINING_RUNNER=worker), on SQLite and (test:pg) PostgreSQL:
// an API server queues and never trains, workers never run the same job twice, a worker killed
// mid-job leaves its job re-queued (then failed after the last attempt), never stuck "running".
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { TrainingJobs } from '../../src/services/jobs/training-jobs';
import type { Trainer } from '../../src/services/jobs/trainers';
import { TrainingWorker } from '../../src/services/jobs/training-worker';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const ROOT = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => t.cleanup());

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const jobRow = async (id: number) =>
  (
    await t.db.sql.all<{ status: string; worker: string | null; attempts: number; log: string; error: string | null }>(
      'SELECT status, worker, attempts, log, error FROM training_job WHERE id = ?',
      [id],
    )
  )[0];

/** Trainers that count their runs per job model and take `ms` each. */
function countingTrainers(ms: number, runs: string[]): Record<string, Trainer> {
  const trainer =
    (model: string): Trainer =>
    async (params, ctx) => {
      runs.push(model);
      ctx.log(`training ${model}`);
      await sleep(ms);
      return { model, params };
    };
  return { win: trainer('win'), churn: trainer('churn'), clv: trainer('clv') };
}

const workerOptions = { leaseMs: 3000, pollMs: 50, maxAttempts: 2 };

describe('training jobs with TRAINING_RUNNER=worker', () => {
  test('the API side only queues; two workers run every job exactly once', async () => {
    const serverRuns: string[] = [];
    const api = new TrainingJobs(t.db, countingTrainers(10, serverRuns), {}, { runner: 'worker' });
    const queued = [];
    for (const m of ['win', 'churn', 'clv']) queued.push(await api.start(m, { promote: 'auto' }));
    expect(queued.map((j) => j.status)).toEqual(['queued', 'queued', 'queued']);
    expect(queued.every((j) => j.worker === null && j.attempts === 0 && j.queuedAt instanceof Date)).toBe(true);
    // One queued job per model at a time, as with running jobs.
    await expect(api.start('win')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await api.recoverStale()).toBe(0); // an API server in worker mode leaves the queue to the workers

    const runs: string[] = [];
    const a = new TrainingWorker(t.db, countingTrainers(300, runs), { ...workerOptions, id: 'worker a', once: true });
    const b = new TrainingWorker(t.db, countingTrainers(300, runs), { ...workerOptions, id: 'worker b', once: true });
    await Promise.all([a.start(), b.start()]);
    expect(serverRuns).toEqual([]);
    expect(runs.sort()).toEqual(['churn', 'clv', 'win']);
    const rows = await Promise.all(queued.map((j) => jobRow(j.id)));
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    // Both workers took part (each holds one job while the other claims the next).
    expect(new Set(rows.map((r) => r.worker))).toEqual(new Set(['worker a', 'worker b']));
    expect((await api.get(queued[0].id)).result).toMatchObject({ model: 'win', params: { promote: 'auto' } });
  });

  describe('a worker killed mid-job (SIGKILL: no shutdown, no lease release)', () => {
    const leaseMs = 1500;
    let jobId: number;
    beforeEach(async () => {
      const api = new TrainingJobs(t.db, countingTrainers(10, []), {}, { runner: 'worker' });
      jobId = (await api.start('win')).id;
    });

    /** Starts a worker process that takes the job and hangs, and kills it once it holds attempt `attempt`. */
    async function killWhenRunning(attempt: number) {
      const doomed: ChildProcess = spawn(
        process.execPath,
        ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'test/fixtures/jobs/hanging-worker.ts')],
        { env: { ...process.env, DATABASE_URL: t.url, LEASE_MS: String(leaseMs) }, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      try {
        await until('the doomed worker to run the job', async () => {
          const r = await jobRow(jobId);
          return r.status === 'running' && r.worker === 'worker doomed' && r.attempts === attempt && r.log.includes('fitting');
        });
      } finally {
        doomed.kill('SIGKILL');
        await new Promise((r) => doomed.once('exit', r));
      }
      // Nothing renews the lease and nothing marks the job: it still says "running".
      expect((await jobRow(jobId)).status).toBe('running');
    }

    /** Idle workers (`--once`) come by until the job settles. */
    async function settle(runs: string[]) {
      return until('the job to settle', async () => {
        await new TrainingWorker(t.db, countingTrainers(10, runs), { ...workerOptions, leaseMs, id: 'worker rescuer', once: true }).start();
        const r = await jobRow(jobId);
        return r.status !== 'running' && r.status !== 'queued' && r;
      });
    }

    test('its job is re-queued once the lease runs out and another worker runs it', async () => {
      await killWhenRunning(1);
      const runs: string[] = [];
      const row = await settle(runs);
      expect(row).toMatchObject({ status: 'succeeded', worker: 'worker rescuer', attempts: 2 });
      expect(row.log).toMatch(
        /its runner \(worker doomed\) stopped renewing its lease \(expired .*\): re-queued \(attempt 1 of 2 was lost\)/,
      );
      expect(runs).toEqual(['win']);
    }, 60_000);

    test('after TRAINING_MAX_ATTEMPTS lost attempts the job is failed, not retried forever', async () => {
      await killWhenRunning(1);
      // The next doomed worker re-queues the lost job itself, takes it (attempt 2) and dies too.
      await killWhenRunning(2);
      const runs: string[] = [];
      const row = await settle(runs);
      expect(row.status).toBe('failed');
      expect(row.error).toMatch(/^interrupted: its runner \(worker doomed\) stopped renewing its lease .* after 2 attempt\(s\)$/);
      expect(runs).toEqual([]);
    }, 60_000);
  });

  test('a re-queued job runs to success on the next worker, with its earlier log kept', async () => {
    const api = new TrainingJobs(t.db, {}, {}, { runner: 'worker' });
    (api as unknown as { trainers: Record<string, Trainer> }).trainers.churn = async () => null;
    const job = await api.start('churn');
    // A worker that stops answering (no lease renewals) without dying: its lease is taken away.
    let release!: () => void;
    const stuck = new TrainingWorker(
      t.db,
      {
        churn: async (_p, ctx) => {
          ctx.log('first attempt');
          await new Promise<void>((r) => (release = r));
          return { from: 'stuck' };
        },
      },
      { ...workerOptions, leaseMs: 900, id: 'worker stuck', once: true },
    );
    const stuckRun = stuck.start();
    await until('the stuck worker to hold the job', async () => (await jobRow(job.id)).log.includes('first attempt'));
    // Simulate a lease that ran out (a paused process): another worker may now take the job over.
    await t.db.sql.run('UPDATE training_job SET lease_expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000), job.id]);
    const runs: string[] = [];
    const next = new TrainingWorker(t.db, countingTrainers(200, runs), { ...workerOptions, id: 'worker next', once: true });
    await next.start();
    release();
    await stuckRun;
    const row = await jobRow(job.id);
    expect(row).toMatchObject({ status: 'succeeded', worker: 'worker next', attempts: 2 });
    expect(row.log).toContain('first attempt');
    expect(row.log).toContain('re-queued (attempt 1 of 2 was lost)');
    expect(runs).toEqual(['churn']);
    // The stuck worker found its lease gone and recorded nothing over the new run.
    expect(stuck.finished).toEqual([{ id: job.id, model: 'churn', outcome: 'lost' }]);
    expect((await api.get(job.id)).result).toMatchObject({ model: 'churn' });
  });

  test('a stopping worker lets its job finish within the grace period, else returns it to the queue', async () => {
    const api = new TrainingJobs(t.db, {}, {}, { runner: 'worker' });
    (api as unknown as { trainers: Record<string, Trainer> }).trainers.clv = async () => null;
    const job = await api.start('clv');
    const w = new TrainingWorker(
      t.db,
      { clv: (_p, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))) },
      { ...workerOptions, id: 'worker leaving' },
    );
    const running = w.start();
    await until('the job to run', async () => (await jobRow(job.id)).status === 'running');
    await w.stop(200);
    await running;
    const row = await jobRow(job.id);
    expect(row).toMatchObject({ status: 'queued', worker: null, attempts: 1 });
    expect(row.log).toContain('job returned to the queue');
  });

  test('a server running jobs itself fails jobs whose runner died, and queued jobs no worker will take', async () => {
    const jobs = new TrainingJobs(t.db, countingTrainers(10, []), {}, { runner: 'server', leaseMs: 60_000 });
    const live = await jobs.start('win');
    await t.db.sql.run(
      "INSERT INTO training_job (model_name, status, params, log, started_at, worker, lease_expires_at, attempts) VALUES ('churn', 'running', '{}', '', ?, 'server gone:1', ?, 1)",
      [new Date(), new Date(Date.now() - 1000)],
    );
    await t.db.sql.run("INSERT INTO training_job (model_name, status, params, log, started_at) VALUES ('clv', 'queued', '{}', '', ?)", [
      new Date(),
    ]);
    // Another replica starting now must not touch the job this one runs (its lease is live).
    const other = new TrainingJobs(t.db, {}, {}, { runner: 'server' });
    expect(await other.recoverStale()).toBe(2);
    const { items } = await jobs.list({ limit: 10, offset: 0, order: 'asc' });
    expect(Object.fromEntries(items.map((j) => [j.model, j.status]))).toEqual({
      win: expect.stringMatching(/running|succeeded/),
      churn: 'failed',
      clv: 'failed',
    });
    expect(items.find((j) => j.model === 'clv')?.error).toMatch(/TRAINING_RUNNER=server/);
    await until('the live job to finish', async () => (await jobs.get(live.id)).status === 'succeeded');
  });
});

describe('salescast worker (the CLI)', () => {
  test('takes a queued job, records its outcome, stays up while idle, and stops on SIGTERM', async () => {
    const api = new TrainingJobs(t.db, countingTrainers(10, []), {}, { runner: 'worker' });
    const job = await api.start('win', { promote: 'auto' });
    const worker = spawn(process.execPath, [path.join(ROOT, 'bin', 'salescast.js'), 'worker', '--poll', '0.2'], {
      env: { ...process.env, DATABASE_URL: t.url, TRAINING_LEASE_SECONDS: '5' },
    });
    let out = '';
    worker.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    try {
      // An empty database: `salescast train win` refuses for too little history, and the job says so.
      const row = await until('the worker to finish the job', async () => {
        const r = await jobRow(job.id);
        return r.status === 'failed' && r;
      });
      expect(row.worker).toMatch(/^worker /);
      expect(row.error).toMatch(/too little|not enough|need/i);
      await sleep(1500); // idle: polling, not exiting
      expect(worker.exitCode).toBeNull();
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const events = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).event);
    expect(events).toEqual(expect.arrayContaining(['started', 'job-started', 'job-finished', 'signal', 'stopped']));
  }, 60_000);
});
