// @ts-check
// Growth by group: turnover per product family (or product, segment, region, new vs existing
// business) and quarter, in date order, as a heat map: each cell the period's turnover, coloured by
// its growth on the same quarter a year before (or, without one, on the previous quarter), with
// the figures on hover. A quarter the data covers only in part is marked and never compared as if
// whole (the API says how it was compared); without orders the API measures bookings and says so.
import { h, tabs } from '../lib/dom.js';
import { finite, moneyFull, moneyShort, pct, sentence } from '../lib/format.js';
import { emptyState, HINTS } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').Growth} Growth */
/** @typedef {Growth['rows'][number]} Row */
/** @typedef {Row['cells'][number]} Cell */

export const GROWTH_DIMS = /** @type {const} */ ([
  ['family', 'Product family'],
  ['product', 'Product'],
  ['segment', 'Segment'],
  ['region', 'Region'],
  ['business', 'New vs existing'],
]);

/** @param {number | null | undefined} g */
const signed = (g) => (finite(g) ? `${g > 0 ? '+' : g < 0 ? '−' : ''}${Math.abs(Math.round(g * 100))}%` : '—');

/** The colour bucket of a growth: −3 (down a lot) … +3 (up a lot). @param {number | null} g */
function bucket(g) {
  if (!finite(g)) return 'g-none';
  const b = g >= 0.25 ? 3 : g >= 0.1 ? 2 : g > 0.02 ? 1 : g > -0.02 ? 0 : g > -0.1 ? -1 : g > -0.25 ? -2 : -3;
  return b === 0 ? 'g-flat' : b > 0 ? `g-up-${b}` : `g-down-${-b}`;
}

/**
 * @param {string} group
 * @param {Cell} c
 * @param {Growth['periods'][number]} p
 */
function cellView(group, c, p) {
  const g = finite(c.yearOverYear) ? c.yearOverYear : c.growth;
  const basis = finite(c.yearOverYear) ? 'on the year before' : 'on the previous period';
  const parts = [
    `${group}, ${p.period}${p.partial ? ` (${p.observedFrom} to ${p.observedTo}, cut by the data)` : ''}: ${moneyFull(c.value)}`,
    finite(c.share) ? `${pct(c.share)} of the period` : null,
    finite(c.growth)
      ? `${signed(c.growth)} on the previous period${p.likeForLike ? ' (same days)' : ''}`
      : 'not compared with the previous period',
    finite(c.yearOverYear) ? `${signed(c.yearOverYear)} on the year before` : null,
  ];
  return h(
    'td',
    { class: `cell ${bucket(g)}${p.partial ? ' cut' : ''}`, title: parts.filter(Boolean).join('; '), dataset: { basis } },
    moneyShort(c.value),
  );
}

/** @param {Growth} res */
function crossTab(res) {
  const label = GROWTH_DIMS.find(([d]) => d === res.by)?.[1] ?? res.by;
  const rows = [...res.rows, res.total];
  return h(
    'div',
    { class: 'heat-wrap' },
    h(
      'table',
      { class: 'heat growth' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, label),
          res.periods.map((p) =>
            h(
              'th',
              { title: p.partial ? `Cut by the data: ${p.observedFrom} to ${p.observedTo}` : null },
              `${p.period}${p.partial ? '*' : ''}`,
            ),
          ),
          h('th', { title: 'Share of the turnover of every period shown' }, 'Share'),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r, i) => {
          const total = i === rows.length - 1;
          const name = total ? 'Total' : (r.group ?? 'not recorded');
          return h(
            'tr',
            { class: total ? 'total' : null },
            h('th', {}, name),
            r.cells.map((c, j) => cellView(name, c, res.periods[j])),
            h('td', { class: 'size' }, pct(r.share)),
          );
        }),
      ),
    ),
  );
}

/**
 * @param {Growth} res the first answer (by product family)
 * @param {(by: string) => Promise<Growth>} load another grouping
 */
export function growthPanel(res, load) {
  if (!res.periods.length) return emptyState('Nothing to measure growth on', ...res.notes, HINTS.demo);
  const holder = h('div', {}, crossTab(res));
  const notes = h('div', { class: 'notes' });
  /** @param {Growth} r */
  const draw = (r) => {
    holder.replaceChildren(crossTab(r));
    notes.replaceChildren(...r.notes.map((n) => h('p', { class: 'muted small' }, sentence(n))));
  };
  draw(res);
  const tabList = h('div', { class: 'seg', role: 'tablist', 'aria-label': 'Growth by' });
  let first = true;
  tabs(
    tabList,
    GROWTH_DIMS.map(([key, label]) => ({ key, label })),
    (key) => {
      if (first) {
        first = false;
        return;
      }
      holder.replaceChildren(h('div', { class: 'loading' }, 'Loading…'));
      load(key)
        .then(draw)
        .catch((e) => holder.replaceChildren(h('p', { class: 'muted small' }, e instanceof Error ? e.message : String(e))));
    },
  );
  return [
    h(
      'div',
      { class: 'split-head' },
      h('h3', {}, `${res.measure === 'turnover' ? 'Turnover' : 'Bookings'} by quarter: ${res.measureDefinition}`),
      tabList,
    ),
    holder,
    h(
      'p',
      { class: 'muted small' },
      'Green: up on the same quarter a year before (or on the previous quarter, without one); red: down; grey: not compared. * a quarter the data covers only in part. Hover a cell for its share and both growths.',
    ),
    notes,
  ];
}
