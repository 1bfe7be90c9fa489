// Configuration is read once from the environment and validated; a bad value fails fast with a
// message naming the variable (every bad variable at once). Parsed by hand rather than with a zod
// schema: every CLI command reads the configuration first, and loading zod alone took longer than
// the rest of `salescast stats` (npm run bench:cli).
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AppError } from './errors';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const BOOLEANS = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const MODEL_STORES = ['auto', 'folder', 'database'] as const;
const TRAINING_RUNNERS = ['server', 'worker'] as const;
const RATE_LIMIT_STORES = ['auto', 'memory', 'database'] as const;

/**
 * Express's "trust proxy": false (default: the peer address is the client), a hop count, or the
 * proxies' addresses (IPs, CIDR ranges, or loopback / linklocal / uniquelocal), comma-separated.
 * true trusts any X-Forwarded-For and lets a direct client pick its own address.
 */
export type TrustProxy = boolean | number | string[];

export interface Config {
  SALESCAST_DATA_DIR: string;
  SALESCAST_MODELS_DIR: string;
  /**
   * Where new model artifacts are written: `folder` (SALESCAST_MODELS_DIR), `database` (rows of the
   * database, shared by every process on it), or `auto`: database on PostgreSQL, folder on SQLite.
   */
  SALESCAST_MODEL_STORE: (typeof MODEL_STORES)[number];
  PORT: number;
  HOST: string;
  LOG_LEVEL: (typeof LOG_LEVELS)[number];
  /** Explicit opt-out of API keys for local development; refused on non-loopback hosts. */
  SALESCAST_AUTH_DISABLED: boolean;
  CORS_ORIGINS: string;
  /** Behind a reverse proxy: which X-Forwarded-For hops to believe (client IPs for rate limits and logs). */
  TRUST_PROXY: TrustProxy;
  RATE_LIMIT_PER_MINUTE: number;
  /**
   * Where request counts are kept: `memory` (each process its own budget), `database` (shared by the
   * API replicas on one database, synced about once a second), or `auto`: database on PostgreSQL.
   */
  RATE_LIMIT_STORE: (typeof RATE_LIMIT_STORES)[number];
  BODY_LIMIT: string;
  /** Larger limit for the bulk upsert routes (POST /v1/data...), which carry many records. */
  BULK_BODY_LIMIT: string;
  /** How often the HTTP server re-reads the active model versions (hot reload after a cron retrain). */
  MODEL_REFRESH_SECONDS: number;
  /** How long a graceful shutdown waits for in-flight requests before closing connections. */
  SHUTDOWN_GRACE_SECONDS: number;
  /** Worker threads for CPU-heavy requests (forecasts, backtests, what-if, compare, reports, large batches). */
  WORKER_THREADS: number;
  /** Heavy requests that may wait for a worker thread; more are refused with 503 SERVER_BUSY. */
  WORKER_QUEUE_LENGTH: number;
  /** Time budget of a heavy request (waiting and running); past it the work is cancelled, 503 TIME_BUDGET_EXCEEDED. */
  REQUEST_BUDGET_SECONDS: number;
  /** Forecast answers kept for repeated identical requests (0: no cache). */
  FORECAST_CACHE_ENTRIES: number;
  /** How long a cached forecast "as of now" is served (one with an explicit asOf only until the data changes). */
  FORECAST_CACHE_SECONDS: number;
  /** How long a request waits for another writer's SQLite lock before 503 DATABASE_BUSY (the CLI waits 15 s). */
  SQLITE_BUSY_TIMEOUT_MS: number;
  /** Who runs training jobs started over HTTP: `server` (the API process that got the request) or `worker` (`salescast worker`). */
  TRAINING_RUNNER: (typeof TRAINING_RUNNERS)[number];
  /** A running job's lease: renewed every third of it; a job whose runner stops renewing is recovered after it. */
  TRAINING_LEASE_SECONDS: number;
  /** How many times a worker takes a job whose runner died before the job is marked failed. */
  TRAINING_MAX_ATTEMPTS: number;
  /** How often an idle worker looks for queued jobs (on PostgreSQL a new job also wakes it at once). */
  WORKER_POLL_SECONDS: number;
  CURRENCY: string;
  SALESCAST_SEED: number;
  /** Size of the demo company `npm start` loads into an empty database. */
  SALESCAST_DEMO_ACCOUNTS: number;
  SALESCAST_DEMO_MONTHS: number;
  MIN_WON_DEALS: number;
  MIN_LOST_DEALS: number;
  /** DATABASE_URL, or the SQLite file in SALESCAST_DATA_DIR. */
  databaseUrl: string;
  /** DATABASE_READ_URL: a PostgreSQL read replica for reports, forecasts and score listings (optional). */
  readDatabaseUrl: string | null;
  /** Reads go to the primary while the replica is further behind than this (DATABASE_READ_MAX_LAG_SECONDS). */
  DATABASE_READ_MAX_LAG_SECONDS: number;
  dialect: 'sqlite' | 'postgresql';
}

