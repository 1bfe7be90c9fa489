// A generic tabular encoder shared by every classifier (deal rows, wide customer tables):
// - numeric columns: optional log1p, then standardisation (z = (x - mean) / sd) with missing values
//   set to the mean plus a 0/1 "missing" indicator column when training data had gaps;
// - optional log companions: a numeric column encoded twice, as given and as log1p(max(0, x)), both
//   standardised (the companion has no missing indicator: the column's own carries it). Together
//   they let a linear model fit a steep-then-flat effect (a + b x + c log(1 + x)), e.g. churn
//   against tenure in months, where the first months weigh far more than later ones;
// - categorical columns: one-hot over the categories seen at least `minCategoryCount` times in
//   training (at most `maxCategories`, most frequent first), plus one "other" column that takes
//   rare and unseen values (so scoring never fails on a category the model has not met; an unseen
//   value whose "other" bucket held fewer than minCategoryCount training rows is encoded as the
//   training average instead); missing is its own value "(missing)"; a column with a single
//   category in training carries nothing;
// - NOT_PROVIDED ("the caller did not say", src/domain/features/feature-row.ts) is not "missing":
//   every column of the feature gets its training average (the mean, the share of missing rows,
//   each category's share), i.e. an average row, so it moves no score; fit() leaves it out;
// - a column never observed (or constant) in training, and an unseen category when no training
//   row was "other", encode as 0: weights that never saw a non-zero input must not be used.
// Its fitted state is the model's feature schema: it is saved with the model and compared on load.
import crypto from 'node:crypto';
import { AppError } from '../errors';
import { type ArtifactHeader, checkArtifact } from './artifact';
import { EMPTY_PLAN, encodingPlan, type EncodingPlan } from './encoding-plan';
import type { CategoricalState, NumericState } from './encoder-state';

export type { CategoricalState, NumericState } from './encoder-state';

/** Any symbol a row may hold is NOT_PROVIDED (the domain declares the same registered symbol). */
export type RawValue = number | string | boolean | null | undefined | symbol;
export type RawRow = Record<string, RawValue>;

/** "Not provided" (not the same as missing): imputed as the training average of its columns. */
export const NOT_PROVIDED: unique symbol = Symbol.for('salescast.feature.not-provided');
export const isNotProvided = (v: unknown): boolean => typeof v === 'symbol';

export interface FeatureSpec {
  numeric: string[];
  categorical: string[];
  /** Numeric columns to transform with log1p(max(0, x)) before standardising (money, counts). */
  log?: string[];
  /**
   * Numeric columns (not in `log`) that also get a log1p(max(0, x)) column (see the header). Absent
   * and empty are the same schema (and the same signature as before the option existed).
   */
  logCompanion?: string[];
  minCategoryCount?: number;
  maxCategories?: number;
  /**
   * A categorical feature whose value conditions the imputation of NOT_PROVIDED values: they get
   * the average of the training rows with the same value (e.g. of deals in the same stage) when at
   * least minCategoryCount rows had it, else the overall average.
   */
  imputeBy?: string;
}

export interface EncodedColumn {
  name: string;
  source: string;
  kind: 'numeric' | 'missing' | 'category' | 'other';
  category?: string;
}

/** Training averages of the rows sharing one value of spec.imputeBy (null: no provided value in the group). */
export interface ImputationGroup {
  rows: number;
  /** Per numeric feature: mean of the encoded (standardised) value, and share of missing values. */
  numeric: (number | null)[];
  missingRate: (number | null)[];
  /** Per categorical feature: share of each kept category and of "other". */
  shares: (number[] | null)[];
  otherShare: (number | null)[];
}

export const ENCODER_KIND = 'salescast.feature-encoder';
/** v2: common artifact header (kind was "salescast-feature-encoder"). */
export const ENCODER_FORMAT_VERSION = 2;

