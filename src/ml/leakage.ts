// The leakage guard: a model that looks too good is a bug until proven otherwise. Before a model is
// promoted, every feature is screened alone on the training window, and the model's own test AUC is
// checked; either above its threshold blocks promotion, and the report names the feature and why.
//
// Single-feature AUC: the feature is cut into bins (each distinct value when there are at most 20,
// else 20 quantile bins of the training window; "missing" and "not provided" are bins of their
// own; a category is its own bin), each bin scored by its rate of positives, and the AUC of that
// score computed CROSS-FITTED between the earlier and the later half of the training window (rates
// learned on one half score the other), so an identifier-like column that merely memorises rows does not trip the guard while
// a column that is the label in disguise does (it separates the classes in both halves).
import { rocAuc } from './metrics';
import { NOT_PROVIDED, type RawRow, type RawValue } from './feature-encoder';

/** Documented in docs/win-model.md ("Leakage guard"). */
export const LEAKAGE_THRESHOLDS = { modelTestAuc: 0.98, singleFeatureAuc: 0.95 } as const;

export interface FeatureScreen {
  feature: string;
  /** Cross-fitted AUC of the feature alone (0.5 = no signal), null when one half has one class only. */
  auc: number | null;
}

export interface LeakageReport {
  thresholds: typeof LEAKAGE_THRESHOLDS;
  passed: boolean;
  /** One sentence per reason the model may not be promoted. */
  reasons: string[];
  /** The strongest features alone, strongest first (at most 10). */
  strongestFeatures: FeatureScreen[];
  testAuc: number | null;
}

const MISSING = '\u0000missing';
const NOT_GIVEN = '\u0000not-provided';
const MAX_BINS = 20;

type Binned = number | null | typeof NOT_PROVIDED;

function numericBinner(values: Binned[]): (v: Binned) => string {
  const present = values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const distinct = [...new Set(present)];
  if (distinct.length <= MAX_BINS) return (v) => (v === NOT_PROVIDED ? NOT_GIVEN : v === null ? MISSING : String(v));
  const edges: number[] = [];
  for (let k = 1; k < MAX_BINS; k++) edges.push(present[Math.floor((k * present.length) / MAX_BINS)]);
  return (v) => {
    if (v === NOT_PROVIDED) return NOT_GIVEN;
    if (v === null) return MISSING;
    let b = 0;
    while (b < edges.length && v >= edges[b]) b++;
    return `q${b}`;
  };
}

function toNumber(v: RawValue): Binned {
  if (typeof v === 'symbol') return NOT_PROVIDED;
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function toCategory(v: RawValue): string {
  if (typeof v === 'symbol') return NOT_GIVEN;
  return v === null || v === undefined || v === '' ? MISSING : String(v).trim().toLowerCase();
}

/** Bin rates learned on `from` rows, scoring `to` rows (unseen bins: the overall rate of `from`). */
function crossScore(bins: string[], y: ArrayLike<number>, from: number[], to: number[], out: Float64Array): void {
  const agg = new Map<string, { n: number; pos: number }>();
  let pos = 0;
  for (const i of from) {
    const a = agg.get(bins[i]) ?? { n: 0, pos: 0 };
    a.n++;
    a.pos += y[i];
    pos += y[i];
    agg.set(bins[i], a);
  }
  const overall = pos / Math.max(1, from.length);
  for (const i of to) {
    const a = agg.get(bins[i]);
    out[i] = a ? (a.pos + overall) / (a.n + 1) : overall;
  }
}

/**
 * rows: n feature rows of the training window, y: n labels, order: n order keys (time), features:
 * the names to screen and their kind. Returns one screen per feature, strongest first.
 */
export function screenFeatures(
  rows: RawRow[],
  y: ArrayLike<number>,
  order: ArrayLike<number>,
  features: { numeric: string[]; categorical: string[] },
): FeatureScreen[] {
  const n = rows.length;
  const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => order[a] - order[b] || a - b);
  const early = sorted.slice(0, Math.floor(n / 2));
  const late = sorted.slice(Math.floor(n / 2));
  const out: FeatureScreen[] = [];
  const score = new Float64Array(n);
  const screen = (feature: string, bins: string[]) => {
    crossScore(bins, y, early, late, score);
    crossScore(bins, y, late, early, score);
    out.push({ feature, auc: rocAuc(score, y) });
  };
  for (const f of features.numeric) {
    const values = rows.map((r) => toNumber(r[f]));
    const bin = numericBinner(values);
    screen(f, values.map(bin));
  }
  for (const f of features.categorical)
    screen(
      f,
      rows.map((r) => toCategory(r[f])),
    );
  return out.sort((a, b) => (b.auc ?? 0) - (a.auc ?? 0));
}

/** The guard's verdict from the feature screen and the served test AUC of the candidate. */
export function leakageVerdict(screen: FeatureScreen[], testAuc: number | null): LeakageReport {
  const reasons: string[] = [];
  const t = LEAKAGE_THRESHOLDS;
  for (const s of screen)
    if (s.auc !== null && s.auc >= t.singleFeatureAuc)
      reasons.push(
        `feature "${s.feature}" alone separates the outcomes with AUC ${s.auc.toFixed(3)} on the training window (>= ${t.singleFeatureAuc}): it probably gives the outcome away (recorded at or after the close?)`,
      );
  if (testAuc !== null && testAuc >= t.modelTestAuc)
    reasons.push(
      `test AUC ${testAuc.toFixed(3)} >= ${t.modelTestAuc}: too good to be true for a forecast; look for a feature recorded after the outcome`,
    );
  return { thresholds: t, passed: reasons.length === 0, reasons, strongestFeatures: screen.slice(0, 10), testAuc };
}
