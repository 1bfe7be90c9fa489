// @ts-check
// Model health: each active model with its version, algorithm, training date and its metrics on
// the later time window it never saw; a reliability diagram for the classifiers (points on the
// diagonal: a predicted 70% happens seven times in ten). The clv model (BG/NBD + Gamma-Gamma) has
// fitted parameters, not classifier metrics.
import { ApiError } from '../api/client.js';
import { reliabilityChart } from '../charts/reliability-chart.js';
import { fill, h } from '../lib/dom.js';
import { date, finite, fixed, int, moneyShort, pct } from '../lib/format.js';
import { emptyState, explain, HINTS } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').ModelVersion} Model */
/** @typedef {NonNullable<Model['metrics']>} Metrics */

/** @type {Record<string, string>} */
const NAMES = { win: 'Deal win', churn: 'Customer churn', clv: 'Lifetime value (BG/NBD)' };
/** @type {Record<string, number>} */
const ORDER = { win: 0, churn: 1, clv: 2 };

/** @param {string} label @param {string} value @param {string} note @param {string} what */
const metric = (label, value, note, what) =>
  h(
    'div',
    { title: what },
    h('div', { class: 'metric-label' }, label),
    h('div', { class: 'metric-value' }, value),
    h('div', { class: 'metric-note' }, note),
  );

/** @param {number} auc */
const aucNote = (auc) => (auc >= 0.8 ? 'strong ranking' : auc >= 0.7 ? 'useful ranking' : 'weak ranking');

/** @param {Metrics} mt */
function classifierMetrics(mt) {
  const t = mt.test;
  if (!t) return [];
  const baseAuc = mt.baseline?.auc;
  return [
    finite(t.auc)
      ? metric(
          'AUC',
          fixed(t.auc, 3),
          finite(baseAuc) ? `baseline ${fixed(baseAuc, 3)}` : aucNote(t.auc),
          'How well the scores rank winners above losers (0.5 = chance, 1 = perfect)',
        )
      : null,
    metric(
      'Calibration error',
      pct(t.ece, 1),
      t.ece <= 0.05 ? 'well calibrated' : t.ece <= 0.1 ? 'acceptable' : 'needs recalibration',
      'Expected calibration error: the average gap between a predicted probability and how often it happened',
    ),
    metric('Brier', fixed(t.brier, 3), 'lower is better', 'Mean squared error of the probabilities'),
    metric('Log loss', fixed(t.logLoss, 3), 'lower is better', 'Cross-entropy of the probabilities'),
  ];
}

/** @param {Metrics} mt */
function clvMetrics(mt) {
  const bg = mt.bgNbd;
  if (!bg) return [];
  return [
    metric(
      'Customers fitted',
      int(bg.customers),
      bg.converged ? 'BG/NBD converged' : 'did not converge',
      'Customers with repeat-purchase history in the fit',
    ),
    metric('Log-likelihood', fixed(bg.logLikelihood, 0), 'BG/NBD', 'Of the BG/NBD fit'),
    mt.gammaGamma
      ? metric('Mean order value', moneyShort(mt.gammaGamma.populationMeanSpend), 'Gamma-Gamma', 'The population mean spend per order')
      : null,
    mt.clv
      ? metric(
          'CLV horizon',
          `${int(mt.clv.horizonMonths)} mo`,
          `discounted ${pct(mt.clv.annualDiscountRate)}/yr`,
          'Lifetime value is summed over this horizon',
        )
      : null,
  ];
}

/** @param {Model} m */
function modelCard(m) {
  const mt = m.metrics ?? {};
  const metrics = [...classifierMetrics(mt), ...clvMetrics(mt)].filter(Boolean);
  const bins = mt.test?.reliability ?? [];
  return h(
    'div',
    { class: 'model-card' },
    h(
      'div',
      { class: 'model-top' },
      h('span', { class: 'model-name' }, NAMES[m.name] ?? m.name),
      h('span', { class: 'model-meta' }, `v${m.version} · ${m.algorithm} · trained ${date(m.trainedAt)}`),
    ),
    metrics.length
      ? h('div', { class: 'metrics' }, metrics)
      : h('p', { class: 'muted small' }, 'No test metrics recorded for this version.'),
    bins.length > 1
      ? h(
          'div',
          { class: 'model-rel' },
          reliabilityChart(bins),
          h(
            'p',
            { class: 'muted small' },
            'Reliability on the test window: points on the diagonal mean a predicted 70% happens seven times in ten.',
          ),
        )
      : null,
  );
}

/** @param {Model[]} active */
export function modelsPanel(active) {
  if (!active.length)
    return emptyState(
      'No active model yet',
      'Until a model is trained, deal scores fall back to historical win rates by stage.',
      HINTS.win,
      HINTS.customers,
    );
  return h('div', { class: 'models' }, [...active].sort((a, b) => (ORDER[a.name] ?? 9) - (ORDER[b.name] ?? 9)).map(modelCard));
}

/**
 * The model chips of the top bar.
 * @param {import('../lib/panel.js').Settled<Model[]>} models
 * @param {HTMLElement} holder
 */
export function modelChips(models, holder) {
  if (!models.ok) {
    const forbidden = models.error instanceof ApiError && models.error.status === 403;
    const why = explain(models.error);
    fill(
      holder,
      h(
        'span',
        { class: 'chip off', title: why },
        h('span', { class: 'dot' }),
        forbidden ? 'model versions need an admin key' : 'model versions unavailable',
      ),
    );
    return;
  }
  if (!models.value.length) {
    fill(
      holder,
      h(
        'span',
        { class: 'chip off', title: 'No active model: scores fall back to stage win rates' },
        h('span', { class: 'dot' }),
        'no active models',
      ),
    );
    return;
  }
  fill(
    holder,
    models.value.map((m) =>
      h(
        'span',
        { class: 'chip', title: `${m.name} v${m.version} (${m.algorithm}), trained ${date(m.trainedAt)}` },
        h('span', { class: 'dot' }),
        `${m.name} v${m.version}`,
      ),
    ),
  );
}
