// npm run bench:api [-- --seconds 12 --rounds 16 --connections 10 --batch 100]: HTTP throughput on loopback.
// A setup process builds a temporary database with the demo company and trains a logistic deal-win
// model; a second process then serves, like `salescast serve` (the compiled build in dist/, brought
// up to date first; this script itself runs through tsx), (1) the real API (startServer: auth,
// rate limiter, validation, the production logger, the model loaded from the registry) and (2) a
// bare Express JSON endpoint; this process drives both with autocannon in the same run. Prints requests/s and p50/p99 latency of inline single-deal scoring
// next to the bare endpoint (goal: over 70% of its throughput), and the deals/s of batch scoring.
// The machines are shared, so load from elsewhere drifts during a run: the cases are measured in
// many short interleaved rounds (bare, API, ... then the reverse order, so bare and API are always
// measured back to back) and the ratio reported is the median of the per-round ratios. A burst of
// other load spoils a few of the 16 rounds rather than one of four.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { positiveIntArg, positiveNumberArg as arg } from './args';
import { fromDist, prepareServedDemo, type ServedDemo } from './served-demo';

// autocannon ships no type declarations; this is the part of its API the benchmark uses.
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, r: AutocannonResult) => void) => unknown;
// autocannon ships no type declarations: the slice used here is typed above.
const autocannon = require('autocannon') as Autocannon;

const SECONDS = arg('seconds', 12);
const ROUNDS = positiveIntArg('rounds', 16);
const CONNECTIONS = arg('connections', 10);
const BATCH = arg('batch', 100);

function inlineDeal(i: number) {
  const stages = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation'];
  return {
    externalId: `bench-${i}`,
    stage: stages[i % stages.length],
    amount: 5000 + ((i * 7919) % 50_000),
    discount: (i % 5) / 20,
    createdAt: '2025-01-15',
    expectedCloseAt: '2025-06-30',
    source: i % 2 ? 'web' : 'referral',
    account: { segment: i % 3 ? 'smb' : 'enterprise', region: i % 2 ? 'EU' : 'NA' },
    stageChanges: [{ fromStage: 'Prospecting', toStage: stages[i % stages.length], changedAt: '2025-02-01' }],
    activities: [
      { type: 'call', occurredAt: '2025-02-03' },
      { type: 'email', occurredAt: '2025-02-10' },
    ],
  };
}

// ---------------------------------------------------------------- setup: data, model and key
async function setup() {
  const out = await prepareServedDemo('salescast-bench-api-', { seed: 42, accounts: 300, months: 24 });
  process.stdout.write(`${JSON.stringify(out)}\n`, () => process.exit(0));
}

