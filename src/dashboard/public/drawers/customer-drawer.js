// @ts-check
// The customer drawer, opened from the customers at risk and from the client tables: two halves
// that load and fail on their own. Risk and value from GET /v1/customers/{id}/score (scored as of
// the page's day), economics from GET /v1/clients/{id}/profitability over the recorded history.
import * as api from '../api/endpoints.js';
import { byId, fact, fill, h } from '../lib/dom.js';
import { date, finite, fixed, int, moneyFull, moneyShort, pct, useCurrency } from '../lib/format.js';
import { failure, HINTS } from '../lib/panel.js';
import { factorList } from './factors.js';

/** @typedef {import('../api/endpoints.js').CustomerScoreAnswer} ScoreAnswer */
/** @typedef {import('../api/endpoints.js').ClientProfitability} Economics */
/** @typedef {import('../lib/periods.js').AsOf} AsOf */

/** @param {string} segment */
export function rfmPill(segment) {
  const s = segment.toLowerCase();
  const cls = /champion|loyal/.test(s)
    ? 'pill-good'
    : /risk|cannot|can.t/.test(s)
      ? 'pill-bad'
      : /hibernat|lost|sleep/.test(s)
        ? 'pill-neutral'
        : /new|promising|potential/.test(s)
          ? 'pill-accent'
          : 'pill-warn';
  return h('span', { class: `pill ${cls}` }, segment.replace(/_/g, ' '));
}

/** @param {ScoreAnswer} res */
function scoreView(res) {
  useCurrency(res.currency);
  const sc = res.score;
  const horizon = res.clvModel ? ` (${res.clvModel.horizonMonths} months)` : '';
  return [
    h('h3', { class: 'muted small' }, `Risk and value (as of ${date(res.asOf)})`),
    h(
      'div',
      { class: 'facts' },
      fact('Churn risk', pct(sc.churnProbability), 'Probability of churning in the churn window (supervised churn model)'),
      fact('P(alive)', pct(sc.pAlive), 'Probability the customer is still buying (BG/NBD)'),
      fact(`CLV${horizon}`, moneyFull(sc.clv), 'Expected margin over the horizon, discounted (BG/NBD × Gamma-Gamma)'),
      fact('Expected purchases', fixed(sc.expectedPurchases, 1), 'Over the CLV horizon'),
      fact('Expected order value', moneyFull(sc.expectedSpend), 'Gamma-Gamma'),
      fact('RFM segment', sc.rfm ? rfmPill(sc.rfm.segment) : '—'),
    ),
    sc.notes.map((n) => h('p', { class: 'muted small' }, n)),
    sc.churnProbability === null && sc.pAlive === null ? h('p', { class: 'muted small' }, HINTS.customers) : null,
    sc.factors.length ? factorList(sc.factors, { positiveIsBad: true }) : null,
  ];
}

/** @type {Record<string, string>} */
const PAYBACK = { paid_back: 'paid back', not_yet: 'not yet paid back', no_acquisition_cost: 'no acquisition cost recorded' };

/** @param {Economics['client']} c */
function payback(c) {
  if (c.payback === 'paid_back' && finite(c.paybackMonths))
    return c.paybackMonths < 1 ? 'within a month' : `${fixed(c.paybackMonths, 1)} months`;
  return PAYBACK[c.payback] ?? c.payback;
}

/** @param {Economics} res */
function economicsView(res) {
  useCurrency(res.currency);
  const c = res.client;
  return [
    h('h3', { class: 'muted small' }, 'Economics (all recorded history)'),
    h(
      'div',
      { class: 'facts' },
      fact('Revenue', moneyFull(c.revenue)),
      fact(
        'Gross margin',
        h(
          'span',
          {},
          moneyFull(c.grossMargin),
          finite(c.grossMarginPct) ? h('span', { class: 'muted small' }, ` ${pct(c.grossMarginPct)}`) : null,
        ),
      ),
      fact('Cost to serve', moneyFull(c.costToServe), 'Service costs, order discounts, activities and sales effort'),
      fact(
        'Net profit',
        h('span', { class: c.netProfit < 0 ? 'neg' : '' }, moneyFull(c.netProfit)),
        'Revenue − cost of goods − cost to serve',
      ),
      fact(
        'Orders',
        h(
          'span',
          {},
          int(c.orders),
          finite(c.averageOrderValue) ? h('span', { class: 'muted small' }, ` · avg ${moneyShort(c.averageOrderValue)}`) : null,
        ),
      ),
      fact('Payback', payback(c)),
    ),
    h('p', { class: 'muted small' }, `First purchase ${date(c.firstPurchase)}, last ${date(c.lastPurchase)}.`),
  ];
}

/**
 * Opens the drawer for a customer.
 * @param {{ id: string, name: string, sub?: string }} who
 * @param {AsOf} asOf
 */
export async function openCustomerDrawer(who, asOf) {
  const dialog = byId('customer-dialog', HTMLDialogElement);
  const scoreBox = h(
    'div',
    { class: 'drawer-section', dataset: { part: 'score' } },
    h('p', { class: 'muted small loading' }, 'Loading scores…'),
  );
  const econBox = h(
    'div',
    { class: 'drawer-section', dataset: { part: 'economics' } },
    h('p', { class: 'muted small loading' }, 'Loading economics…'),
  );
  fill(
    /** @type {HTMLElement} */ (dialog.querySelector('[data-slot="body"]')),
    h('h2', { id: 'customer-title' }, who.name),
    h('div', { class: 'sub' }, [who.id, who.sub].filter(Boolean).join(' · ')),
    scoreBox,
    econBox,
  );
  if (!dialog.open) dialog.showModal();
  await Promise.all([
    api
      .customerScore(who.id, { asOf: asOf.day })
      .then((res) => fill(scoreBox, scoreView(res)))
      .catch((e) => fill(scoreBox, failure(e, { untrained: HINTS.customers, empty: 'This customer is not in the database.' }))),
    api
      .clientProfitability(who.id, {})
      .then((res) => fill(econBox, economicsView(res)))
      .catch((e) => fill(econBox, failure(e, { empty: 'No orders or costs recorded for this client.' }))),
  ]);
}
