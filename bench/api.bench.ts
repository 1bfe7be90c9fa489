// npm run bench:api [-- --seconds 5 --connections 10 --batch 100]: HTTP throughput on loopback.
// A child process serves (1) the real API (startServer: auth, rate limiter, validation, logging,
// the in-memory deal-win model) and (2) a bare Express JSON endpoint; this process drives both with
// autocannon, one after the other, in the same run. Prints requests/s and p50/p99 latency of
// inline single-deal scoring next to the bare endpoint (goal: over 70% of its throughput), and
// the deals/s of batch scoring.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { positiveNumberArg as arg } from './args';

// autocannon ships no type declarations; this is the part of its API the benchmark uses.
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, r: AutocannonResult) => void) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;


const SECONDS = arg('seconds', 5);
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

// ---------------------------------------------------------------- child: the servers under test
async function serve() {
  const express = (await import('express')).default;
  const pino = (await import('pino')).default;
  const { loadConfig } = await import('../src/config');
  const { openDatabase } = await import('../src/db/database');
  const { migrate } = await import('../src/db/migrate');
  const { loadDemoData } = await import('../src/services/demo-service');
  const { trainWinModel } = await import('../src/services/win/train-win-model');
  const { createApiKey } = await import('../src/services/api-keys/api-keys');
  const { startServer } = await import('../src/http/server');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-bench-api-'));
  const url = `file:${path.join(dir, 'bench.db')}`;
  const modelsDir = path.join(dir, 'models');
  await migrate(url);
  const db = openDatabase(url);
  await loadDemoData(db, { seed: 42, accounts: 300, months: 24 });
  let model = 'stage baseline';
  try {
    const t = await trainWinModel(db, { modelsDir, algorithm: 'logistic', promote: 'always' });
    model = `${t.algorithm} v${t.version}`;
  } catch (e) {
    model = `stage baseline (training refused: ${e instanceof Error ? e.message : String(e)})`;
  }
  const { key } = await createApiKey(db, { name: 'bench', scopes: 'scores:read' });
  const config = {
    ...loadConfig({ ...process.env, DATABASE_URL: url }),
    PORT: 0,
    HOST: '127.0.0.1',
    SALESCAST_AUTH_DISABLED: false,
    SALESCAST_MODELS_DIR: modelsDir,
    RATE_LIMIT_PER_MINUTE: 100_000_000,
    BODY_LIMIT: '5mb',
  };
  // Request logs stay on (as in production) but go to /dev/null so the terminal is not the bottleneck.
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const api = await startServer(config, db, { logger, handleSignals: false, trainers: {} });

  // The same API stack with a constant scorer: separates the framework's cost from the model's.
  const { createApp } = await import('../src/http/app');
  const fixed = api.services.win!.scoreInline([inlineDeal(0)], new Date())[0];
  const stubWin = { scoreInline: (deals: unknown[]) => deals.map(() => fixed), registry: api.services.win!.registry } as unknown as NonNullable<typeof api.services.win>;
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
  process.stdout.write(JSON.stringify({ apiPort: api.port, barePort, stubPort, key, model }) + '\n');
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
  process.stdin.resume();
}

// ---------------------------------------------------------------- parent: the load generator
interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function run(url: string, body: unknown, headers: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers }, connections: CONNECTIONS, duration: SECONDS },
      (err: Error | null, r: AutocannonResult) => {
        if (err) return reject(err);
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx });
      },
    );
  });
}

async function main() {
  if (process.env.SALESCAST_BENCH_API_CHILD === '1') return serve();
  const started = Date.now();
  process.stderr.write('setting up: temporary database, demo data, logistic deal-win model...\n');
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, SALESCAST_BENCH_API_CHILD: '1', LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const info = await new Promise<{ apiPort: number; barePort: number; stubPort: number; key: string; model: string }>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
  try {
    const auth = { authorization: `Bearer ${info.key}` };
    const single = { deals: [inlineDeal(1)] };
    const batch = { deals: Array.from({ length: BATCH }, (_, i) => inlineDeal(i)) };
    // A short warm-up so both servers are past JIT compilation before measuring.
    await new Promise<void>((r) => autocannon({ url: `http://127.0.0.1:${info.apiPort}/v1/deals/score`, method: 'POST', body: JSON.stringify(single), headers: { 'content-type': 'application/json', ...auth }, connections: 2, amount: 500 }, () => r()));

    process.stderr.write(`measuring ${SECONDS}s each with ${CONNECTIONS} connections on loopback...\n`);
    const bare = await run(`http://127.0.0.1:${info.barePort}/echo`, single, {});
    const api = await run(`http://127.0.0.1:${info.apiPort}/v1/deals/score`, single, auth);
    const stub = await run(`http://127.0.0.1:${info.stubPort}/v1/deals/score`, single, auth);
    const lean = await run(`http://127.0.0.1:${info.apiPort}/v1/deals/score`, { ...single, explain: false }, auth);
    const bulk = await run(`http://127.0.0.1:${info.apiPort}/v1/deals/score`, batch, auth);

    const row = (name: string, r: Result) => `${name.padEnd(52)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms${r.errors || r.non2xx ? `   (${r.errors} errors, ${r.non2xx} non-2xx)` : ''}`;
    const ratio = api.rps / bare.rps;
    console.log(`\nSalescast API benchmark (loopback, ${SECONDS}s per case, ${CONNECTIONS} connections, model: ${info.model})`);
    console.log(row('bare Express JSON endpoint (POST /echo)', bare));
    console.log(row('inline single-deal scoring (POST /v1/deals/score)', api));
    console.log(`  scoring throughput = ${(ratio * 100).toFixed(1)}% of the bare endpoint (goal > 70%): ${ratio > 0.7 ? 'MET' : 'NOT MET'}`);
    console.log(row('  same, without factors ("explain": false)', lean));
    console.log(row('  same API stack, constant scorer (reference)', stub));
    console.log(`  (the API stack alone runs at ${((stub.rps / bare.rps) * 100).toFixed(1)}% of the bare endpoint; the rest is the model's own scoring cost)`);
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
