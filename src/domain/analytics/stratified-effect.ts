// The effect of a treatment (being on a campaign's target list) estimated against a control group
// of similar accounts, by subclassification: accounts are put in strata of equal covariates
// (segment, region, customer at the start, recent purchases), treated and control means are
// compared within each stratum, and the within-stratum differences are averaged with the treated
// units' weights. That estimates the average effect on the treated (ATT) under the assumption that,
// within a stratum, being targeted is unrelated to the outcome the account would have had anyway
// (Cochran 1968, "The effectiveness of adjustment by subclassification in removing bias in
// observational studies", Biometrics 24:295-313; Imbens & Rubin 2015, Causal Inference for
// Statistics, Social, and Biomedical Sciences, ch. 17).
//
//   τ̂ = Σ_s w_s (ȳ_T,s − ȳ_C,s),  w_s = n_T,s / Σ_s n_T,s      (strata with both arms only)
//   Var(τ̂) = Σ_s w_s² (s²_T,s / n_T,s + s²_C,s / n_C,s)        (Neyman's variance per stratum)
//
// A stratum arm with a single account has no variance of its own; it borrows the arm's variance
// pooled over all strata (a stratum of one is common with fine strata, and a zero there would make
// the interval too narrow). The interval is τ̂ ± z·SE and the test the matching z test. For a 0/1
// outcome the Cochran–Mantel–Haenszel test of no association in any stratum is given as well
// (Mantel & Haenszel 1959, JNCI 22:719-748; Agresti 2002, Categorical Data Analysis §6.3), with the
// Mantel–Haenszel common odds ratio.
import { normalCdf, normalQuantile } from '../../math/normal';

/** Sufficient statistics of one arm of one stratum: n, Σy, Σy² (for a 0/1 outcome Σy = Σy²). */
export interface ArmSums {
  n: number;
  sum: number;
  sumSq: number;
}

export interface StratumSums {
  stratum: string;
  treated: ArmSums;
  control: ArmSums;
}

export interface StratifiedEffect {
  /** Mean of the treated units that have controls in their stratum. */
  treatedMean: number | null;
  /** What the same units would have had without treatment: the controls reweighted to their strata. */
  controlMean: number | null;
  difference: number | null;
  lo: number | null;
  hi: number | null;
  standardError: number | null;
  statistic: number | null;
  pValue: number | null;
  /** The plain comparison of all treated and all control units, without strata (for contrast). */
  naive: { treatedMean: number | null; controlMean: number | null; difference: number | null };
  /** Treated units compared (in strata with at least one control) and left out (no control). */
  treatedMatched: number;
  treatedUnmatched: number;
  /** Control units in the strata used. */
  controlsUsed: number;
  strataUsed: number;
  method: string;
}

const EMPTY = { n: 0, sum: 0, sumSq: 0 };

function add(a: ArmSums, b: ArmSums): ArmSums {
  return { n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq };
}

/** Sample variance (n − 1 denominator), null below two units; clamped at 0 against rounding. */
function variance(a: ArmSums): number | null {
  if (a.n < 2) return null;
  const mean = a.sum / a.n;
  return Math.max(0, (a.sumSq - a.n * mean * mean) / (a.n - 1));
}

/** Pooled within-stratum variance of one arm: Σ_s Σ (y − ȳ_s)² / (Σ_s n_s − #strata). */
function pooledVariance(arms: ArmSums[]): number | null {
  let ss = 0;
  let df = 0;
  for (const a of arms) {
    if (a.n < 1) continue;
    ss += Math.max(0, a.sumSq - (a.sum * a.sum) / a.n);
    df += a.n - 1;
  }
  return df > 0 ? ss / df : null;
}

const mean = (a: ArmSums) => (a.n > 0 ? a.sum / a.n : null);

