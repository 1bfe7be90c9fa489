// The readable report: per dataset, the served figures next to the base rate and to what the
// training run reported, then every target with PASS/FAIL; CDNOW's fitted vs published parameters.
import { table } from '../../src/cli/common';
import { ECE_DEFINITION, type Metrics } from './metrics';
import type { CdnowEvaluation, ClassifierEvaluation, Evaluation, Gate, Skipped } from './result';

const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(d));

function row(dataset: string, figures: string, m: Partial<Metrics> | null) {
  return {
    dataset,
    figures,
    n: m?.n ?? '',
    positives: m?.positives ?? '',
    AUC: f(m?.auc),
    'log loss': f(m?.logLoss, 4),
    Brier: f(m?.brier, 4),
    ECE: f(m?.ece),
  };
}

function classifierRows(e: ClassifierEvaluation) {
  const t = e.training;
  const s = e.served;
  const servedLabel = `served inline: ${s.what}${t.promoted ? ` (promoted v${t.version})` : ' (nothing promoted)'}`;
  return [
    row(e.dataset, servedLabel, s.metrics ?? { n: e.split.scoredRows, positives: e.split.positives }),
    row('', `base rate ${f(e.baseRate.rate)} (training rows)`, {
      n: e.split.scoredRows,
      positives: e.split.positives,
      logLoss: e.baseRate.logLoss,
      brier: e.baseRate.brier,
    }),
    row('', `reported: candidate ${t.algorithm} (test slice)`, t.reported.candidate),
    row('', 'reported: baseline (test slice)', t.reported.baseline),
    ...(e.sklearn && typeof e.sklearn !== 'string'
      ? [row('', 'scikit-learn LogisticRegression (comparison)', { n: e.split.scoredRows, positives: e.split.positives, ...e.sklearn })]
      : []),
  ];
}

function classifierNotes(e: ClassifierEvaluation): string[] {
  const p = e.served.probabilities;
  return [
    `${e.title}: ${e.split.method}${e.split.cutoff ? ` (cut ${e.split.cutoff.slice(0, 10)})` : ''}; ${e.split.trainRows.toLocaleString('en-US')} rows train, ${e.split.scoredRows.toLocaleString('en-US')} held-out rows scored ${e.split.scoredAs}.`,
    `  ${e.training.command}: ${e.training.decision}`,
    ...(p
      ? [
          `  served p: min ${f(p.min, 4)}, mean ${f(p.mean)}, max ${f(p.max, 4)}; held-out rate ${f(e.baseRate.holdoutRate)}; ${p.beyondOneInAThousand} at or beyond 0.001/0.999${e.served.fallbackReason ? `; ${e.served.fallbackReason}` : ''}`,
        ]
      : [`  nothing served: ${e.served.fallbackReason ?? 'no probability in the answers'}`]),
    ...(typeof e.sklearn === 'string' ? [`  scikit-learn comparison ${e.sklearn}`] : []),
    ...(e.sklearn && typeof e.sklearn !== 'string'
      ? [
          `  scikit-learn's own metrics on the served probabilities: AUC ${f(e.sklearn.servedCheck.auc, 4)}, log loss ${f(e.sklearn.servedCheck.logLoss, 4)}, Brier ${f(e.sklearn.servedCheck.brier, 4)}`,
        ]
      : []),
  ];
}

function cdnowLines(e: CdnowEvaluation): string[] {
  const rows = e.figures.map((x) => ({
    figure: x.name,
    published: x.published,
    fitted: f(x.fitted, 4),
    'allowed difference': `< ${x.tolerance}`,
  }));
  const h = e.holdout;
  return [
    `${e.title}: salescast train clv --calibration-end 1997-09-30 --time-unit week`,
    table(rows),
    ...(h
      ? [
          `  holdout (${h.weeks.toFixed(0)} weeks after calibration): ${h.actualRepeatPurchases} repeat purchases observed, ${h.predictedRepeatPurchases.toFixed(1)} predicted`,
        ]
      : []),
  ];
}

const gateLine = (g: Gate) => `  ${g.pass ? 'PASS' : 'FAIL'}  ${g.id}: ${g.target} -- ${g.measured}`;

export function renderReport(evaluations: Evaluation[], skipped: Skipped[], seconds: number): string {
  const classifiers = evaluations.filter((e): e is ClassifierEvaluation => e.dataset !== 'cdnow');
  const cdnow = evaluations.filter((e): e is CdnowEvaluation => e.dataset === 'cdnow');
  const out: string[] = [];
  if (classifiers.length) {
    out.push(table(classifiers.flatMap(classifierRows)), '', `${ECE_DEFINITION}.`, '');
    for (const e of classifiers) out.push(...classifierNotes(e));
    out.push('');
  }
  for (const e of cdnow) out.push(...cdnowLines(e), '');
  const gates = evaluations.flatMap((e) => e.gates);
  out.push(`Targets (issue #11): ${gates.filter((g) => g.pass).length} of ${gates.length} pass`);
  out.push(...gates.map(gateLine));
  for (const s of skipped) out.push(`  SKIP  ${s.dataset}: ${s.skipped}`);
  out.push('', `(${seconds.toFixed(1)} s)`);
  return out.join('\n');
}
