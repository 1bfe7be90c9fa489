// A trained deal-win model ready to score: feature builder + encoder + calibrated classifier +
// close-timing model + history of closed deals, all in memory. Scoring touches no database, so a
// CRM frontend's inline deal is scored in microseconds once the scorer is loaded. The same object
// is what training returns with `persist: false` (forecast backtests use it with past dates), and
// what training scores its test snapshots with: the metrics a training run reports are those of
// this serving path (`servedProbability`), never of a parallel implementation.
import { AppError } from '../../errors';
import { checkArtifact } from '../../ml/artifact';
import { GroupRateBaseline, type GroupRateArtifact } from '../../ml/baseline';
import { CalibratedClassifier, type CalibratedClassifierArtifact } from '../../ml/calibrated-classifier';
import { FeatureEncoder, type EncoderState, type RawRow } from '../../ml/feature-encoder';
import { dealBaseSchema, dealFeatures, dealFeatureSpec } from '../../domain/features/deal-features';
import { dealFactors, dealFactorUnits, type ExplanationContext, type Factor } from '../../domain/features/deal-explanations';
import { unitColumns, type FactorUnit } from '../../domain/features/factor-units';
import { DealHistory, type DealHistoryState } from '../../domain/features/deal-history';
import type { Deal } from '../../domain/deal-timeline/deal';
import { CloseTimingModel, type CloseOutlook, type CloseTimingState } from '../../domain/timing/close-timing';
import { DAY_MS } from '../../math/time';

export const WIN_ARTIFACT_KIND = 'salescast.win-model';
/**
 * v2: common artifact header; one calibrated classifier (`model`, chosen by time-ordered
 * cross-validation and refitted on the whole training window) instead of `classifier` +
 * `calibrator`. v1 artifacts are refused (SCHEMA_MISMATCH): retrain.
 */
export const WIN_ARTIFACT_FORMAT = 2;

export interface WinModelArtifact {
  kind: typeof WIN_ARTIFACT_KIND;
  formatVersion: number;
  /** The deal feature definitions of the code that trained it (see dealBaseSchema). */
  baseSchema: string;
  attributes: { numeric: string[]; categorical: string[] };
  /** Null, like `model`, for a baseline-only scorer. */
  encoder: EncoderState | null;
  model: CalibratedClassifierArtifact | null;
  /** The stage baseline, fitted on the same training window and labels as the model. */
  baseline: GroupRateArtifact;
  timing: CloseTimingState;
  history: DealHistoryState;
  explain: ExplanationContext;
  asOf: string;
  seed: number;
  /**
   * Trained with --lost-after-days: the model and its baseline counted idle open deals as lost, and
   * serving counts them the same way in win-rate history.
   */
  lostAfterDays?: number;
}

/** What a consumer (forecasts, what-if) needs per deal. */
export interface DealOutlook {
  winProbability: number;
  expectedCloseAt: Date | null;
  slipProbability: number | null;
  /** P(close in calendar month k after the as-of month | won). */
  closeDistribution: { monthOffset: number; probability: number }[];
}

export interface DealScoreResult extends DealOutlook {
  opportunityId?: number;
  externalId?: string | null;
  factors: Factor[];
  modelVersion: number | null;
  algorithm: string;
  fallback: boolean;
  fallbackReason?: string;
  timingBasis: string;
  scoredAt: Date;
}

export class WinScorer {
  readonly algorithm: string;
  private readonly encoder: FeatureEncoder | null;
  private readonly model: CalibratedClassifier | null;
  private readonly baseline: GroupRateBaseline;
  readonly timing: CloseTimingModel;
  private history: DealHistory;
  private readonly units: FactorUnit[];
  private readonly buffer: number[];
  private unitColumns: number[][] | undefined;

  constructor(
    readonly artifact: WinModelArtifact,
    options: { history?: DealHistory; version?: number | null; fallbackReason?: string } = {},
  ) {
    checkArtifact(artifact, WIN_ARTIFACT_KIND, WIN_ARTIFACT_FORMAT);
    if (artifact.baseSchema !== dealBaseSchema())
      throw new AppError(
        'SCHEMA_MISMATCH',
        'the deal-win model was trained with different deal features than this version of Salescast computes; retrain it (npx salescast train win)',
      );
    this.encoder = artifact.encoder ? FeatureEncoder.fromArtifact(artifact.encoder, dealFeatureSpec(artifact.attributes)) : null;
    this.model = artifact.model && this.encoder ? CalibratedClassifier.fromArtifact(artifact.model) : null;
    if (this.model && this.encoder && artifact.model!.classifier.inputSize !== this.encoder.width)
      throw new AppError(
        'SCHEMA_MISMATCH',
        `the classifier expects ${artifact.model!.classifier.inputSize} inputs but the feature schema has ${this.encoder.width}`,
      );
    this.baseline = GroupRateBaseline.fromArtifact(artifact.baseline);
    this.timing = CloseTimingModel.fromJSON(artifact.timing);
    this.history = options.history ?? DealHistory.fromState(artifact.history);
    this.algorithm = this.model ? this.model.algorithm : 'baseline';
    this.version = options.version ?? null;
    this.fallbackReason = options.fallbackReason;
    // Explanation units: correlated features (activity windows, close date and pushes…) explained together.
    const groups = this.encoder ? this.encoder.groups() : [];
    this.units = dealFactorUnits(groups.map((g) => g.feature));
    const columnsOf = new Map(groups.map((g) => [g.feature, g.columns]));
    this.unitColumns = unitColumns(this.units, (f) => columnsOf.get(f) ?? []);
    this.buffer = new Array(this.encoder?.width ?? 0).fill(0);
  }

