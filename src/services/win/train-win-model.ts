// The deal-win retraining job: load deals as of a date, build the model (build-win-model.ts),
// evaluate candidate vs the active model vs the stage baseline on the same later test window,
// write an immutable registry version and promote it when it wins by the stated margins.
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import type { ModelVersionInfo } from '../../ml/registry';
import { openModelRegistry } from '../models/model-registry';
import { evaluateClassifier, type ClassifierMetrics } from '../../ml/metrics';
import { buildWinModel, scoreMoments, type BuiltWinModel, type WinAlgorithm } from './build-win-model';
import { loadDeals } from '../deals/load-deals';
import { WinScorer, type WinModelArtifact } from './win-scorer';
import { tensorflowVersionsIfLoaded } from './versions';

export const WIN_MODEL_NAME = 'win';

/**
 * A candidate is promoted automatically only if, on the same test window, it reduces log loss by
 * at least 2% relative to the stage baseline and its AUC is at least 0.01 higher, and (when a model
 * is active) it reduces log loss by at least 0.5% relative to the active model without losing more
 * than 0.005 AUC.
 */
export const PROMOTION_MARGINS = { vsBaselineLogLoss: 0.02, vsBaselineAuc: 0.01, vsActiveLogLoss: 0.005, vsActiveAucLoss: 0.005 } as const;

export interface TrainWinOptions {
  asOf?: Date;
  promote?: 'auto' | 'never' | 'always';
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

export interface TrainWinResult {
  algorithm: string;
  version: number | null;
  promoted: boolean;
  decision: string;
  candidate: ClassifierMetrics;
  baseline: ClassifierMetrics;
  active: { version: number; algorithm: string; metrics: ClassifierMetrics | null; note?: string } | null;
  metrics: BuiltWinModel['metrics'];
  data: BuiltWinModel['data'];
  seed: number;
  durationSeconds: number;
  /** The trained model, ready to score (in memory; also what `persist: false` is for). */
  scorer: WinScorer;
}

export async function trainWinModel(db: Database, options: TrainWinOptions = {}): Promise<TrainWinResult> {
  const started = Date.now();
  const config = loadConfig();
  const asOf = options.asOf ?? new Date();
  const seed = options.seed ?? config.SALESCAST_SEED;
  const persist = options.persist ?? true;
  const promote = options.promote ?? 'auto';
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

  // The active model, scored on exactly the same test snapshots (with point-in-time history).
  let active: TrainWinResult['active'] = null;
  const activeInfo = await registry.active(WIN_MODEL_NAME);
  if (activeInfo) {
    try {
      const scorer = new WinScorer((await registry.readArtifact(activeInfo)) as WinModelArtifact, {
        history: built.history,
        version: activeInfo.version,
      });
      const p = scoreMoments(scorer, built.testSet.moments);
      active = {
        version: activeInfo.version,
        algorithm: activeInfo.algorithm,
        metrics: evaluateClassifier(p, built.testSet.y),
        note: 'the active model may have been trained on part of this window',
      };
    } catch (e) {
      active = {
        version: activeInfo.version,
        algorithm: activeInfo.algorithm,
        metrics: null,
        note: `could not be evaluated: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }

  const cand = built.metrics.test;
  const base = built.metrics.baselineTest;
  const beatsBaseline =
    cand.logLoss <= base.logLoss * (1 - PROMOTION_MARGINS.vsBaselineLogLoss) &&
    (cand.auc ?? 0) >= (base.auc ?? 0) + PROMOTION_MARGINS.vsBaselineAuc;
  const beatsActive =
    !active?.metrics ||
    (cand.logLoss <= active.metrics.logLoss * (1 - PROMOTION_MARGINS.vsActiveLogLoss) &&
      (cand.auc ?? 0) >= (active.metrics.auc ?? 0) - PROMOTION_MARGINS.vsActiveAucLoss);
  let shouldPromote = false;
  let decision: string;
  if (promote === 'never') decision = 'not promoted (--promote never)';
  else if (promote === 'always') {
    shouldPromote = true;
    decision = 'promoted (--promote always)';
  } else if (!beatsBaseline)
    decision = `not promoted: does not beat the stage baseline by ${PROMOTION_MARGINS.vsBaselineLogLoss * 100}% log loss and ${PROMOTION_MARGINS.vsBaselineAuc} AUC on the test window`;
  else if (!beatsActive)
    decision = `not promoted: does not beat active v${active!.version} by ${PROMOTION_MARGINS.vsActiveLogLoss * 100}% log loss on the test window`;
  else {
    shouldPromote = true;
    decision = active?.metrics
      ? `promoted: beats the stage baseline and active v${active.version} on the test window`
      : active
        ? `promoted: beats the stage baseline (active v${active.version} could not be evaluated)`
        : 'promoted: beats the stage baseline on the test window (no model was active)';
  }

  let version: number | null = null;
  let promoted = false;
  if (persist) {
    const info: ModelVersionInfo = await registry.register(WIN_MODEL_NAME, {
      algorithm: built.algorithm,
      artifact: built.artifact,
      metrics: {
        test: built.metrics.test,
        calibration: built.metrics.calibration,
        baseline: built.metrics.baselineTest,
        liftOverBaseline: built.metrics.liftOverBaseline,
        candidates: built.metrics.candidates,
        timing: built.metrics.timing,
        active,
        decision,
        data: built.data,
      },
      featureSchema: {
        signature: built.artifact.encoder?.signature,
        baseSchema: built.artifact.baseSchema,
        columns: built.data.encodedColumns,
        attributes: built.artifact.attributes,
      },
      dataFrom: new Date(built.data.window.from),
      dataTo: asOf,
      notes: decision,
      meta: {
        seed,
        asOf: asOf.toISOString(),
        params: built.artifact.classifier?.params,
        libraries: { ...built.artifact.classifier?.libraries, ...tensorflowVersionsIfLoaded() },
        calibration: built.artifact.calibrator?.method,
      },
    });
    version = info.version;
    if (shouldPromote) {
      await registry.promote(WIN_MODEL_NAME, info.version);
      promoted = true;
    }
  } else if (shouldPromote) decision += ' (not persisted)';
  built.scorer.version = version;
  return {
    algorithm: built.algorithm,
    version,
    promoted,
    decision,
    candidate: cand,
    baseline: base,
    active,
    metrics: built.metrics,
    data: built.data,
    seed,
    durationSeconds: (Date.now() - started) / 1000,
    scorer: built.scorer,
  };
}
