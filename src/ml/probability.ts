// The one rule for the probabilities Salescast serves: never exactly 0 or 1. No finite history
// justifies certainty, and a served 0 or 1 makes a log loss infinite and a forecast interval empty.
// Every scorer (deal win, churn, and their baselines) and every calibrator ends with this clip.

/** Served probabilities lie in [PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON]. */
export const PROBABILITY_EPSILON = 1e-4;

export function clipProbability(p: number): number {
  if (Number.isNaN(p)) throw new Error('probability is NaN');
  return Math.min(1 - PROBABILITY_EPSILON, Math.max(PROBABILITY_EPSILON, p));
}
