// @ts-check
// Every method's number for the quarter, the one the service presents first: the primary method
// chosen by its own backtest (normally the blend), then Monte Carlo, run-rate, the driver
// regression (only when its backtest error beats run-rate), the stage-weighted pipeline and the
// reps' call, each with its range where it has one; a callout on whether the commit falls inside
// the primary range, each method's backtest record, and the driver regression's coefficients.
import { valueBar } from '../charts/bars.js';
import { COLORS } from '../charts/svg.js';
import { h } from '../lib/dom.js';
import { finite, fixed, moneyRange, moneyShort, pct, plural } from '../lib/format.js';

/** @typedef {import('../api/endpoints.js').Forecast} Forecast */
/** @typedef {import('../api/endpoints.js').Backtest} Backtest */
/** @typedef {import('../../api-types').Schemas['PrimaryForecast']} Primary */
/** @typedef {import('../../api-types').Schemas['ForecastAccuracy']} Accuracy */
/** @typedef {{ name: string, sub: string, what: string, value: number, color: string, p10?: number, p90?: number, primary?: boolean }} Row */

/** @type {Record<string, string>} */
export const METHOD_NAMES = {
  monteCarlo: 'Monte Carlo',
  runRate: 'Run-rate',
  driverRegression: 'Driver regression',
  stageWeighted: 'Stage-weighted',
  blend: 'Blend',
  combination: 'the combination',
};

/**
 * What the primary number is: "blend · picks Monte Carlo" (short) or "the blend, which picks
 * Monte Carlo alone" (long).
 * @param {Primary} p @param {boolean} [long]
 */
export function primaryWhat(p, long = false) {
  if (p.method !== 'blend') return long ? (METHOD_NAMES[p.method] ?? p.label) : (METHOD_NAMES[p.method] ?? p.label).toLowerCase();
  const name = (/** @type {string} */ m) => METHOD_NAMES[m] ?? m;
  if (p.picked !== 'combination') return long ? `the blend, which picks ${name(p.picked)} alone` : `blend · picks ${name(p.picked)}`;
  const parts = Object.entries(p.weights)
    .filter(([, w]) => w >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([m, w]) => `${name(m)} ${pct(w)}`);
  return long ? `the blend of ${parts.join(', ')}` : `blend of ${parts.join(', ')}`;
}

/** @param {Forecast} fc @returns {Row[]} */
function rows(fc) {
  const p = fc.primary;
  const c = fc.categories;
  /** @type {Row[]} */
  const out = [];
  if (p)
    out.push({
      name: 'Forecast',
      sub: primaryWhat(p),
      what: p.reason,
      value: p.expected,
      color: COLORS.accent,
      p10: p.p10,
      p90: p.p90,
      primary: true,
    });
  out.push({
    name: 'Monte Carlo',
    sub: 'open deals simulated',
    what: 'Won + open deals simulated over their win and close-timing probabilities (with the period-level shock fitted from past quarters) + new deals',
    value: fc.total.expected,
    color: p ? COLORS.model : COLORS.accent,
    p10: fc.total.p10,
    p90: fc.total.p90,
  });
  const rr = p?.methods.runRate;
  if (rr)
    out.push({
      name: 'Run-rate',
      sub: 'bookings trend',
      what: 'Won + the monthly bookings series extrapolated over the rest of the quarter',
      value: rr.expected,
      color: COLORS.model,
      p10: rr.p10 ?? undefined,
      p90: rr.p90 ?? undefined,
    });
  const dr = p?.methods.driverRegression;
  if (dr && p?.driverRegression?.shown)
    out.push({
      name: 'Driver regression',
      sub: 'pipeline, activities, spend',
      what: "Bookings regressed on last month's drivers (shown because its backtest error beats run-rate)",
      value: dr.expected,
      color: COLORS.model,
      p10: dr.p10 ?? undefined,
      p90: dr.p90 ?? undefined,
    });
  if (fc.stageWeighted !== null)
    out.push({
      name: 'Stage-weighted',
      sub: 'amount × stage win rate',
      what: 'Won + each deal due this quarter × the historical win rate of its stage',
      value: fc.stageWeighted,
      color: COLORS.stage,
    });
  out.push(
    { name: "Reps' commit", sub: 'won + commit', what: 'Won + the deals the reps commit to', value: c.commitCall, color: COLORS.commit },
    {
      name: 'Best case',
      sub: 'commit + best case',
      what: 'The commit + deals that could close with luck',
      value: c.bestCaseCall,
      color: COLORS.bestCase,
    },
  );
  return out;
}

