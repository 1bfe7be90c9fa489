// How much do whole periods move together? Fitted from the history of past periods before as-of,
// for the period-level random effect of the simulation (correlated-draws.ts).
//
// Past windows: the complete periods of the forecast's kind (months, quarters; other lengths: back
// to back windows of the same length) that ended by as-of, at most MAX_WINDOWS, from the first
// month in which the CRM recorded a closed deal. Per window m two rates, each with its sampling
// (binomial) variance on the logit scale (log-odds with ½ added to each cell, Haldane 1956):
//   - win rate   r_m = won / (won + lost) among deals closed in the window  → the win-rate shock;
//   - close rate k_m = closed / at risk, at risk = deals open at the window's start or created in
//     it, less those older than any deal ever won (many CRMs never close dead deals) → the timing
//     shock: a slow month closes fewer deals, an end-of-quarter push closes more.
// (won in window / at risk = r_m · k_m: the two shocks multiply as P(win) · P(close in period | win)
// do in the simulation.)
//
// Between-period variance: the DerSimonian & Laird (1986) method-of-moments estimator, which
// separates the variance expected from binomial noise alone from the excess (Cochran's Q against
// its degrees of freedom): τ² = max(0, (Q − df) / (Σw − Σw²/Σw)), w = 1/v_m. I² = (Q − df)/Q is the
// share of the variation that is not noise (Higgins & Thompson 2002).
//
// Position in the year: sales periods are not exchangeable — quota incentives pull deals into the
// last month of a quarter (Oyer 1998, QJE 113(1); Larkin 2014, J. Labor Econ. 32(2)). With at least
// two past windows in each position (month of quarter for monthly forecasts, quarter of year for
// quarterly ones) the position means are tested (the random-effects omnibus test of a categorical
// moderator, Q_M ~ χ²(P − 1), 5% level; Borenstein et al. 2009, ch. 19); when they differ, the
// forecast period's position shifts the logit by its empirical-Bayes (shrunken) deviation from the
// average the stage model was trained on (Morris 1983), and τ² is re-estimated within positions.
//
// Group level (segment or rep): the period × group interaction of the win rate, the variance of
// the two-way residuals y_mg − ȳ_m − ȳ_g + ȳ over cells with enough closed deals, less the mean
// binomial variance (ANOVA estimation of a variance component; Searle, Casella & McCulloch 1992,
// ch. 4). Used only where it is positive with at least MIN_GROUP_DF degrees of freedom.
import { isClosedAsOf } from '../deal-timeline/as-of';
import type { Deal } from '../deal-timeline/deal';
import { dealGroups } from '../deal-timeline/outcome';
import type { Period } from './period';

export const MAX_WINDOWS = 24;
export const MIN_WINDOWS = 3;
const MIN_GROUP_DF = 6;
const MIN_CELL_CLOSED = 8;
/** χ²(df) 95% quantiles, df = 1..3 (standard tables). */
const CHI2_95 = [Number.NaN, 3.841, 5.991, 7.815];

export interface RateComponent {
  /** Between-period standard deviation on the logit scale, after any position effect (0: none found). */
  sd: number;
  /** Cochran's Q, its degrees of freedom, and I². */
  q: number;
  df: number;
  i2: number;
  /** Logit shift for the forecast period's position (0 when positions do not differ). */
  shift: number;
}

export interface PeriodEffects {
  /** Past windows the estimate rests on. */
  windows: number;
  win: RateComponent;
  timing: RateComponent;
  position: { kind: 'month of quarter' | 'quarter of year'; position: number; used: boolean } | null;
  group: { dimension: string; sd: number; groups: number } | null;
  /** Why there is no estimate (too few past periods), or null. */
  note: string | null;
}

interface Window {
  start: number;
  end: number;
  position: number;
  won: number;
  lost: number;
  atRisk: number;
}

const NONE: RateComponent = { sd: 0, q: 0, df: 0, i2: 0, shift: 0 };

function monthIdx(t: number): number {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}
const monthStartOf = (i: number) => Date.UTC(Math.floor(i / 12), i % 12, 1);

