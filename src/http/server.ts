// The HTTP server around createApp: listen, refuse unsafe configurations, hot reload the active
// models, and shut down gracefully (stop accepting, let in-flight requests finish, then close).
// Several of these can serve one PostgreSQL (API replicas behind a load balancer): each reloads
// its models and forgets revoked keys as soon as another process announces the change
// (src/services/change-feed.ts), and polls as well (MODEL_REFRESH_SECONDS, the key cache's TTL).
// src/main.ts calls startServer() after migrating.
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { activeApiKeyCount, clearApiKeyCache } from '../services/api-keys/api-keys';
import { watchChanges } from '../services/change-feed';
import { openReadReplica } from '../services/read-replica';
import { SharedRateCounts, sharesRateLimits } from '../services/rate-limits/shared-rate-counts';
import { cliTrainers, TrainingJobs, type Trainer } from '../services/jobs/training-jobs';
import { CustomerScoring } from '../services/customers/score-customers';
import { WinScoring } from '../services/win/score-deals';
import { WorkPool } from '../workers/pool';
import { createApp } from './app';
import { serverLogger } from './logger';
import type { AppServices, ModelHolder } from './context';
import { gracefulShutdown } from './graceful-shutdown';
import { combineModels, customerPart, winPart } from './model-holder';

export interface ServerHandle {
  server: http.Server;
  url: string;
  port: number;
  services: AppServices;
  /** Stops accepting connections, waits for in-flight requests (up to the grace period), stops timers. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Override the model holder (tests); default: the deal-win and customer models from the registry. */
  models?: ModelHolder | null;
  /** Override the deal-win scoring (tests); null: none. */
  win?: WinScoring | null;
  /** Override the customer scoring (tests); null: none. */
  customers?: CustomerScoring | null;
  /** Override trainers (tests); default: `salescast train <model>` in a child process. */
  trainers?: Record<string, Trainer>;
  /** Install SIGTERM/SIGINT handlers that close the server and the database, then exit (default true). */
  handleSignals?: boolean;
  /** Run CPU-heavy requests in worker threads (default true); false runs them in this thread. */
  workers?: boolean;
}

/**
 * The server's view of its database: a short SQLite busy timeout (a request waits at most
 * SQLITE_BUSY_TIMEOUT_MS for another writer, then answers 503 DATABASE_BUSY, instead of stalling
 * the event loop), and faults logged as they start (at most one line per kind every 10 s).
 */
function watchDatabase(config: Config, db: Database, logger: Logger) {
  db.sql.setBusyTimeout(config.SQLITE_BUSY_TIMEOUT_MS);
  const log = { busy: throttled(10_000, logFault), unavailable: throttled(10_000, logFault), 'read-only': throttled(10_000, logFault) };
  function logFault(fault: string) {
    logger.warn({ fault }, `database ${fault}: requests that need it answer 503 until it passes`);
  }
  db.sql.onFault = (fault) => log[fault](fault);
}

/** `fn`, called at most once every `ms` (later calls inside the window are dropped). */
function throttled<A extends unknown[]>(ms: number, fn: (...args: A) => void): (...args: A) => void {
  let last = 0;
  return (...args) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    fn(...args);
  };
}

export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** Refuses configurations that would expose the API without authentication. */
export function checkServerConfig(config: Pick<Config, 'HOST' | 'SALESCAST_AUTH_DISABLED'>) {
  if (config.SALESCAST_AUTH_DISABLED && !isLoopback(config.HOST)) {
    throw new AppError(
      'CONFIG_INVALID',
      `SALESCAST_AUTH_DISABLED=true is only allowed on a loopback HOST (127.0.0.1, ::1, localhost), not ${config.HOST}: create an API key with "npx salescast keys create --name <name> --scope scores:read" instead`,
      [{ path: ['SALESCAST_AUTH_DISABLED'], problem: 'must be false when HOST is not loopback' }],
    );
  }
}

