// First-run bootstrap behind `npm start`: a fresh clone gets demo data, trained models and stored
// scores before the server starts, so the dashboard and the API have something real to show.
// Every step is skipped when its result already exists, so later starts are quick and a database
// holding real data is never touched by the demo loader.
import type { Config } from '../config';
import type { Database } from '../db/database';
import { anySnapshots } from '../db/repositories/forecast-snapshots';
import { isAppError } from '../errors';
import type { ModelRegistry, ModelVersionInfo } from '../ml/registry';
import { openModelRegistry } from './models/model-registry';
import { trainChurnModel } from './customers/train-churn-model';
import { trainClvModel } from './customers/train-clv-model';
import { scoreAndStoreCustomers } from './customers/score-customers';
import { ensureDemoData } from './demo-service';
import { periodContaining } from '../domain/forecast/period';
import { takeForecastSnapshot } from './forecast/snapshot-service';
import { ARTIFACT_VALIDATORS } from './models/artifact-validators';
import { scoreOpenDeals } from './win/score-deals';
import { trainWinModel } from './win/train-win-model';
import { DAY_MS } from '../math/time';

export type BootstrapLog = (message: string) => void;

const TRAINERS = {
  win: (db: Database, modelsDir: string) => trainWinModel(db, { promote: 'auto', modelsDir }),
  churn: (db: Database, modelsDir: string) => trainChurnModel(db, { promote: 'auto', modelsDir }),
  clv: (db: Database, modelsDir: string) => trainClvModel(db, { promote: 'auto', modelsDir }),
} as const;

export interface BootstrapResult {
  demoLoaded: boolean;
  trained: string[];
  /** Forecast snapshots stored for the demo's pipeline-changes waterfall (ids). */
  snapshots: number[];
  skipped: { model: string; reason: string }[];
}

export async function bootstrap(db: Database, config: Config, log: BootstrapLog, opts: { demo: boolean }): Promise<BootstrapResult> {
  const result: BootstrapResult = { demoLoaded: false, trained: [], snapshots: [], skipped: [] };
  if (opts.demo) {
    result.demoLoaded = await ensureDemoData(db, {
      seed: config.SALESCAST_SEED,
      accounts: config.SALESCAST_DEMO_ACCOUNTS,
      months: config.SALESCAST_DEMO_MONTHS,
      onLoaded: (r) =>
        log(
          `loaded the demo company (seed ${r.seed}, ${r.accounts} accounts, ${r.months} months to ${r.asOf.toISOString().slice(0, 10)}): ${Object.entries(
            r.records,
          )
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}`,
        ),
    });
  }
  const registry = openModelRegistry(db, config.SALESCAST_MODELS_DIR);
  for (const [name, train] of Object.entries(TRAINERS)) {
    const active = await registry.active(name);
    if (active) {
      // An active model this version cannot load (trained on older feature definitions) serves
      // nothing: the demo retrains it; a production start says what to do.
      const unusable = await loadProblem(registry, name, active);
      if (!unusable) continue;
      if (!opts.demo) {
        result.skipped.push({
          model: name,
          reason: `the active ${name} model v${active.version} cannot be loaded by this version (${unusable}); scores use the fallback until "npx salescast train ${name}"`,
        });
        continue;
      }
      // Retrained already, but the new version was not promoted (it did not beat its baseline):
      // retraining at every start would give the same answer, so leave the decision to the operator.
      const since = await loadableVersionSince(registry, name, active.version);
      if (since) {
        result.skipped.push({
          model: name,
          reason: `the active ${name} model v${active.version} cannot be loaded by this version; v${since.version} was trained since and not promoted (see "npx salescast models list ${name}"); scores use the fallback`,
        });
        continue;
      }
      log(`the active ${name} model v${active.version} cannot be loaded by this version (${unusable}): retraining…`);
    } else {
      // A model trained before but never promoted (it did not beat its baseline) is not retrained
      // on every start; the operator decides with `salescast train` / `models promote`.
      const versions = await registry.list(name);
      if (versions.length > 0) {
        result.skipped.push({
          model: name,
          reason: `no active ${name} model: ${versions.length} version(s) trained, none promoted (see "npx salescast models list ${name}"); scores use the fallback`,
        });
        continue;
      }
      if (!opts.demo) {
        result.skipped.push({ model: name, reason: `no active ${name} model: train one with "npx salescast train ${name}"` });
        continue;
      }
      log(`training the ${name} model (first start)…`);
    }
    try {
      const r = await train(db, config.SALESCAST_MODELS_DIR);
      result.trained.push(name);
      log(`  ${name}: version ${r.version ?? '-'}, ${r.promoted ? 'promoted' : 'not promoted'} — ${r.decision}`);
    } catch (e) {
      // Too little history is a normal state (scores then fall back to the baseline); anything else is a bug.
      if (!isAppError(e)) throw e;
      result.skipped.push({ model: name, reason: e.message });
      log(`  ${name}: not trained — ${e.message}`);
    }
  }
  if (result.demoLoaded || result.trained.length > 0) {
    const deals = await scoreOpenDeals(db, { modelsDir: config.SALESCAST_MODELS_DIR });
    log(`scored ${deals.scores.length} open deals${deals.fallback ? ' (baseline fallback)' : ''}`);
    const customers = await scoreAndStoreCustomers(db, { modelsDir: config.SALESCAST_MODELS_DIR });
    log(`scored ${customers.stored} customers (${customers.withChurn} with churn, ${customers.withClv} with CLV)`);
  }
  if (opts.demo) result.snapshots = await ensureDemoSnapshots(db, config, log);
  return result;
}

