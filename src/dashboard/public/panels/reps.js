// @ts-check
// The forecast by rep (or team, region, product, segment): won, commit, best case, the model's
// expected value and P10–P90 per group. A row is flagged when the commit falls outside the model's
// P10–P90: those are the conversations to have.
import { rangeBar } from '../charts/bars.js';
import { h, tabs } from '../lib/dom.js';
import { moneyRange, moneyShort } from '../lib/format.js';
import { emptyState, HINTS, headSlot } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').Forecast} Forecast */
/** @typedef {import('../api/endpoints.js').ForecastGroup} Group */

const DIMS = /** @type {const} */ ([
  ['rep', 'Rep'],
  ['team', 'Team'],
  ['region', 'Region'],
  ['product', 'Product'],
  ['segment', 'Segment'],
]);

/** @param {Group} r */
function flag(r) {
  if (!r.disagreement)
    return r.commitCall === null ? h('span', { class: 'muted small' }, 'no call') : h('span', { class: 'pill pill-neutral' }, 'Aligned');
  const below = r.disagreement === 'below-model';
  return h('span', { class: `pill ${below ? 'pill-warn' : 'pill-bad'}` }, below ? 'Commit below model' : 'Commit above model');
}

/**
 * @param {Group[]} groups
 * @param {string} label
 */
function groupTable(groups, label) {
  const rows = [...groups].sort((a, b) => b.expected - a.expected);
  const max = Math.max(1, ...rows.map((r) => Math.max(r.p90, r.commitCall ?? 0, r.expected))) * 1.04;
  const sum = (/** @type {(r: Group) => number | null} */ get) => rows.reduce((a, r) => a + (get(r) ?? 0), 0);
  const th = (/** @type {string} */ text, /** @type {string} */ what, num = true) =>
    h('th', { class: num ? 'num' : '', title: what }, text);
  return h(
    'table',
    { class: 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        th(label, `Open deals and bookings by ${label.toLowerCase()}`, false),
        th('Won', 'Bookings won so far this quarter'),
        th('Commit', 'Won + deals the reps commit to'),
        th('Best case', 'Commit + deals that could close with luck'),
        th('Model expected', "The model's expected bookings for the group (new deals not included)"),
        th('Model P10–P90', 'The range the model gives 8 chances in 10'),
        h('th', {}, 'Range'),
        h('th', {}, ''),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          { class: r.disagreement ? 'flag' : '' },
          h('td', { class: 'cell-main' }, r.key),
          h('td', { class: 'num' }, moneyShort(r.wonToDate)),
          h('td', { class: 'num' }, moneyShort(r.commitCall)),
          h('td', { class: 'num' }, moneyShort(r.bestCaseCall)),
          h('td', { class: 'num' }, h('strong', {}, moneyShort(r.expected))),
          h('td', { class: 'num muted' }, moneyRange(r.p10, r.p90)),
          h('td', {}, rangeBar({ p10: r.p10, p90: r.p90, expected: r.expected, won: r.wonToDate, commit: r.commitCall, max })),
          h('td', {}, flag(r)),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('td', { title: 'Sum of the groups; expected new business is not split across groups' }, 'Total'),
        h('td', { class: 'num' }, moneyShort(sum((r) => r.wonToDate))),
        h('td', { class: 'num' }, moneyShort(sum((r) => r.commitCall))),
        h('td', { class: 'num' }, moneyShort(sum((r) => r.bestCaseCall))),
        h('td', { class: 'num' }, moneyShort(sum((r) => r.expected))),
        h('td', {}),
        h('td', {}),
        h('td', {}),
      ),
    ),
  );
}

/** @param {Forecast} fc */
export function repsPanel(fc) {
  const dims = DIMS.filter(([d]) => fc.breakdown[d]?.length);
  if (!dims.length) return emptyState('No breakdown in the forecast', 'The forecast answered without per-rep groups.', HINTS.demo);
  const holder = h('div', { class: 'table-wrap' });
  tabs(
    headSlot('panel-reps', 'dims'),
    dims.map(([key, label]) => ({ key, label })),
    (key) => {
      const [, label] = dims.find(([d]) => d === key) ?? dims[0];
      holder.replaceChildren(groupTable(fc.breakdown[key] ?? [], label));
    },
  );
  return [
    holder,
    h(
      'p',
      { class: 'muted small' },
      'The total adds up the groups: expected new business is not split across groups, so it is below the quarter forecast.',
    ),
  ];
}
