// The `churn` model as stored in the registry, and its scorer: feature row → calibrated churn
// probability with the top factors behind it. Reuses the deal model's machinery (feature
// encoder/schema, calibrated classifier) through their artifacts. Training reports the metrics of
// this scorer on its held-out rows: the path that answers the API is the path that was measured.
import { AppError } from '../../errors';
import { type ArtifactHeader, checkArtifact } from '../../ml/artifact';
import { CalibratedClassifier, type CalibratedClassifierArtifact } from '../../ml/calibrated-classifier';
import { FeatureEncoder, type EncoderState, type RawRow } from '../../ml/feature-encoder';
import { CUSTOMER_FEATURE_VERSION, type ChurnLabelMode } from '../../domain/features/customer-features';
import {
  customerFactors,
  customerFactorUnits,
  type CustomerExplanationContext,
  type CustomerFactor,
} from '../../domain/features/customer-explanations';
import { unitColumns, type FactorUnit } from '../../domain/features/factor-units';

export const CHURN_MODEL_NAME = 'churn';
export const CHURN_ARTIFACT_KIND = 'salescast.churn-model';
/**
 * v2: common artifact header (`kind`, was `format: "salescast.churn"`); one calibrated classifier
 * chosen by time-ordered (or id-ordered) cross-validation and refitted on the whole training
 * window; a fixed id split instead of a random one for undated labels. v1 is refused: retrain.
 */
export const CHURN_ARTIFACT_FORMAT = 2;

export interface ChurnModelArtifact extends ArtifactHeader<typeof CHURN_ARTIFACT_KIND> {
  /** Version of domain/features/customer-features.ts the model was trained with. */
  featureVersion: number;
  labelMode: ChurnLabelMode;
  /** Label mode 'status' on accounts without churn dates: the label is the status itself. */
  staticLabels: boolean;
  windowDays: number;
  evaluation: 'time-split' | 'id-split';
  asOf: string;
  encoder: EncoderState;
  model: CalibratedClassifierArtifact;
  explanation: CustomerExplanationContext;
}

export interface ChurnScore {
  churnProbability: number;
  /** Up to three factors raising and three lowering the risk, strongest first. */
  factors: CustomerFactor[];
}

export class ChurnScorer {
  private readonly model: CalibratedClassifier;
  private readonly encoder: FeatureEncoder;
  private readonly units: FactorUnit[];
  private readonly unitColumns: number[][];

  constructor(readonly artifact: ChurnModelArtifact) {
    checkArtifact(artifact, CHURN_ARTIFACT_KIND, CHURN_ARTIFACT_FORMAT);
    if (artifact.featureVersion !== CUSTOMER_FEATURE_VERSION)
      throw new AppError(
        'SCHEMA_MISMATCH',
        `the churn model was trained on customer features v${artifact.featureVersion}; this build computes v${CUSTOMER_FEATURE_VERSION}: retrain with "salescast train churn"`,
      );
    this.model = CalibratedClassifier.fromArtifact(artifact.model);
    this.encoder = FeatureEncoder.fromArtifact(artifact.encoder);
    const inputs = artifact.model.classifier.inputSize;
    if (this.encoder.width !== inputs)
      throw new AppError(
        'SCHEMA_MISMATCH',
        `the churn model expects ${inputs} inputs but its feature schema encodes ${this.encoder.width}`,
      );
    // Explanation units: correlated windows (orders, revenue, activity…) explained together.
    const groups = this.encoder.groups();
    this.units = customerFactorUnits(groups.map((g) => g.feature));
    const columnsOf = new Map(groups.map((g) => [g.feature, g.columns]));
    this.unitColumns = unitColumns(this.units, (f) => columnsOf.get(f) ?? []);
  }

  /** Calibrated churn probability of a feature row, in [eps, 1 - eps] (ml/probability.ts). */
  probability(row: RawRow): number {
    return this.model.probability(this.encoder.transformRow(row));
  }

  get algorithm(): string {
    return this.model.algorithm;
  }

  score(row: RawRow): ChurnScore {
    const x = this.encoder.transformRow(row);
    const p = this.model.probability(x);
    const effects = this.model.classifier.contributions(x, this.unitColumns);
    return { churnProbability: p, factors: customerFactors(this.units, effects, row, this.artifact.explanation) };
  }
}
