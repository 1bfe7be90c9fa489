// The churn retraining job: load customer histories, build and evaluate the model
// (build-churn-model.ts), compare with the active version on the same test window, write an
// immutable registry version and promote it when it wins.
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { latestCustomerEventDates } from '../../db/repositories/customers';
import { evaluateClassifier, type ClassifierMetrics } from '../../ml/metrics';
import { openModelRegistry } from '../models/model-registry';
import { buildChurnModel, type BuiltChurnModel, type ChurnAlgorithm } from './build-churn-model';
import { CHURN_MODEL_NAME, ChurnScorer, type ChurnModelArtifact } from './churn-scorer';
import { loadCustomerHistories } from './load-customers';
import { DAY_MS } from '../../math/time';

/**
 * Automatic promotion: on the test window the candidate must beat the baseline (AUC at least 0.01
 * higher, or log loss at least 2% lower) and, when a model is active and can score the same rows,
 * must not be worse than it (log loss at most 0.5% higher).
 */
export const CHURN_PROMOTION_MARGINS = { vsBaselineAuc: 0.01, vsBaselineLogLoss: 0.02, vsActiveLogLoss: 0.005 } as const;

export interface TrainChurnOptions {
  asOf?: Date;
  label?: 'auto' | 'status' | 'no-purchase';
  windowDays?: number;
  algorithm?: ChurnAlgorithm;
  promote?: 'auto' | 'never' | 'always';
  seed?: number;
  minPerClass?: number;
  modelsDir?: string;
  persist?: boolean;
  onProgress?: (stage: string, fraction: number, message?: string) => void;
}

export interface TrainChurnResult {
  version: number | null;
  promoted: boolean;
  decision: string;
  algorithm: string;
  asOf: Date;
  seed: number;
  metrics: BuiltChurnModel['metrics'];
  data: BuiltChurnModel['data'];
  active: { version: number; metrics: ClassifierMetrics | null; note?: string } | null;
  durationSeconds: number;
  scorer: ChurnScorer;
}

/** The latest event in the data (orders, activities, service costs, churn and acquisition dates). */
export async function latestEvent(db: Database): Promise<Date | null> {
  const ds = await latestCustomerEventDates(db.sql);
  return ds.length ? new Date(Math.max(...ds.map((d) => d.getTime()))) : null;
}

/** Default observation date: now, or the day after the last recorded event if the data is older. */
export async function defaultAsOf(db: Database): Promise<Date> {
  const last = await latestEvent(db);
  const now = Date.now();
  if (!last || last.getTime() >= now) return new Date(Math.floor(now / DAY_MS) * DAY_MS);
  return new Date(Math.floor(last.getTime() / DAY_MS) * DAY_MS + DAY_MS);
}

export async function trainChurnModel(db: Database, options: TrainChurnOptions = {}): Promise<TrainChurnResult> {
  const started = Date.now();
  const config = loadConfig();
  const seed = options.seed ?? config.SALESCAST_SEED;
  const asOf = options.asOf ?? (await defaultAsOf(db));
  options.onProgress?.('load', 0, 'customer histories');
  const histories = await loadCustomerHistories(db, { before: asOf });
  const built = await buildChurnModel(histories, {
    asOf,
    label: options.label,
    windowDays: options.windowDays,
    algorithm: options.algorithm,
    seed,
    minPerClass: options.minPerClass,
    onProgress: options.onProgress,
  });
  const result: TrainChurnResult = {
    version: null,
    promoted: false,
    decision: 'not persisted',
    algorithm: built.artifact.classifier.algorithm,
    asOf,
    seed,
    metrics: built.metrics,
    data: built.data,
    active: null,
    durationSeconds: 0,
    scorer: built.scorer,
  };
  if (options.persist === false) {
    result.durationSeconds = (Date.now() - started) / 1000;
    return result;
  }
  const registry = openModelRegistry(db, options.modelsDir ?? config.SALESCAST_MODELS_DIR);
  const activeInfo = await registry.active(CHURN_MODEL_NAME);
  if (activeInfo) {
    try {
      const active = new ChurnScorer((await registry.readArtifact(activeInfo)) as ChurnModelArtifact);
      const p = built.testSet.map((e) => active.probability(e.row));
      result.active = {
        version: activeInfo.version,
        metrics: evaluateClassifier(
          p,
          built.testSet.map((e) => e.y),
        ),
      };
    } catch (e) {
      result.active = {
        version: activeInfo.version,
        metrics: null,
        note: `cannot score the test window: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }
  options.onProgress?.('register', 0.95);
  const { test, baseline } = built.metrics;
  const info = await registry.register(CHURN_MODEL_NAME, {
    algorithm: result.algorithm,
    artifact: built.artifact,
    metrics: { ...built.metrics, data: built.data, active: result.active },
    featureSchema: {
      signature: built.artifact.encoder.signature,
      featureVersion: built.artifact.featureVersion,
      features: built.metrics.features.names,
    },
    dataFrom: built.data.dataFrom,
    dataTo: built.data.dataTo,
    notes: `${built.metrics.evaluation}; label ${built.metrics.labelMode}${built.artifact.staticLabels ? ' (status, no dates)' : `, ${built.metrics.windowDays}-day window`}`,
    meta: { seed, libraries: { ...built.artifact.classifier.libraries, node: process.version } },
  });
  result.version = info.version;

  const promote = options.promote ?? 'auto';
  const aucGain = test.auc !== null && baseline.auc !== null ? test.auc - baseline.auc : null;
  const llGain = 1 - test.logLoss / baseline.logLoss;
  const beatsBaseline =
    (aucGain !== null && aucGain >= CHURN_PROMOTION_MARGINS.vsBaselineAuc) || llGain >= CHURN_PROMOTION_MARGINS.vsBaselineLogLoss;
  const vsActive = result.active?.metrics ? test.logLoss / result.active.metrics.logLoss - 1 : null;
  let ok = false;
  const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  const baseText = `AUC ${fmt(test.auc)} vs baseline ${fmt(baseline.auc)}, log loss ${test.logLoss.toFixed(4)} vs ${baseline.logLoss.toFixed(4)}`;
  if (promote === 'always') {
    ok = true;
    result.decision = `promoted (--promote always); ${baseText}`;
  } else if (promote === 'never') result.decision = `kept as candidate (--promote never); ${baseText}`;
  else if (!beatsBaseline)
    result.decision = `kept as candidate: does not beat the baseline by the required margin (AUC +${CHURN_PROMOTION_MARGINS.vsBaselineAuc} or log loss -${CHURN_PROMOTION_MARGINS.vsBaselineLogLoss * 100}%); ${baseText}`;
  else if (vsActive !== null && vsActive > CHURN_PROMOTION_MARGINS.vsActiveLogLoss)
    result.decision = `kept as candidate: log loss ${(vsActive * 100).toFixed(1)}% worse than active v${result.active!.version} on the same test window`;
  else {
    ok = true;
    result.decision =
      `promoted: ${baseText}` +
      (vsActive !== null
        ? `; log loss ${(vsActive * 100).toFixed(1)}% vs active v${result.active!.version}`
        : '; no churn model was active');
  }
  if (ok) {
    await registry.promote(CHURN_MODEL_NAME, info.version, (a) => new ChurnScorer(a as ChurnModelArtifact));
    result.promoted = true;
  }
  result.durationSeconds = (Date.now() - started) / 1000;
  return result;
}