export async function startServer(config: Config, db: Database, options: StartOptions = {}): Promise<ServerHandle> {
  checkServerConfig(config);
  const logger = options.logger ?? serverLogger(config.LOG_LEVEL);
  db.onConnectionLost((err) => logger.warn({ err }, 'database connection lost; the next query opens a new one'));
  watchDatabase(config, db, logger);
  await warnAtStart(config, db, logger);
  const { win, customers, models, refreshModels } = await loadModels(config, db, options, logger);
  const jobs = await startJobs(config, db, options, logger, () => refreshModels('training job finished'));
  const pool = options.workers === false ? undefined : startPool(config, db, logger);
  const shared = startSharing(config, db, logger);
  const services: AppServices = {
    db,
    logger,
    jobs,
    config,
    ...shared.services,
    ...(pool ? { pool } : {}),
    ...(models ? { models } : {}),
    ...(win ? { win } : {}),
    ...(customers ? { customers } : {}),
  };
  const server = http.createServer(createApp(services));
  // Keep-alive longer than typical load balancers' idle timeout so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const drain = gracefulShutdown(server);
  const { port, url } = await listen(server, config);
  logger.info(
    { url, docs: `${url}/docs`, workerThreads: pool ? config.WORKER_THREADS : 0, queue: config.WORKER_QUEUE_LENGTH },
    'listening',
  );

  // Another process (a replica's promotion, a worker's or cron's `salescast retrain`) may promote
  // a version: on PostgreSQL it says so at commit; the poll is the bound everywhere else.
  const poll = models ? setInterval(() => void refreshModels('poll'), config.MODEL_REFRESH_SECONDS * 1000) : null;
  poll?.unref();
  const feed = watchChanges(db, {
    ...(models ? { models: (name: string) => void refreshModels(`${name} changed in another process`) } : {}),
    apiKeys: () => clearApiKeyCache(),
    resync: () => {
      clearApiKeyCache();
      void refreshModels('change feed connected');
    },
    error: (err) => logger.warn({ err }, 'change notifications interrupted; polling until they are back'),
  });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      if (poll) clearInterval(poll);
      await feed?.close();
      await shared.close();
      await shutDown(config, logger, { drain, pool, jobs });
    })());
  if (options.handleSignals ?? true) onSignals(config, logger, () => close().then(() => db.close()));
  return { server, url, port, services, close };
}

/** What an operator should know at start: the database's state, unsafe or incomplete settings. */
async function warnAtStart(config: Config, db: Database, logger: Logger) {
  const state = await db.sql.probe({ write: true });
  if (state !== 'up')
    logger.error(
      { database: state },
      state === 'read-only'
        ? 'the database cannot be written (a read-only file or server): writes answer 503 DATABASE_UNAVAILABLE and /ready 503 until it can'
        : 'the database does not answer: requests that need it answer 503 DATABASE_UNAVAILABLE and /ready 503 until it does',
    );
  if (config.TRUST_PROXY === true) {
    logger.warn(
      "TRUST_PROXY=true believes any X-Forwarded-For: a client that reaches the server directly can choose its own address (and rate-limit budget). Prefer a hop count or the proxies' addresses",
    );
  }
  if (config.SALESCAST_AUTH_DISABLED) {
    logger.warn('!!! AUTHENTICATION DISABLED (SALESCAST_AUTH_DISABLED=true): every caller has every scope. Local development only. !!!');
  } else if (state === 'up' && (await activeApiKeyCount(db)) === 0) {
    logger.warn(
      'no API keys exist yet: create one with "npx salescast keys create --name crm-frontend --scope scores:read,data:write,admin"',
    );
  }
}

/** The models served from memory (deal-win, churn, clv), loaded once, and how to reload them (hot reload). */
async function loadModels(config: Config, db: Database, options: StartOptions, logger: Logger) {
  const win =
    options.win === undefined ? new WinScoring(db, { modelsDir: config.SALESCAST_MODELS_DIR, seed: config.SALESCAST_SEED }) : options.win;
  const customers =
    options.customers === undefined ? new CustomerScoring(db, { modelsDir: config.SALESCAST_MODELS_DIR }) : options.customers;
  const parts = [...(win ? [winPart(win)] : []), ...(customers ? [customerPart(customers)] : [])];
  const models = options.models !== undefined ? options.models : parts.length ? combineModels(parts) : null;
  if (models) {
    await models.refresh().catch((e) => logger.error({ err: e }, 'initial model load failed'));
    for (const m of models.readiness()) logger.info({ model: m.name, state: m.state, version: m.version, message: m.message }, 'model');
  }
  const refreshModels = async (why: string) => {
    if (!models) return;
    try {
      const before = JSON.stringify(models.readiness());
      await models.refresh();
      const after = models.readiness();
      if (JSON.stringify(after) !== before) logger.info({ why, models: after }, 'active models reloaded');
    } catch (e) {
      // A refresh that fails keeps the models already in memory serving.
      logger.error({ err: e, why }, 'model refresh failed; previous models keep serving');
    }
  };
  return { win, customers, models, refreshModels };
}

