// The blend: the service's own number, which picks one method or combines them by their past
// errors. Pure and rolling-origin: the blend of a period is computed from the forecasts and
// actuals of *earlier* periods only, so its backtest record is an out-of-sample record of the rule
// itself, not of a choice made after seeing the periods it is judged on.
//
// Each period two kinds of candidate compete on their record (mean squared relative error
// (forecast − actual) / actual over the last WINDOW periods — relative, because bookings change
// scale over the years):
//  - the combination: the methods weighted by the inverse of that error (Bates & Granger 1969;
//    Stock & Watson 2004), a method with a short record shrunk toward the pooled error of all
//    methods with PRIOR_PERIODS pseudo-periods (no record at all: equal weights);
//  - each method alone, once it has a record of at least MIN_RECORD periods.
// The candidate with the lower past error is used (with no record yet, the combination). Forecast
// combination usually beats its parts when they are comparably good, and loses to the best one
// when one is clearly better and the others add noise (Smith & Wallis 2009); choosing between the
// two by out-of-sample record is the conditional combination of Aiolfi & Timmermann (2006).
//
// Interval: the chosen candidate's P10 and P90 (for the combination, the methods' quantiles
// averaged relative to each one's point — quantile averaging, Lichtendahl, Grushka-Cockayne &
// Winkler 2013; a method without a range borrows the combination's relative band); then
// conformalised by the blend's own past misses (conformalized quantile regression, Romano,
// Patterson & Candès 2019): with scores E_i = max(lo_i − y_i, y_i − hi_i) / point_i over its past
// periods, the band moves out (or in) by the ⌈(n + 1)·0.8⌉-th smallest score times the point —
// the finite-sample rule that covers at least 80% of exchangeable periods.

export const WINDOW = 12;
const PRIOR_PERIODS = 2;
/** Past periods a method needs before it can be picked alone. */
export const MIN_RECORD = 3;
/** Fewest past blend periods for the conformal step (⌈(n + 1)·0.8⌉ ≤ n needs n ≥ 4). */
const MIN_CONFORMAL = 4;
const COVERAGE = 0.8;
/** Relative errors are capped so that one absurd forecast (e.g. of a near-empty month) cannot decide alone. */
const ERROR_CAP = 3;
export const COMBINATION = 'combination';

export interface MethodForecast {
  expected: number;
  p10: number | null;
  p90: number | null;
}

/** One past period: each method's forecast, the combination's and the blend's, and the actual. */
export interface BlendHistoryEntry {
  actual: number;
  forecasts: Record<string, MethodForecast | null>;
  blend: Pick<BlendForecast, 'expected' | 'rawP10' | 'rawP90' | 'combination'> | null;
}

export interface BlendForecast {
  expected: number;
  p10: number;
  p90: number;
  /** The candidate used: COMBINATION or a method's key. */
  picked: string;
  /** The combination's forecast (the candidate the blend compares the single methods with). */
  combination: MethodForecast;
  /** Weight of each method in the number (one-hot when a method is picked alone). */
  weights: Record<string, number>;
  /** Each candidate's past mean squared relative error (null: no record yet). */
  scores: Record<string, number | null>;
  /** The band before the conformal step (what the scores are measured against). */
  rawP10: number;
  rawP90: number;
  /** Conformal adjustment, as a share of the point forecast (0 until MIN_CONFORMAL past periods). */
  conformal: number;
}

const relError = (f: number, y: number) => Math.max(-ERROR_CAP, Math.min(ERROR_CAP, (f - y) / y));

/** Squared relative errors of one candidate over the last WINDOW past periods. */
function record(past: readonly BlendHistoryEntry[], pick: (e: BlendHistoryEntry) => MethodForecast | null | undefined) {
  let n = 0;
  let sum = 0;
  for (const e of past.slice(-WINDOW)) {
    const f = pick(e);
    if (!f || !(e.actual > 0) || !Number.isFinite(f.expected)) continue;
    const r = relError(f.expected, e.actual);
    n++;
    sum += r * r;
  }
  return { n, sum };
}

/** Combination weights from the methods' past relative errors (inverse MSRE, shrunk when short). */
export function combinationWeights(methods: readonly string[], past: readonly BlendHistoryEntry[]): Record<string, number> {
  const recs = methods.map((m) => record(past, (e) => e.forecasts[m]));
  const pooledN = recs.reduce((a, r) => a + r.n, 0);
  const pooled = pooledN > 0 ? recs.reduce((a, r) => a + r.sum, 0) / pooledN : 1;
  const raw = recs.map((r) => {
    const msre = (r.sum + PRIOR_PERIODS * pooled) / (r.n + PRIOR_PERIODS);
    return msre > 0 ? 1 / msre : 1e12;
  });
  const total = raw.reduce((a, b) => a + b, 0);
  return Object.fromEntries(methods.map((m, i) => [m, raw[i] / total]));
}

