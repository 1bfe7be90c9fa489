// Monte Carlo pipeline forecast. Each open deal independently either wins and closes inside the
// period (probability p = winProbability × P(close in period | win)), or does not (it is lost, or
// it wins but slips past the period end). Period bookings are
//     B = fixed + Σ_i amount_i · X_i + N,   X_i ~ Bernoulli(p_i) independent,
// plus N, the new business (deals not yet created), a compound Poisson sum of bootstrapped amounts.
// Closed forms for the open part: E[B] = Σ a_i p_i and Var[B] = Σ a_i² p_i (1 − p_i).
//
// Speed: deals are the outer loop and simulations the inner one, so each deal's draws touch one
// contiguous run of per-simulation totals. For a deal with small p the successes are found by
// geometric skipping (the gap between successes of a Bernoulli(p) sequence is Geometric(p), drawn
// by inversion: floor(ln U / ln(1 − p))), which costs O(p · sims) instead of O(sims) and yields the
// same distribution as one uniform per simulation. Only per-simulation totals (overall and per
// group) are kept, never the full deals × simulations matrix; quantiles come from those totals.
import { invalidInput } from '../../errors';
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
}

export interface SimulationOptions {
  sims: number;
  seed: number;
  dimensions?: string[];
  /** Already-won bookings in the period (added to every simulation). */
  fixed?: FixedAmount[];
  newBusiness?: NewBusinessInput;
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
  open: ForecastSummary & { variance: number; deals: number };
  newBusiness: ForecastSummary;
  /** wonToDate + open + new business, quantiles of the per-simulation sums. */
  total: ForecastSummary;
  byDimension: Record<string, GroupForecast[]>;
}

/** Threshold above which a plain uniform per simulation is cheaper than geometric skipping. */
const SKIP_BELOW = 0.3;

