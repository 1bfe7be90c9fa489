// @ts-check
// The most profitable clients and the worst profit destroyers (net profit after cost of goods and
// cost to serve). Click a client for its drawer.
import { openCustomerDrawer } from '../drawers/customer-drawer.js';
import { h } from '../lib/dom.js';
import { finite, moneyShort, pct, useCurrency } from '../lib/format.js';
import { emptyState, HINTS } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').Profitability} Profitability */
/** @typedef {import('../api/endpoints.js').Pareto} Pareto */
/** @typedef {import('../lib/periods.js').AsOf} AsOf */
/** @typedef {{ accountId: string, name: string, revenue: number, netProfit: number, netMarginPct?: number | null }} Client */

/**
 * @param {Client[]} rows
 * @param {string} title
 * @param {string} empty
 * @param {AsOf} asOf
 */
function mini(rows, title, empty, asOf) {
  if (!rows.length) return h('div', {}, h('h3', {}, title), h('p', { class: 'muted small' }, empty));
  return h(
    'div',
    {},
    h('h3', {}, title),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Client'), h('th', { class: 'num' }, 'Revenue'), h('th', { class: 'num' }, 'Net profit'))),
        h(
          'tbody',
          {},
          rows.map((r) => {
            const open = () => openCustomerDrawer({ id: r.accountId, name: r.name }, asOf);
            return h(
              'tr',
              {
                class: 'clickable',
                tabindex: 0,
                onclick: open,
                onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === 'Enter' && open(),
              },
              h(
                'td',
                {},
                h('div', { class: 'cell-main' }, r.name),
                finite(r.netMarginPct) ? h('div', { class: 'cell-sub' }, `net margin ${pct(r.netMarginPct)}`) : null,
              ),
              h('td', { class: 'num' }, moneyShort(r.revenue)),
              h('td', { class: `num ${r.netProfit < 0 ? 'neg' : ''}` }, moneyShort(r.netProfit)),
            );
          }),
        ),
      ),
    ),
  );
}

/**
 * @param {Profitability | null} top
 * @param {Pareto | null} pareto
 * @param {AsOf} asOf
 */
export function clientsPanel(top, pareto, asOf) {
  if (top) useCurrency(top.currency);
  const best = (top?.rows ?? []).slice(0, 8);
  const worst = (pareto?.destroyers ?? []).slice(0, 8);
  if (!best.length && !worst.length) return emptyState('No client economics yet', HINTS.demo);
  return h(
    'div',
    { class: 'split' },
    mini(best, 'Most profitable', 'No clients.', asOf),
    mini(worst, 'Destroying profit', 'No client loses money: every client covers its cost to serve.', asOf),
  );
}