/** Training jobs: run here in child processes, or queued for workers (TRAINING_RUNNER); abandoned ones recovered. */
async function startJobs(config: Config, db: Database, options: StartOptions, logger: Logger, onSucceeded: () => Promise<void>) {
  // The training child must see the same database and model store as this server.
  const childEnv = {
    DATABASE_URL: config.databaseUrl,
    SALESCAST_MODELS_DIR: config.SALESCAST_MODELS_DIR,
    SALESCAST_MODEL_STORE: config.SALESCAST_MODEL_STORE,
    SALESCAST_SEED: String(config.SALESCAST_SEED),
  };
  const trainers = options.trainers ?? cliTrainers(childEnv);
  const jobs = new TrainingJobs(
    db,
    trainers,
    { onSucceeded },
    { runner: config.TRAINING_RUNNER, leaseMs: config.TRAINING_LEASE_SECONDS * 1000 },
  );
  // A database that cannot be written now (read-only, down) must not keep the server from starting: it says so on /ready.
  const stale = await jobs.recoverStale().catch((e) => {
    if (!(e instanceof AppError) || !e.code.startsWith('DATABASE_')) throw e;
    logger.warn({ err: e }, 'could not mark interrupted training jobs as failed (the database is not writable now)');
    return 0;
  });
  if (stale) logger.warn({ jobs: stale }, 'marked training jobs interrupted by a previous stop as failed');
  return jobs;
}

/**
 * What this replica shares with the others on one database: rate-limit counts
 * (RATE_LIMIT_STORE=database, the default on PostgreSQL), and the read replica it reads reports,
 * forecasts and score listings from (DATABASE_READ_URL).
 */
function startSharing(config: Config, db: Database, logger: Logger) {
  const rateCounts = sharesRateLimits(config.RATE_LIMIT_STORE, db.dialect)
    ? new SharedRateCounts(db, {
        onError: (err) => logger.warn({ err }, 'rate-limit counts not shared this second; counting locally'),
      }).start()
    : undefined;
  const reads = config.readDatabaseUrl
    ? openReadReplica(db, config.readDatabaseUrl, {
        maxLagSeconds: config.DATABASE_READ_MAX_LAG_SECONDS,
        onChange: (s) =>
          s.usable
            ? logger.info({ lagSeconds: s.lagSeconds }, 'reports, forecasts and score listings read from the replica')
            : logger.warn({ reason: s.reason }, 'reports, forecasts and score listings read from the primary'),
      })
    : undefined;
  return {
    services: { ...(rateCounts ? { rateCounts } : {}), ...(reads ? { reads } : {}) } satisfies Partial<AppServices>,
    close: async () => {
      await rateCounts?.close();
      await reads?.close();
    },
  };
}

/** The worker threads for CPU-heavy requests, sized and bounded by the configuration. */
function startPool(config: Config, db: Database, logger: Logger): WorkPool {
  return new WorkPool({
    threads: config.WORKER_THREADS,
    queue: config.WORKER_QUEUE_LENGTH,
    budgetMs: config.REQUEST_BUDGET_SECONDS * 1000,
    databaseUrl: db.url,
    readDatabaseUrl: config.readDatabaseUrl,
    readMaxLagSeconds: config.DATABASE_READ_MAX_LAG_SECONDS,
    modelsDir: config.SALESCAST_MODELS_DIR,
    busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS,
    onSaturated: throttled(10_000, (why, stats) =>
      logger.warn({ why, ...stats }, 'worker pool saturated: heavy requests answered 503 SERVER_BUSY'),
    ),
  });
}

async function listen(server: http.Server, config: Config): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return { port, url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}` };
}

/**
 * Stops accepting, answers what was received (graceful-shutdown.ts), then stops the worker
 * threads and waits for training jobs, all within the grace period.
 */
async function shutDown(
  config: Config,
  logger: Logger,
  parts: { drain: ReturnType<typeof gracefulShutdown>; pool: WorkPool | undefined; jobs: TrainingJobs },
) {
  const began = Date.now();
  const grace = config.SHUTDOWN_GRACE_SECONDS * 1000;
  logger.info({ graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'shutting down: finishing the requests already received');
  const { forced, answered } = await parts.drain.shutdown(grace);
  if (forced) logger.warn({ forced }, 'grace period over: closed connections with requests still running');
  await parts.pool?.close();
  await parts.jobs.drain(Math.max(0, grace - (Date.now() - began)));
  logger.info({ answered, ms: Date.now() - began }, 'server closed');
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
}

/** SIGTERM / SIGINT: shut down, then exit 0; exit 1 if that fails or outlasts the grace period by 5 s. */
function onSignals(config: Config, logger: Logger, shutdown: () => Promise<void>) {
  const onSignal = (signal: string) => {
    logger.info({ signal }, 'signal received');
    setTimeout(
      () => {
        logger.error('shutdown did not finish in time; exiting');
        logger.flush(() => process.exit(1));
      },
      config.SHUTDOWN_GRACE_SECONDS * 1000 + 5000,
    ).unref();
    shutdown()
      .then(() => process.exit(0))
      .catch((e) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
}
