// Correlated deal outcomes: the period-level random effect inside the Monte Carlo engine.
//
// Each simulated period s draws a win-rate shock and a timing shock shared by every deal of the
// period (and, optionally, a win-rate shock shared by the deals of one group, e.g. a segment):
//     P(deal i won inside the period | s) = sigmoid(a_i + W_s) · sigmoid(b_i + T_s)
// with W_s = σ_w·Z_s (+ σ_g·Z_{g,s}), T_s = σ_t·Z'_s and the intercepts a_i, b_i solved so that
// the deal's marginal win and timing probabilities are its scores (logit-normal.ts). Outcomes are
// independent *given* the shocks, correlated across deals through them: a slow month or an
// end-of-quarter push moves the whole pipeline together, which independent Bernoulli draws
// cannot (Var[Σ a_i X_i] gains the covariance terms Σ_{i≠j} a_i a_j Cov(X_i, X_j) > 0).
//
// Speed: with the shock, a deal's probability varies by simulation, so the geometric skipping of
// the independent engine no longer applies as is. Simulations are sorted into K × K cells by their
// (W, T) shocks (equal-count bins of W, then of T within each). Inside a cell the deal's
// probability lies in [pLo, pHi], the values at the cell's corners (expit is increasing), so the
// cell is swept by geometric skipping with pHi and each candidate is kept with probability
// p_s / pHi (thinning, Lewis & Shedler 1979); p_s is computed only when the candidate's uniform
// falls between pLo and pHi. The result has exactly the distribution of one Bernoulli(p_s) per
// simulation, at a cost close to the independent engine's.
import { sigmoid } from '../../math/link';
import { createRng, seedForStream, type Rng } from '../../math/random';

export interface PeriodShocks {
  /** Standard deviation of the period's win-rate shock on the logit scale (0: none). */
  winSd: number;
  /** Standard deviation of the period's timing shock: logit of P(close inside the period | won). */
  timingSd: number;
  /** A second level: a win-rate shock shared by the deals of each group of `dimension`. */
  group?: { dimension: string; winSd: number } | null;
}

/** Per-simulation shocks of one group of deals, with the simulations sorted into cells. */
export interface ShockLayout {
  /** Win logit shift per simulation (period + group level). */
  W: Float64Array;
  /** Timing logit shift per simulation. */
  T: Float64Array;
  /** Standard deviation of W (the intercepts are solved against it). */
  winSd: number;
  timingSd: number;
  /** Simulations in cell order; cell c holds perm[cellStart[c] .. cellStart[c + 1]). */
  perm: Int32Array;
  cellStart: Int32Array;
  wLo: Float64Array;
  wHi: Float64Array;
  tLo: Float64Array;
  tHi: Float64Array;
}

const BINS = 8;
/** Above this probability one uniform per simulation is cheaper than geometric skipping. */
const SKIP_BELOW = 0.3;

export function hasShocks(s: PeriodShocks | undefined | null): s is PeriodShocks {
  return !!s && (s.winSd > 0 || s.timingSd > 0 || (s.group?.winSd ?? 0) > 0);
}

/** FNV-1a of a group key: the group's stream does not depend on which other groups exist. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function normals(seed: number, n: number): Float64Array {
  const rng = createRng(seed, 'xoshiro128');
  const z = new Float64Array(n);
  for (let s = 0; s < n; s++) z[s] = rng.normalUnpaired();
  return z;
}

/** The period-level shocks of every simulation: Z for the win rate, Z' for the timing. */
export function periodShockDraws(sims: number, seed: number): { win: Float64Array; timing: Float64Array } {
  return { win: normals(seedForStream(seed, 0x5e0d1), sims), timing: normals(seedForStream(seed, 0x5e0d2), sims) };
}

/** The group-level win shocks Z_{g,s} of one group, from a stream seeded by (seed, group key). */
export function groupShockDraws(sims: number, seed: number, key: string): Float64Array {
  return normals(seedForStream(seed ^ hashKey(key), 0x5e0d3), sims);
}

/**
 * Relabels the simulations so that index order is cell order (simulations are exchangeable, so
 * which index carries which shock is arbitrary): every cell is then a contiguous run of indices and
 * each deal's wins are added to the totals in ascending memory order.
 */
export function inCellOrder(L: ShockLayout): ShockLayout {
  const W = Float64Array.from(L.perm, (s) => L.W[s]);
  const T = Float64Array.from(L.perm, (s) => L.T[s]);
  const perm = Int32Array.from({ length: W.length }, (_, j) => j);
  return { ...L, W, T, perm };
}

