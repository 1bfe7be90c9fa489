// @ts-check
// Funnel and win rates over the deals closed in the last 12 months: how many reached each stage,
// the share of those that went on and the days spent there; then win rate, deal size, cycle and
// bookings per rep (or source, segment, product, region). A group whose 95% interval lies wholly
// above or below the overall win rate is marked: that difference is not luck.
import { h, tabs } from '../lib/dom.js';
import { finite, fixed, int, moneyShort, pct } from '../lib/format.js';
import { emptyState, HINTS } from '../lib/panel.js';
import { sortableTable } from '../lib/table.js';

/** @typedef {import('../api/endpoints.js').Funnel} Funnel */
/** @typedef {Funnel['breakdowns'][number]['rows'][number]} Row */

const DIMS = /** @type {const} */ ([
  ['rep', 'Rep'],
  ['source', 'Source'],
  ['segment', 'Segment'],
  ['product', 'Product'],
  ['region', 'Region'],
]);

/** @param {Funnel} res */
function stages(res) {
  const deals = res.summary.deals;
  const top = Math.max(1, ...res.stages.map((x) => x.reached));
  return h(
    'ol',
    { class: 'funnel' },
    res.stages.map((x) => {
      const won = x.stage === 'won';
      const bar = h('span', { class: `funnel-fill${won ? ' won' : ''}`, dataset: { share: String(x.reached / top) } });
      bar.style.width = `${Math.max(1, (x.reached / top) * 100)}%`;
      return h(
        'li',
        {},
        h('div', { class: 'funnel-stage' }, won ? 'Won' : x.stage),
        h('div', { class: 'funnel-track' }, bar),
        h(
          'div',
          { class: 'funnel-figures' },
          h('strong', {}, int(x.reached)),
          won
            ? ` (${pct(x.reached / deals, 1)} of ${int(deals)})`
            : [
                finite(x.conversionToNext) ? ` · ${pct(x.conversionToNext)} go on` : '',
                finite(x.averageDaysInStage) ? ` · ${fixed(x.averageDaysInStage, 0)} days` : '',
              ],
        ),
      );
    }),
  );
}

/**
 * @param {Row} r
 * @param {number | null} overall
 */
function winRateCell(r, overall) {
  const { estimate, lo, hi } = r.winRate;
  const side = finite(overall) && finite(lo) && finite(hi) ? (lo > overall ? 'above' : hi < overall ? 'below' : null) : null;
  return h(
    'span',
    {
      class: `ci ${side ? `ci-${side}` : ''}`,
      title: side
        ? `The whole 95% interval is ${side} the overall ${pct(overall, 1)}: not luck.`
        : 'Not distinguishable from the overall rate at 95%.',
    },
    pct(estimate),
    finite(lo) && finite(hi) ? h('span', { class: 'muted small' }, ` ${pct(lo)}–${pct(hi)}`) : null,
    // An invisible marker keeps the figures aligned in rows without one.
    h(
      'span',
      {
        class: `pill ${side === 'above' ? 'pill-good' : side === 'below' ? 'pill-bad' : 'pill-spacer'}`,
        'aria-hidden': side ? null : 'true',
      },
      side === 'below' ? '▼' : '▲',
    ),
  );
}

/**
 * @param {Row[]} rows
 * @param {string} label
 * @param {number | null} overall
 */
function winRateTable(rows, label, overall) {
  /** @type {import('../lib/table.js').Column<Row>[]} */
  const columns = [
    { key: 'group', label, get: (r) => r.group, render: (r) => r.group ?? '(none)' },
    {
      key: 'deals',
      label: 'Closed',
      num: true,
      title: 'Deals won or lost in the 12 months',
      get: (r) => r.deals,
      render: (r) => int(r.deals),
    },
    { key: 'win', label: 'Win rate (95% CI)', num: true, get: (r) => r.winRate.estimate, render: (r) => winRateCell(r, overall) },
    {
      key: 'size',
      label: 'Avg won deal',
      num: true,
      get: (r) => r.averageWonDealSize,
      render: (r) => moneyShort(r.averageWonDealSize),
    },
    {
      key: 'cycle',
      label: 'Cycle (days)',
      num: true,
      title: 'Days from creation to close, on average',
      get: (r) => r.averageCycleDays,
      render: (r) => fixed(r.averageCycleDays, 0),
    },
    { key: 'won', label: 'Won', num: true, title: 'Bookings won', get: (r) => r.wonAmount, render: (r) => moneyShort(r.wonAmount) },
  ];
  return sortableTable(rows, columns, { initial: { key: 'won', desc: true } });
}

/** @param {Funnel} res */
export function funnelPanel(res) {
  const s = res.summary;
  if (!res.stages.length || !s.deals) return emptyState('No closed deals in the last 12 months', HINTS.demo);
  const overall = s.winRate.estimate;
  const breakdowns = new Map(res.breakdowns.map((b) => [b.by, b.rows]));
  const dims = DIMS.filter(([d]) => breakdowns.get(d)?.length);
  const holder = h('div', { class: 'table-wrap' });
  const tabList = h('div', { class: 'seg', role: 'tablist', 'aria-label': 'Win rate by' });
  tabs(
    tabList,
    dims.map(([key, label]) => ({ key, label })),
    (key) => {
      const [, label] = dims.find(([d]) => d === key) ?? dims[0];
      holder.replaceChildren(winRateTable(breakdowns.get(key) ?? [], label, overall));
    },
  );
  const cycle = finite(s.averageCycleDays) ? `, ${fixed(s.averageCycleDays, 0)} days from creation to close on average` : '';
  return h(
    'div',
    { class: 'split' },
    h(
      'div',
      {},
      h('h3', {}, `Stages reached by the ${int(s.deals)} deals closed in the last 12 months`),
      stages(res),
      h(
        'p',
        { class: 'muted small' },
        `Win rate ${pct(overall, 1)}${cycle}. "Go on": the share of the deals that reached a stage and moved further.`,
      ),
    ),
    h(
      'div',
      {},
      h('div', { class: 'split-head' }, h('h3', {}, 'Win rate and deal size'), dims.length > 1 ? tabList : null),
      dims.length ? holder : h('p', { class: 'muted small' }, 'No breakdown in the report.'),
    ),
  );
}