export interface EncoderState extends ArtifactHeader<typeof ENCODER_KIND> {
  spec: FeatureSpec;
  numeric: NumericState[];
  categorical: CategoricalState[];
  /** NOT_PROVIDED imputation conditioned on spec.imputeBy, by its category. */
  imputation?: Record<string, ImputationGroup>;
  /** Fingerprint of the input schema (names and kinds), compared when a model is loaded. */
  signature: string;
}

export const MISSING = '(missing)';
const OTHER = '(other)';

/** A stable fingerprint of what a model expects as input: source feature names and kinds. */
export function schemaSignature(spec: FeatureSpec): string {
  const companions = [...(spec.logCompanion ?? [])].sort();
  const canon = JSON.stringify({
    n: spec.numeric,
    c: spec.categorical,
    l: [...(spec.log ?? [])].sort(),
    ...(companions.length ? { lc: companions } : {}),
  });
  return crypto.createHash('sha256').update(canon).digest('hex').slice(0, 16);
}

function toNumber(v: RawValue): number | null {
  if (v === null || v === undefined || v === '' || typeof v === 'symbol') return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The category a raw value is counted under (trimmed, lower case; empty is MISSING). */
export function toCategory(v: RawValue): string {
  if (v === null || v === undefined || v === '' || typeof v === 'symbol') return MISSING;
  return String(v).trim().toLowerCase() || MISSING;
}

/**
 * Guesses a spec from a table: a column is numeric when every non-empty value parses as a number
 * and it has more than two distinct values or is boolean-like 0/1; otherwise categorical.
 * Columns listed in `exclude` (ids, labels, dates) are left out.
 */
export function inferFeatureSpec(rows: RawRow[], options: { exclude?: string[]; maxDistinctForCategory?: number } = {}): FeatureSpec {
  const exclude = new Set(options.exclude ?? []);
  const names = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!exclude.has(k)) names.add(k);
  const numeric: string[] = [];
  const categorical: string[] = [];
  for (const name of names) {
    let allNumeric = true;
    let any = false;
    for (const r of rows) {
      const v = r[name];
      if (v === null || v === undefined || v === '' || isNotProvided(v)) continue;
      any = true;
      if (typeof v === 'boolean') continue;
      if (toNumber(v) === null) {
        allNumeric = false;
        break;
      }
    }
    if (!any) continue;
    (allNumeric ? numeric : categorical).push(name);
  }
  return { numeric, categorical };
}

/** The value a numeric state reads from a row (a log companion reads its feature's). */
const numericInput = (row: RawRow, n: NumericState): RawValue => row[n.from ?? n.name];

/** Mean, sd and missing count of one numeric column over the provided training rows. */
function fitNumeric(rows: RawRow[], name: string, log: boolean, from?: string): NumericState {
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  let missing = 0;
  const source = from ?? name;
  for (const r of rows) {
    if (isNotProvided(r[source])) continue;
    let v = toNumber(r[source]);
    if (v === null) {
      missing++;
      continue;
    }
    if (log) v = Math.log1p(Math.max(0, v));
    sum += v;
    sumSq += v * v;
    count++;
  }
  const mean = count ? sum / count : 0;
  const variance = count > 1 ? Math.max(0, sumSq / count - mean * mean) : 0;
  const constant = !(variance > 1e-12 * Math.max(1, mean * mean));
  const sd = constant ? 1 : Math.sqrt(variance);
  // A missing indicator only carries information when some values are present (a companion's would
  // repeat its feature's).
  const hasMissingColumn = missing > 0 && count > 0 && from === undefined;
  return {
    name,
    ...(from !== undefined ? { from } : {}),
    mean,
    sd,
    log,
    hasMissingColumn,
    constant,
    ...(hasMissingColumn ? { missingRate: missing / (missing + count) } : {}),
  };
}

