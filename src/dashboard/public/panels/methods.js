// @ts-check
// Three views of the quarter side by side: the model's expected value (with its P10–P90), the
// stage-weighted pipeline, and the reps' commit and best case, with a callout on whether the commit
// falls inside the model's range and the backtest error of each method.
import { valueBar } from '../charts/bars.js';
import { COLORS } from '../charts/svg.js';
import { h } from '../lib/dom.js';
import { finite, fixed, moneyShort, pct } from '../lib/format.js';

/** @typedef {import('../api/endpoints.js').Forecast} Forecast */
/** @typedef {import('../api/endpoints.js').Backtest} Backtest */

/** @param {Forecast} fc */
function rows(fc) {
  const c = fc.categories;
  return [
    {
      name: 'Model',
      sub: 'Monte Carlo, expected',
      what: 'Expected bookings: won + open deals simulated + new deals',
      value: fc.total.expected,
      color: COLORS.accent,
      p10: fc.total.p10,
      p90: fc.total.p90,
    },
    {
      name: 'Stage-weighted',
      sub: 'amount × stage win rate',
      what: 'Won + each deal due this quarter × the historical win rate of its stage',
      value: fc.stageWeighted,
      color: COLORS.stage,
    },
    { name: "Reps' commit", sub: 'won + commit', what: 'Won + the deals the reps commit to', value: c.commitCall, color: COLORS.commit },
    {
      name: 'Best case',
      sub: 'commit + best case',
      what: 'The commit + deals that could close with luck',
      value: c.bestCaseCall,
      color: COLORS.bestCase,
    },
  ];
}

/** @param {Forecast} fc */
function callout(fc) {
  const commit = fc.categories.commitCall;
  const { expected, p10, p90 } = fc.total;
  const gap = commit - expected;
  const outside = commit < p10 ? 'below' : commit > p90 ? 'above' : null;
  return h(
    'div',
    { class: 'callout' },
    outside
      ? [
          h('strong', {}, `Commit is ${outside} the model's range. `),
          `The reps call ${moneyShort(Math.abs(gap))} ${gap < 0 ? 'less' : 'more'} than the model expects; see the rep table for where.`,
        ]
      : [
          h('strong', {}, 'Commit is within the model’s range. '),
          `It is ${moneyShort(Math.abs(gap))} ${gap < 0 ? 'below' : 'above'} the expected value.`,
        ],
  );
}

/** @param {Backtest} bt */
function accuracy(bt) {
  const mc = bt.metrics.monteCarlo;
  if (!finite(mc.mape)) return null;
  const sw = bt.metrics.stageWeighted.mape;
  return h(
    'p',
    { class: 'muted small' },
    `Backtest (${bt.periods.length} past quarters): model error ${fixed(mc.mape, 1)}% MAPE`,
    finite(sw) ? ` vs ${fixed(sw, 1)}% for the stage-weighted pipeline` : '',
    finite(mc.coverage) ? `; actuals fell inside P10–P90 in ${pct(mc.coverage)} of quarters.` : '.',
  );
}

/**
 * @param {Forecast} fc
 * @param {Backtest | null} bt
 */
export function methodsPanel(fc, bt) {
  const views = rows(fc);
  const max = Math.max(...views.map((r) => Math.max(r.value, r.p90 ?? 0))) * 1.05;
  return [
    h(
      'div',
      { class: 'views' },
      views.map((r) =>
        h(
          'div',
          { class: 'view-row', title: r.what },
          h('div', { class: 'view-name' }, r.name, h('small', {}, r.sub)),
          valueBar({ value: r.value, max, color: r.color, p10: r.p10, p90: r.p90 }),
          h('div', { class: 'view-val' }, moneyShort(r.value)),
        ),
      ),
    ),
    callout(fc),
    bt ? accuracy(bt) : null,
    fc.newBusiness.expected > 0
      ? h('p', { class: 'muted small' }, `The model includes ${moneyShort(fc.newBusiness.expected)} expected from deals not created yet.`)
      : null,
  ];
}
