// The deal-win retraining job: load deals as of a date, build the model (build-win-model.ts),
// score the active model on the same held-out snapshots through its own serving path, apply the
// one promotion rule (ml/promotion.ts: beat the baseline and the active model with a paired
// bootstrap interval; the leakage guard can veto), write an immutable registry version and
// promote it when the rule says so.
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import type { ModelRegistry, ModelVersionInfo } from '../../ml/registry';
import { openModelRegistry } from '../models/model-registry';
import type { LeakageReport } from '../../ml/leakage';
import { evaluateClassifier, type ClassifierMetrics } from '../../ml/metrics';
import { decidePromotion, type PromotionDecision, type PromoteMode } from '../../ml/promotion';
import { buildWinModel, scoreMoments, type BuiltWinModel, type WinAlgorithm } from './build-win-model';
import { loadDeals } from '../deals/load-deals';
import { WinScorer, type WinModelArtifact } from './win-scorer';
import { tensorflowVersionsIfLoaded } from './versions';

export const WIN_MODEL_NAME = 'win';

export interface TrainWinOptions {
  asOf?: Date;
  promote?: PromoteMode;
  algorithm?: WinAlgorithm | 'both';
  /** false: build and evaluate in memory only; nothing is written (backtests). */
  persist?: boolean;
  seed?: number;
  minWon?: number;
  minLost?: number;
  modelsDir?: string;
  onProgress?: (stage: string, fraction: number, message?: string) => void;
  /** Passed to the estimators (tests use small networks). */
  mlp?: BuildWinOptionsMlp;
  maxSnapshotsPerDeal?: number;
  /** Count open deals idle this many days as lost (lead funnels that never record losses). */
  lostAfterDays?: number;
}
type BuildWinOptionsMlp = Parameters<typeof buildWinModel>[1]['mlp'];

export interface ActiveComparison {
  version: number;
  algorithm: string;
  metrics: ClassifierMetrics | null;
  note?: string;
}

export interface TrainWinResult {
  algorithm: string;
  version: number | null;
  promoted: boolean;
  decision: string;
  /** The candidate's and its baseline's metrics on the held-out snapshots, as served. */
  candidate: ClassifierMetrics;
  baseline: ClassifierMetrics;
  active: ActiveComparison | null;
  promotion: PromotionDecision;
  leakage: LeakageReport;
  metrics: BuiltWinModel['metrics'];
  data: BuiltWinModel['data'];
  /**
   * Every held-out snapshot with the probability training reported for it (the model's and the
   * baseline's, both through the serving path): what `GET /v1/deals/:id/score?asOf=at` and an
   * inline deal as it stood at `at` must answer (test/services/win/win-parity.test.ts, eval:real).
   */
  heldOut: HeldOutSnapshot[];
  seed: number;
  durationSeconds: number;
  /** The trained model, ready to score (in memory; also what `persist: false` is for). */
  scorer: WinScorer;
}

export interface HeldOutSnapshot {
  opportunityId?: number;
  externalId: string | null;
  /** The moment the deal was scored as of (ISO 8601). */
  at: string;
  won: number;
  winProbability: number;
  baselineProbability: number;
}

function heldOutSnapshots(built: BuiltWinModel): HeldOutSnapshot[] {
  const { moments, y, p, pBaseline } = built.testSet;
  return moments.map((m, i) => ({
    ...(m.deal.id !== undefined ? { opportunityId: m.deal.id } : {}),
    externalId: m.deal.externalId ?? null,
    at: new Date(m.at).toISOString(),
    won: y[i],
    winProbability: p[i],
    baselineProbability: pBaseline[i],
  }));
}

/** The active model scored through its own serving path on the candidate's held-out snapshots. */
async function scoreActive(
  registry: ModelRegistry,
  built: BuiltWinModel,
): Promise<{ active: ActiveComparison; p: Float64Array | null } | null> {
  const info = await registry.active(WIN_MODEL_NAME);
  if (!info) return null;
  try {
    const scorer = new WinScorer((await registry.readArtifact(info)) as WinModelArtifact, {
      history: built.history,
      version: info.version,
    });
    const p = scoreMoments(scorer, built.testSet.moments);
    const metrics = evaluateClassifier(p, built.testSet.y);
    return {
      active: {
        version: info.version,
        algorithm: info.algorithm,
        metrics,
        note: 'the active model may have been trained on part of this window',
      },
      p,
    };
  } catch (e) {
    const note = `could not be evaluated: ${e instanceof Error ? e.message : String(e)}`;
    return { active: { version: info.version, algorithm: info.algorithm, metrics: null, note }, p: null };
  }
}

