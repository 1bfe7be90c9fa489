// @ts-check
// Cohort retention: one row per acquisition quarter, each cell the share of the cohort with a
// purchase in the nth quarter since acquisition (Q0 = the acquisition quarter), darker for higher.
import { h } from '../lib/dom.js';
import { finite, int, pct } from '../lib/format.js';
import { emptyState, HINTS } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').Cohorts} Cohorts */
/** @typedef {import('../../api-types').Schemas['CohortCell']} Cell */

/**
 * @param {string | null} cohort
 * @param {Cell | undefined} cell
 * @param {number} i
 * @param {string} unit
 */
function cellView(cohort, cell, i, unit) {
  const v = cell?.retention;
  if (!finite(v)) return h('td', { class: 'cell heat-none' });
  const bucket = Math.min(6, Math.max(0, Math.round(v * 6)));
  const nrr = finite(cell?.netRevenueRetention) ? `, net revenue retention ${pct(cell.netRevenueRetention)}` : '';
  return h(
    'td',
    { class: `cell heat-${bucket}${bucket >= 4 ? ' dark' : ''}`, title: `${cohort}, ${unit} ${i}: ${pct(v)} still purchasing${nrr}` },
    Math.round(v * 100),
  );
}

/** @param {Cohorts} res */
export function cohortsPanel(res) {
  const cohorts = res.cohorts ?? [];
  if (!cohorts.length) return emptyState('No cohorts yet', 'Cohorts need clients with purchases over time.', HINTS.demo);
  const unit = res.period === 'quarter' ? 'quarter' : 'month';
  const u = unit === 'quarter' ? 'Q' : 'M';
  const n = Math.max(...cohorts.map((c) => c.cells.length));
  return [
    h(
      'div',
      { class: 'heat-wrap' },
      h(
        'table',
        { class: 'heat' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Cohort'),
            h('th', {}, 'Clients'),
            Array.from({ length: n }, (_, i) => h('th', {}, `${u}${i}`)),
          ),
        ),
        h(
          'tbody',
          {},
          cohorts.map((c) =>
            h(
              'tr',
              {},
              h('th', {}, c.cohort ?? '(none)'),
              h('td', { class: 'size' }, int(c.size)),
              Array.from({ length: n }, (_, i) => cellView(c.cohort, c.cells[i], i, unit)),
            ),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted small' },
      `Percent of each cohort with a purchase in the ${unit} since acquisition (${u}0 = the acquisition ${unit}).`,
    ),
  ];
}
