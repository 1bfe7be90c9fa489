// Configuration is read once from the environment and validated with zod; a bad value fails fast
// with a message naming the variable.
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Express's "trust proxy": false (default: the peer address is the client), a hop count, or the
 * proxies' addresses (IPs, CIDR ranges, or loopback / linklocal / uniquelocal), comma-separated.
 * true trusts any X-Forwarded-For and lets a direct client pick its own address.
 */
export type TrustProxy = boolean | number | string[];

function parseTrustProxy(raw: string, ctx: z.RefinementCtx): TrustProxy {
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
    ctx.addIssue({
      code: 'custom',
      message: `not a hop count, true/false, or proxy addresses (IPs, CIDR ranges, ${NAMED_RANGES.join(', ')}): ${bad.join(', ')}`,
    });
  return items;
}

const ConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql:// (PostgreSQL)')
    .optional(),
  SALESCAST_DATA_DIR: z.string().default('./data'),
  SALESCAST_MODELS_DIR: z.string().default('./models'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Explicit opt-out of API keys for local development; refused on non-loopback hosts. */
  SALESCAST_AUTH_DISABLED: bool.default(false),
  CORS_ORIGINS: z.string().default(''),
  /** Behind a reverse proxy: which X-Forwarded-For hops to believe (client IPs for rate limits and logs). */
  TRUST_PROXY: z.string().default('false').transform(parseTrustProxy),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 1mb or 500kb')
    .default('1mb'),
  /** Larger limit for the bulk upsert routes (POST /v1/data...), which carry many records. */
  BULK_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 20mb or 500kb')
    .default('20mb'),
  /** How often the HTTP server re-reads the active model versions (hot reload after a cron retrain). */
  MODEL_REFRESH_SECONDS: z.coerce.number().positive().default(5),
  /** How long a graceful shutdown waits for in-flight requests before closing connections. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().default(10),
  CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .default('USD'),
  SALESCAST_SEED: z.coerce.number().int().default(42),
  /** Size of the demo company `npm start` loads into an empty database. */
  SALESCAST_DEMO_ACCOUNTS: z.coerce.number().int().min(20).max(10000).default(500),
  SALESCAST_DEMO_MONTHS: z.coerce.number().int().min(6).max(120).default(24),
  MIN_WON_DEALS: z.coerce.number().int().min(1).default(40),
  MIN_LOST_DEALS: z.coerce.number().int().min(1).default(40),
});

export type Config = Omit<z.infer<typeof ConfigSchema>, 'DATABASE_URL'> & {
  databaseUrl: string;
  dialect: 'sqlite' | 'postgresql';
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError(
      'CONFIG_INVALID',
      `Invalid configuration: ${lines.join('; ')}`,
      parsed.error.issues.map((i) => ({ path: i.path.map(String), problem: i.message })),
    );
  }
  const { DATABASE_URL, ...rest } = parsed.data;
  const databaseUrl = DATABASE_URL ?? `file:${path.join(rest.SALESCAST_DATA_DIR, 'salescast.db')}`;
  return { ...rest, databaseUrl, dialect: databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql' };
}
