// @ts-check
// Campaign ROI within the attribution window: what each campaign cost, the clients it acquired and
// how many bought again, the margin of the orders it can be credited with (within the window after
// its touch) and the ROI and payback that follow. Attribution credits what a campaign touched, not
// what it caused: the campaign-effect panel compares target lists with similar accounts.
import { h } from '../lib/dom.js';
import { finite, int, moneyShort, pct, sentence } from '../lib/format.js';
import { emptyState } from '../lib/panel.js';
import { sortableTable } from '../lib/table.js';

/** @typedef {import('../api/endpoints.js').Campaigns} Campaigns */
/** @typedef {Campaigns['rows'][number]} Row */

/** @param {Row} r */
function payback(r) {
  if (r.payback === 'paid_back') return r.paybackMonths === 0 ? 'month 0' : `${int(r.paybackMonths)} months`;
  if (r.payback === 'not_yet') return 'not yet';
  if (r.payback === 'acquired_before_history') return 'before records';
  return 'no cost';
}

/** @param {Campaigns} res */
export function campaignsPanel(res) {
  if (!res.rows.length) return emptyState('No campaigns', ...res.notes.map(sentence));
  /** @type {import('../lib/table.js').Column<Row>[]} */
  const columns = [
    {
      key: 'name',
      label: 'Campaign',
      get: (r) => r.name,
      render: (r) => h('div', {}, h('div', { class: 'cell-main' }, r.name), h('div', { class: 'cell-sub' }, r.channel ?? 'no channel')),
    },
    { key: 'cost', label: 'Cost', num: true, get: (r) => r.cost, render: (r) => moneyShort(r.cost) },
    {
      key: 'acquired',
      label: 'Acquired',
      num: true,
      title: 'Clients the campaign acquired; of them, how many ordered again within the window',
      get: (r) => r.accountsAcquired,
      render: (r) => (r.accountsAcquired ? `${int(r.accountsAcquired)} · ${int(r.loyalClients)} loyal` : '—'),
    },
    {
      key: 'cpa',
      label: 'Cost per client',
      num: true,
      title: 'Cost ÷ clients acquired',
      get: (r) => r.acquisitionCostPerAccount,
      render: (r) => moneyShort(r.acquisitionCostPerAccount),
    },
    {
      key: 'margin',
      label: 'Attributed margin',
      num: true,
      title: `Revenue − cost of goods of the orders credited to the campaign, within ${res.windowDays} days of its touch`,
      get: (r) => r.attributedMargin,
      render: (r) => moneyShort(r.attributedMargin),
    },
    {
      key: 'roi',
      label: 'ROI',
      num: true,
      title: '(Attributed margin − cost) ÷ cost',
      get: (r) => r.roi,
      render: (r) => h('span', { class: finite(r.roi) && r.roi < 0 ? 'neg' : '' }, pct(r.roi)),
    },
    {
      key: 'payback',
      label: 'Payback',
      num: true,
      title: "Months from the campaign's start until its attributed margin covers its cost",
      get: (r) => (r.payback === 'paid_back' ? r.paybackMonths : null),
      render: payback,
    },
  ];
  const t = res.totals;
  return [
    h('div', { class: 'table-wrap' }, sortableTable(res.rows, columns, { initial: { key: 'roi', desc: true }, label: 'Campaigns' })),
    h(
      'p',
      { class: 'muted small' },
      `In all: ${moneyShort(t.cost)} spent, ${int(t.accountsAcquired)} clients acquired at ${moneyShort(t.acquisitionCostPerAccount)} each, ROI ${pct(t.roi)}. An order counts for a campaign only within ${int(res.windowDays)} days of its touch (the deal it sourced, or the client's acquisition): what a campaign touched, not what it caused — see the campaign effect below.`,
    ),
    res.notes.map((n) => h('p', { class: 'muted small' }, sentence(n))),
  ];
}
