// The `clv` model as stored in the registry (fitted BG/NBD + Gamma-Gamma and the CLV settings) and
// the scorer that turns a customer's repeat-buying summary into P(alive), expected purchases,
// expected spend and CLV.
import { type ArtifactHeader, checkArtifact } from '../../ml/artifact';
import { BgNbdModel, type BgNbdArtifact } from '../../ml/bg-nbd';
import { GammaGammaModel, type GammaGammaArtifact } from '../../ml/gamma-gamma';
import { customerLifetimeValue } from '../../domain/clv';
import { UNIT_DAYS, type CustomerSummary, type TimeUnit } from '../../domain/features/customer-summary';

export const CLV_MODEL_NAME = 'clv';
export const CLV_ARTIFACT_KIND = 'salescast.clv-model';
/** v2: common artifact header (`kind`, was `format: "salescast.clv"`); v1 artifacts are refused: retrain. */
export const CLV_ARTIFACT_FORMAT = 2;

export interface ClvModelArtifact extends ArtifactHeader<typeof CLV_ARTIFACT_KIND> {
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
    checkArtifact(artifact, CLV_ARTIFACT_KIND, CLV_ARTIFACT_FORMAT);
    this.bgNbd = BgNbdModel.fromArtifact(artifact.bgNbd);
    this.gammaGamma = artifact.gammaGamma ? GammaGammaModel.fromArtifact(artifact.gammaGamma) : null;
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