/** The complete past windows of the period's kind, newest first, each with its position. */
function pastWindows(period: Period, asOf: number, earliest: number): Omit<Window, 'won' | 'lost' | 'atRisk'>[] {
  const out: Omit<Window, 'won' | 'lost' | 'atRisk'>[] = [];
  if (period.kind === 'month' || period.kind === 'quarter') {
    const step = period.kind === 'month' ? 1 : 3;
    // The latest complete window: the one before the window containing as-of.
    let i = Math.floor(monthIdx(asOf) / step) - 1;
    while (out.length < MAX_WINDOWS) {
      const start = monthStartOf(i * step);
      if (start < earliest) break;
      out.push({ start, end: monthStartOf((i + 1) * step), position: period.kind === 'month' ? i % 3 : i % 4 });
      i--;
    }
    return out;
  }
  const len = period.end.getTime() - period.start.getTime();
  for (let k = 1; k <= MAX_WINDOWS && asOf - k * len >= earliest; k++)
    out.push({ start: asOf - k * len, end: asOf - (k - 1) * len, position: 0 });
  return out;
}

function targetPosition(period: Period): { kind: 'month of quarter' | 'quarter of year'; position: number } | null {
  const m = monthIdx(period.start.getTime());
  if (period.kind === 'month') return { kind: 'month of quarter', position: m % 3 };
  if (period.kind === 'quarter') return { kind: 'quarter of year', position: Math.floor(m / 3) % 4 };
  return null;
}

/** Log-odds of a count out of n with ½ added to each cell, and its sampling variance. */
function logOdds(k: number, n: number): { y: number; v: number } {
  const a = k + 0.5;
  const b = n - k + 0.5;
  return { y: Math.log(a / b), v: 1 / a + 1 / b };
}

/** DerSimonian-Laird τ², pooled within the given strata (one stratum: the classical estimator). */
export function dersimonianLaird(y: readonly number[], v: readonly number[], strata?: readonly number[]) {
  const by = new Map<number, number[]>();
  y.forEach((_, i) => {
    const s = strata?.[i] ?? 0;
    const list = by.get(s);
    if (list) list.push(i);
    else by.set(s, [i]);
  });
  let q = 0;
  let c = 0;
  for (const idx of by.values()) {
    let sw = 0;
    let sw2 = 0;
    let swy = 0;
    for (const i of idx) {
      const w = 1 / v[i];
      sw += w;
      sw2 += w * w;
      swy += w * y[i];
    }
    const mean = swy / sw;
    for (const i of idx) q += (y[i] - mean) ** 2 / v[i];
    c += sw - sw2 / sw;
  }
  const df = y.length - by.size;
  const tau2 = df > 0 && c > 0 ? Math.max(0, (q - df) / c) : 0;
  return { tau2, q, df, i2: q > df && q > 0 ? (q - df) / q : 0 };
}

/**
 * One rate's between-period variance, and the shift for the target position when positions
 * differ. `n` weighs each window in the average the stage model saw (its closed or at-risk deals).
 */
function rateComponent(
  y: number[],
  v: number[],
  n: number[],
  pos: number[],
  target: number | null,
  positions: number,
): RateComponent & { positionUsed: boolean } {
  const base = dersimonianLaird(y, v);
  const counts = new Array(positions).fill(0);
  for (const p of pos) counts[p]++;
  const eligible = target !== null && positions > 1 && counts.every((c) => c >= 2) && y.length >= positions + 2;
  if (!eligible) return { sd: Math.sqrt(base.tau2), q: base.q, df: base.df, i2: base.i2, shift: 0, positionUsed: false };
  // Random-effects position means and the omnibus test Q_M.
  const wStar = v.map((vi) => 1 / (vi + base.tau2));
  const W = new Array(positions).fill(0);
  const WY = new Array(positions).fill(0);
  y.forEach((yi, i) => {
    W[pos[i]] += wStar[i];
    WY[pos[i]] += wStar[i] * yi;
  });
  const mu = W.map((w, p) => WY[p] / w);
  const grand = WY.reduce((a, b) => a + b, 0) / W.reduce((a, b) => a + b, 0);
  const qm = mu.reduce((a, m, p) => a + W[p] * (m - grand) ** 2, 0);
  if (!(qm > CHI2_95[positions - 1]))
    return { sd: Math.sqrt(base.tau2), q: base.q, df: base.df, i2: base.i2, shift: 0, positionUsed: false };
  // Empirical-Bayes shrinkage of each position's deviation: B_p = τ²_pos / (τ²_pos + 1/W_p), with
  // τ²_pos the DerSimonian-Laird variance of the position means themselves.
  const between = dersimonianLaird(
    mu,
    W.map((w) => 1 / w),
  );
  const dev = mu.map((m, p) => (between.tau2 / (between.tau2 + 1 / W[p])) * (m - grand));
  // Relative to the average position the stage model learned from (windows weighted by deals).
  const nSum = n.reduce((a, b) => a + b, 0);
  const trained = nSum > 0 ? pos.reduce((a, p, i) => a + n[i] * dev[p], 0) / nSum : 0;
  const within = dersimonianLaird(y, v, pos);
  return {
    sd: Math.sqrt(within.tau2),
    q: within.q,
    df: within.df,
    i2: within.i2,
    shift: dev[target as number] - trained,
    positionUsed: true,
  };
}