/** @param {Forecast} fc */
function callout(fc) {
  const commit = fc.categories.commitCall;
  const band = fc.primary ?? fc.total;
  const { expected, p10, p90 } = band;
  const gap = commit - expected;
  const outside = commit < p10 ? 'below' : commit > p90 ? 'above' : null;
  return h(
    'div',
    { class: 'callout' },
    outside
      ? [
          h('strong', {}, `Commit is ${outside} the forecast's range. `),
          `The reps call ${moneyShort(Math.abs(gap))} ${gap < 0 ? 'less' : 'more'} than the forecast expects; see the rep table for where.`,
        ]
      : [
          h('strong', {}, 'Commit is within the forecast’s range. '),
          `It is ${moneyShort(Math.abs(gap))} ${gap < 0 ? 'below' : 'above'} the expected value.`,
        ],
  );
}

/** "12.3% MAPE, 7 of 9 in range". @param {Accuracy} m @param {string} kind */
function record(m, kind) {
  if (!m.periods) return 'no record';
  const cov = m.intervals ? `, ${m.covered} of ${plural(m.intervals, kind)} inside P10–P90` : '';
  return `${finite(m.mape) ? `${fixed(m.mape, 1)}%` : '—'} MAPE${cov}`;
}

/** Each method's record over the past quarters, the primary first, then the reason. @param {Primary} p */
function accuracy(p) {
  const kind = p.record.periodKind;
  const m = p.record.metrics;
  /** @type {(keyof typeof m)[]} */
  const keys = [p.method, .../** @type {(keyof typeof m)[]} */ (['monteCarlo', 'runRate', 'driverRegression', 'stageWeighted'])];
  const lines = [...new Set(keys)]
    .filter((k) => m[k].periods > 0 && (k !== 'driverRegression' || p.driverRegression?.shown))
    .map((k) => h('li', {}, h('strong', {}, `${METHOD_NAMES[k] ?? k}: `), record(m[k], kind)));
  return [
    h('p', { class: 'small', dataset: { slot: 'primary-reason' } }, p.headline),
    h('p', { class: 'muted small' }, `Backtest over ${plural(p.record.periods, `past ${kind}`)}, each forecast as of its first day:`),
    h('ul', { class: 'muted small method-record' }, lines),
  ];
}

/** The driver regression's coefficients with their uncertainty. @param {Primary} p */
function driverTable(p) {
  const d = p.driverRegression;
  if (!d?.shown) return null;
  return [
    h(
      'table',
      { class: 'small driver-terms' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Driver', 'Estimate', 'Std. error', 'p', '95% CI'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        d.terms.map((t) =>
          h(
            'tr',
            {},
            h('td', {}, t.term),
            h('td', { class: 'num' }, t.estimate.toPrecision(3)),
            h('td', { class: 'num' }, t.standardError.toPrecision(3)),
            h('td', { class: 'num' }, t.pValue < 0.001 ? '<0.001' : fixed(t.pValue, 3)),
            h('td', { class: 'num' }, `${t.ci95[0].toPrecision(3)} – ${t.ci95[1].toPrecision(3)}`),
          ),
        ),
      ),
    ),
    h('p', { class: 'muted small' }, `Adjusted R² ${fixed(d.adjustedRSquared, 2)} on ${plural(d.n, 'month')}; ${d.horizon}-month horizon.`),
    ...d.warnings.map((w) => h('p', { class: 'muted small warn' }, `Note: ${w}.`)),
  ];
}

/**
 * @param {Forecast} fc
 * @param {Backtest | null} _bt the backtest the forecast panel draws (the primary carries its own record)
 */
export function methodsPanel(fc, _bt) {
  const views = rows(fc);
  const max = Math.max(...views.map((r) => Math.max(r.value, r.p90 ?? 0))) * 1.05;
  const p = fc.primary;
  return [
    h(
      'div',
      { class: 'views' },
      views.map((r) =>
        h(
          'div',
          { class: r.primary ? 'view-row primary' : 'view-row', title: r.what },
          h('div', { class: 'view-name' }, r.name, h('small', {}, r.sub)),
          valueBar({ value: r.value, max, color: r.color, p10: r.p10, p90: r.p90 }),
          h('div', { class: 'view-val' }, moneyShort(r.value), r.p10 !== undefined ? h('small', {}, moneyRange(r.p10, r.p90)) : null),
        ),
      ),
    ),
    callout(fc),
    p ? accuracy(p) : h('p', { class: 'muted small' }, fc.primaryNote ?? 'No backtest record: the forecast is Monte Carlo.'),
    p ? driverTable(p) : null,
    fc.newBusiness.expected > 0
      ? h('p', { class: 'muted small' }, `Monte Carlo includes ${moneyShort(fc.newBusiness.expected)} expected from deals not created yet.`)
      : null,
  ];
}
