// The demo company behind a real server on an ephemeral loopback port, as `npm start` serves it:
// `trained` runs the same bootstrap (demo data, the win, churn and clv models, stored deal and
// customer scores, two forecast snapshots of this quarter); otherwise only the demo data, the
// stored deal scores from the stage baseline and the snapshots, with no model trained.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { type Config, loadConfig } from '../../src/config';
import { startServer, type ServerHandle } from '../../src/http/server';
import { bootstrap, ensureDemoSnapshots } from '../../src/services/bootstrap';
import { loadDemoData } from '../../src/services/demo-service';
import { openModelRegistry } from '../../src/services/models/model-registry';
import { scoreAndStoreCustomers } from '../../src/services/customers/score-customers';
import { scoreOpenDeals } from '../../src/services/win/score-deals';
import { createTestDatabase, type TestDatabase } from './db';

export interface DemoCompany {
  tdb: TestDatabase;
  config: Config;
  modelsDir: string;
  /** A server on this database (auth disabled as in local demo mode, unless asked otherwise). */
  serve(opts?: { auth?: boolean }): Promise<ServerHandle>;
  cleanup(): Promise<void>;
}

const quiet = () => undefined;

/**
 * On a demo this small the promotion rule may refuse a candidate (the churn model's test window
 * holds few churners, so its bootstrap interval reaches zero). The dashboard is tested with three
 * active models, so the newest refused version is promoted as an operator would (`salescast models
 * promote`), and the scores are stored again with it.
 */
async function promoteRefused(tdb: TestDatabase, config: Config) {
  const registry = openModelRegistry(tdb.db, config.SALESCAST_MODELS_DIR);
  let promoted = false;
  for (const name of ['win', 'churn', 'clv']) {
    const [newest] = await registry.list(name);
    if (newest && !(await registry.active(name))) {
      await registry.promote(name, newest.version);
      promoted = true;
    }
  }
  if (!promoted) return;
  await scoreOpenDeals(tdb.db, { modelsDir: config.SALESCAST_MODELS_DIR });
  await scoreAndStoreCustomers(tdb.db, { modelsDir: config.SALESCAST_MODELS_DIR });
}

/**
 * Accounts of the trained demo. The churn model needs at least 20 churners among its out-of-fold
 * predictions to calibrate (src/ml/calibration.ts); the demo generator with marketing programmes
 * gives 13 at 120 accounts (churn is then not trained at all); at 200 churn trains and is promoted
 * (measured 2026-12-05).
 */
const TRAINED_DEMO_ACCOUNTS = 200;

export async function demoCompany(opts: { trained: boolean; accounts?: number; months?: number }): Promise<DemoCompany> {
  const tdb = await createTestDatabase();
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-demo-models-'));
  const config: Config = {
    ...loadConfig({ DATABASE_URL: tdb.url }),
    SALESCAST_MODELS_DIR: modelsDir,
    SALESCAST_DEMO_ACCOUNTS: opts.accounts ?? (opts.trained ? TRAINED_DEMO_ACCOUNTS : 120),
    SALESCAST_DEMO_MONTHS: opts.months ?? 18,
  };
  if (opts.trained) {
    await bootstrap(tdb.db, config, quiet, { demo: true });
    await promoteRefused(tdb, config);
  } else {
    await loadDemoData(tdb.db, {
      seed: config.SALESCAST_SEED,
      accounts: config.SALESCAST_DEMO_ACCOUNTS,
      months: config.SALESCAST_DEMO_MONTHS,
    });
    // Scores for every open deal from the stage baseline (no model is trained).
    await scoreOpenDeals(tdb.db, { modelsDir });
    await ensureDemoSnapshots(tdb.db, config, quiet);
  }
  return {
    tdb,
    config,
    modelsDir,
    serve: ({ auth = false } = {}) =>
      startServer(
        {
          ...config,
          PORT: 0,
          HOST: '127.0.0.1',
          SALESCAST_AUTH_DISABLED: !auth,
          RATE_LIMIT_PER_MINUTE: 100_000,
          SHUTDOWN_GRACE_SECONDS: 1,
          LOG_LEVEL: 'silent',
        },
        tdb.db,
        { logger: pino({ level: 'silent' }), handleSignals: false, trainers: {} },
      ),
    async cleanup() {
      await tdb.cleanup();
      fs.rmSync(modelsDir, { recursive: true, force: true });
    },
  };
}
