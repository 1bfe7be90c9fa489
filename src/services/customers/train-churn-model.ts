// The churn retraining job: load customer histories, build and evaluate the model
// (build-churn-model.ts), score the active version on the same held-out rows through its own
// serving path, apply the one promotion rule shared with the deal-win model (ml/promotion.ts),
// write an immutable registry version and promote it when the rule says so.
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { latestCustomerEventDates } from '../../db/repositories/customers';
import { evaluateClassifier, type ClassifierMetrics } from '../../ml/metrics';
import { decidePromotion, type PromoteMode, type PromotionDecision } from '../../ml/promotion';
import type { ModelRegistry, ModelVersionInfo } from '../../ml/registry';
import { openModelRegistry } from '../models/model-registry';
import { DAY_MS } from '../../math/time';
import { buildChurnModel, type BuiltChurnModel, type ChurnAlgorithm } from './build-churn-model';
import { CHURN_MODEL_NAME, ChurnScorer, type ChurnModelArtifact } from './churn-scorer';
import { loadCustomerHistories } from './load-customers';

export interface TrainChurnOptions {
  asOf?: Date;
  label?: 'auto' | 'status' | 'no-purchase';
  windowDays?: number;
  algorithm?: ChurnAlgorithm;
  promote?: PromoteMode;
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
  promotion: PromotionDecision | null;
  /**
   * Every held-out example with the probability training reported for it (the candidate's through
   * ChurnScorer.score, and the baseline's): what the customer scores API answers for that account
   * as of `at` (test/services/customers/churn-parity.test.ts).
   */
  heldOut: { accountId: number; at: string; churned: number; churnProbability: number; baselineProbability: number }[];
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

/** The active version scored through its own serving path on the candidate's held-out rows. */
async function scoreActive(registry: ModelRegistry, built: BuiltChurnModel) {
  const info = await registry.active(CHURN_MODEL_NAME);
  if (!info) return null;
  try {
    const active = new ChurnScorer((await registry.readArtifact(info)) as ChurnModelArtifact);
    const p = Float64Array.from(built.testSet, (e) => active.score(e.row).churnProbability);
    const metrics = evaluateClassifier(
      p,
      built.testSet.map((e) => e.y),
    );
    return { version: info.version, metrics, p };
  } catch (e) {
    return {
      version: info.version,
      metrics: null,
      p: null,
      note: `cannot score the test window: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

function register(
  registry: ModelRegistry,
  built: BuiltChurnModel,
  r: TrainChurnResult,
  promotion: PromotionDecision,
): Promise<ModelVersionInfo> {
  const { artifact, metrics, data } = built;
  return registry.register(CHURN_MODEL_NAME, {
    algorithm: r.algorithm,
    artifact,
    metrics: {
      ...metrics,
      promotion: { rule: promotion.rule, comparisons: promotion.comparisons, promoted: promotion.promote },
      decision: promotion.decision,
      servedThrough: 'ChurnScorer.score: the feature row, encoding, classifier, calibrator and clip of the customer scores API',
      data,
      active: r.active,
    },
    featureSchema: {
      signature: artifact.encoder.signature,
      featureVersion: artifact.featureVersion,
      features: metrics.features.names,
    },
    dataFrom: data.dataFrom,
    dataTo: data.dataTo,
    notes: promotion.decision,
    meta: {
      seed: r.seed,
      params: artifact.model.classifier.params,
      calibration: artifact.model.calibrator.method,
      libraries: { ...artifact.model.classifier.libraries, node: process.version },
      evaluation: `${metrics.evaluation}; label ${metrics.labelMode}${artifact.staticLabels ? ' (status, no dates)' : `, ${metrics.windowDays}-day window`}`,
    },
  });
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
    algorithm: built.scorer.algorithm,
    asOf,
    seed,
    metrics: built.metrics,
    data: built.data,
    active: null,
    promotion: null,
    heldOut: built.testSet.map((e, i) => ({
      accountId: e.accountId,
      at: new Date(e.asOf).toISOString(),
      churned: e.y,
      churnProbability: built.testP[i],
      baselineProbability: built.baselineP[i],
    })),
    durationSeconds: 0,
    scorer: built.scorer,
  };
  if (options.persist === false) {
    result.durationSeconds = (Date.now() - started) / 1000;
    return result;
  }
  const registry = openModelRegistry(db, options.modelsDir ?? config.SALESCAST_MODELS_DIR);
  const active = await scoreActive(registry, built);
  if (active) result.active = { version: active.version, metrics: active.metrics, ...(active.note ? { note: active.note } : {}) };
  const promotion = decidePromotion({
    mode: options.promote ?? 'auto',
    y: built.testSet.map((e) => e.y),
    candidate: built.testP,
    baseline: built.baselineP,
    active: active ? (active.p ? { version: active.version, p: active.p } : { version: active.version, error: active.note ?? '' }) : null,
    groups: built.testSet.map((e) => e.accountId),
    leakage: built.metrics.leakage,
    seed,
  });
  result.promotion = promotion;
  result.decision = promotion.decision;
  options.onProgress?.('register', 0.95);
  const info = await register(registry, built, result, promotion);
  result.version = info.version;
  if (promotion.promote) {
    await registry.promote(CHURN_MODEL_NAME, info.version, (a) => new ChurnScorer(a as ChurnModelArtifact));
    result.promoted = true;
  }
  result.durationSeconds = (Date.now() - started) / 1000;
  return result;
}
