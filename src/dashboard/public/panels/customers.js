// @ts-check
// Customers at risk: the stored customer scores (written by `npx salescast score customers`),
// highest churn probability first, with P(alive), lifetime value and the top reason. Customers
// already churned are history, not risk, and are left out.
import { openCustomerDrawer, rfmPill } from '../drawers/customer-drawer.js';
import { reason } from '../drawers/factors.js';
import { h } from '../lib/dom.js';
import { moneyFull, pct } from '../lib/format.js';
import { emptyState, HINTS } from '../lib/panel.js';
import { sortableTable } from '../lib/table.js';
import { probBar } from './deals.js';

/** @typedef {import('../api/endpoints.js').CustomerScorePage} Page */
/** @typedef {import('../api/endpoints.js').StoredCustomerScore} Customer */
/** @typedef {import('../lib/periods.js').AsOf} AsOf */

/** @returns {import('../lib/table.js').Column<Customer>[]} */
function columns() {
  return [
    {
      key: 'name',
      label: 'Customer',
      get: (r) => r.name,
      render: (r) => [h('div', { class: 'cell-main' }, r.name), r.segment ? h('div', { class: 'cell-sub' }, r.segment) : null],
    },
    {
      key: 'churn',
      label: 'Churn risk',
      num: true,
      title: 'Probability of churning in the churn window (supervised churn model)',
      get: (r) => r.churnProbability,
      render: (r) => (r.churnProbability === null ? '—' : probBar(r.churnProbability, true)),
    },
    {
      key: 'alive',
      label: 'P(alive)',
      num: true,
      title: 'Probability the customer still buys (BG/NBD)',
      get: (r) => r.pAlive,
      render: (r) => pct(r.pAlive),
    },
    {
      key: 'clv',
      label: 'CLV',
      num: true,
      title: 'Lifetime value over the model horizon, discounted (BG/NBD × Gamma-Gamma)',
      get: (r) => r.clv?.amount,
      render: (r) => moneyFull(r.clv?.amount),
    },
    { key: 'rfm', label: 'RFM segment', get: (r) => r.rfmSegment, render: (r) => (r.rfmSegment ? rfmPill(r.rfmSegment) : '—') },
    {
      key: 'reason',
      label: 'Top reason',
      sortable: false,
      title: 'The strongest factor behind the churn risk (red raises it)',
      get: () => 0,
      render: (r) => reason(r.topFactor, { positiveIsBad: true }),
    },
  ];
}

/**
 * @param {Page} page
 * @param {AsOf} asOf
 */
export function customersPanel(page, asOf) {
  if (!page.items.length) return emptyState('No customer scores yet', HINTS.customers);
  const rows = page.items.filter((r) => (r.churnProbability !== null || r.pAlive !== null) && r.status !== 'churned');
  if (!rows.length) return emptyState('Customers are not scored yet', HINTS.customers);
  const hasChurn = rows.some((r) => r.churnProbability !== null);
  return sortableTable(rows, columns(), {
    initial: hasChurn ? { key: 'churn', desc: true } : { key: 'alive', desc: false },
    onRow: (r) => openCustomerDrawer({ id: r.externalId, name: r.name, sub: [r.segment, r.status].filter(Boolean).join(' · ') }, asOf),
    label: 'Customers at risk',
  });
}
