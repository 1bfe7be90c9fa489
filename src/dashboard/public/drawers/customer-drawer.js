// @ts-check
// The customer drawer, opened from the customers at risk and from the client tables: two halves
// that load and fail on their own. Risk and value from GET /v1/customers/{id}/score (scored as of
// the page's day), economics from GET /v1/clients/{id}/profitability over the recorded history.
import * as api from '../api/endpoints.js';
import { paybackChart } from '../charts/payback-chart.js';
import { byId, fact, fill, h } from '../lib/dom.js';
import { date, finite, fixed, int, moneyFull, moneyShort, monthYear, pct, useCurrency } from '../lib/format.js';
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

const LOST_LIKE = /lost|hibernat|sleep|risk|cannot|can.t/i;

/**
 * What each of the three figures answers, and, when they disagree, why: P(alive) and the RFM
 * segment look at purchase timing only; the churn model also weighs support, activity and the
 * account, and predicts a defined event in a defined window.
 * @param {ScoreAnswer} res
 */
function threeMeasures(res) {
  const sc = res.score;
  const m = res.churnModel;
  const event = m?.labelMode === 'no-purchase' ? 'places no order' : 'is marked as churned';
  const lostLike = sc.rfm ? LOST_LIKE.test(sc.rfm.segment) : false;
  const rfm = sc.rfm ? `RFM "${sc.rfm.segment.replace(/_/g, ' ')}"` : null;
  const aliveLow = finite(sc.pAlive) && sc.pAlive < 0.5;
  const aliveHigh = finite(sc.pAlive) && sc.pAlive >= 0.7;
  const churnLow = finite(sc.churnProbability) && sc.churnProbability < 0.3;
  const churnHigh = finite(sc.churnProbability) && sc.churnProbability >= 0.5;
  const lowering = sc.factors.find((f) => f.effect < 0);
  const raising = sc.factors.find((f) => f.effect > 0);
  /** @type {string | null} */
  let why = null;
  if (churnLow && (aliveLow || lostLike))
    why = `Here they disagree: purchase timing alone (P(alive) ${pct(sc.pAlive)}${rfm ? `, ${rfm}` : ''}) looks like a customer who has stopped buying, while the churn model${lowering ? `, which also sees "${lowering.text}",` : ''} puts the risk at ${pct(sc.churnProbability)}.`;
  else if (churnHigh && aliveHigh)
    why = `Here they disagree: the purchase rhythm looks normal (P(alive) ${pct(sc.pAlive)}), but the churn model${raising ? ` sees "${raising.text}" and` : ''} puts the risk at ${pct(sc.churnProbability)}.`;
  else if (lostLike && aliveHigh)
    why = `Here they disagree: the ${rfm} ranks the customer among the least recent buyers of all, but for a customer who buys as rarely as this one, the time since the last order is not unusual (P(alive) ${pct(sc.pAlive)}).`;
  const disagree = why !== null;
  return h(
    'details',
    { class: 'measures', open: disagree || undefined, 'data-testid': 'three-measures' },
    h('summary', {}, disagree ? 'Why the three risk figures disagree' : 'What each risk figure measures'),
    why ? h('p', { class: 'small' }, why) : null,
    h(
      'ul',
      { class: 'small' },
      h(
        'li',
        {},
        h('b', {}, 'Churn risk'),
        m && finite(m.windowDays)
          ? `: the churn model's probability that the customer ${event} within the next ${m.windowDays} days, learned from how past customers behaved before they left (orders, support costs, activity, account data).`
          : ': the churn model’s probability of churning (no churn model is active).',
      ),
      h(
        'li',
        {},
        h('b', {}, 'P(alive)'),
        ': the chance the customer is still buying at all, from purchase timing only (BG/NBD: how often and how recently they bought). It does not see support, activity or the account, so a customer who buys rarely and not lately scores low even when nothing else is wrong.',
      ),
      h(
        'li',
        {},
        h('b', {}, 'RFM segment'),
        ': a rank, not a probability: recency, frequency and money spent, each scored 1-5 against the other customers. "Lost" or "hibernating" means among the least recent buyers.',
      ),
    ),
  );
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
    threeMeasures(res),
    sc.notes.map((n) => h('p', { class: 'muted small' }, n)),
    sc.churnProbability === null && sc.pAlive === null ? h('p', { class: 'muted small' }, HINTS.customers) : null,
    sc.factors.length ? factorList(sc.factors, { positiveIsBad: true }) : null,
  ];
}

/** The payback in a word or two (the drawer's figure). @param {Economics['client']} c */
function paybackShort(c) {
  if (c.payback === 'paid_back') return c.paybackMonths === 0 ? 'month 0' : `month ${int(c.paybackMonths)}`;
  if (c.payback === 'not_yet') return 'not yet';
  if (c.payback === 'acquired_before_history') return 'unknown';
  return 'no cost known';
}

/**
 * The payback in words: the month it turned positive, or why there is none.
 * @param {Economics['client']} c
 */
function payback(c) {
  const curve = c.paybackCurve ?? [];
  const last = curve[curve.length - 1];
  switch (c.payback) {
    case 'paid_back':
      return c.paybackMonths === 0
        ? 'Paid back in the month of acquisition.'
        : `Paid back in month ${int(c.paybackMonths)} after acquisition${last ? ` (${monthYear(`${last.calendarMonth}-01`)})` : ''}.`;
    case 'not_yet':
      return last ? `Not paid back yet: ${moneyFull(-last.balance)} to go after ${int(last.month + 1)} months.` : 'Not paid back yet.';
    case 'acquired_before_history':
      return `Payback unknown: acquired ${monthYear(c.acquiredAt)}, before the order history begins, so the margin of its first months was never recorded.`;
    default:
      return 'No acquisition cost is known for this client (neither its own nor its campaign’s), so there is no payback to count.';
  }
}

/** @param {Economics['client']} c */
function acquisitionCost(c) {
  if (!finite(c.acquisitionCost)) return 'not known';
  const from = c.acquisitionCostSource === 'campaign' ? "its campaign's cost per acquired client" : "the account's own figure";
  return h('span', { title: `Acquisition cost: ${from}` }, moneyFull(c.acquisitionCost), h('span', { class: 'muted small' }, ` · ${from}`));
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
      fact('Acquisition cost', acquisitionCost(c), 'What it cost to win the client'),
      fact(
        'Payback',
        paybackShort(c),
        'Months from the acquisition month until cumulative net profit (margin after cost to serve) covers the acquisition cost',
      ),
    ),
    h('p', { class: 'small', dataset: { figure: 'payback' } }, payback(c)),
    c.paybackCurve && c.paybackCurve.length > 1 ? paybackChart(c.paybackCurve) : null,
    h(
      'p',
      { class: 'muted small' },
      `Acquired ${date(c.acquiredAt)}; first recorded purchase ${date(c.firstPurchase)}, last ${date(c.lastPurchase)}.`,
    ),
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
