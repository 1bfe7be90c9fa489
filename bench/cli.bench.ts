// npm run bench:cli [-- --runs 15 --accounts 120]: start-up time of the compiled CLI.
// Prepares a scratch SQLite database with the installed CLI itself (migrate, a small demo company,
// a logistic deal-win model), then times `node -e 0`, `salescast --help`, `salescast stats --json`
// and `salescast score deals` as a user runs them (a new process each, bin/salescast.js, wall
// clock until exit), in interleaved rounds so that load from other processes on a shared machine
// falls on every command alike. Prints the median of each next to the median of `node -e 0` and
// their ratio (goal: under 4x).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { positiveIntArg } from './args';

const RUNS = positiveIntArg('runs', 15);
const ACCOUNTS = positiveIntArg('accounts', 120);
const GOAL = 4;
const CLI = path.resolve(__dirname, '..', 'bin', 'salescast.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-bench-cli-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: `file:${path.join(dir, 'bench.db')}`,
  SALESCAST_MODELS_DIR: path.join(dir, 'models'),
  LOG_LEVEL: 'warn',
};

function run(args: string[], what: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}: ${r.stderr || r.stdout}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main() {
  const started = Date.now();
  process.stderr.write(`preparing a scratch database (${ACCOUNTS} demo accounts, a logistic deal-win model) in ${dir}...\n`);
  run([CLI, 'migrate'], 'salescast migrate');
  run([CLI, 'demo', '--accounts', String(ACCOUNTS), '--months', '12', '--as-of', '2025-06-30'], 'salescast demo');
  let model = 'logistic deal-win model';
  try {
    run([CLI, 'train', 'win', '--algorithm', 'logistic', '--promote', 'always', '--as-of', '2025-06-30'], 'salescast train win');
  } catch (e) {
    model = `stage baseline (training refused: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }

  const cases: Array<{ name: string; args: string[] }> = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'salescast --help', args: [CLI, '--help'] },
    { name: 'salescast stats --json', args: [CLI, 'stats', '--json'] },
    { name: 'salescast score deals', args: [CLI, 'score', 'deals', '--as-of', '2025-06-30'] },
  ];
  // One warm-up run each: the file cache, and a rebuild of dist/ if a source changed.
  for (const c of cases) run(c.args, c.name);
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  process.stderr.write(`measuring ${RUNS} runs of each, interleaved...\n`);
  for (let i = 0; i < RUNS; i++) {
    for (const c of i % 2 ? [...cases].reverse() : cases) times.get(c.name)!.push(run(c.args, c.name));
  }

  const base = median(times.get('node -e 0')!);
  console.log(`\nSalescast CLI start-up (compiled, ${RUNS} runs each, median wall time; scratch SQLite database, ${model})`);
  for (const c of cases) {
    const m = median(times.get(c.name)!);
    const ratio = m / base;
    const verdict =
      c.name === 'node -e 0' ? '(baseline)' : `${ratio.toFixed(2)}x node -e 0 (goal < ${GOAL}x): ${ratio < GOAL ? 'MET' : 'NOT MET'}`;
    console.log(`${c.name.padEnd(26)} ${m.toFixed(0).padStart(6)} ms   ${verdict}`);
  }
  console.log(`(total ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

try {
  main();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
