// The `churn` model as stored in the registry, and its scorer: feature row → calibrated churn
// probability with the top factors behind it. Reuses the deal model's machinery (estimator
// interface, feature encoder/schema, calibrator) through their artifacts.
import { AppError } from '../../errors';
import { loadCalibrator, type Calibrator, type CalibratorState } from '../../ml/calibration';
import { loadClassifier, type BinaryClassifier, type ClassifierArtifact } from '../../ml/estimator';
import { FeatureEncoder, type EncoderState, type RawRow } from '../../ml/feature-encoder';
import { sigmoid } from '../../math/link';
import { CUSTOMER_FEATURE_VERSION, type ChurnLabelMode } from '../../domain/features/customer-features';
import {
  customerFactors,
  customerFactorUnits,
  type CustomerExplanationContext,
  type CustomerFactor,
} from '../../domain/features/customer-explanations';
import { unitColumns, type FactorUnit } from '../../domain/features/factor-units';

export const CHURN_MODEL_NAME = 'churn';
export const CHURN_ARTIFACT_FORMAT = 1;

export interface ChurnModelArtifact {
  format: 'salescast.churn';
  formatVersion: typeof CHURN_ARTIFACT_FORMAT;
  /** Version of domain/features/customer-features.ts the model was trained with. */
  featureVersion: number;
  labelMode: ChurnLabelMode;
  /** Label mode 'status' on accounts without churn dates: the label is the status itself. */
  staticLabels: boolean;
  windowDays: number;
  evaluation: 'time-split' | 'stratified-split';
  asOf: string;
  classifier: ClassifierArtifact;
  encoder: EncoderState;
  calibrator: CalibratorState;
  explanation: CustomerExplanationContext;
}

export interface ChurnScore {
  churnProbability: number;
  /** Up to three factors raising and three lowering the risk, strongest first. */
  factors: CustomerFactor[];
}

export class ChurnScorer {
  private readonly classifier: BinaryClassifier;
  private readonly encoder: FeatureEncoder;
  private readonly calibrator: Calibrator;
  private readonly units: FactorUnit[];
  private readonly unitColumns: number[][];

  constructor(readonly artifact: ChurnModelArtifact) {
    if (artifact?.format !== 'salescast.churn' || artifact.formatVersion !== CHURN_ARTIFACT_FORMAT)
      throw new AppError(
        'SCHEMA_MISMATCH',
        `the churn artifact has format ${artifact?.format} v${artifact?.formatVersion}; this build reads salescast.churn v${CHURN_ARTIFACT_FORMAT}`,
      );
    if (artifact.featureVersion !== CUSTOMER_FEATURE_VERSION)
      throw new AppError(
        'SCHEMA_MISMATCH',
        `the churn model was trained on customer features v${artifact.featureVersion}; this build computes v${CUSTOMER_FEATURE_VERSION}: retrain with "salescast train churn"`,
      );
    this.classifier = loadClassifier(artifact.classifier);
    this.encoder = FeatureEncoder.fromJSON(artifact.encoder);
    if (this.encoder.width !== artifact.classifier.inputSize)
      throw new AppError(
        'SCHEMA_MISMATCH',
        `the churn model expects ${artifact.classifier.inputSize} inputs but its feature schema encodes ${this.encoder.width}`,
      );
    this.calibrator = loadCalibrator(artifact.calibrator);
    // Explanation units: correlated windows (orders, revenue, activity…) explained together.
    const groups = this.encoder.groups();
    this.units = customerFactorUnits(groups.map((g) => g.feature));
    const columnsOf = new Map(groups.map((g) => [g.feature, g.columns]));
    this.unitColumns = unitColumns(this.units, (f) => columnsOf.get(f) ?? []);
  }

  probability(row: RawRow): number {
    return this.calibrated(this.encoder.transformRow(row));
  }

  /**
   * Calibrated probability, kept inside [0.001, 0.999]: an isotonic step at the edge of the
   * calibration slice can say 0 or 1, which no finite amount of history justifies.
   */
  private calibrated(x: number[]): number {
    const p = this.calibrator.transform(sigmoid(this.classifier.logit(x)));
    return Math.min(0.999, Math.max(0.001, p));
  }

  score(row: RawRow): ChurnScore {
    const x = this.encoder.transformRow(row);
    const p = this.calibrated(x);
    const effects = this.classifier.contributions(x, this.unitColumns);
    return { churnProbability: p, factors: customerFactors(this.units, effects, row, this.artifact.explanation) };
  }
}
