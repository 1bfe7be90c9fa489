// Monte Carlo pipeline forecast. Each open deal either wins and closes inside the period
// (probability p = winProbability × P(close in period | win)), or does not (it is lost, or it wins
// but slips past the period end). Period bookings are
//     B = fixed + Σ_i A_i · X_i + N,   X_i ~ Bernoulli(p_i),
// plus N, the new business (deals not yet created), a compound Poisson sum of bootstrapped amounts.
// A_i is the deal's amount, or — for a deal without one — a draw from the won amounts of similar
// deals (amount-pools.ts). Without period shocks the X_i are independent; with them
// (correlated-draws.ts) they share a per-simulation win-rate and timing shock, which keeps every
// p_i as the marginal but widens the range when history says periods vary.
// Closed forms for the open part: E[B] = Σ E[A_i] p_i; with independent outcomes
// Var[B] = Σ (E[A_i²] p_i − E[A_i]² p_i²).
//
// Speed: deals are the outer loop and simulations the inner one, so each deal's draws touch one
// contiguous run of per-simulation totals. For a deal with small p the successes are found by
// geometric skipping (the gap between successes of a Bernoulli(p) sequence is Geometric(p), drawn
// by inversion: floor(ln U / ln(1 − p))), which costs O(p · sims) instead of O(sims) and yields the
// same distribution as one uniform per simulation. Only per-simulation totals (overall and per
// group) are kept, never the full deals × simulations matrix; quantiles come from those totals.
// The simulation is a pure function of plain data (arrays, numbers, strings): no database handle
// or service is reachable from it, so it can run in a worker thread as it is.
import { invalidInput } from '../../errors';
import {
  drawShockedHits,
  geometricGap,
  groupShockDraws,
  hasShocks,
  inCellOrder,
  layoutShocks,
  periodShockDraws,
  type PeriodShocks,
  type ShockLayout,
} from './correlated-draws';
import { indexGroups, type GroupIndex } from './group-index';
import { sigmoid } from '../../math/link';
import { logitNormalIntercept } from '../../math/logit-normal';
import { createRng, seedForStream, type Rng } from '../../math/random';
import { summarize, type Summary } from '../../math/quantile';

export interface DealOutlook {
  id: number;
  amount: number;
  /** P(the deal is eventually won). */
  winProbability: number;
  /** P(it closes inside the forecast period | it is won). */
  inPeriodProbability: number;
  /** Group keys per dimension, e.g. { rep: 'Ann', region: 'EMEA' }. */
  groups?: Record<string, string>;
  /**
   * A deal without an amount: index into SimulationOptions.amountPools. Each win draws its amount
   * from that pool (uniformly), and `amount` is ignored.
   */
  amountPool?: number;
}

export interface FixedAmount {
  amount: number;
  groups?: Record<string, string>;
}

export interface NewBusinessInput {
  /** Expected number of not-yet-created deals won inside the period. */
  expectedCount: number;
  /** Amounts to bootstrap each new deal's value from (e.g. recent won amounts) … */
  amounts: ArrayLike<number>;
  /** … drawn with these relative weights (default: equal). */
  weights?: ArrayLike<number>;
  /**
   * Representative marginal win and timing probabilities of a new deal, through which the period
   * shocks scale the expected count (a slow month is slow for new deals too). Without them new
   * business ignores the shocks.
   */
  winProbability?: number;
  inPeriodProbability?: number;
}

export interface SimulationOptions {
  sims: number;
  seed: number;
  dimensions?: string[];
  /** Already-won bookings in the period (added to every simulation). */
  fixed?: FixedAmount[];
  newBusiness?: NewBusinessInput;
  /** Period-level (and group-level) random effects; none: outcomes are independent. */
  shocks?: PeriodShocks;
  /** Won amounts to draw from for deals without an amount (DealOutlook.amountPool). */
  amountPools?: readonly ArrayLike<number>[];
}

export interface ForecastSummary extends Summary {
  /** Closed-form expectation (exact, free of simulation noise). */
  expected: number;
}

export interface GroupForecast {
  key: string;
  wonToDate: number;
  /** Open deals' expected contribution (closed form). */
  openExpected: number;
  openDeals: number;
  /** Won to date + open deals (new business is not allocated to groups). */
  forecast: ForecastSummary;
}

export interface SimulationResult {
  sims: number;
  seed: number;
  wonToDate: number;
  /** variance: the closed form with independent outcomes (the period shocks add to it). */
  open: ForecastSummary & { variance: number; deals: number };
  newBusiness: ForecastSummary;
  /** wonToDate + open + new business, quantiles of the per-simulation sums. */
  total: ForecastSummary;
  byDimension: Record<string, GroupForecast[]>;
}

interface PoolStats {
  values: ArrayLike<number>;
  mean: number;
  meanSquare: number;
}

