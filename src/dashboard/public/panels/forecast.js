// @ts-check
// The bookings forecast: the last four quarters as the backtest replayed them (each forecast as of
// its quarter's first day, against what was won by its end), then this quarter (won to date and
// the live forecast) and the next. The forecast drawn is the one the service presents: the primary
// method its backtest chose (normally the blend), past quarters included, so the chart shows the
// record of the number the page headlines. Every mark of a column is as of the same day, and the note under
// the chart says which day: a past quarter's reps' commit is the commit of its first day, which is
// why it sits far below what was won (#15).
import { forecastChart } from '../charts/forecast-chart.js';
import { fill, h } from '../lib/dom.js';
import { date, finite, fixed, sentence, useCurrency } from '../lib/format.js';
import { periodLabel } from '../lib/periods.js';
import { emptyState, explain, HINTS, headSlot } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').Forecast} Forecast */
/** @typedef {import('../api/endpoints.js').Backtest} Backtest */
/** @typedef {import('../charts/forecast-chart.js').ChartPeriod} ChartPeriod */
/** @template T @typedef {import('../lib/panel.js').Settled<T>} Settled */

/**
 * The presented method's forecast of a past period (the blend, or the method named primary).
 * @param {Backtest} bt @param {Backtest['periods'][number]} p
 * @returns {{ expected: number, p10: number | null, p90: number | null }}
 */
function presented(bt, p) {
  if (bt.primary === 'blend' && p.blend) return p.blend;
  if (bt.primary === 'runRate') return p.runRate;
  if (bt.primary === 'driverRegression' && p.driverRegression) return p.driverRegression;
  return p.monteCarlo;
}

/** @param {Backtest} bt @returns {ChartPeriod[]} */
function pastQuarters(bt) {
  return bt.periods.map((p) => ({
    label: periodLabel(p.period),
    actual: p.actual,
    actualLabel: 'Won in the quarter',
    ...presented(bt, p),
    stageWeighted: p.stageWeighted ?? undefined,
    commit: p.commitCall ?? undefined,
    commitLabel: `Reps' commit on ${date(p.asOf)}, the first day`,
    note: `Forecast, stage-weighted pipeline and commit as of ${date(p.asOf)}.`,
  }));
}

/**
 * @param {Forecast} fc
 * @param {boolean} current
 * @returns {ChartPeriod}
 */
function liveQuarter(fc, current) {
  return {
    label: periodLabel(fc.period.label),
    actual: current ? fc.wonToDate : undefined,
    actualLabel: `Won to ${date(fc.asOf)}`,
    expected: (fc.primary ?? fc.total).expected,
    p10: (fc.primary ?? fc.total).p10,
    p90: (fc.primary ?? fc.total).p90,
    stageWeighted: fc.stageWeighted ?? undefined,
    commit: fc.categories.commitCall,
    commitLabel: `Reps' commit on ${date(fc.asOf)} (won + commit)`,
    current,
    note: current ? `In progress: as of ${date(fc.asOf)}.` : `Next quarter, as of ${date(fc.asOf)}.`,
  };
}

/**
 * What the columns mean, and the commit's backtest error next to the model's.
 * @param {Forecast | null} fc
 * @param {Backtest | null} bt
 */
function notes(fc, bt) {
  const out = [];
  if (bt?.periods.length) {
    const mape = (/** @type {number | null} */ m) => (finite(m) ? `${fixed(m, 0)}%` : '—');
    out.push(
      h(
        'p',
        { class: 'muted small', dataset: { note: 'commit' } },
        h('strong', {}, 'Past quarters are as of their first day. '),
        `The forecast (${bt.primary === 'blend' ? 'the blend, from earlier quarters only' : bt.primary}), the stage-weighted pipeline and the reps' commit are what each showed on the quarter's first day (${bt.scorer}), next to what was won by its end. `,
        'On that day nothing was won yet and the commit held only the deals already committed: deals committed or created later in the quarter are not in it, so the commit dot sits far below the actual. ',
        `Error over these quarters: forecast ${mape(bt.metrics[bt.primary].mape)} MAPE (P10–P90 held ${bt.metrics[bt.primary].covered} of ${bt.metrics[bt.primary].intervals}), Monte Carlo alone ${mape(bt.metrics.monteCarlo.mape)}, reps' commit ${mape(bt.metrics.commitCall.mape)}.`,
      ),
    );
  }
  if (fc) {
    const scorer = fc.scorerNote ? ` ${sentence(fc.scorerNote)}` : '';
    out.push(
      h(
        'p',
        { class: 'muted small' },
        `This quarter: won to date and the forecast as of ${date(fc.asOf)}; its commit is won + committed deals that day. Open deals scored by ${fc.scorer}.${scorer}`,
      ),
    );
  }
  return out;
}

function legend() {
  fill(
    headSlot('panel-forecast', 'legend'),
    h('span', {}, h('i', { class: 'sw sw-actual' }), 'Won'),
    h('span', {}, h('i', { class: 'sw sw-model' }), 'Forecast (the method its backtest chose)'),
    h('span', {}, h('i', { class: 'sw sw-band' }), 'P10–P90'),
    h('span', {}, h('i', { class: 'sw sw-stage' }), 'Stage-weighted'),
    h('span', {}, h('i', { class: 'sw sw-commit' }), "Reps' commit, same day"),
  );
}

/**
 * @param {{ current: Settled<Forecast>, next: Settled<Forecast>, backtest: Settled<Backtest> }} data
 */
export function forecastPanel({ current, next, backtest }) {
  if (!current.ok && !backtest.ok) throw current.error;
  const fc = current.ok ? current.value : null;
  const bt = backtest.ok ? backtest.value : null;
  if (bt) useCurrency(bt.currency);
  legend();
  /** @type {ChartPeriod[]} */
  const periods = bt ? pastQuarters(bt).slice(-6) : [];
  if (fc) periods.push(liveQuarter(fc, true));
  if (next.ok) periods.push(liveQuarter(next.value, false));
  if (!periods.length) return emptyState('No forecast to draw yet', HINTS.demo);
  const out = [h('div', { class: 'chart-wrap' }, forecastChart(periods, { height: 300 })), ...notes(fc, bt)];
  if (!backtest.ok) {
    out.push(h('p', { class: 'muted small' }, `Past quarters unavailable: ${explain(backtest.error)}`));
  }
  return out;
}