/** The combination: weighted point, and the methods' bands averaged relative to their points. */
function combine(current: Record<string, MethodForecast | null>, weights: Record<string, number>) {
  let point = 0;
  let lo = 0;
  let hi = 0;
  let wi = 0;
  for (const [m, w] of Object.entries(weights)) {
    const f = current[m] as MethodForecast;
    point += w * f.expected;
    if (f.p10 !== null && f.p90 !== null && f.expected > 0) {
      lo += w * (f.p10 / f.expected);
      hi += w * (f.p90 / f.expected);
      wi += w;
    }
  }
  return { point, relLo: wi > 0 ? lo / wi : 1, relHi: wi > 0 ? hi / wi : 1 };
}

/**
 * Which candidate the record favours for the next period: the combination (with its weights) or
 * one method alone, and every candidate's past error.
 */
export function chooseCandidate(methods: readonly string[], past: readonly BlendHistoryEntry[]) {
  const weights = combinationWeights(methods, past);
  const scores: Record<string, number | null> = {};
  const comb = record(past, (e) => e.blend?.combination);
  scores[COMBINATION] = comb.n > 0 ? comb.sum / comb.n : null;
  let picked = COMBINATION;
  for (const m of methods) {
    const r = record(past, (e) => e.forecasts[m]);
    scores[m] = r.n > 0 ? r.sum / r.n : null;
    const best = scores[picked];
    if (r.n >= MIN_RECORD && (best === null || (scores[m] as number) < best)) picked = m;
  }
  const used = picked === COMBINATION ? weights : Object.fromEntries(methods.map((m) => [m, m === picked ? 1 : 0]));
  return { picked, weights: used, combinationWeights: weights, scores };
}

/**
 * The blend for one period from the methods' forecasts for it and the history before it. `known`
 * is the part already booked (won to date, later in a period): the conformal step, learned on
 * forecasts made on periods' first days, widens only the part still to come.
 */
export function blendForecast(
  current: Record<string, MethodForecast | null>,
  past: readonly BlendHistoryEntry[],
  known = 0,
): BlendForecast | null {
  const methods = Object.keys(current).filter((m) => {
    const f = current[m];
    return f !== null && Number.isFinite(f.expected);
  });
  if (methods.length === 0) return null;
  const choice = chooseCandidate(methods, past);
  const c = combine(current, choice.combinationWeights);
  const combination: MethodForecast = { expected: c.point, p10: c.point * c.relLo, p90: c.point * c.relHi };
  const chosen = choice.picked === COMBINATION ? combination : (current[choice.picked] as MethodForecast);
  const point = chosen.expected;
  const ranged = chosen.p10 !== null && chosen.p90 !== null;
  const rawP10 = ranged ? (chosen.p10 as number) : point * c.relLo;
  const rawP90 = ranged ? (chosen.p90 as number) : point * c.relHi;
  const conformal = conformalAdjustment(past);
  const open = Math.max(0, point - known);
  let p10 = rawP10 - conformal * open;
  let p90 = rawP90 + conformal * open;
  if (p10 > p90) p10 = p90 = (rawP10 + rawP90) / 2;
  p10 = Math.max(Math.min(known, rawP10), p10);
  p90 = Math.max(p10, p90);
  return {
    expected: point,
    p10,
    p90,
    picked: choice.picked,
    combination,
    weights: choice.weights,
    scores: choice.scores,
    rawP10,
    rawP90,
    conformal,
  };
}

/** The ⌈(n + 1)·0.8⌉-th smallest conformity score of the blend's past raw bands (relative to its point). */
export function conformalAdjustment(past: readonly BlendHistoryEntry[]): number {
  const scores: number[] = [];
  for (const e of past.slice(-WINDOW)) {
    const b = e.blend;
    if (!b || !(b.expected > 0)) continue;
    scores.push(Math.max(b.rawP10 - e.actual, e.actual - b.rawP90) / b.expected);
  }
  const n = scores.length;
  if (n < MIN_CONFORMAL) return 0;
  scores.sort((a, b) => a - b);
  return scores[Math.min(n, Math.ceil((n + 1) * COVERAGE)) - 1];
}