async function registerVersion(
  registry: ModelRegistry,
  built: BuiltWinModel,
  r: { seed: number; asOf: Date; active: ActiveComparison | null; promotion: PromotionDecision },
): Promise<ModelVersionInfo> {
  const { artifact, metrics, data } = built;
  const model = artifact.model;
  return registry.register(WIN_MODEL_NAME, {
    algorithm: built.algorithm,
    artifact,
    metrics: {
      test: metrics.test,
      baseline: metrics.baselineTest,
      liftOverBaseline: metrics.liftOverBaseline,
      testByKind: metrics.testByKind,
      selection: metrics.selection,
      leakage: metrics.leakage,
      promotion: { rule: r.promotion.rule, comparisons: r.promotion.comparisons, promoted: r.promotion.promote },
      timing: metrics.timing,
      servedThrough: metrics.servedThrough,
      active: r.active,
      decision: r.promotion.decision,
      data,
    },
    featureSchema: {
      signature: artifact.encoder?.signature,
      baseSchema: artifact.baseSchema,
      columns: data.encodedColumns,
      attributes: artifact.attributes,
    },
    dataFrom: new Date(data.window.from),
    dataTo: r.asOf,
    notes: r.promotion.decision,
    meta: {
      seed: r.seed,
      asOf: r.asOf.toISOString(),
      params: model?.classifier.params,
      libraries: { ...model?.classifier.libraries, ...tensorflowVersionsIfLoaded() },
      calibration: model?.calibrator.method,
      lostAfterDays: artifact.lostAfterDays ?? null,
    },
  });
}

export async function trainWinModel(db: Database, options: TrainWinOptions = {}): Promise<TrainWinResult> {
  const started = Date.now();
  const config = loadConfig();
  const asOf = options.asOf ?? new Date();
  const seed = options.seed ?? config.SALESCAST_SEED;
  const persist = options.persist ?? true;
  const progress = options.onProgress ?? (() => undefined);
  progress('load', 0, 'loading deals');
  const deals = await loadDeals(db, { asOf });
  progress('load', 1, `${deals.length.toLocaleString('en-US')} deals`);
  const built = await buildWinModel(deals, {
    asOf,
    seed,
    minWon: options.minWon ?? config.MIN_WON_DEALS,
    minLost: options.minLost ?? config.MIN_LOST_DEALS,
    algorithms: !options.algorithm || options.algorithm === 'both' ? undefined : [options.algorithm],
    onProgress: progress,
    mlp: options.mlp,
    maxSnapshotsPerDeal: options.maxSnapshotsPerDeal,
    lostAfterDays: options.lostAfterDays,
  });
  const registry = openModelRegistry(db, options.modelsDir ?? config.SALESCAST_MODELS_DIR);
  const scored = await scoreActive(registry, built);
  const promotion = decidePromotion({
    mode: options.promote ?? 'auto',
    y: built.testSet.y,
    candidate: built.testSet.p,
    baseline: built.testSet.pBaseline,
    active: scored
      ? scored.p
        ? { version: scored.active.version, p: scored.p }
        : { version: scored.active.version, error: scored.active.note ?? '' }
      : null,
    groups: built.testSet.groups,
    leakage: built.metrics.leakage,
    seed,
  });
  let decision = promotion.decision;
  let version: number | null = null;
  let promoted = false;
  if (persist) {
    const info = await registerVersion(registry, built, { seed, asOf, active: scored?.active ?? null, promotion });
    version = info.version;
    if (promotion.promote) {
      await registry.promote(WIN_MODEL_NAME, info.version);
      promoted = true;
    }
  } else if (promotion.promote) decision += ' (not persisted)';
  built.scorer.version = version;
  return {
    algorithm: built.algorithm,
    version,
    promoted,
    decision,
    candidate: built.metrics.test,
    baseline: built.metrics.baselineTest,
    active: scored?.active ?? null,
    promotion,
    leakage: built.metrics.leakage,
    metrics: built.metrics,
    data: built.data,
    heldOut: heldOutSnapshots(built),
    seed,
    durationSeconds: (Date.now() - started) / 1000,
    scorer: built.scorer,
  };
}
