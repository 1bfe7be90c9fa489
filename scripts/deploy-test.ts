// The deployment test (issue #13, run by .ci/run as `npm run test:deploy`): everything on this
// machine as it would run on several: one PostgreSQL primary and one streaming replica
// (pg_basebackup -R), two `salescast serve` replicas A and B on different ports (queueing training
// jobs, reading reports from the replica), and one `salescast worker`. It checks that
//  1. a training job enqueued through A is run by the worker, promoted, and served by A and B
//     within seconds (told by NOTIFY: MODEL_REFRESH_SECONDS is set far above the bound);
//  2. autocannon on both replicas during the promotion sees zero failed requests;
//  3. reads go to the replica, a replica behind by more than DATABASE_READ_MAX_LAG_SECONDS is
//     bypassed (A), and within the bound a read may be stale (B), saying so in X-Read-Source;
//  4. killing A leaves B serving.
// Prints one JSON summary; exits 1 with the processes' output when a check fails.
import pg from 'pg';
import { startPrimaryAndReplica } from './deploy/pg-cluster';
import { cli, http, type HttpAnswer, launch, loadOn, type Running, sleep, until } from './deploy/processes';

const BASE_PORT = Number(process.env.SALESCAST_DEPLOY_PG_PORT ?? 55440);
const PORT_A = Number(process.env.SALESCAST_DEPLOY_HTTP_PORT ?? 43210);
const PORT_B = PORT_A + 1;
/** How soon both replicas must serve a promoted version. */
const PICKUP_BOUND_MS = 10_000;

const DEAL = { stage: 'Proposal', amount: 12000, createdAt: '2025-01-10', expectedCloseAt: '2025-03-31', source: 'web' };

const summary: Record<string, unknown> = {};
const processes: Running[] = [];

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`check failed: ${what}`);
}

const servedWin = async (base: string, key: string): Promise<number | null> => {
  const r = await http(base, 'GET', '/ready', key);
  const models = (r.body as { models?: { name: string; version: number | null }[] }).models ?? [];
  return models.find((m) => m.name === 'win')?.version ?? null;
};

/** Migrate, load the demo company, train a first win model, create a key: the state of a running install. */
function prepare(env: NodeJS.ProcessEnv): string {
  cli(['migrate'], env);
  cli(['demo', '--accounts', '150'], env);
  cli(['retrain', '--only', 'win', '--json'], env);
  const created = JSON.parse(cli(['keys', 'create', '--name', 'deploy-test', '--scope', 'scores:read,data:write,admin', '--json'], env));
  return created.key as string;
}

function startProcesses(env: NodeJS.ProcessEnv, readUrl: string) {
  const serve = (name: string, port: number, maxLag: number) =>
    launch(name, ['serve'], {
      ...env,
      PORT: String(port),
      DATABASE_READ_URL: readUrl,
      DATABASE_READ_MAX_LAG_SECONDS: String(maxLag),
      TRAINING_RUNNER: 'worker',
      MODEL_REFRESH_SECONDS: '600',
    });
  // A bypasses a replica more than 2 s behind; B tolerates an hour (to show a stale read).
  const a = serve('replica A', PORT_A, 2);
  const b = serve('replica B', PORT_B, 3600);
  const worker = launch('worker', ['worker'], { ...env, WORKER_POLL_SECONDS: '30' });
  processes.push(a, b, worker);
  return { a, b, worker };
}

