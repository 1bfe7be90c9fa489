// The baseline every model must beat: the historical rate of positives by group (for deals, the
// stage they were in at the snapshot, each deal counted once), smoothed towards the overall rate
// with a Beta prior of `priorStrength` pseudo-examples (empirical-Bayes shrinkage, so a stage seen twice does not get 0%
// or 100%). Groups never seen fall back to the overall rate. An estimator like the others
// (estimator.ts), on one categorical column instead of an encoded matrix.
import { type ArtifactHeader, checkArtifact } from './artifact';
import type { Estimator } from './estimator';
import { clipProbability } from './probability';

export const GROUP_RATE_KIND = 'salescast.group-rate';
/** v2: common artifact header (was kind "salescast-group-rate" without a format version). */
export const GROUP_RATE_FORMAT_VERSION = 2;

export interface GroupRateArtifact extends ArtifactHeader<typeof GROUP_RATE_KIND> {
  overall: number;
  priorStrength: number;
  rates: Record<string, { n: number; positives: number; rate: number }>;
}

export class GroupRateBaseline implements Estimator<GroupRateArtifact> {
  readonly algorithm = 'baseline';
  private state: GroupRateArtifact | null = null;

  constructor(readonly priorStrength = 10) {}

  get isFitted(): boolean {
    return this.state !== null;
  }

  get params(): Record<string, unknown> {
    return { priorStrength: this.priorStrength };
  }

  /**
   * groups: n group names; y: n labels 0/1; weights: n non-negative weights (default 1 each). Both
   * outcomes are needed: a rate fitted on wins only would serve certainty (e.g. a lead funnel that
   * never records a loss). Weights let each deal count once however many snapshots it has (a deal
   * that stayed open longer has more), so the rate is that of deals, not of snapshots; `n` and
   * `positives` are then weighted counts.
   */
  fit(groups: string[], y: ArrayLike<number>, weights?: ArrayLike<number>): this {
    if (groups.length !== y.length) throw new Error(`baseline: ${groups.length} groups but ${y.length} labels`);
    if (weights && weights.length !== y.length) throw new Error(`baseline: ${weights.length} weights but ${y.length} labels`);
    if (groups.length === 0) throw new Error('baseline: cannot fit on zero rows');
    let pos = 0;
    let total = 0;
    const agg = new Map<string, { n: number; positives: number }>();
    groups.forEach((g, i) => {
      const w = weights ? weights[i] : 1;
      if (!(w >= 0)) throw new Error(`baseline: weight ${i} is ${w}; weights must be >= 0`);
      const a = agg.get(g) ?? { n: 0, positives: 0 };
      a.n += w;
      a.positives += w * y[i];
      pos += w * y[i];
      total += w;
      agg.set(g, a);
    });
    if (!(pos > 0 && pos < total))
      throw new Error(`baseline: all ${groups.length} examples have the same outcome; both outcomes are needed to estimate a rate`);
    const overall = pos / total;
    const rates: GroupRateArtifact['rates'] = {};
    for (const [g, a] of agg) rates[g] = { ...a, rate: (a.positives + this.priorStrength * overall) / (a.n + this.priorStrength) };
    this.state = { kind: GROUP_RATE_KIND, formatVersion: GROUP_RATE_FORMAT_VERSION, overall, priorStrength: this.priorStrength, rates };
    return this;
  }

  /** The smoothed rate of one group, in [eps, 1 - eps]. */
  predictOne(group: string): number {
    if (!this.state) throw new Error('baseline is not fitted: call fit() before predicting');
    return clipProbability(this.state.rates[group]?.rate ?? this.state.overall);
  }

  /** groups: n names -> n rates. */
  predictProba(groups: string[]): Float64Array {
    return Float64Array.from(groups, (g) => this.predictOne(g));
  }

  get rates(): GroupRateArtifact['rates'] {
    if (!this.state) throw new Error('baseline is not fitted');
    return this.state.rates;
  }

  toArtifact(): GroupRateArtifact {
    if (!this.state) throw new Error('baseline is not fitted');
    return this.state;
  }

  static fromArtifact(a: GroupRateArtifact): GroupRateBaseline {
    checkArtifact(a, GROUP_RATE_KIND, GROUP_RATE_FORMAT_VERSION);
    const b = new GroupRateBaseline(a.priorStrength);
    b.state = a;
    return b;
  }
}
