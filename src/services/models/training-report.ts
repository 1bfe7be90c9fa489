// The parts of a training report shared by `train win`, `train churn` and `models show`, as lines
// of text: what cross-validation chose, what the leakage guard found, and how the promotion rule
// compared the candidate. The CLI requires this module when it prints a report, not at start-up.
import { candidateLabel } from '../../ml/candidate';
import type { LeakageReport } from '../../ml/leakage';
import type { SelectionReport } from '../../ml/model-selection';
import type { PromotionDecision } from '../../ml/promotion';

export type { LeakageReport, PromotionDecision, SelectionReport };

const f = (v: number | null | undefined, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

export function selectionLines(s: SelectionReport): string[] {
  const ranked = [...s.candidates].sort((a, b) => a.score - b.score);
  const c = s.calibration;
  return [
    `Model selection: ${s.scheme}`,
    `  candidates (out-of-fold log loss, calibrated): ${ranked.map((x) => `${candidateLabel(x)} ${f(x.score)}${x.calibration !== 'identity' ? ` (${x.calibration})` : ''}`).join(', ')}`,
    `  chosen: ${candidateLabel(s.chosen)}, ${c.method} calibration fitted on ${c.rows} out-of-fold predictions (${c.positives} positive, ${c.negatives} negative; minimum ${c.minimumPerClass.platt} of each for Platt, ${c.minimumPerClass.isotonic} for isotonic: ${c.note})`,
  ];
}

export function leakageLines(l: LeakageReport): string[] {
  const top = l.strongestFeatures
    .slice(0, 3)
    .map((s) => `${s.feature} ${f(s.auc, 3)}`)
    .join(', ');
  const head = `Leakage guard (single feature AUC >= ${l.thresholds.singleFeatureAuc}, test AUC >= ${l.thresholds.modelTestAuc}): ${l.passed ? 'passed' : 'FAILED'}; strongest features alone: ${top || 'none'}`;
  return [head, ...l.reasons.map((r) => `  ${r}`)];
}

export function promotionLines(p: PromotionDecision): string[] {
  return p.comparisons.map((c) => {
    const who = c.against === 'baseline' ? 'baseline' : `active v${c.version}`;
    if (c.identical) return `vs ${who}: identical predictions on every test row`;
    const d = c.difference;
    return `vs ${who}: log loss ${f(c.candidateLogLoss)} vs ${f(c.otherLogLoss)} (${(c.relativeGain * 100).toFixed(1)}% better), ${Math.round(d.confidence * 100)}% bootstrap interval of the difference ${f(d.low)}..${f(d.high)} -> ${c.beats ? 'beats' : 'does not beat'}`;
  });
}