/**
 * The pipeline-changes waterfall compares two stored forecast snapshots, which a real deployment
 * takes on a schedule (`salescast forecast snapshot` from cron). A fresh demo has none, so when
 * no snapshot exists it stores two of the current quarter: one as of the quarter's first day
 * (rebuilt point-in-time from the deal history, as backtests do; four weeks back when the quarter
 * is younger than two) and one as of now. Later starts leave existing snapshots alone.
 */
export async function ensureDemoSnapshots(db: Database, config: Config, log: BootstrapLog, now = new Date()): Promise<number[]> {
  if (await anySnapshots(db.sql)) return [];
  const quarter = periodContaining(now, 'quarter');
  const earlier = now.getTime() - quarter.start.getTime() >= 14 * DAY_MS ? quarter.start : new Date(now.getTime() - 28 * DAY_MS);
  const common = { period: quarter.label, sims: 5000, seed: config.SALESCAST_SEED, modelsDir: config.SALESCAST_MODELS_DIR };
  try {
    const a = await takeForecastSnapshot(db, { ...common, asOf: earlier });
    const b = await takeForecastSnapshot(db, { ...common, asOf: now });
    log(
      `stored forecast snapshots of ${quarter.label} as of ${earlier.toISOString().slice(0, 10)} and now (the pipeline-changes waterfall compares them)`,
    );
    return [a.snapshotId, b.snapshotId];
  } catch (e) {
    if (!isAppError(e)) throw e;
    log(`  no forecast snapshots: ${e.message}`);
    return [];
  }
}

/** The newest version after `after` that this build can load, if any. */
async function loadableVersionSince(registry: ModelRegistry, name: string, after: number): Promise<ModelVersionInfo | undefined> {
  for (const v of await registry.list(name)) if (v.version > after && !(await loadProblem(registry, name, v))) return v;
  return undefined;
}

/** Why the active version of a model cannot be loaded by this build, or null when it can. */
async function loadProblem(registry: ModelRegistry, name: string, info: ModelVersionInfo): Promise<string | null> {
  const validate = ARTIFACT_VALIDATORS[name];
  if (!validate) return null;
  try {
    validate(await registry.readArtifact(info));
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
