// The `clv` model as stored in the registry (fitted BG/NBD + Gamma-Gamma and the CLV settings) and
// the scorer that turns a customer's repeat-buying summary into P(alive), expected purchases,
// expected spend and CLV.
import { BgNbdModel, type BgNbdArtifact } from '../../ml/bg-nbd';
import { GammaGammaModel, type GammaGammaArtifact } from '../../ml/gamma-gamma';
import { customerLifetimeValue } from '../../domain/clv';
import { UNIT_DAYS, type CustomerSummary, type TimeUnit } from '../../domain/features/customer-summary';
import { AppError } from '../../errors';

export const CLV_MODEL_NAME = 'clv';
export const CLV_ARTIFACT_FORMAT = 1;

export interface ClvModelArtifact {
  format: 'salescast.clv';
  formatVersion: typeof CLV_ARTIFACT_FORMAT;
  timeUnit: TimeUnit;
  calibrationEnd: string;
  bgNbd: BgNbdArtifact;
  gammaGamma: GammaGammaArtifact | null;
  clv: { horizonMonths: number; annualDiscountRate: number; margin: number; marginSource: string };
}

export interface ClvScore {
  pAlive: number;
  /** Expected purchases over the CLV horizon. */
  expectedPurchases: number;
  expectedSpend: number | null;
  clv: number | null;
}

export class ClvScorer {
  readonly bgNbd: BgNbdModel;
  readonly gammaGamma: GammaGammaModel | null;
  constructor(readonly artifact: ClvModelArtifact) {
    if (artifact?.format !== 'salescast.clv' || artifact.formatVersion !== CLV_ARTIFACT_FORMAT)
      throw new AppError(
        'SCHEMA_MISMATCH',
        `the clv artifact has format ${artifact?.format} v${artifact?.formatVersion}; this build reads salescast.clv v${CLV_ARTIFACT_FORMAT}`,
      );
    this.bgNbd = BgNbdModel.fromJSON(artifact.bgNbd);
    this.gammaGamma = artifact.gammaGamma ? GammaGammaModel.fromJSON(artifact.gammaGamma) : null;
  }

  /** Scores a summary measured (T) up to the scoring date, in the model's time unit. */
  score(s: Pick<CustomerSummary, 'frequency' | 'recency' | 'T' | 'monetaryValue'>): ClvScore {
    const { frequency: x, recency: tx, T } = s;
    const unitDays = UNIT_DAYS[this.artifact.timeUnit];
    const pAlive = this.bgNbd.probabilityAlive(x, tx, T);
    const spend = this.gammaGamma ? this.gammaGamma.conditionalExpectedAverageSpend(x, s.monetaryValue) : null;
    const cumulative = (t: number) => this.bgNbd.conditionalExpectedPurchases(t, x, tx, T);
    if (spend === null || !Number.isFinite(spend)) {
      const horizon = (this.artifact.clv.horizonMonths * 30.4375) / unitDays;
      return { pAlive, expectedPurchases: cumulative(horizon), expectedSpend: null, clv: null };
    }
    const r = customerLifetimeValue(cumulative, spend, { ...this.artifact.clv, unitDays });
    return { pAlive, expectedPurchases: r.expectedPurchases, expectedSpend: spend, clv: r.clv };
  }
}
