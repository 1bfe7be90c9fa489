// The baseline every model must beat: the historical win rate of deals by group (for deals, the
// stage they were in at the snapshot), smoothed towards the overall rate with a Beta prior of
// `priorStrength` pseudo-deals (empirical-Bayes shrinkage, so a stage seen twice does not get 0%
// or 100%). Groups never seen fall back to the overall rate.

export interface GroupRateState {
  kind: 'salescast-group-rate';
  overall: number;
  priorStrength: number;
  rates: Record<string, { n: number; positives: number; rate: number }>;
}

export class GroupRateBaseline {
  readonly algorithm = 'baseline';
  private state: GroupRateState | null = null;

  constructor(readonly priorStrength = 10) {}

  get fitted(): boolean {
    return this.state !== null;
  }

  fit(groups: string[], y: ArrayLike<number>): this {
    if (groups.length !== y.length) throw new Error('baseline: groups and y differ in length');
    if (groups.length === 0) throw new Error('baseline: cannot fit on zero rows');
    let pos = 0;
    const agg = new Map<string, { n: number; positives: number }>();
    groups.forEach((g, i) => {
      const a = agg.get(g) ?? { n: 0, positives: 0 };
      a.n++;
      a.positives += y[i];
      pos += y[i];
      agg.set(g, a);
    });
    const overall = pos / groups.length;
    const rates: GroupRateState['rates'] = {};
    for (const [g, a] of agg) rates[g] = { ...a, rate: (a.positives + this.priorStrength * overall) / (a.n + this.priorStrength) };
    this.state = { kind: 'salescast-group-rate', overall, priorStrength: this.priorStrength, rates };
    return this;
  }

  predictOne(group: string): number {
    if (!this.state) throw new Error('baseline is not fitted: call fit() before predicting');
    return this.state.rates[group]?.rate ?? this.state.overall;
  }

  predictProba(groups: string[]): Float64Array {
    return Float64Array.from(groups, (g) => this.predictOne(g));
  }

  get rates(): GroupRateState['rates'] {
    if (!this.state) throw new Error('baseline is not fitted');
    return this.state.rates;
  }

  toJSON(): GroupRateState {
    if (!this.state) throw new Error('baseline is not fitted');
    return this.state;
  }

  static fromJSON(s: GroupRateState): GroupRateBaseline {
    if (s?.kind !== 'salescast-group-rate') throw new Error('not a group-rate baseline state');
    const b = new GroupRateBaseline(s.priorStrength);
    b.state = s;
    return b;
  }
}