export class FeatureEncoder {
  readonly spec: FeatureSpec;
  private state: EncoderState | null = null;
  private cols: EncodedColumn[] = [];
  private catIndex: Map<string, number>[] = [];
  /** Per categorical feature: the columns of its kept categories, in order, and its "other" column. */
  private catColumns: number[][] = [];
  private otherColumn: number[] = [];
  /** transformRow's reading of the state (encoding-plan.ts) and its row values, in the plan's order. */
  private plan: EncodingPlan = EMPTY_PLAN;
  private values: RawValue[] = [];

  constructor(spec: FeatureSpec) {
    const dup = [...spec.numeric, ...spec.categorical].find((n, i, all) => all.indexOf(n) !== i);
    if (dup) throw new Error(`feature "${dup}" is listed twice in the feature spec`);
    const badCompanion = (spec.logCompanion ?? []).find(
      (n, i, all) => !spec.numeric.includes(n) || (spec.log ?? []).includes(n) || all.indexOf(n) !== i,
    );
    if (badCompanion !== undefined)
      throw new Error(`log companion "${badCompanion}" must be a numeric feature, not already logged, listed once`);
    this.spec = { minCategoryCount: 5, maxCategories: 30, log: [], ...spec };
  }

  get isFitted(): boolean {
    return this.state !== null;
  }

  get signature(): string {
    return schemaSignature(this.spec);
  }

