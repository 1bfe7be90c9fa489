// @ts-check
// Open deals: the latest stored score of each (written by `npx salescast score deals`), largest
// first, with the account, the rep and the top reason behind the score. Click a deal for its drawer.
import { openDealDrawer } from '../drawers/deal-drawer.js';
import { fill, h } from '../lib/dom.js';
import { date, finite, int, moneyFull, pct, useCurrency } from '../lib/format.js';
import { emptyState, cmd, headSlot } from '../lib/panel.js';
import { sortableTable } from '../lib/table.js';
import { reason } from '../drawers/factors.js';

/** @typedef {import('../api/endpoints.js').DealScorePage} Page */
/** @typedef {import('../api/endpoints.js').StoredDealScore} Deal */
/** @typedef {import('../lib/periods.js').AsOf} AsOf */

const SHOWN = 200;

/** @param {number} p */
export function probBar(p, risk = false) {
  const bar = h('span', { class: `bar-fill${risk ? ' risk' : ''}` });
  bar.style.width = `${Math.round(Math.max(0, Math.min(1, p)) * 100)}%`;
  return h('span', { class: 'bar' }, pct(p), h('span', { class: 'bar-track' }, bar));
}

/** @param {number | null} p */
function slipPill(p) {
  if (!finite(p)) return h('span', { class: 'muted' }, '—');
  return h('span', { class: `pill ${p >= 0.6 ? 'pill-bad' : p >= 0.35 ? 'pill-warn' : 'pill-good'}` }, pct(p));
}

/**
 * Open stages in rough funnel order (by their deals' mean win probability), for the what-if form.
 * @param {Deal[]} rows
 */
export function pipelineStages(rows) {
  /** @type {Map<string, { n: number, sum: number }>} */
  const by = new Map();
  for (const r of rows) {
    const s = by.get(r.stage) ?? { n: 0, sum: 0 };
    s.n += 1;
    s.sum += r.winProbability;
    by.set(r.stage, s);
  }
  return [...by.entries()].sort((a, b) => a[1].sum / a[1].n - b[1].sum / b[1].n).map(([stage]) => stage);
}

/** @returns {import('../lib/table.js').Column<Deal>[]} */
function columns() {
  return [
    {
      key: 'name',
      label: 'Deal',
      get: (r) => r.name ?? r.externalId,
      render: (r) => h('div', { class: 'cell-main deal-name', title: r.name ?? '' }, r.name ?? r.externalId),
    },
    {
      key: 'account',
      label: 'Account',
      cls: 'nowrap',
      get: (r) => r.account?.name,
      render: (r) => r.account?.name ?? h('span', { class: 'muted' }, 'not recorded'),
    },
    { key: 'rep', label: 'Rep', cls: 'nowrap', get: (r) => r.rep, render: (r) => r.rep ?? h('span', { class: 'muted' }, 'not recorded') },
    { key: 'stage', label: 'Stage', get: (r) => r.stage, render: (r) => h('span', { class: 'pill pill-neutral' }, r.stage) },
    { key: 'amount', label: 'Amount', num: true, get: (r) => r.amount.amount, render: (r) => moneyFull(r.amount.amount) },
    {
      key: 'win',
      label: 'Win probability',
      num: true,
      title: 'Calibrated: of deals given 70%, about seven in ten are won',
      get: (r) => r.winProbability,
      render: (r) => probBar(r.winProbability),
    },
    { key: 'close', label: 'Expected close', cls: 'nowrap', get: (r) => r.expectedCloseAt, render: (r) => date(r.expectedCloseAt) },
    {
      key: 'slip',
      label: 'Slip risk',
      num: true,
      title: 'Probability of closing after the expected close period (green below 35%, amber below 60%, red above)',
      get: (r) => r.slipProbability,
      render: (r) => slipPill(r.slipProbability),
    },
    {
      key: 'reason',
      label: 'Top reason',
      sortable: false,
      title: 'The strongest factor behind the score; click the deal for all of them',
      get: () => 0,
      render: (r) => reason(r.topFactor),
    },
  ];
}

/**
 * @param {Page} page the stored scores, largest first
 * @param {AsOf} asOf
 */
export function dealsPanel(page, asOf) {
  const rows = page.items.slice(0, SHOWN);
  if (!rows.length)
    return emptyState(
      'No scored open deals',
      cmd('Deal scores are stored by a batch job: run', 'npx salescast score deals'),
      'With no trained model it scores from stage win rates; train one first for calibrated scores and reasons.',
    );
  useCurrency(rows[0].amount.currency);
  const scoredAt = rows
    .map((r) => r.scoredAt)
    .sort()
    .pop();
  const total = page.page.total;
  fill(
    headSlot('panel-deals', 'tools'),
    h(
      'span',
      { class: 'muted small' },
      `${total > rows.length ? `${int(rows.length)} largest of ${int(total)}` : int(rows.length)} open deals · scored ${date(scoredAt)}`,
    ),
  );
  const stages = pipelineStages(page.items);
  return [
    rows.some((r) => r.fallback)
      ? h(
          'p',
          { class: 'muted small' },
          'Some scores come from the stage baseline because no trained deal-win model was active when they were stored: ',
          h('code', {}, 'npx salescast train win'),
        )
      : null,
    sortableTable(rows, columns(), {
      initial: { key: 'amount', desc: true },
      onRow: (r) => openDealDrawer(r, { asOf, stages }),
      label: 'Open deals',
    }),
  ];
}