/** Two-way residual variance of win rates by (window, group), less the binomial noise. */
function groupComponent(cells: { m: number; g: number; won: number; lost: number }[]): { sd: number; groups: number } | null {
  const use = cells.filter((c) => c.won + c.lost >= MIN_CELL_CLOSED);
  const ms = [...new Set(use.map((c) => c.m))];
  const gs = [...new Set(use.map((c) => c.g))];
  const df = use.length - ms.length - gs.length + 1;
  if (gs.length < 2 || ms.length < MIN_WINDOWS || df < MIN_GROUP_DF) return null;
  const lo = use.map((c) => logOdds(c.won, c.won + c.lost));
  const mean = (sel: (i: number) => boolean) => {
    let s = 0;
    let k = 0;
    lo.forEach((l, i) => {
      if (sel(i)) {
        s += l.y;
        k++;
      }
    });
    return s / k;
  };
  const grand = mean(() => true);
  const byM = new Map(ms.map((m) => [m, mean((i) => use[i].m === m)]));
  const byG = new Map(gs.map((g) => [g, mean((i) => use[i].g === g)]));
  let ss = 0;
  let vSum = 0;
  lo.forEach((l, i) => {
    ss += (l.y - (byM.get(use[i].m) as number) - (byG.get(use[i].g) as number) + grand) ** 2;
    vSum += l.v;
  });
  const sigma2 = ss / df - vSum / lo.length;
  return sigma2 > 0 ? { sd: Math.sqrt(sigma2), groups: gs.length } : null;
}

export interface PeriodEffectsOptions {
  /** Dimensions tried for the group-level effect (the larger supported one is used). */
  groupDimensions?: readonly string[];
}

