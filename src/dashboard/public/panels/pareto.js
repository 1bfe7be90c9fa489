// @ts-check
// Profit concentration: the cumulative share of net profit (solid) and of revenue (dashed) against
// the share of clients, most profitable first, with the headline figures above it.
import { paretoChart } from '../charts/pareto-chart.js';
import { h, stat } from '../lib/dom.js';
import { date, finite, int, moneyShort, pct, useCurrency } from '../lib/format.js';
import { emptyState, HINTS } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').Pareto} Pareto */

/** @param {Pareto} res */
export function paretoPanel(res) {
  useCurrency(res.currency);
  if (!res.curve.length || !res.clients)
    return emptyState('No client economics yet', 'Profitability needs orders (revenue and cost of goods) per client.', HINTS.demo);
  const peak = res.peakProfitShare;
  const through = res.period.to ? ` to ${date(res.period.to)}` : '';
  return [
    h(
      'div',
      { class: 'stat-row' },
      stat('Clients', int(res.clients), `Clients with orders or costs in the recorded history${through}`),
      stat('Net profit', moneyShort(res.totalProfit), 'Revenue − cost of goods − cost to serve, summed over these clients'),
      stat(
        'Top 20% share of profit',
        pct(res.top20.profitShare),
        `The ${int(res.top20.clients)} most profitable clients' share of the net profit`,
      ),
      finite(res.top20.revenueShare)
        ? stat('Top 20% share of revenue', pct(res.top20.revenueShare), 'The same clients\u2019 share of revenue')
        : null,
      finite(peak) && peak > 1.001
        ? stat(
            'Profit before the destroyers',
            pct(peak),
            'The peak of the curve: the profitable clients earn this share of the total, the rest destroy the difference',
          )
        : null,
      stat('Profit destroyers', int(res.destroyerCount), 'Clients whose net profit is negative: their cost to serve exceeds their margin'),
    ),
    paretoChart(res.curve),
    h(
      'div',
      { class: 'legend' },
      h('span', {}, h('i', { class: 'sw sw-model' }), 'Net profit'),
      h('span', {}, h('i', { class: 'sw sw-stage' }), 'Revenue'),
    ),
  ];
}