function poolStats(pools: readonly ArrayLike<number>[] | undefined): PoolStats[] {
  return (pools ?? []).map((values) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < values.length; i++) {
      s += values[i];
      s2 += values[i] * values[i];
    }
    const n = values.length;
    return { values, mean: n ? s / n : 0, meanSquare: n ? s2 / n : 0 };
  });
}

/** The per-simulation shock layouts: one per group of the group-level dimension (or one for all). */
function shockLayouts(sims: number, seed: number, shocks: PeriodShocks) {
  const z = periodShockDraws(sims, seed);
  // The period-level layout, relabelled so that simulation index order is its cell order.
  const period = inCellOrder(
    layoutShocks(
      Float64Array.from(z.win, (v) => shocks.winSd * v),
      Float64Array.from(z.timing, (v) => shocks.timingSd * v),
      shocks.winSd,
      shocks.timingSd,
    ),
  );
  const { W: Wp, T } = period;
  const groupSd = shocks.group?.winSd ?? 0;
  const dim = groupSd > 0 ? shocks.group!.dimension : null;
  const layouts = new Map<string, ShockLayout>();
  const winSd = Math.sqrt(shocks.winSd ** 2 + groupSd ** 2);
  const layoutOf = (deal: DealOutlook): ShockLayout => {
    if (dim === null) return period;
    const key = deal.groups?.[dim] ?? '(none)';
    let L = layouts.get(key);
    if (!L) {
      const zg = groupShockDraws(sims, seed, key);
      L = layoutShocks(
        Float64Array.from(Wp, (v, s) => v + groupSd * zg[s]),
        T,
        winSd,
        shocks.timingSd,
      );
      layouts.set(key, L);
    }
    return L;
  };
  return { Wp, T, layoutOf };
}

/** Threshold above which a plain uniform per simulation is cheaper than geometric skipping. */
const SKIP_BELOW = 0.3;

/** Per-simulation series: [overall | each accumulated dimension's groups …], each `sims` long. */
interface SeriesBuffer {
  sims: number;
  acc: Float64Array;
  offsetOf: Int32Array;
  /** With at least one accumulated dimension the overall series is summed from its groups after the run. */
  totalFromGroups: boolean;
}

function allocateSeries(gi: GroupIndex, sims: number): SeriesBuffer {
  const offsetOf = new Int32Array(gi.G.length).fill(-1);
  let size = sims;
  for (const d of gi.direct) {
    offsetOf[d] = size;
    size += gi.G[d] * sims;
  }
  return { sims, acc: new Float64Array(size), offsetOf, totalFromGroups: gi.direct.length > 0 };
}

export function simulatePipeline(deals: readonly DealOutlook[], opts: SimulationOptions): SimulationResult {
  const sims = Math.floor(opts.sims);
  if (!(sims >= 1) || sims > 1_000_000)
    throw invalidInput('sims must be between 1 and 1,000,000', [{ path: ['sims'], value: opts.sims, problem: 'out of range' }]);
  const dims = opts.dimensions ?? [];
  const fixed = opts.fixed ?? [];
  const gi = indexGroups(deals, fixed, dims);
  const buf = allocateSeries(gi, sims);
  const groupWon = dims.map((_, d) => new Float64Array(gi.G[d]));
  let wonToDate = 0;
  fixed.forEach((f, i) => {
    wonToDate += f.amount;
    for (let d = 0; d < dims.length; d++) groupWon[d][gi.fixedGroups[i][d]] += f.amount;
  });

  const shocks = hasShocks(opts.shocks) ? shockLayouts(sims, opts.seed, opts.shocks) : null;
  const open = simulateOpenDeals(deals, opts, gi, buf, shocks?.layoutOf ?? null);
  const totals = buf.acc.subarray(0, sims);
  if (buf.totalFromGroups) {
    const d0 = gi.direct[0];
    for (let g = 0; g < gi.G[d0]; g++) {
      const base = buf.offsetOf[d0] + g * sims;
      for (let s = 0; s < sims; s++) totals[s] += buf.acc[base + s];
    }
  }
  const openSummary = summarize(totals);
  const nb = simulateNewBusiness(opts, sims, shocks ? { Wp: shocks.Wp, T: shocks.T, shocks: opts.shocks! } : null);
  const all = new Float64Array(sims);
  for (let s = 0; s < sims; s++) all[s] = wonToDate + totals[s] + nb.totals[s];

  const byDimension: Record<string, GroupForecast[]> = {};
  dims.forEach((dim, d) => {
    const rows: GroupForecast[] = gi.keysOf[d].map((key, g) => {
      const s = summarize(groupSeries(gi, buf, d, g));
      const won = groupWon[d][g];
      const openExpected = open.groupExpected[d][g];
      return {
        key,
        wonToDate: won,
        openExpected,
        openDeals: open.groupDeals[d][g],
        forecast: { expected: won + openExpected, mean: won + s.mean, sd: s.sd, p10: won + s.p10, p50: won + s.p50, p90: won + s.p90 },
      };
    });
    rows.sort((x, y) => y.forecast.expected - x.forecast.expected || x.key.localeCompare(y.key));
    byDimension[dim] = rows;
  });

  return {
    sims,
    seed: opts.seed,
    wonToDate,
    open: { ...openSummary, expected: open.expected, variance: open.variance, deals: deals.length },
    newBusiness: { ...summarize(nb.totals), expected: nb.expected },
    total: { ...summarize(all), expected: wonToDate + open.expected + nb.expected },
    byDimension,
  };
}