// ---------------------------------------------------------------- child: the servers under test
async function serve() {
  const express = (await import('express')).default;
  const { loadConfig } = fromDist<typeof import('../src/config')>('config');
  const { openDatabase } = fromDist<typeof import('../src/db/database')>('db/database');
  const { startServer } = fromDist<typeof import('../src/http/server')>('http/server');
  const { serverLogger } = fromDist<typeof import('../src/http/logger')>('http/logger');

  // Like `salescast serve`: a process that only opens the database and loads the active model
  // (the data and the model were made by the setup process).
  const { dir, url, modelsDir, key, model } = JSON.parse(process.env.SALESCAST_BENCH_API_SETUP!) as ServedDemo;
  const db = openDatabase(url);
  const config = {
    ...loadConfig({ ...process.env, DATABASE_URL: url }),
    PORT: 0,
    HOST: '127.0.0.1',
    SALESCAST_AUTH_DISABLED: false,
    SALESCAST_MODELS_DIR: modelsDir,
    RATE_LIMIT_PER_MINUTE: 100_000_000,
    BODY_LIMIT: '5mb',
  };
  // Request logs stay on with the production logger, into /dev/null so the terminal is not the bottleneck.
  const logger = serverLogger('info', { dest: '/dev/null' });
  const api = await startServer(config, db, { logger, handleSignals: false, trainers: {} });

  // The same API stack with a constant scorer: separates the framework's cost from the model's.
  const { createApp } = fromDist<typeof import('../src/http/app')>('http/app');
  const fixed = api.services.win!.scoreInline([inlineDeal(0)], new Date())[0];
  const stubWin = {
    scoreInline: (deals: unknown[]) => deals.map(() => fixed),
    registry: api.services.win!.registry,
  } as unknown as NonNullable<typeof api.services.win>;
  const stubApp = createApp({ ...api.services, win: stubWin });
  const stubServer = await new Promise<import('node:http').Server>((resolve) => {
    const s = stubApp.listen(0, '127.0.0.1', () => resolve(s));
  });
  const stubPort = (stubServer.address() as import('node:net').AddressInfo).port;

  const bare = express();
  bare.use(express.json({ limit: '5mb' }));
  bare.post('/echo', (req, res) => {
    res.json({ ok: true, deals: Array.isArray(req.body?.deals) ? req.body.deals.length : 0 });
  });
  const bareServer = await new Promise<import('node:http').Server>((resolve) => {
    const s = bare.listen(0, '127.0.0.1', () => resolve(s));
  });
  const barePort = (bareServer.address() as import('node:net').AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ apiPort: api.port, barePort, stubPort, key, model })}\n`);
  const stop = async () => {
    await api.close();
    bareServer.close();
    stubServer.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop()); // the parent went away
  // The parent asks for this process's CPU time around each measurement ("cpu" -> {"cpu": us}).
  let pending = '';
  process.stdin.on('data', (c: Buffer) => {
    pending += c.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line === 'cpu') {
        const u = process.cpuUsage();
        process.stdout.write(`${JSON.stringify({ cpu: u.user + u.system })}\n`);
      }
    }
  });
}

// ---------------------------------------------------------------- parent: the load generator
interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Server CPU time (user + system) per request, microseconds. */
  cpuPerRequest: number;
}

/** Asks the server process for its CPU time so far (microseconds). */
let askCpu: () => Promise<number> = async () => 0;

async function run(url: string, body: unknown, headers: Record<string, string>, seconds: number): Promise<Result> {
  const cpuBefore = await askCpu();
  const r = await load(url, body, headers, seconds);
  const cpu = (await askCpu()) - cpuBefore;
  return { ...r, cpuPerRequest: r.total ? cpu / r.total : 0 };
}

function load(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  seconds: number,
): Promise<Omit<Result, 'cpuPerRequest'> & { total: number }> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
        connections: CONNECTIONS,
        duration: seconds,
      },
      (err: Error | null, r: AutocannonResult) => {
        if (err) return reject(err);
        resolve({
          rps: r.requests.average,
          total: r.requests.total,
          p50: r.latency.p50,
          p99: r.latency.p99,
          errors: r.errors + r.timeouts,
          non2xx: r.non2xx,
        });
      },
    );
  });
}

async function main() {
  if (process.env.SALESCAST_BENCH_API_CHILD === 'setup') return setup();
  if (process.env.SALESCAST_BENCH_API_CHILD === '1') return serve();
  const started = Date.now();
  require('../scripts/build.js').build();
  process.stderr.write('setting up: temporary database, demo data, logistic deal-win model...\n');
  const prepared = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, __filename], {
      env: { ...process.env, SALESCAST_BENCH_API_CHILD: 'setup', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(line);
      else reject(new Error(`benchmark setup exited with ${code}`));
    });
  });
  // The server runs in a process of its own that did not build the data or train the model, as
  // `salescast serve` would.
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the server process there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, ...profile, __filename], {
    env: { ...process.env, SALESCAST_BENCH_API_CHILD: '1', SALESCAST_BENCH_API_SETUP: prepared, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // The child's stdout carries line-delimited JSON: first its ports and key, then CPU readings.
  const waiting: Array<(v: Record<string, unknown>) => void> = [];
  let firstLine: ((v: Record<string, unknown>) => void) | null = null;
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const msg = JSON.parse(line) as Record<string, unknown>;
      if ('cpu' in msg) waiting.shift()?.(msg);
      else firstLine?.(msg);
    }
  });
  const info = await new Promise<{ apiPort: number; barePort: number; stubPort: number; key: string; model: string }>((resolve, reject) => {
    firstLine = (v) => resolve(v as unknown as { apiPort: number; barePort: number; stubPort: number; key: string; model: string });
    child.on('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
  askCpu = () =>
    new Promise<number>((resolve) => {
      waiting.push((m) => resolve(Number(m.cpu)));
      child.stdin!.write('cpu\n');
    });
  try {
    const auth = { authorization: `Bearer ${info.key}` };
    const single = { deals: [inlineDeal(1)] };
    const batch = { deals: Array.from({ length: BATCH }, (_, i) => inlineDeal(i)) };
    const cases = {
      bare: { url: `http://127.0.0.1:${info.barePort}/echo`, body: single, headers: {} },
      api: { url: `http://127.0.0.1:${info.apiPort}/v1/deals/score`, body: single, headers: auth },
      lean: { url: `http://127.0.0.1:${info.apiPort}/v1/deals/score`, body: { ...single, explain: false }, headers: auth },
      stub: { url: `http://127.0.0.1:${info.stubPort}/v1/deals/score`, body: single, headers: auth },
    };
    type Case = keyof typeof cases;
    const order = Object.keys(cases) as Case[];
    // A warm-up of every server so each is past JIT compilation before measuring (with one second
    // each, the first round of scoring still ran at about half its later rate).
    for (const c of order) await run(cases[c].url, cases[c].body, cases[c].headers, 2);

    const perRound = SECONDS / ROUNDS;
    process.stderr.write(`measuring ${SECONDS}s per case in ${ROUNDS} interleaved rounds, ${CONNECTIONS} connections on loopback...\n`);
    const results: Record<Case, Result[]> = { bare: [], api: [], lean: [], stub: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of r % 2 ? [...order].reverse() : order)
        results[c].push(await run(cases[c].url, cases[c].body, cases[c].headers, perRound));
    }
    if (process.env.BENCH_DEBUG) for (const c of order) console.error(c, results[c].map((x) => x.rps.toFixed(0)).join(' '));
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const combine = (rs: Result[]): Result => ({
      rps: rs.reduce((a, x) => a + x.rps, 0) / rs.length,
      cpuPerRequest: median(rs.map((x) => x.cpuPerRequest)),
      p50: median(rs.map((x) => x.p50)),
      p99: Math.max(...rs.map((x) => x.p99)),
      errors: rs.reduce((a, x) => a + x.errors, 0),
      non2xx: rs.reduce((a, x) => a + x.non2xx, 0),
    });
    const ratioOf = (c: Case) => median(results[c].map((x, i) => x.rps / results.bare[i].rps));
    const [bare, api, lean, stub] = [combine(results.bare), combine(results.api), combine(results.lean), combine(results.stub)];
    const bulk = await run(`http://127.0.0.1:${info.apiPort}/v1/deals/score`, batch, auth, perRound * 2);

    const row = (name: string, r: Result) =>
      `${name.padEnd(52)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   server CPU ${r.cpuPerRequest.toFixed(0).padStart(4)} us/req${r.errors || r.non2xx ? `   (${r.errors} errors, ${r.non2xx} non-2xx)` : ''}`;
    const ratio = ratioOf('api');
    console.log(
      `\nSalescast API benchmark (loopback, ${SECONDS}s per case in ${ROUNDS} rounds, ${CONNECTIONS} connections, model: ${info.model})`,
    );
    console.log(row('bare Express JSON endpoint (POST /echo)', bare));
    console.log(row('inline single-deal scoring (POST /v1/deals/score)', api));
    console.log(
      `  scoring throughput = ${(ratio * 100).toFixed(1)}% of the bare endpoint (goal > 70%): ${ratio > 0.7 ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `  (median of the ${ROUNDS} per-round ratios: ${results.api.map((x, i) => `${((x.rps / results.bare[i].rps) * 100).toFixed(0)}%`).join(', ')})`,
    );
    // CPU time per request is what throughput on a core of its own would be limited by; it moves
    // far less than req/s when other processes share the machine.
    console.log(
      `  by server CPU per request: ${((bare.cpuPerRequest / api.cpuPerRequest) * 100).toFixed(1)}% of the bare endpoint's capacity (${api.cpuPerRequest.toFixed(0)} vs ${bare.cpuPerRequest.toFixed(0)} us)`,
    );
    console.log(row('  same, without factors ("explain": false)', lean));
    console.log(row('  same API stack, constant scorer (reference)', stub));
    console.log(
      `  (the API stack alone runs at ${(ratioOf('stub') * 100).toFixed(1)}% of the bare endpoint; the rest is the model's own scoring cost)`,
    );
    console.log(row(`batch scoring, ${BATCH} deals per request`, bulk));
    console.log(`  batch scoring = ${(bulk.rps * BATCH).toFixed(0)} deals/s`);
    console.log(`(total ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (api.non2xx || bulk.non2xx || lean.non2xx || api.errors || bulk.errors || lean.errors) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