  fit(rows: RawRow[]): this {
    if (rows.length === 0) throw new Error('cannot fit a feature encoder on zero rows');
    const logSet = new Set(this.spec.log ?? []);
    const numeric: NumericState[] = [
      ...this.spec.numeric.map((name) => fitNumeric(rows, name, logSet.has(name))),
      ...(this.spec.logCompanion ?? []).map((feature) => fitNumeric(rows, `${feature}:log1p`, true, feature)),
    ];
    const min = this.spec.minCategoryCount ?? 5;
    const max = this.spec.maxCategories ?? 30;
    const categorical: CategoricalState[] = this.spec.categorical.map((name) => {
      const counts = new Map<string, number>();
      let provided = 0;
      for (const r of rows) {
        if (isNotProvided(r[name])) continue;
        const c = toCategory(r[name]);
        counts.set(c, (counts.get(c) ?? 0) + 1);
        provided++;
      }
      let categories = [...counts.entries()]
        .filter(([, n]) => n >= min)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, max)
        .map(([c]) => c);
      const kept = new Set(categories);
      let otherCount = 0;
      for (const [c, n] of counts) if (!kept.has(c)) otherCount += n;
      // One category and nothing else: a constant column, which a model cannot learn from (and a
      // different value at scoring would move the score by a weight that was never identified).
      if (categories.length === 1 && otherCount === 0) categories = [];
      const share = (n: number) => (provided ? n / provided : 0);
      return { name, categories, otherCount, shares: categories.map((c) => share(counts.get(c)!)), otherShare: share(otherCount) };
    });
    const imputation = this.spec.imputeBy ? conditionalImputation(rows, this.spec.imputeBy, numeric, categorical, min) : undefined;
    this.setState({
      kind: ENCODER_KIND,
      formatVersion: ENCODER_FORMAT_VERSION,
      spec: this.spec,
      numeric,
      categorical,
      ...(imputation ? { imputation } : {}),
      signature: this.signature,
    });
    return this;
  }

  /** The averages NOT_PROVIDED values of this row take: those of its imputeBy group, if any. */
  private imputationGroup(row: RawRow): ImputationGroup | undefined {
    const s = this.state!;
    const by = s.spec.imputeBy;
    if (!by || !s.imputation || isNotProvided(row[by])) return undefined;
    return s.imputation[toCategory(row[by])];
  }

  private setState(state: EncoderState) {
    this.state = state;
    const cols: EncodedColumn[] = [];
    for (const n of state.numeric) {
      cols.push({ name: n.name, source: n.from ?? n.name, kind: 'numeric' });
      if (n.hasMissingColumn) cols.push({ name: `${n.name}:missing`, source: n.name, kind: 'missing' });
    }
    this.catIndex = [];
    this.catColumns = [];
    this.otherColumn = [];
    for (const c of state.categorical) {
      const m = new Map<string, number>();
      const columns: number[] = [];
      for (const cat of c.categories) {
        m.set(cat, cols.length);
        columns.push(cols.length);
        cols.push({ name: `${c.name}=${cat}`, source: c.name, kind: 'category', category: cat });
      }
      m.set(OTHER, cols.length);
      this.otherColumn.push(cols.length);
      cols.push({ name: `${c.name}=${OTHER}`, source: c.name, kind: 'other' });
      this.catIndex.push(m);
      this.catColumns.push(columns);
    }
    this.cols = cols;
    this.plan = encodingPlan(state.numeric, state.categorical, state.spec.minCategoryCount ?? 5);
    this.values = new Array<RawValue>(state.numeric.length + state.categorical.length).fill(null);
  }

  private need(): EncoderState {
    if (!this.state) throw new Error('FeatureEncoder is not fitted: call fit() before transform()');
    return this.state;
  }

  /** Names of the encoded columns, in order. */
  get columns(): EncodedColumn[] {
    this.need();
    return this.cols;
  }

  get width(): number {
    return this.columns.length;
  }

  /** Source feature names, and for each the encoded columns it produced (for explanations). */
  groups(): { feature: string; columns: number[] }[] {
    const map = new Map<string, number[]>();
    for (const name of [...this.spec.numeric, ...this.spec.categorical]) map.set(name, []);
    this.columns.forEach((c, i) => {
      map.get(c.source)!.push(i);
    });
    return [...map.entries()].map(([feature, columns]) => ({ feature, columns }));
  }

  transformRow(row: RawRow, out?: number[]): number[] {
    this.need();
    const p = this.plan;
    const values = this.values;
    p.read(row, values);
    const x = out ?? new Array<number>(this.cols.length);
    x.fill(0);
    let k = 0;
    let group: ImputationGroup | undefined | null = null; // looked up once, when first needed
    for (let j = 0; j < p.source.length; j++) {
      const raw = values[j];
      const constant = p.constant[j] === 1;
      if (isNotProvided(raw)) {
        if (group === null) group = this.imputationGroup(row);
        x[k++] = constant ? 0 : (group?.numeric[j] ?? 0); // the (group's) mean, standardised
        if (p.missingColumn[j] === 1) x[k++] = group?.missingRate[j] ?? p.missingRate[j];
        continue;
      }
      let v = toNumber(raw);
      if (v !== null && p.log[j] === 1) v = Math.log1p(Math.max(0, v));
      x[k++] = v === null || constant ? 0 : (v - p.mean[j]) / p.sd[j];
      if (p.missingColumn[j] === 1) x[k++] = v === null ? 1 : 0;
    }
    for (let i = 0; i < p.category.length; i++) {
      const raw = values[p.source.length + i];
      const c = isNotProvided(raw) ? null : toCategory(raw);
      const at = c === null ? undefined : this.catIndex[i].get(c);
      if (at !== undefined) x[at] = 1;
      else if (c === null || p.unseenAsAverage[i] === 1) {
        // Not provided, or a value the model never saw while its "other" bucket was learned from
        // too few rows to stand for it: the training average (of the row's imputeBy group).
        if (group === null) group = this.imputationGroup(row);
        const shares = group?.shares[i] ?? p.shares[i];
        const columns = this.catColumns[i];
        for (let j = 0; j < columns.length; j++) x[columns[j]] = shares?.[j] ?? 0;
        x[this.otherColumn[i]] = group?.otherShare[i] ?? p.otherShare[i];
      }
      // Unseen values go to "other" — unless no training row did, in which case the model has
      // learned nothing for that column and the feature is left at zero.
      else if (p.hasOther[i] === 1) x[this.otherColumn[i]] = 1;
    }
    return x;
  }

  transform(rows: RawRow[]): number[][] {
    return rows.map((r) => this.transformRow(r));
  }

  /** Whether a categorical value was seen (often enough) in training. */
  knowsCategory(feature: string, value: RawValue): boolean {
    const s = this.need();
    const i = s.categorical.findIndex((c) => c.name === feature);
    return i >= 0 && this.catIndex[i].has(toCategory(value));
  }

  toArtifact(): EncoderState {
    return this.need();
  }

  /** Rebuilds a fitted encoder; with `expectedSpec`, refuses a schema different from the code's. */
  static fromArtifact(state: EncoderState, expectedSpec?: FeatureSpec): FeatureEncoder {
    checkArtifact(state, ENCODER_KIND, ENCODER_FORMAT_VERSION);
    const enc = new FeatureEncoder(state.spec);
    if (schemaSignature(state.spec) !== state.signature)
      throw new Error('feature encoder state is corrupt: signature does not match its spec');
    if (expectedSpec && schemaSignature(expectedSpec) !== state.signature) {
      const want = new Set([...expectedSpec.numeric, ...expectedSpec.categorical]);
      const have = new Set([...state.spec.numeric, ...state.spec.categorical]);
      const missing = [...want].filter((n) => !have.has(n));
      const extra = [...have].filter((n) => !want.has(n));
      throw new AppError(
        'SCHEMA_MISMATCH',
        `the model's feature schema (${state.signature}) does not match this code's (${schemaSignature(expectedSpec)})` +
          (missing.length ? `; model lacks ${missing.join(', ')}` : '') +
          (extra.length ? `; model has unknown ${extra.join(', ')}` : ''),
      );
    }
    enc.setState(state);
    return enc;
  }
}