/** A group's per-simulation series: accumulated, or summed from the finer dimension it is a function of. */
function groupSeries(gi: GroupIndex, buf: SeriesBuffer, d: number, g: number): Float64Array {
  const { sims, acc, offsetOf } = buf;
  if (gi.parentOf[d] < 0) return acc.subarray(offsetOf[d] + g * sims, offsetOf[d] + (g + 1) * sims);
  const out = new Float64Array(sims);
  const e = gi.parentOf[d];
  for (let ge = 0; ge < gi.G[e]; ge++) {
    if (gi.parentMap[d][ge] !== g) continue;
    const src = groupSeries(gi, buf, e, ge);
    for (let s = 0; s < sims; s++) out[s] += src[s];
  }
  return out;
}

/**
 * Deals outer, simulations inner: each deal's wins are found in one pass over its own random
 * stream and added to the overall series and to its groups' series.
 */
function simulateOpenDeals(
  deals: readonly DealOutlook[],
  opts: SimulationOptions,
  gi: GroupIndex,
  buf: SeriesBuffer,
  layoutOf: ((deal: DealOutlook) => ShockLayout) | null,
) {
  const { sims, acc, offsetOf, totalFromGroups } = buf;
  const { direct, dealGroups } = gi;
  const dimCount = gi.G.length;
  const groupExpected = gi.G.map((n) => new Float64Array(n));
  const groupDeals = gi.G.map((n) => new Uint32Array(n));
  const pools = poolStats(opts.amountPools);
  let expected = 0;
  let variance = 0;
  const hits = new Int32Array(sims);
  const targets = new Int32Array(direct.length + (totalFromGroups ? 0 : 1));
  for (let i = 0; i < deals.length; i++) {
    const deal = deals[i];
    const pool = deal.amountPool === undefined ? null : pools[deal.amountPool];
    if (deal.amountPool !== undefined && !pool)
      throw invalidInput(`deal ${deal.id} names amount pool ${deal.amountPool}, which does not exist`);
    const a = pool ? pool.mean : deal.amount;
    const a2 = pool ? pool.meanSquare : deal.amount * deal.amount;
    const w = clamp01(deal.winProbability);
    const t = clamp01(deal.inPeriodProbability);
    const p = w * t;
    for (let d = 0; d < dimCount; d++) {
      const g = dealGroups[i][d];
      groupDeals[d][g]++;
      groupExpected[d][g] += a * p;
    }
    expected += a * p;
    variance += a2 * p - a * a * p * p;
    if (p <= 0 || a === 0) continue;
    // Each deal draws from its own stream, seeded by (seed, deal id): results do not depend on the
    // order of deals, and a what-if that changes one deal leaves every other deal's draws
    // untouched (common random numbers, so the forecast delta carries no unrelated noise).
    const rng = createRng(seedForStream(opts.seed, deal.id), 'xoshiro128');
    let n: number;
    if (layoutOf) {
      const L = layoutOf(deal);
      n = drawShockedHits(rng, logitNormalIntercept(w, L.winSd), logitNormalIntercept(t, L.timingSd), L, hits);
    } else n = drawIndependentHits(rng, p, sims, hits);
    const first = totalFromGroups ? 0 : 1;
    if (!totalFromGroups) targets[0] = 0;
    for (let k = 0; k < direct.length; k++) targets[k + first] = offsetOf[direct[k]] + dealGroups[i][direct[k]] * sims;
    if (pool) addPoolDraws(acc, targets, hits, n, pool.values, rng);
    else
      for (let k = 0; k < targets.length; k++) {
        const off = targets[k];
        for (let j = 0; j < n; j++) acc[off + hits[j]] += a;
      }
  }
  return { expected, variance, groupExpected, groupDeals };
}

/**
 * The simulations a deal with fixed probability p wins in: by geometric skipping when p is small
 * (the gap between successes of a Bernoulli(p) sequence is Geometric(p), drawn by inversion —
 * O(p · sims) instead of O(sims)), else by one 32-bit draw per simulation.
 */