export function stratifiedDifference(strata: readonly StratumSums[], confidence = 0.95): StratifiedEffect {
  const method =
    'subclassification on the matching fields, treated-weighted (ATT); Neyman variance per stratum; normal interval and z test (Cochran 1968; Imbens & Rubin 2015, ch. 17)';
  const allT = strata.reduce((s, x) => add(s, x.treated), EMPTY);
  const allC = strata.reduce((s, x) => add(s, x.control), EMPTY);
  const naiveT = mean(allT);
  const naiveC = mean(allC);
  const naive = { treatedMean: naiveT, controlMean: naiveC, difference: naiveT !== null && naiveC !== null ? naiveT - naiveC : null };
  const used = strata.filter((s) => s.treated.n > 0 && s.control.n > 0);
  const treatedMatched = used.reduce((n, s) => n + s.treated.n, 0);
  const base = {
    naive,
    treatedMatched,
    treatedUnmatched: allT.n - treatedMatched,
    controlsUsed: used.reduce((n, s) => n + s.control.n, 0),
    strataUsed: used.length,
    method,
  };
  if (treatedMatched === 0)
    return {
      ...base,
      treatedMean: null,
      controlMean: null,
      difference: null,
      lo: null,
      hi: null,
      standardError: null,
      statistic: null,
      pValue: null,
    };
  const poolT = pooledVariance(used.map((s) => s.treated));
  const poolC = pooledVariance(used.map((s) => s.control));
  let tMean = 0;
  let cMean = 0;
  let v = 0;
  let varianceKnown = true;
  for (const s of used) {
    const w = s.treated.n / treatedMatched;
    tMean += (w * s.treated.sum) / s.treated.n;
    cMean += (w * s.control.sum) / s.control.n;
    const vt = variance(s.treated) ?? poolT;
    const vc = variance(s.control) ?? poolC;
    if (vt === null || vc === null) varianceKnown = false;
    else v += w * w * (vt / s.treated.n + vc / s.control.n);
  }
  const d = tMean - cMean;
  if (!varianceKnown)
    return {
      ...base,
      treatedMean: tMean,
      controlMean: cMean,
      difference: d,
      lo: null,
      hi: null,
      standardError: null,
      statistic: null,
      pValue: null,
    };
  const se = Math.sqrt(v);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const statistic = se > 0 ? d / se : null;
  return {
    ...base,
    treatedMean: tMean,
    controlMean: cMean,
    difference: d,
    lo: d - z * se,
    hi: d + z * se,
    standardError: se,
    statistic,
    // With no spread at all the difference is exact: no evidence against 0 when it is 0.
    pValue: statistic === null ? (d === 0 ? 1 : null) : 2 * (1 - normalCdf(Math.abs(statistic))),
  };
}

export interface CmhTest {
  statistic: number | null;
  pValue: number | null;
  /** Mantel–Haenszel estimate of the common odds ratio (treated vs control), null when undefined. */
  commonOddsRatio: number | null;
  method: string;
}

/**
 * Cochran–Mantel–Haenszel test for 2×2×K tables of a 0/1 outcome (by default without continuity
 * correction, as in Agresti 2002 §6.3.2; R's mantelhaen.test subtracts 0.5 from |Σ(a − E a)|): CMH = [Σ_k (a_k − E a_k)]² / Σ_k Var(a_k), with a_k the treated successes,
 * E a_k = n_T,k m_k / N_k and Var a_k = n_T,k n_C,k m_k (N_k − m_k) / (N_k² (N_k − 1)); χ² with 1 df.
 */
export function cochranMantelHaenszel(strata: readonly StratumSums[], opts: { continuityCorrection?: boolean } = {}): CmhTest {
  const method = `Cochran–Mantel–Haenszel test (1 df${opts.continuityCorrection ? ', continuity correction' : ''}), Mantel–Haenszel common odds ratio`;
  let dev = 0;
  let v = 0;
  let orNum = 0;
  let orDen = 0;
  for (const s of strata) {
    const nT = s.treated.n;
    const nC = s.control.n;
    const N = nT + nC;
    if (nT === 0 || nC === 0 || N < 2) continue;
    const a = s.treated.sum;
    const c = s.control.sum;
    const m = a + c;
    dev += a - (nT * m) / N;
    v += (nT * nC * m * (N - m)) / (N * N * (N - 1));
    orNum += (a * (nC - c)) / N;
    orDen += ((nT - a) * c) / N;
  }
  const commonOddsRatio = orDen > 0 ? orNum / orDen : null;
  if (v <= 0) return { statistic: null, pValue: null, commonOddsRatio, method };
  const deviation = opts.continuityCorrection ? Math.max(0, Math.abs(dev) - 0.5) : Math.abs(dev);
  const statistic = (deviation * deviation) / v;
  return { statistic, pValue: 2 * (1 - normalCdf(Math.sqrt(statistic))), commonOddsRatio, method };
}