/**
 * Averages of the encoded columns among the training rows sharing each value of `by` (groups of at
 * least `min` rows): what a NOT_PROVIDED value of a row in that group is imputed with.
 */
function conditionalImputation(
  rows: RawRow[],
  by: string,
  numeric: NumericState[],
  categorical: CategoricalState[],
  min: number,
): Record<string, ImputationGroup> {
  interface Acc {
    rows: number;
    sum: number[];
    count: number[];
    missing: number[];
    cats: number[][];
    other: number[];
    provided: number[];
  }
  const index = categorical.map((c) => new Map(c.categories.map((name, j) => [name, j])));
  const groups = new Map<string, Acc>();
  for (const r of rows) {
    if (isNotProvided(r[by])) continue;
    const key = toCategory(r[by]);
    let a = groups.get(key);
    if (!a) {
      a = {
        rows: 0,
        sum: numeric.map(() => 0),
        count: numeric.map(() => 0),
        missing: numeric.map(() => 0),
        cats: categorical.map((c) => c.categories.map(() => 0)),
        other: categorical.map(() => 0),
        provided: categorical.map(() => 0),
      };
      groups.set(key, a);
    }
    a.rows++;
    numeric.forEach((n, j) => {
      const raw = numericInput(r, n);
      if (isNotProvided(raw)) return;
      let v = toNumber(raw);
      if (v === null) {
        a.missing[j]++;
        return;
      }
      if (n.log) v = Math.log1p(Math.max(0, v));
      a.sum[j] += (v - n.mean) / n.sd;
      a.count[j]++;
    });
    categorical.forEach((c, j) => {
      if (isNotProvided(r[c.name])) return;
      a.provided[j]++;
      const at = index[j].get(toCategory(r[c.name]));
      if (at === undefined) a.other[j]++;
      else a.cats[j][at]++;
    });
  }
  const out: Record<string, ImputationGroup> = {};
  for (const [key, a] of groups) {
    if (a.rows < min) continue;
    out[key] = {
      rows: a.rows,
      numeric: a.count.map((n, j) => (n ? a.sum[j] / n : null)),
      missingRate: a.count.map((n, j) => (n + a.missing[j] ? a.missing[j] / (n + a.missing[j]) : null)),
      shares: a.provided.map((p, j) => (p ? a.cats[j].map((c) => c / p) : null)),
      otherShare: a.provided.map((p, j) => (p ? a.other[j] / p : null)),
    };
  }
  return out;
}
