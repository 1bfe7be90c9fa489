// @ts-check
// New-client vs existing-client business over the deals closed in the last 12 months: win rate
// (with its 95% interval), cycle, activities per won deal, deal size and bookings for each, the
// win-rate difference with its interval and test, and the split of order revenue.
import { fact, h } from '../lib/dom.js';
import { finite, fixed, int, moneyShort, pct, sentence } from '../lib/format.js';
import { emptyState, HINTS } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').NewVsExisting} NewVsExisting */
/** @typedef {NewVsExisting['deals'][number]} Figures */

/** @param {number | null | undefined} v */
const points = (v) => (finite(v) ? `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v * 100).toFixed(1)} pts` : '—');

/**
 * @param {Figures} f
 * @param {string} title
 * @param {NewVsExisting['orders']} orders
 */
function side(f, title, orders) {
  const o = orders?.find((x) => x.business === f.business);
  const wr = f.winRate;
  return h(
    'div',
    { class: 'business', dataset: { business: f.business } },
    h('h3', {}, title),
    h(
      'div',
      { class: 'facts' },
      fact('Deals closed', int(f.won + f.lost), 'Won or lost in the period'),
      fact(
        'Win rate',
        h(
          'span',
          {},
          pct(wr.estimate, 1),
          finite(wr.lo) && finite(wr.hi) ? h('span', { class: 'muted small' }, ` ${pct(wr.lo)}–${pct(wr.hi)}`) : null,
        ),
        'Won ÷ (won + lost), with its 95% Wilson interval',
      ),
      fact(
        'Cycle',
        finite(f.averageCycleDays) ? `${fixed(f.averageCycleDays, 0)} days` : '—',
        'Days from creation to close of the won deals',
      ),
      fact(
        'Contacts per win',
        finite(f.activitiesPerWonDeal) ? fixed(f.activitiesPerWonDeal, 1) : 'not logged',
        'Activities (calls, emails, meetings, demos) logged on the won deals ÷ won deals',
      ),
      fact('Avg won deal', moneyShort(f.averageWonDealSize)),
      fact('Bookings won', moneyShort(f.wonAmount)),
      o
        ? fact(
            'Order revenue',
            h('span', {}, moneyShort(o.revenue), h('span', { class: 'muted small' }, ` ${pct(o.share)} of all`)),
            'Orders in the 12 months',
          )
        : null,
    ),
  );
}

/**
 * @param {NewVsExisting} res
 * @param {boolean} [allHistory] no deal closed in the last 12 months: the answer covers every closed deal
 */
export function newVsExistingPanel(res, allHistory = false) {
  const [nw, ex] = res.deals;
  if (!nw || !ex || nw.deals + ex.deals === 0) return emptyState('No closed deals', ...res.notes, HINTS.demo);
  const d = res.winRateDifference;
  const significant = finite(d.pValue) && d.pValue < 0.05;
  return [
    allHistory
      ? h(
          'p',
          { class: 'small', dataset: { figure: 'scope' } },
          'No deal closed in the last 12 months, so these figures cover every deal closed in the records.',
        )
      : null,
    h(
      'p',
      { class: 'muted small', title: res.definition },
      'New-client business: the account had not bought, won a deal or been acquired before the deal was created. Hover for the full definition.',
    ),
    h('div', { class: 'split' }, side(nw, 'New clients', res.orders), side(ex, 'Existing clients', res.orders)),
    h(
      'p',
      { class: 'small', dataset: { figure: 'win-rate-difference' } },
      `Win rate, existing minus new: ${points(d.difference)}`,
      finite(d.lo) && finite(d.hi) ? ` (95% interval ${points(d.lo)} to ${points(d.hi)})` : '',
      significant ? ': not luck (p < 0.05).' : ': could be luck.',
    ),
    res.notes.map((n) => h('p', { class: 'muted small' }, sentence(n))),
  ];
}