export function simulatePipeline(deals: readonly DealOutlook[], opts: SimulationOptions): SimulationResult {
  const sims = Math.floor(opts.sims);
  if (!(sims >= 1) || sims > 1_000_000)
    throw invalidInput('sims must be between 1 and 1,000,000', [{ path: ['sims'], value: opts.sims, problem: 'out of range' }]);
  const dims = opts.dimensions ?? [];
  const fixed = opts.fixed ?? [];

  // Group keys → dense indices per dimension.
  const keyIndex = dims.map(() => new Map<string, number>());
  const keysOf = dims.map(() => [] as string[]);
  const indexFor = (d: number, key: string) => {
    let i = keyIndex[d].get(key);
    if (i === undefined) {
      i = keysOf[d].length;
      keyIndex[d].set(key, i);
      keysOf[d].push(key);
    }
    return i;
  };
  const groupKey = (g: Record<string, string> | undefined, dim: string) => g?.[dim] ?? '(none)';
  const dealGroups = deals.map((deal) => dims.map((dim, d) => indexFor(d, groupKey(deal.groups, dim))));
  const fixedGroups = fixed.map((f) => dims.map((dim, d) => indexFor(d, groupKey(f.groups, dim))));

  // Dimensions functionally determined by another one (team and region by rep, typically) are not
  // accumulated per draw: their per-simulation totals are sums of the finer dimension's totals.
  const G = dims.map((_, d) => keysOf[d].length);
  const parentOf: number[] = dims.map(() => -1);
  const parentMap: Int32Array[] = dims.map(() => new Int32Array(0));
  for (let d = 0; d < dims.length; d++) {
    for (let e = 0; e < dims.length && parentOf[d] < 0; e++) {
      if (e === d || parentOf[e] >= 0 || G[e] < G[d]) continue;
      const map = new Int32Array(G[e]).fill(-1);
      let functional = true;
      const check = (ge: number, gd: number) => {
        if (map[ge] === -1) map[ge] = gd;
        else if (map[ge] !== gd) functional = false;
      };
      for (let i = 0; i < deals.length && functional; i++) check(dealGroups[i][e], dealGroups[i][d]);
      for (let i = 0; i < fixed.length && functional; i++) check(fixedGroups[i][e], fixedGroups[i][d]);
      if (functional && (G[e] > G[d] || e < d)) {
        parentOf[d] = e;
        parentMap[d] = map;
      }
    }
  }
  const direct = dims.map((_, d) => d).filter((d) => parentOf[d] < 0);

  // One buffer for every accumulated series: [overall | direct dims' groups …], each `sims` long.
  const offsetOf = new Int32Array(dims.length).fill(-1);
  let size = sims;
  for (const d of direct) {
    offsetOf[d] = size;
    size += G[d] * sims;
  }
  const acc = new Float64Array(size);
  const groupWon = dims.map((_, d) => new Float64Array(G[d]));
  const groupOpenExpected = dims.map((_, d) => new Float64Array(G[d]));
  const groupOpenDeals = dims.map((_, d) => new Uint32Array(G[d]));

  let wonToDate = 0;
  fixed.forEach((f, i) => {
    wonToDate += f.amount;
    for (let d = 0; d < dims.length; d++) groupWon[d][fixedGroups[i][d]] += f.amount;
  });

  let openExpected = 0;
  let openVariance = 0;
  let openDeals = 0;
  const hits = new Int32Array(sims);
  // With at least one accumulated dimension the overall series is the sum of its groups' series,
  // computed once after the run (G × sims adds) instead of once per winning draw.
  const totalFromGroups = direct.length > 0;
  const targets = new Int32Array(direct.length + (totalFromGroups ? 0 : 1));
  for (let i = 0; i < deals.length; i++) {
    const deal = deals[i];
    const a = deal.amount;
    const p = clamp01(deal.winProbability) * clamp01(deal.inPeriodProbability);
    openDeals++;
    for (let d = 0; d < dims.length; d++) {
      const g = dealGroups[i][d];
      groupOpenDeals[d][g]++;
      groupOpenExpected[d][g] += a * p;
    }
    openExpected += a * p;
    openVariance += a * a * p * (1 - p);
    if (p <= 0 || a === 0) continue;
    // Each deal draws from its own stream, seeded by (seed, deal id): results do not depend on the
    // order of deals, and a what-if that changes one deal leaves every other deal's draws
    // untouched (common random numbers, so the forecast delta carries no unrelated noise).
    const rng = createRng(seedForStream(opts.seed, deal.id), 'xoshiro128');
    // 1. Which simulations does this deal win inside the period in?
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
    // 2. Add its amount to the overall series and to its group's series, one tight loop each.
    const first = totalFromGroups ? 0 : 1;
    if (!totalFromGroups) targets[0] = 0;
    for (let k = 0; k < direct.length; k++) targets[k + first] = offsetOf[direct[k]] + dealGroups[i][direct[k]] * sims;
    for (let k = 0; k < targets.length; k++) {
      const off = targets[k];
      for (let j = 0; j < n; j++) acc[off + hits[j]] += a;
    }
  }
  const totals = acc.subarray(0, sims);
  if (totalFromGroups) {
    const d0 = direct[0];
    for (let g = 0; g < G[d0]; g++) {
      const base = offsetOf[d0] + g * sims;
      for (let s = 0; s < sims; s++) totals[s] += acc[base + s];
    }
  }
  const seriesOf = (d: number, g: number): Float64Array => {
    if (parentOf[d] < 0) return acc.subarray(offsetOf[d] + g * sims, offsetOf[d] + (g + 1) * sims);
    const out = new Float64Array(sims);
    const e = parentOf[d];
    for (let ge = 0; ge < G[e]; ge++) {
      if (parentMap[d][ge] !== g) continue;
      const src = seriesOf(e, ge);
      for (let s = 0; s < sims; s++) out[s] += src[s];
    }
    return out;
  };

  const openSummary = summarize(totals);

  // New business: compound Poisson, drawn after the open deals so that adding or changing a deal
  // does not shift the new-business stream more than necessary.
  const nb = opts.newBusiness;
  const newTotals = new Float64Array(sims);
  let newExpected = 0;
  if (nb && nb.expectedCount > 0 && nb.amounts.length > 0) {
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
    meanAmount = acc > 0 ? meanAmount / acc : 0;
    newExpected = nb.expectedCount * meanAmount;
    const nbRng = createRng((opts.seed ^ 0x5bd1e995) >>> 0, 'xoshiro128');
    for (let s = 0; s < sims && acc > 0; s++) {
      const n = nbRng.poisson(nb.expectedCount);
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
      newTotals[s] = sum;
    }
  }
  const all = new Float64Array(sims);
  for (let s = 0; s < sims; s++) all[s] = wonToDate + totals[s] + newTotals[s];

  const byDimension: Record<string, GroupForecast[]> = {};
  dims.forEach((dim, d) => {
    const rows: GroupForecast[] = keysOf[d].map((key, g) => {
      const draws = seriesOf(d, g);
      const won = groupWon[d][g];
      const s = summarize(draws);
      return {
        key,
        wonToDate: won,
        openExpected: groupOpenExpected[d][g],
        openDeals: groupOpenDeals[d][g],
        forecast: {
          expected: won + groupOpenExpected[d][g],
          mean: won + s.mean,
          sd: s.sd,
          p10: won + s.p10,
          p50: won + s.p50,
          p90: won + s.p90,
        },
      };
    });
    rows.sort((x, y) => y.forecast.expected - x.forecast.expected || x.key.localeCompare(y.key));
    byDimension[dim] = rows;
  });

  return {
    sims,
    seed: opts.seed,
    wonToDate,
    open: { ...openSummary, expected: openExpected, variance: openVariance, deals: openDeals },
    newBusiness: { ...summarize(newTotals), expected: newExpected },
    total: { ...summarize(all), expected: wonToDate + openExpected + newExpected },
    byDimension,
  };
}

/** Number of failures before the next success of a Bernoulli(p) sequence; logq = ln(1 − p). */
function geometricGap(rng: Rng, logq: number): number {
  let u = rng.next();
  while (u <= 0) u = rng.next();
  const g = Math.floor(Math.log(u) / logq);
  return Math.min(g, 2_000_000_000);
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