/** 1 + 2: a job through A, run by the worker, served by A and B within seconds, under load. */
async function promotionUnderLoad(baseA: string, baseB: string, key: string) {
  const before = [await servedWin(baseA, key), await servedWin(baseB, key)];
  check(before[0] !== null && before[0] === before[1], `both replicas serve the same win version at start (${before})`);
  const loads = [loadOn(baseA, key, { deals: [DEAL] }), loadOn(baseB, key, { deals: [DEAL] })];
  await sleep(1000);
  const started = await http(baseA, 'POST', '/v1/training-jobs', key, { model: 'win', promote: 'always', algorithm: 'logistic' });
  // Queued by A; a worker woken by the notification may already hold it when A reads it back.
  const queued = started.body as { status: string; worker: string | null };
  check(
    started.status === 202 &&
      (queued.status === 'queued' || (queued.status === 'running' && Boolean(queued.worker?.startsWith('worker ')))),
    `A queues the job for a worker: ${JSON.stringify(started.body)}`,
  );
  const id = (started.body as { id: number }).id;
  const job = await until(
    'the worker to finish the job',
    async () => {
      const r = await http(baseB, 'GET', `/v1/training-jobs/${id}`, key);
      const j = r.body as {
        status: string;
        worker: string | null;
        result: { version: number; promoted: boolean } | null;
        error: string | null;
      };
      if (j.status === 'failed') throw new Error(`the job failed: ${j.error}`);
      return j.status === 'succeeded' && j;
    },
    180_000,
  );
  const finishedAt = Date.now();
  check(Boolean(job.worker?.startsWith('worker ')), `a worker ran the job (worker: ${job.worker})`);
  check(job.result?.promoted === true, 'the job promoted its version');
  const version = job.result!.version;
  const pickup: Record<string, number> = {};
  await Promise.all(
    [
      ['A', baseA],
      ['B', baseB],
    ].map(async ([name, base]) => {
      await until(`replica ${name} to serve win v${version}`, async () => (await servedWin(base, key)) === version, PICKUP_BOUND_MS);
      pickup[name] = (Date.now() - finishedAt) / 1000;
    }),
  );
  await sleep(1000); // load on the new version too
  const results = await Promise.all(loads.map((l) => l.stop()));
  summary.promotion = { job: id, worker: job.worker, from: before[0], to: version, servedAfterSeconds: pickup };
  summary.load = results.map((r, i) => ({
    replica: i ? 'B' : 'A',
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  }));
  for (const [i, r] of results.entries()) {
    check(r.requests.total > 0, `load reached replica ${i ? 'B' : 'A'}`);
    check(r.non2xx === 0 && r.errors === 0 && r.timeouts === 0, `zero failed requests on replica ${i ? 'B' : 'A'} (${JSON.stringify(r)})`);
  }
}

const snapshotTotal = (r: HttpAnswer) => (r.body as { page: { total: number } }).page.total;