  version: number | null;
  readonly fallbackReason?: string;

  get isFallback(): boolean {
    return this.model === null;
  }

  /** Replaces the closed-deal history (e.g. refreshed from the database) without retraining. */
  withHistory(history: DealHistory): WinScorer {
    return new WinScorer(this.artifact, { history, version: this.version, fallbackReason: this.fallbackReason });
  }

  /**
   * The stage baseline trained with this model (same window, same labels), as a scorer of its own:
   * what training reports as "the baseline" and what is served when the model is not promoted.
   */
  baselineScorer(fallbackReason: string, history: DealHistory = this.history): WinScorer {
    return new WinScorer({ ...this.artifact, encoder: null, model: null }, { history, fallbackReason });
  }

  /** `once`: this deal object is scored at this one moment (serving), so its history keys are not cached. */
  features(deal: Deal, t: number, once = false): RawRow {
    return dealFeatures(deal, t, this.history, this.artifact.attributes, once ? { cacheKeys: false } : undefined);
  }

  /** Calibrated P(win) of a feature row, in [eps, 1 - eps] (ml/probability.ts). */
  probabilityOfRow(row: RawRow): number {
    if (!this.model || !this.encoder) return this.baseline.predictOne(row.stage == null ? '(unknown)' : String(row.stage));
    return this.model.probability(this.encoder.transformRow(row, this.buffer));
  }

  /** P(win) of a deal as of t exactly as `score` (and so the HTTP API) answers it. */
  servedProbability(deal: Deal, t: number): number {
    return this.score(deal, t, { explain: false }).winProbability;
  }

  winProbability(deal: Deal, asOf: number = Date.now()): number {
    return this.probabilityOfRow(this.features(deal, asOf));
  }

  closeOutlook(deal: Deal, row: RawRow, asOf: number): CloseOutlook {
    const expected = row.daysToExpectedClose == null ? null : asOf + Number(row.daysToExpectedClose) * DAY_MS;
    return this.timing.outlook(
      { stage: row.stage == null ? null : String(row.stage), segment: deal.account?.segment ?? null, expectedCloseAt: expected },
      asOf,
    );
  }

  /** Win probability and close timing of an open deal as of a date (for forecasts). */
  outlook(deal: Deal, asOf: number = Date.now()): DealOutlook {
    const row = this.features(deal, asOf);
    const o = this.closeOutlook(deal, row, asOf);
    return {
      winProbability: this.probabilityOfRow(row),
      expectedCloseAt: o.expectedCloseAt == null ? null : new Date(o.expectedCloseAt),
      slipProbability: o.slipProbability,
      closeDistribution: o.closeDistribution,
    };
  }

  /** Per-feature contributions to the log-odds, worded for a rep; strongest first on each side. */
  factors(row: RawRow, perSide = 3, encoded?: number[]): Factor[] {
    if (!this.model || !this.encoder) {
      const stage = row.stage == null ? '(unknown)' : String(row.stage);
      const p = this.baseline.predictOne(stage);
      return [
        {
          feature: 'stage',
          value: typeof row.stage === 'string' ? row.stage : null,
          effect: 0,
          text: `Baseline: ${Math.round(p * 100)}% of deals in ${stage} have been won (no trained model)`,
        },
      ];
    }
    const x = encoded ?? this.encoder.transformRow(row);
    // Rank every unit by its effect, then word only the few that are shown (wording all of them
    // cost more than the model itself on the serving path).
    const contrib = this.model.classifier.contributions(x, this.unitColumns!);
    const encoder = this.encoder;
    return dealFactors(this.units, contrib, row, this.artifact.explain, perSide, (f, v) => encoder.knowsCategory(f, v));
  }

  score(deal: Deal, asOf: number = Date.now(), options: { explain?: boolean } = {}): DealScoreResult {
    const row = this.features(deal, asOf, true);
    const o = this.closeOutlook(deal, row, asOf);
    // Encode once: the probability and the factors read the same vector.
    const x = this.model && this.encoder ? this.encoder.transformRow(row, this.buffer) : null;
    const result: DealScoreResult = {
      winProbability: x ? this.model!.probability(x) : this.probabilityOfRow(row),
      expectedCloseAt: o.expectedCloseAt == null ? null : new Date(o.expectedCloseAt),
      slipProbability: o.slipProbability,
      closeDistribution: o.closeDistribution,
      factors: options.explain === false ? [] : this.factors(row, 3, x ?? undefined),
      modelVersion: this.version,
      algorithm: this.algorithm,
      fallback: this.isFallback,
      timingBasis: o.basis,
      scoredAt: new Date(asOf),
    };
    if (deal.id !== undefined) result.opportunityId = deal.id;
    if (deal.externalId !== undefined) result.externalId = deal.externalId;
    if (this.isFallback)
      result.fallbackReason = this.fallbackReason ?? 'no trained deal-win model is active; scored by the historical win rate of the stage';
    return result;
  }
}
