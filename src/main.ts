// `npm start` (= `salescast serve --demo`): migrate, load demo data into an empty database, train
// the models that have no active version, score, then serve the API and the dashboard.
// `salescast serve` without --demo is the production start: no demo data, keys required.
import { loadConfig, type Config } from './config';
import { openDatabase } from './db/database';
import { migrate } from './db/migrate';
import { bootstrap } from './services/bootstrap';
import { isLoopback, startServer } from './http/server';

export interface StartOptions {
  demo: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

/** Demo mode on a loopback address serves without API keys unless the operator said otherwise. */
export function demoAuthConfig(config: Config, env: NodeJS.ProcessEnv, demo: boolean): Config {
  if (!demo || env.SALESCAST_AUTH_DISABLED !== undefined || !isLoopback(config.HOST)) return config;
  return { ...config, SALESCAST_AUTH_DISABLED: true };
}

export async function start(opts: StartOptions) {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((msg: string) => process.stderr.write(`[salescast] ${msg}\n`));
  const config = demoAuthConfig(loadConfig(env), env, opts.demo);
  const { applied, dialect } = await migrate(config.databaseUrl);
  log(applied.length ? `applied ${applied.length} migration(s) on ${dialect}` : `database (${dialect}) is up to date`);
  const db = openDatabase(config.databaseUrl);
  try {
    const boot = await bootstrap(db, config, log, { demo: opts.demo });
    for (const s of boot.skipped) log(`note: ${s.reason}`);
  } catch (e) {
    await db.close();
    throw e;
  }
  if (config.SALESCAST_AUTH_DISABLED && opts.demo && env.SALESCAST_AUTH_DISABLED === undefined) {
    log('demo mode on a loopback address: API keys are NOT required (set SALESCAST_AUTH_DISABLED=false to require them)');
  }
  const handle = await startServer(config, db);
  log(`dashboard: ${handle.url}/   API docs: ${handle.url}/docs`);
  return handle;
}

if (require.main === module) {
  start({ demo: process.argv.includes('--demo') }).catch((e) => {
    process.stderr.write(`[salescast] failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