export function estimatePeriodEffects(
  history: readonly Deal[],
  asOf: number,
  period: Period,
  opts: PeriodEffectsOptions = {},
): PeriodEffects {
  const { firstClose, wonCycles } = closedBeforeAsOf(history, asOf);
  const target = targetPosition(period);
  const empty = (note: string): PeriodEffects => ({
    windows: 0,
    win: NONE,
    timing: NONE,
    position: target ? { ...target, used: false } : null,
    group: null,
    note,
  });
  if (!Number.isFinite(firstClose)) return empty('no deal closed before as-of: outcomes are simulated as independent');
  const d0 = new Date(firstClose);
  const earliest = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), 1);
  const windows: Window[] = pastWindows(period, asOf, earliest).map((w) => ({ ...w, won: 0, lost: 0, atRisk: 0 }));
  if (windows.length < MIN_WINDOWS)
    return {
      ...empty(
        `${windows.length} past ${period.kind === 'custom' ? 'period' : period.kind}${windows.length === 1 ? '' : 's'} of history (${MIN_WINDOWS} needed to measure how periods vary): outcomes are simulated as independent, so the range is likely too narrow`,
      ),
      windows: windows.length,
    };
  const maxWonAge = wonCycles.length >= 20 ? Math.max(...wonCycles) : Infinity;
  const dims = (opts.groupDimensions ?? []).filter((dim) => history.some((d) => (dealGroups(d)[dim] ?? '(none)') !== '(none)'));
  const cells = countOutcomes(history, asOf, windows, dims, maxWonAge);
  const used = windows.filter((w) => w.won + w.lost > 0 && w.atRisk > 0);
  if (used.length < MIN_WINDOWS)
    return {
      ...empty(`fewer than ${MIN_WINDOWS} past periods with closed deals: outcomes are simulated as independent`),
      windows: used.length,
    };
  const positions = period.kind === 'month' ? 3 : period.kind === 'quarter' ? 4 : 1;
  const pos = used.map((w) => w.position);
  const winLo = used.map((w) => logOdds(w.won, w.won + w.lost));
  const closeLo = used.map((w) => logOdds(w.won + w.lost, w.atRisk));
  const win = rateComponent(
    winLo.map((l) => l.y),
    winLo.map((l) => l.v),
    used.map((w) => w.won + w.lost),
    pos,
    target?.position ?? null,
    positions,
  );
  const timing = rateComponent(
    closeLo.map((l) => l.y),
    closeLo.map((l) => l.v),
    used.map((w) => w.atRisk),
    pos,
    target?.position ?? null,
    positions,
  );
  const strip = ({ positionUsed: _u, ...c }: RateComponent & { positionUsed: boolean }): RateComponent => c;
  return {
    windows: used.length,
    win: strip(win),
    timing: strip(timing),
    position: target ? { ...target, used: win.positionUsed || timing.positionUsed } : null,
    group: largestGroupComponent(dims, cells),
    note: null,
  };
}

/** The first close before as-of, and the cycle length of each deal won before it. */
function closedBeforeAsOf(history: readonly Deal[], asOf: number): { firstClose: number; wonCycles: number[] } {
  let firstClose = Infinity;
  const wonCycles: number[] = [];
  for (const d of history) {
    if (!isClosedAsOf(d, asOf)) continue;
    const closedAt = d.closedAt as number;
    if (closedAt < firstClose) firstClose = closedAt;
    if (d.outcome === 'won') wonCycles.push(closedAt - d.createdAt);
  }
  return { firstClose, wonCycles };
}

type Cell = { m: number; g: number; won: number; lost: number };

/**
 * Counts, in place, each past window's deals at risk, won and lost (deals older than the longest
 * won cycle are not at risk), and returns the won/lost counts per window and group of each
 * dimension.
 */
function countOutcomes(history: readonly Deal[], asOf: number, windows: Window[], dims: string[], maxWonAge: number): Map<string, Cell>[] {
  const cells = dims.map(() => new Map<string, Cell>());
  const groupIds = dims.map(() => new Map<string, number>());
  for (const d of history) {
    const closedBefore = isClosedAsOf(d, asOf);
    const groups = dealGroups(d);
    const leaves = closedBefore ? (d.closedAt as number) : Infinity;
    windows.forEach((w, m) => {
      if (d.createdAt >= w.end || leaves < w.start || w.start - d.createdAt > maxWonAge) return;
      w.atRisk++;
      if (!closedBefore || leaves >= w.end) return;
      if (d.outcome === 'won') w.won++;
      else w.lost++;
      dims.forEach((dim, k) => {
        const key = groups[dim] ?? '(none)';
        if (key === '(none)') return;
        let g = groupIds[k].get(key);
        if (g === undefined) groupIds[k].set(key, (g = groupIds[k].size));
        const id = `${m}\u0000${g}`;
        const c = cells[k].get(id) ?? { m, g, won: 0, lost: 0 };
        if (d.outcome === 'won') c.won++;
        else c.lost++;
        cells[k].set(id, c);
      });
    });
  }
  return cells;
}

/** The group-level effect of the dimension whose groups vary most (the first on a tie). */
function largestGroupComponent(dims: string[], cells: Map<string, Cell>[]): PeriodEffects['group'] {
  let group: PeriodEffects['group'] = null;
  dims.forEach((dim, k) => {
    const g = groupComponent([...cells[k].values()]);
    if (g && (!group || g.sd > group.sd)) group = { dimension: dim, ...g };
  });
  return group;
}
