// The configuration parser: defaults when nothing is set, numbers and booleans read from text as
// documented, and every bad variable named in one CONFIG_INVALID error (without echoing values,
// which may be secrets).
import os from 'node:os';
import { loadConfig } from '../src/config';
import { AppError } from '../src/errors';

const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

function problemsOf(vars: Record<string, string>): { path?: string[]; problem: string }[] {
  try {
    loadConfig(env(vars));
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('CONFIG_INVALID');
    return (e as AppError).details as { path?: string[]; problem: string }[];
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('loadConfig', () => {
  test('defaults: SQLite in ./data, port 3000 on loopback, keys required', () => {
    const c = loadConfig(env({}));
    expect(c).toMatchObject({
      databaseUrl: `file:${'data/salescast.db'}`,
      dialect: 'sqlite',
      SALESCAST_MODELS_DIR: './models',
      PORT: 3000,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SALESCAST_AUTH_DISABLED: false,
      TRUST_PROXY: false,
      RATE_LIMIT_PER_MINUTE: 600,
      BODY_LIMIT: '1mb',
      BULK_BODY_LIMIT: '20mb',
      MODEL_REFRESH_SECONDS: 5,
      SHUTDOWN_GRACE_SECONDS: 10,
      CURRENCY: 'USD',
      SALESCAST_SEED: 42,
      SALESCAST_DEMO_ACCOUNTS: 500,
      SALESCAST_DEMO_MONTHS: 24,
      MIN_WON_DEALS: 40,
      MIN_LOST_DEALS: 40,
    });
  });

  test('values are read from text: numbers, yes/no booleans, a PostgreSQL URL', () => {
    const c = loadConfig(
      env({
        DATABASE_URL: 'postgresql://u:p@db:5432/sales',
        PORT: '0',
        SALESCAST_AUTH_DISABLED: 'yes',
        MODEL_REFRESH_SECONDS: '0.5',
        SALESCAST_SEED: '-7',
        TRUST_PROXY: 'loopback, 10.0.0.0/8',
        SALESCAST_DATA_DIR: '/var/lib/salescast',
      }),
    );
    expect(c).toMatchObject({
      databaseUrl: 'postgresql://u:p@db:5432/sales',
      dialect: 'postgresql',
      PORT: 0,
      SALESCAST_AUTH_DISABLED: true,
      MODEL_REFRESH_SECONDS: 0.5,
      SALESCAST_SEED: -7,
      TRUST_PROXY: ['loopback', '10.0.0.0/8'],
    });
    expect(loadConfig(env({ SALESCAST_DATA_DIR: '/var/lib/salescast' })).databaseUrl).toBe('file:/var/lib/salescast/salescast.db');
  });

  test('every bad variable is named at once, with the rule it breaks, and values are not echoed', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://root:hunter2@db/sales',
      PORT: '70000',
      LOG_LEVEL: 'loud',
      SALESCAST_AUTH_DISABLED: 'TRUE',
      RATE_LIMIT_PER_MINUTE: '0',
      SALESCAST_DEMO_ACCOUNTS: '20.5',
      BODY_LIMIT: '1gb',
      CURRENCY: 'usd',
      TRUST_PROXY: '300.1.1.1',
      SHUTDOWN_GRACE_SECONDS: 'soon',
    });
    const byName = Object.fromEntries(problems.map((p) => [p.path?.[0], p.problem]));
    expect(byName).toEqual({
      DATABASE_URL: 'must start with file: (SQLite) or postgresql:// (PostgreSQL)',
      PORT: 'must be a whole number, at least 0, at most 65535',
      LOG_LEVEL: 'must be one of fatal, error, warn, info, debug, trace, silent',
      SALESCAST_AUTH_DISABLED: 'must be one of true, false, 1, 0, yes, no',
      RATE_LIMIT_PER_MINUTE: 'must be a whole number, greater than 0',
      SALESCAST_DEMO_ACCOUNTS: 'must be a whole number, at least 20, at most 10000',
      BODY_LIMIT: 'must look like 1mb or 500kb',
      CURRENCY: 'must be an ISO 4217 code such as USD',
      TRUST_PROXY: expect.stringContaining('300.1.1.1'),
      SHUTDOWN_GRACE_SECONDS: 'must be a number, greater than 0',
    });
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  test('the worker pool, forecast cache and SQLite busy wait: defaults, and bad values named', () => {
    const c = loadConfig(env({}));
    expect(c).toMatchObject({
      WORKER_QUEUE_LENGTH: 16,
      REQUEST_BUDGET_SECONDS: 30,
      FORECAST_CACHE_ENTRIES: 64,
      FORECAST_CACHE_SECONDS: 60,
      SQLITE_BUSY_TIMEOUT_MS: 250,
    });
    // One core is left to the event loop.
    expect(c.WORKER_THREADS).toBe(Math.max(1, os.availableParallelism() - 1));
    expect(loadConfig(env({ WORKER_THREADS: '3', WORKER_QUEUE_LENGTH: '0', FORECAST_CACHE_ENTRIES: '0' }))).toMatchObject({
      WORKER_THREADS: 3,
      WORKER_QUEUE_LENGTH: 0,
      FORECAST_CACHE_ENTRIES: 0,
    });
    const problems = problemsOf({
      WORKER_THREADS: '0',
      WORKER_QUEUE_LENGTH: '-1',
      REQUEST_BUDGET_SECONDS: '0',
      FORECAST_CACHE_SECONDS: 'forever',
      SQLITE_BUSY_TIMEOUT_MS: '2.5',
    });
    expect(Object.fromEntries(problems.map((p) => [p.path?.[0], p.problem]))).toEqual({
      WORKER_THREADS: 'must be a whole number, at least 1, at most 64',
      WORKER_QUEUE_LENGTH: 'must be a whole number, at least 0, at most 10000',
      REQUEST_BUDGET_SECONDS: 'must be a number, greater than 0, at most 3600',
      FORECAST_CACHE_SECONDS: 'must be a number, greater than 0, at most 86400',
      SQLITE_BUSY_TIMEOUT_MS: 'must be a whole number, at least 0, at most 60000',
    });
  });
});
