// Time-ordered splits. Every example has an order key (the moment it describes: a deal snapshot's
// split time, a customer's observation date, or a fixed id order when the data has no dates).
// - `timeHoldout`: the latest part is held out for the final test and touched once, at the end.
// - `timeOrderedFolds`: expanding-window cross-validation inside the rest (Hyndman &
//   Athanasopoulos, FPP3 section 5.10, "time series cross-validation"; scikit-learn's
//   TimeSeriesSplit): the training window is cut into k + 1 blocks by order key, and block j
//   (j = 1..k) is predicted by a model fitted on blocks 0..j-1 only.
// Examples of one group (the snapshots of one deal) always fall in one block, at the group's
// earliest key, so no deal is learned from and judged in the same fold. Ties never straddle a cut.
// With `knownAt` (when an example's label became known, e.g. the end of a churn window), a fold
// trains only on examples whose labels were known when its validation block starts.
import type { BinaryClassifier, FitOptions } from './estimator';

export interface Fold {
  /** Row indices the fold's model is fitted on. */
  train: Uint32Array;
  /** Row indices it predicts (out of fold). */
  validate: Uint32Array;
  /** Smallest order key in the validation block. */
  validateFrom: number;
}

/** The order key of every example, moved to the earliest key of its group when groups are given. */
export function effectiveKeys(keys: ArrayLike<number>, groups?: ArrayLike<number | string>): Float64Array {
  const out = Float64Array.from(keys);
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) throw new Error(`order key of example ${i} is not a number`);
  if (!groups) return out;
  if (groups.length !== keys.length) throw new Error(`${keys.length} order keys but ${groups.length} groups`);
  const first = new Map<number | string, number>();
  for (let i = 0; i < out.length; i++) {
    const g = groups[i];
    const k = first.get(g);
    if (k === undefined || out[i] < k) first.set(g, out[i]);
  }
  for (let i = 0; i < out.length; i++) out[i] = first.get(groups[i])!;
  return out;
}

/** Indices sorted by key (stable), and cut points (exclusive ends) of `parts` near-equal blocks. */
function cutByKey(keys: Float64Array, fractions: number[]): { order: Uint32Array; ends: number[] } {
  const order = Uint32Array.from({ length: keys.length }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
  const ends: number[] = [];
  const n = keys.length;
  for (const f of fractions) {
    const target = Math.round(f * n);
    // Ties land on one side: the cut moves to the nearer end of a run of equal keys (the other end
    // when the nearer one would leave a side empty).
    let start = target;
    let end = target;
    while (start > 0 && start < n && keys[order[start]] === keys[order[start - 1]]) start--;
    while (end > 0 && end < n && keys[order[end]] === keys[order[end - 1]]) end++;
    let cut = target - start <= end - target ? start : end;
    if (cut === 0 && end < n) cut = end;
    if (cut === n && start > 0) cut = start;
    ends.push(Math.max(cut, ends[ends.length - 1] ?? 0));
  }
  ends.push(n);
  return { order, ends };
}

/** The latest `testFraction` of the examples (by effective key) as the test slice, the rest as training. */
export function timeHoldout(
  keys: ArrayLike<number>,
  testFraction: number,
  groups?: ArrayLike<number | string>,
): { train: Uint32Array; test: Uint32Array; testFrom: number } {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error('testFraction must lie strictly between 0 and 1');
  const eff = effectiveKeys(keys, groups);
  const { order, ends } = cutByKey(eff, [1 - testFraction]);
  const train = order.slice(0, ends[0]).sort();
  const test = order.slice(ends[0]).sort();
  return { train, test, testFrom: test.length ? eff[order[ends[0]]] : Number.POSITIVE_INFINITY };
}

export interface TimeOrderedFoldOptions {
  /** Validation blocks (default 4, i.e. 5 blocks). */
  folds?: number;
  groups?: ArrayLike<number | string>;
  knownAt?: ArrayLike<number>;
}

/** Expanding-window folds over the examples (see the header); empty folds are left out. */
export function timeOrderedFolds(keys: ArrayLike<number>, options: TimeOrderedFoldOptions = {}): Fold[] {
  const k = options.folds ?? 4;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error('folds must be a positive integer');
  const eff = effectiveKeys(keys, options.groups);
  const { order, ends } = cutByKey(
    eff,
    Array.from({ length: k }, (_, j) => (j + 1) / (k + 1)),
  );
  const folds: Fold[] = [];
  for (let j = 1; j <= k; j++) {
    const start = ends[j - 1];
    const end = ends[j];
    if (end <= start || start === 0) continue;
    const validateFrom = eff[order[start]];
    let train = order.slice(0, start);
    if (options.knownAt) {
      const known = options.knownAt;
      train = train.filter((i) => known[i] <= validateFrom);
    }
    if (train.length === 0) continue;
    folds.push({ train: train.sort(), validate: order.slice(start, end).sort(), validateFrom });
  }
  return folds;
}

function take<T>(rows: T[], idx: Uint32Array): T[] {
  return Array.from(idx, (i) => rows[i]);
}

function hasBothClasses(y: ArrayLike<number>, idx: Uint32Array): boolean {
  let pos = 0;
  for (const i of idx) pos += y[i];
  return pos > 0 && pos < idx.length;
}

/**
 * Out-of-fold P(y = 1): each fold's model (a fresh one from `create`) is fitted on the fold's
 * training rows and predicts its validation rows. X: n x d, y: n labels. Returns n values, NaN for
 * rows no fold predicted, and the folds actually used (a fold whose training rows hold one class
 * only is skipped).
 */
export async function crossValPredict(
  create: () => BinaryClassifier,
  X: number[][],
  y: ArrayLike<number>,
  folds: Fold[],
  options: FitOptions = {},
): Promise<{ oof: Float64Array; used: Fold[] }> {
  const oof = new Float64Array(X.length).fill(Number.NaN);
  const used: Fold[] = [];
  for (const [j, fold] of folds.entries()) {
    if (!hasBothClasses(y, fold.train)) continue;
    const model = await create().fit(
      take(X, fold.train),
      Array.from(fold.train, (i) => y[i]),
      {
        onProgress: (f, message) => options.onProgress?.((j + f) / folds.length, `fold ${j + 1}/${folds.length}: ${message}`),
      },
    );
    const p = model.predictProba(take(X, fold.validate));
    fold.validate.forEach((i, r) => {
      oof[i] = p[r];
    });
    used.push(fold);
  }
  return { oof, used };
}