/** 3: reads from the replica; a lagging replica bypassed by A, a stale read on B that says so. */
async function readReplica(baseA: string, baseB: string, key: string, primaryUrl: string, replicaUrl: string) {
  const list = (base: string) => http(base, 'GET', '/v1/forecasts/snapshots?limit=1', key);
  await until(
    'A to read from the replica',
    async () => list(baseA).then((r) => r.headers.get('x-read-source')?.startsWith('replica')),
    15_000,
  );
  // A heavy report runs in a worker thread, which reads from the replica on the same terms.
  const pareto = await http(baseA, 'GET', '/v1/reports/pareto', key);
  const paretoSource = pareto.headers.get('x-read-source');
  check(
    pareto.status === 200 && Boolean(paretoSource?.startsWith('replica')),
    `the Pareto report reads the replica (${pareto.status}, ${paretoSource})`,
  );
  // How far behind the replica is in normal operation: a committed write, until the replica has it.
  const primary = new pg.Client({ connectionString: primaryUrl });
  const replica = new pg.Client({ connectionString: replicaUrl });
  await Promise.all([primary.connect(), replica.connect()]);
  try {
    const t0 = Date.now();
    const [{ lsn }] = (await primary.query('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows;
    await primary.query('CREATE TABLE IF NOT EXISTS deploy_probe (at timestamptz); INSERT INTO deploy_probe VALUES (now())');
    await until(
      'the replica to replay the write',
      async () => (await replica.query('SELECT to_regclass($1) AS t', ['deploy_probe'])).rows[0].t,
      10_000,
    );
    const lag: Record<string, unknown> = { writeVisibleOnReplicaAfter: Date.now() - t0, fromLsn: lsn };
    summary.replicaLagMs = lag;

    await replica.query('SELECT pg_wal_replay_pause()');
    const paused = Date.now();
    const before = snapshotTotal(await list(baseB));
    const took = await http(baseA, 'POST', '/v1/forecasts/snapshots', key, { sims: 500 });
    check(took.status === 201 || took.status === 200, `a snapshot is stored through A (${took.status})`);
    // A's lag check runs every second or so: once the replica is past A's 2 s bound, A reads the
    // primary. Under load the check can run late, so wait for it (a fixed sleep failed once in CI).
    const bypassed = await until(
      'A to bypass the paused replica',
      async () => (await list(baseA)).headers.get('x-read-source') === 'primary',
      15_000,
    ).catch(() => false);
    lag.aBypassedReplicaAfterPause = bypassed ? Date.now() - paused : null;
    const onA = await list(baseA);
    const onB = await list(baseB);
    summary.staleRead = {
      a: { source: onA.headers.get('x-read-source'), total: snapshotTotal(onA) },
      b: { source: onB.headers.get('x-read-source'), total: snapshotTotal(onB) },
      before,
    };
    check(
      onA.headers.get('x-read-source') === 'primary' && snapshotTotal(onA) === before + 1,
      'A bypasses the paused replica and sees the write',
    );
    check(
      Boolean(onB.headers.get('x-read-source')?.startsWith('replica; lag=')),
      'B still reads the replica and says how far behind it is',
    );
    check(snapshotTotal(onB) === before, 'B, within its bound, reads the replica as it was (stale, and says so)');
    await replica.query('SELECT pg_wal_replay_resume()');
    await until('B to see the write once replay resumes', async () => snapshotTotal(await list(baseB)) === before + 1, 15_000);
    await until(
      'A to read from the replica again',
      async () => list(baseA).then((r) => r.headers.get('x-read-source')?.startsWith('replica')),
      15_000,
    );
  } finally {
    await replica.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await Promise.all([primary.end(), replica.end()]);
  }
}

/** 4: A killed, B keeps serving. */
async function killA(a: Running, baseB: string, key: string) {
  a.child.kill('SIGKILL');
  await a.exited;
  const ready = await http(baseB, 'GET', '/ready', key);
  const scored = await http(baseB, 'POST', '/v1/deals/score', key, { deals: [DEAL] });
  check(ready.status === 200 && scored.status === 200, `B serves after A is killed (ready ${ready.status}, score ${scored.status})`);
  summary.afterKillingA = { bReady: ready.status, bScore: scored.status };
}

async function main() {
  const began = Date.now();
  const clusters = startPrimaryAndReplica(BASE_PORT);
  try {
    const admin = new pg.Client({ connectionString: clusters.primary.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE salescast');
    await admin.end();
    const env = {
      DATABASE_URL: clusters.primary.url('salescast'),
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '10000000',
      LOG_LEVEL: 'warn',
    };
    const key = prepare(env);
    const { a, b } = startProcesses(env, clusters.replica.url('salescast'));
    const baseA = `http://127.0.0.1:${PORT_A}`;
    const baseB = `http://127.0.0.1:${PORT_B}`;
    for (const base of [baseA, baseB])
      await until(`${base}/ready`, async () => (await http(base, 'GET', '/ready', key)).status === 200, 60_000);
    await promotionUnderLoad(baseA, baseB, key);
    await readReplica(baseA, baseB, key, clusters.primary.url('salescast'), clusters.replica.url('salescast'));
    await killA(a, baseB, key);
    void b;
    summary.seconds = (Date.now() - began) / 1000;
    process.stdout.write(`${JSON.stringify({ deployTest: 'passed', ...summary }, null, 2)}\n`);
  } finally {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => Promise.race([p.exited, sleep(15_000)])));
    clusters.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`deploy test FAILED: ${e instanceof Error ? e.message : String(e)}\n${JSON.stringify(summary, null, 2)}\n`);
  for (const p of processes) process.stderr.write(`\n----- ${p.name} -----\n${p.output().slice(-6000)}\n`);
  process.exit(1);
});
