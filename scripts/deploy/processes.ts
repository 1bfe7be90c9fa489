// The processes of the deployment test: the real CLI (bin/salescast.js, the compiled build) for
// one-off commands, `salescast serve` replicas and `salescast worker`, and autocannon load.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'salescast.js');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function cli(args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface Running {
  name: string;
  child: ChildProcess;
  /** Everything it printed (stdout and stderr), for the report when something fails. */
  output(): string;
  exited: Promise<number | null>;
}

export function launch(name: string, args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, output: () => out, exited };
}

export async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await sleep(100);
  }
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function http(base: string, method: string, route: string, key: string, body?: unknown): Promise<HttpAnswer> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

interface AutocannonResult {
  requests: { total: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
}
interface AutocannonInstance {
  stop(): void;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, r: AutocannonResult) => void) => AutocannonInstance;
// autocannon ships no type declarations: the slice used here is typed above.
const autocannon = require('autocannon') as Autocannon;

export interface Load {
  stop(): Promise<AutocannonResult>;
}

/** Scores an inline deal against `base` on `connections` connections until stopped. */
export function loadOn(base: string, key: string, body: unknown, connections = 2): Load {
  let resolveResult!: (r: AutocannonResult) => void;
  let rejectResult!: (e: Error) => void;
  const result = new Promise<AutocannonResult>((res, rej) => {
    resolveResult = res;
    rejectResult = rej;
  });
  const instance = autocannon(
    {
      url: `${base}/v1/deals/score`,
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      connections,
      duration: 3600,
    },
    (err, r) => (err ? rejectResult(err) : resolveResult(r)),
  );
  return {
    stop() {
      instance.stop();
      return result;
    },
  };
}