/** Sorts the simulations into cells by their (W, T) shifts and records each cell's bounds. */
export function layoutShocks(W: Float64Array, T: Float64Array, winSd: number, timingSd: number): ShockLayout {
  const sims = W.length;
  const kw = winSd > 0 ? Math.min(BINS, sims) : 1;
  const kt = timingSd > 0 ? Math.min(BINS, sims) : 1;
  const byW = Int32Array.from({ length: sims }, (_, s) => s).sort((x, y) => W[x] - W[y] || x - y);
  const perm = new Int32Array(sims);
  const cells = kw * kt;
  const cellStart = new Int32Array(cells + 1);
  const wLo = new Float64Array(cells);
  const wHi = new Float64Array(cells);
  const tLo = new Float64Array(cells);
  const tHi = new Float64Array(cells);
  let c = 0;
  for (let i = 0; i < kw; i++) {
    const from = Math.floor((i * sims) / kw);
    const to = Math.floor(((i + 1) * sims) / kw);
    const slice = byW.slice(from, to).sort((x, y) => T[x] - T[y] || x - y);
    for (let j = 0; j < kt; j++) {
      const a = Math.floor((j * slice.length) / kt);
      const b = Math.floor(((j + 1) * slice.length) / kt);
      cellStart[c] = from + a;
      let wl = Infinity;
      let wh = -Infinity;
      let tl = Infinity;
      let th = -Infinity;
      for (let k = a; k < b; k++) {
        const s = slice[k];
        perm[from + k] = s;
        if (W[s] < wl) wl = W[s];
        if (W[s] > wh) wh = W[s];
        if (T[s] < tl) tl = T[s];
        if (T[s] > th) th = T[s];
      }
      // Within a cell the simulations are visited in index order: the deal's wins are then added to
      // the per-simulation totals in ascending memory order.
      perm.subarray(from + a, from + b).sort();
      wLo[c] = wl;
      wHi[c] = wh;
      tLo[c] = tl;
      tHi[c] = th;
      c++;
    }
  }
  cellStart[cells] = sims;
  return { W, T, winSd, timingSd, perm, cellStart, wLo, wHi, tLo, tHi };
}

/**
 * The simulations in which one deal wins inside the period, written to `hits`; returns how many.
 * aw, at: the deal's conditional win and timing intercepts (±Infinity for certain / impossible).
 */
export function drawShockedHits(rng: Rng, aw: number, at: number, L: ShockLayout, hits: Int32Array): number {
  let n = 0;
  const cells = L.cellStart.length - 1;
  for (let c = 0; c < cells; c++) {
    const begin = L.cellStart[c];
    const end = L.cellStart[c + 1];
    if (begin === end) continue;
    const pHi = sigmoid(aw + L.wHi[c]) * sigmoid(at + L.tHi[c]);
    if (!(pHi > 0)) continue;
    const pLo = sigmoid(aw + L.wLo[c]) * sigmoid(at + L.tLo[c]);
    if (pHi >= SKIP_BELOW) {
      // One 32-bit draw per simulation: U < p ⇔ draw < p·2^32.
      const hi = pHi * 4294967296;
      const lo = pLo * 4294967296;
      for (let j = begin; j < end; j++) {
        const u = rng.nextUint32();
        if (u >= hi) continue;
        const s = L.perm[j];
        if (u < lo || u < sigmoid(aw + L.W[s]) * sigmoid(at + L.T[s]) * 4294967296) hits[n++] = s;
      }
      continue;
    }
    // Candidates at rate pHi (gaps are Geometric(pHi)), each kept with probability p_s / pHi.
    const logq = Math.log1p(-pHi);
    let j = begin + geometricGap(rng, logq);
    while (j < end) {
      const u = rng.next() * pHi;
      const s = L.perm[j];
      if (u < pLo || u < sigmoid(aw + L.W[s]) * sigmoid(at + L.T[s])) hits[n++] = s;
      j += 1 + geometricGap(rng, logq);
    }
  }
  return n;
}

/** Number of failures before the next success of a Bernoulli(p) sequence; logq = ln(1 − p). */
export function geometricGap(rng: Rng, logq: number): number {
  let u = rng.next();
  while (u <= 0) u = rng.next();
  const g = Math.floor(Math.log(u) / logq);
  return Math.min(g, 2_000_000_000);
}
