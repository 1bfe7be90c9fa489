// @ts-check
// The monthly run-rate: the last twelve months of bookings (bars) and the next twelve forecast from
// the bookings series alone, each month with its 80% range. It ignores the pipeline, so a large gap
// between it and the pipeline forecast is worth a question.
import { forecastChart } from '../charts/forecast-chart.js';
import { h } from '../lib/dom.js';
import { moneyShort, useCurrency } from '../lib/format.js';
import { emptyState, HINTS } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').RunRate} RunRate */

/** @type {Record<RunRate['bookings']['forecast']['method'], string>} */
const METHODS = {
  'holt-winters-additive': 'Holt-Winters (additive seasonality)',
  'holt-winters-multiplicative': 'Holt-Winters (multiplicative seasonality)',
  'trend-seasonal': 'linear trend × seasonal indices',
  trend: 'linear trend of the last 12 months',
  mean: 'the monthly mean',
};

/** "2026-03" → { label: "Mar 2026", shortLabel: "Mar" } ("2026" for January). @param {string} key */
function monthLabels(key) {
  const d = new Date(`${key}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return { label: key, shortLabel: key };
  return {
    label: d.toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }),
    shortLabel: d.getUTCMonth() === 0 ? String(d.getUTCFullYear()) : d.toLocaleDateString('en-US', { month: 'short', timeZone: 'UTC' }),
  };
}

/** @param {RunRate} res */
export function runRatePanel(res) {
  useCurrency(res.currency);
  const history = res.bookings.history.slice(-12);
  const fc = res.bookings.forecast;
  if (!history.length && !fc.mean.length) return emptyState('No bookings history yet', HINTS.demo);
  const periods = [
    ...history.map((r) => ({ ...monthLabels(r.month), actual: r.value, actualLabel: 'Booked' })),
    ...res.months.map((m, k) => ({
      ...monthLabels(m),
      expected: fc.mean[k],
      p10: Math.max(0, fc.lo[80][k]),
      p90: fc.hi[80][k],
      note: 'Run-rate forecast; the band is its 80% range.',
    })),
  ];
  return [
    h(
      'div',
      { class: 'chart-wrap' },
      forecastChart(periods, {
        width: 1160,
        height: 250,
        ariaLabel: 'Monthly bookings: the last twelve months and the run-rate forecast',
        labelEvery: periods.length > 16 ? 2 : 1,
      }),
    ),
    h(
      'p',
      { class: 'muted small' },
      `Next ${res.months.length} months: ${moneyShort(fc.sum.mean)} expected (P10–P90 ${moneyShort(fc.sum.p10)} – ${moneyShort(fc.sum.p90)}). `,
      `Method: ${METHODS[fc.method]}, chosen on the history itself.`,
    ),
  ];
}
