// @ts-check
// Cohort retention: one row per acquisition quarter, each cell the share of the cohort with a
// purchase in the nth quarter since acquisition (Q0 = the acquisition quarter), darker for higher.
// Only clients acquired once the order history had begun are shown (the API leaves the others out
// and says how many): a cohort acquired before it would start late and climb, which reads as
// retention improving with age. A cell counts the clients that could be seen in it.
import { h } from '../lib/dom.js';
import { finite, int, monthYear, pct } from '../lib/format.js';
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
  if (!cell?.observed || !finite(v))
    return h('td', { class: 'cell heat-none', title: `${cohort}, ${unit} ${i}: not observed (outside the order history)` });
  const bucket = Math.min(6, Math.max(0, Math.round(v * 6)));
  const nrr = finite(cell.netRevenueRetention) ? `, net revenue retention ${pct(cell.netRevenueRetention)}` : '';
  return h(
    'td',
    {
      class: `cell heat-${bucket}${bucket >= 4 ? ' dark' : ''}`,
      title: `${cohort}, ${unit} ${i}: ${int(cell.activeClients)} of ${int(cell.eligibleClients)} clients purchasing (${pct(v)})${nrr}`,
    },
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
      `Percent of each cohort with a purchase in the ${unit} since acquisition (${u}0 = the acquisition ${unit}), counting only the clients that could be seen in it: a cohort's latest ${unit}s are blank until they happen.`,
    ),
    res.leftOut && res.leftOut.clients > 0 && res.history
      ? h(
          'p',
          { class: 'muted small', 'data-testid': 'cohorts-left-out' },
          `${int(res.leftOut.clients)} clients acquired before the order history begins (${monthYear(res.history.from)}) are not shown: their first ${unit}s were not recorded, so their retention would start late and climb.`,
        )
      : null,
  ];
}
