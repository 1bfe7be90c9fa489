// From the fitted period effects to what the simulation draws: the shock standard deviations,
// the position shift of the marginals, and the new business's share of the period's fortune.
import type { PeriodShocks } from './correlated-draws';
import type { Deal } from '../deal-timeline/deal';
import { shiftMarginal } from '../../math/logit-normal';
import { DAY_MS } from '../../math/time';
import type { NewBusinessInput } from './monte-carlo';
import type { NewBusinessEstimate } from './new-business';
import { estimatePeriodEffects, type PeriodEffects } from './period-effects';
import type { Period } from './period';

/** Dimensions tried for a group-level (segment or rep) win-rate shock. */
export const GROUP_EFFECT_DIMENSIONS = ['segment', 'rep'] as const;

export const NO_EFFECTS: PeriodEffects = {
  windows: 0,
  win: { sd: 0, q: 0, df: 0, i2: 0, shift: 0 },
  timing: { sd: 0, q: 0, df: 0, i2: 0, shift: 0 },
  position: null,
  group: null,
  note: 'period effects switched off: outcomes simulated as independent',
};

/** Given effects, none (`false`), or — by default — estimated from the history before as-of. */
export function resolvePeriodEffects(
  given: PeriodEffects | false | undefined,
  history: readonly Deal[],
  asOf: number,
  period: Period,
): PeriodEffects {
  if (given === false) return NO_EFFECTS;
  return given ?? estimatePeriodEffects(history, asOf, period, { groupDimensions: GROUP_EFFECT_DIMENSIONS });
}

export function shocksOf(e: PeriodEffects): { spec: PeriodShocks; winTotalSd: number; timingSd: number } {
  const groupSd = e.group?.sd ?? 0;
  return {
    spec: { winSd: e.win.sd, timingSd: e.timing.sd, group: e.group ? { dimension: e.group.dimension, winSd: groupSd } : null },
    winTotalSd: Math.sqrt(e.win.sd ** 2 + groupSd ** 2),
    timingSd: e.timing.sd,
  };
}

/**
 * New business in the simulation, sharing the period's shocks through representative
 * probabilities: the share of created deals that are won (nb.winRate) and, of those, the share
 * that would land inside the rest of the period (expected count / (λ · days left · win rate)).
 * The position shift scales the expected count like it scales the open deals.
 */
export function newBusinessInput(
  nb: NewBusinessEstimate,
  effects: PeriodEffects,
  shocks: ReturnType<typeof shocksOf>,
  asOf: number,
  start: number,
  end: number,
): NewBusinessInput {
  const days = Math.max(0, end - Math.max(asOf, start)) / DAY_MS;
  const w = Math.min(1, nb.winRate);
  const t = days > 0 && nb.creationRatePerDay > 0 && w > 0 ? Math.min(1, nb.expectedCount / (nb.creationRatePerDay * days * w)) : 0;
  const w2 = shiftMarginal(w, effects.win.shift, shocks.spec.winSd);
  const t2 = shiftMarginal(t, effects.timing.shift, shocks.timingSd);
  const scale = w > 0 && t > 0 ? (w2 * t2) / (w * t) : 1;
  return {
    expectedCount: nb.expectedCount * scale,
    amounts: nb.amounts,
    weights: nb.weights,
    winProbability: w2,
    inPeriodProbability: t2,
  };
}