function drawIndependentHits(rng: Rng, p: number, sims: number, hits: Int32Array): number {
  let n = 0;
  if (p >= 1) {
    for (let s = 0; s < sims; s++) hits[n++] = s;
  } else if (p >= SKIP_BELOW) {
    const threshold = p * 4294967296; // U < p  ⇔  32-bit draw < p·2^32
    for (let s = 0; s < sims; s++) if (rng.nextUint32() < threshold) hits[n++] = s;
  } else {
    const logq = Math.log1p(-p);
    let s = geometricGap(rng, logq);
    while (s < sims) {
      hits[n++] = s;
      s += 1 + geometricGap(rng, logq);
    }
  }
  return n;
}

/** A win of a deal without an amount adds a draw from its pool (the same draw to every series). */
function addPoolDraws(
  acc: Float64Array,
  targets: Int32Array,
  hits: Int32Array,
  n: number,
  values: ArrayLike<number>,
  rng: { next(): number },
) {
  const m = values.length;
  for (let j = 0; j < n; j++) {
    const v = values[Math.min(m - 1, Math.floor(rng.next() * m))];
    for (let k = 0; k < targets.length; k++) acc[targets[k] + hits[j]] += v;
  }
}

/**
 * New business: a compound Poisson sum, drawn after the open deals so that adding or changing a
 * deal does not shift the new-business stream. With period shocks the Poisson mean of simulation s
 * is scaled by sigmoid(a + W_s)·sigmoid(b + T_s) / (w·t) at the representative probabilities w, t
 * (mean 1 over the shocks), so new deals share the period's fortune.
 */
function simulateNewBusiness(
  opts: SimulationOptions,
  sims: number,
  shocks: { Wp: Float64Array; T: Float64Array; shocks: PeriodShocks } | null,
): { totals: Float64Array; expected: number } {
  const nb = opts.newBusiness;
  const totals = new Float64Array(sims);
  if (!nb || !(nb.expectedCount > 0) || nb.amounts.length === 0) return { totals, expected: 0 };
  const m = nb.amounts.length;
  const cum = new Float64Array(m);
  let acc = 0;
  let meanAmount = 0;
  for (let i = 0; i < m; i++) {
    const w = nb.weights ? Math.max(0, nb.weights[i]) : 1;
    acc += w;
    cum[i] = acc;
    meanAmount += w * nb.amounts[i];
  }
  if (!(acc > 0)) return { totals, expected: 0 };
  meanAmount /= acc;
  let scale: ((s: number) => number) | null = null;
  const w = clamp01(nb.winProbability ?? 0);
  const t = clamp01(nb.inPeriodProbability ?? 0);
  if (shocks && w > 0 && t > 0) {
    const aw = logitNormalIntercept(w, shocks.shocks.winSd);
    const at = logitNormalIntercept(t, shocks.shocks.timingSd);
    scale = (s) => (sigmoid(aw + shocks.Wp[s]) * sigmoid(at + shocks.T[s])) / (w * t);
  }
  const nbRng = createRng((opts.seed ^ 0x5bd1e995) >>> 0, 'xoshiro128');
  for (let s = 0; s < sims; s++) {
    const n = nbRng.poisson(scale ? nb.expectedCount * scale(s) : nb.expectedCount);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      // Inverse-CDF draw over the cumulative weights.
      const u = nbRng.next() * acc;
      let lo = 0;
      let hi = m - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] <= u) lo = mid + 1;
        else hi = mid;
      }
      sum += nb.amounts[lo];
    }
    totals[s] = sum;
  }
  return { totals, expected: nb.expectedCount * meanAmount };
}

/** x clamped to [0, 1], with NaN as 0 (Math.max(0, NaN) would pass the NaN on). */
function clamp01(x: number): number {
  if (!(x > 0)) return 0;
  return Math.min(x, 1);
}

/**
 * The exact distribution of Σ a_i X_i for a handful of deals (2^n outcomes), for tests and for
 * explaining a small forecast: a map from total to probability.
 */
export function exactDistribution(
  deals: readonly Pick<DealOutlook, 'amount' | 'winProbability' | 'inPeriodProbability'>[],
): Map<number, number> {
  if (deals.length > 20) throw invalidInput('exactDistribution enumerates 2^n outcomes; use at most 20 deals');
  let dist = new Map<number, number>([[0, 1]]);
  for (const d of deals) {
    const p = clamp01(d.winProbability) * clamp01(d.inPeriodProbability);
    const next = new Map<number, number>();
    for (const [v, q] of dist) {
      next.set(v, (next.get(v) ?? 0) + q * (1 - p));
      next.set(v + d.amount, (next.get(v + d.amount) ?? 0) + q * p);
    }
    dist = next;
  }
  return dist;
}