/** Parses a variable that is set; throws a Problem naming what is wrong with the value. */
type Parse<T> = (raw: string) => T;

class Problem extends Error {}

const text: Parse<string> = (raw) => raw;

/** A size in bytes as the body limits are written: 500kb, 1mb, 2048b (src/http/json-body.ts reads it). */
export const BYTE_SIZE = /^(\d+)(b|kb|mb)$/i;

function matching(re: RegExp, message: string): Parse<string> {
  return (raw) => {
    if (!re.test(raw)) throw new Problem(message);
    return raw;
  };
}

function oneOf<T extends string>(choices: readonly T[]): Parse<T> {
  return (raw) => {
    if (!(choices as readonly string[]).includes(raw)) throw new Problem(`must be one of ${choices.join(', ')}`);
    return raw as T;
  };
}

const bool: Parse<boolean> = (raw) => {
  const v = oneOf(BOOLEANS)(raw);
  return v === 'true' || v === '1' || v === 'yes';
};

/** A number (Number() of the text, as an environment variable is), optionally whole and within bounds. */
function num(rule: { int?: boolean; min?: number; max?: number; positive?: boolean } = {}): Parse<number> {
  const what = [
    rule.int ? 'a whole number' : 'a number',
    rule.positive ? 'greater than 0' : '',
    rule.min !== undefined ? `at least ${rule.min}` : '',
    rule.max !== undefined ? `at most ${rule.max}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (raw) => {
    const n = Number(raw);
    const ok =
      Number.isFinite(n) &&
      (!rule.int || Number.isInteger(n)) &&
      (!rule.positive || n > 0) &&
      (rule.min === undefined || n >= rule.min) &&
      (rule.max === undefined || n <= rule.max);
    if (!ok) throw new Problem(`must be ${what}`);
    return n;
  };
}

const trustProxy: Parse<TrustProxy> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const items = v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = items.filter((x) => {
    if (NAMED_RANGES.includes(x)) return false;
    const [addr, bits, ...rest] = x.split('/');
    const family = net.isIP(addr);
    if (!family || rest.length) return true;
    return bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  if (bad.length)
    throw new Problem(`not a hop count, true/false, or proxy addresses (IPs, CIDR ranges, ${NAMED_RANGES.join(', ')}): ${bad.join(', ')}`);
  return items;
};

type Settings = Omit<Config, 'databaseUrl' | 'dialect' | 'readDatabaseUrl' | 'DATABASE_READ_MAX_LAG_SECONDS'>;

/** One core stays with the event loop (HTTP, inline scoring); the others run heavy requests. */
const DEFAULT_WORKER_THREADS = Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);

/** Every variable: how it is parsed and its default when not set. */
const FIELDS: { [K in keyof Settings]: [Parse<Settings[K]>, Settings[K]] } = {
  SALESCAST_DATA_DIR: [text, './data'],
  SALESCAST_MODELS_DIR: [text, './models'],
  SALESCAST_MODEL_STORE: [oneOf(MODEL_STORES), 'auto'],
  PORT: [num({ int: true, min: 0, max: 65535 }), 3000],
  HOST: [text, '127.0.0.1'],
  LOG_LEVEL: [oneOf(LOG_LEVELS), 'info'],
  SALESCAST_AUTH_DISABLED: [bool, false],
  CORS_ORIGINS: [text, ''],
  TRUST_PROXY: [trustProxy, false],
  RATE_LIMIT_PER_MINUTE: [num({ int: true, positive: true }), 600],
  RATE_LIMIT_STORE: [oneOf(RATE_LIMIT_STORES), 'auto'],
  BODY_LIMIT: [matching(BYTE_SIZE, 'must look like 1mb or 500kb'), '1mb'],
  BULK_BODY_LIMIT: [matching(BYTE_SIZE, 'must look like 20mb or 500kb'), '20mb'],
  MODEL_REFRESH_SECONDS: [num({ positive: true }), 5],
  SHUTDOWN_GRACE_SECONDS: [num({ positive: true }), 10],
  WORKER_THREADS: [num({ int: true, min: 1, max: 64 }), DEFAULT_WORKER_THREADS],
  WORKER_QUEUE_LENGTH: [num({ int: true, min: 0, max: 10_000 }), 16],
  REQUEST_BUDGET_SECONDS: [num({ positive: true, max: 3600 }), 30],
  FORECAST_CACHE_ENTRIES: [num({ int: true, min: 0, max: 10_000 }), 64],
  FORECAST_CACHE_SECONDS: [num({ positive: true, max: 86_400 }), 60],
  SQLITE_BUSY_TIMEOUT_MS: [num({ int: true, min: 0, max: 60_000 }), 250],
  TRAINING_RUNNER: [oneOf(TRAINING_RUNNERS), 'server'],
  TRAINING_LEASE_SECONDS: [num({ min: 3, max: 3600 }), 30],
  TRAINING_MAX_ATTEMPTS: [num({ int: true, min: 1, max: 10 }), 2],
  WORKER_POLL_SECONDS: [num({ positive: true, max: 3600 }), 5],
  CURRENCY: [matching(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'), 'USD'],
  SALESCAST_SEED: [num({ int: true }), 42],
  SALESCAST_DEMO_ACCOUNTS: [num({ int: true, min: 20, max: 10000 }), 500],
  SALESCAST_DEMO_MONTHS: [num({ int: true, min: 6, max: 120 }), 24],
  MIN_WON_DEALS: [num({ int: true, min: 1 }), 40],
  MIN_LOST_DEALS: [num({ int: true, min: 1 }), 40],
};

const READ_URL = matching(/^postgres(ql)?:\/\//, 'must start with postgresql:// (a read replica of the PostgreSQL DATABASE_URL)');
const DATABASE_URL = matching(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql:// (PostgreSQL)');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: { name: string; message: string }[] = [];
  const read = <T>(name: string, parse: Parse<T>, fallback: T): T => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    try {
      return parse(raw);
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      // The value is not echoed: it may be a secret (a DATABASE_URL with its password).
      problems.push({ name, message: e.message });
      return fallback;
    }
  };
  const settings: Record<string, unknown> = {};
  for (const [name, [parse, fallback]] of Object.entries(FIELDS) as [string, [Parse<unknown>, unknown]][])
    settings[name] = read(name, parse, fallback);
  const url = read<string | undefined>('DATABASE_URL', DATABASE_URL, undefined);
  const readUrl = read<string | undefined>('DATABASE_READ_URL', READ_URL, undefined);
  const maxLag = read('DATABASE_READ_MAX_LAG_SECONDS', num({ min: 0, max: 86_400 }), 30);
  if (readUrl && !(url ?? '').startsWith('postgres'))
    problems.push({ name: 'DATABASE_READ_URL', message: 'needs a PostgreSQL DATABASE_URL (a read replica of it)' });
  if (problems.length) {
    throw new AppError(
      'CONFIG_INVALID',
      `Invalid configuration: ${problems.map((p) => `${p.name}: ${p.message}`).join('; ')}`,
      problems.map((p) => ({ path: [p.name], problem: p.message })),
    );
  }
  const rest = settings as unknown as Settings;
  const databaseUrl = url ?? `file:${path.join(rest.SALESCAST_DATA_DIR, 'salescast.db')}`;
  return {
    ...rest,
    databaseUrl,
    dialect: databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql',
    readDatabaseUrl: readUrl ?? null,
    DATABASE_READ_MAX_LAG_SECONDS: maxLag,
  };
}
