// @ts-check
// Pipeline changes between the two latest forecast snapshots: the open pipeline due to close in
// the earlier snapshot's period (full amounts of the deals whose expected close date falls in it),
// then and now, as a waterfall (new, pulled in, amount changes, pushed out, won, lost), and the
// deals that moved it most.
import { COLORS } from '../charts/svg.js';
import { waterfallChart } from '../charts/waterfall-chart.js';
import { h } from '../lib/dom.js';
import { date, moneyShort, moneySigned, plural, useCurrency } from '../lib/format.js';
import { periodLabel } from '../lib/periods.js';

/** @typedef {import('../api/endpoints.js').PipelineChanges} Changes */
/** @typedef {Changes['steps'][number]['kind']} Kind */

/** @type {Record<Kind, { label: string, pill: string }>} */
const KINDS = {
  new: { label: 'New', pill: 'pill-good' },
  pulled_in: { label: 'Pulled in', pill: 'pill-good' },
  amount_change: { label: 'Amount', pill: 'pill-neutral' },
  pushed_out: { label: 'Pushed out', pill: 'pill-warn' },
  won: { label: 'Won', pill: 'pill-accent' },
  lost: { label: 'Lost', pill: 'pill-bad' },
};
/** @type {Kind[]} */
const ORDER = ['new', 'pulled_in', 'amount_change', 'pushed_out', 'won', 'lost'];

/** @param {Changes} res */
function waterfall(res) {
  const steps = new Map(res.steps.map((x) => [x.kind, x]));
  const period = periodLabel(res.from.period);
  return waterfallChart([
    {
      label: date(res.from.asOf),
      sub: 'due in period',
      value: res.start,
      total: true,
      title: `Open pipeline due to close in ${period}, as of ${date(res.from.asOf)}: ${moneyShort(res.start)}`,
    },
    ...ORDER.map((k) => {
      const st = steps.get(k) ?? { deals: 0, amount: 0 };
      // Won deals leave the open pipeline too, but for the best reason: not drawn as a loss.
      return {
        label: KINDS[k].label,
        sub: plural(st.deals, 'deal'),
        value: st.amount,
        color: k === 'won' ? COLORS.accent : undefined,
        title: `${KINDS[k].label}: ${plural(st.deals, 'deal')}, ${moneySigned(st.amount)}`,
      };
    }),
    {
      label: date(res.to.asOf),
      sub: 'due in period',
      value: res.end,
      total: true,
      title: `The same period's open pipeline as of ${date(res.to.asOf)}: ${moneyShort(res.end)}`,
    },
  ]);
}

/** @param {Changes['changes'][number]} c */
function stageMove(c) {
  const a = c.from?.stage;
  const b = c.to?.stage;
  if (a && b && a !== b) return `${a} → ${b}`;
  return a ?? b ?? '';
}

/** @param {Changes} res */
function largest(res) {
  const changes = [...res.changes].sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta)).slice(0, 8);
  if (!changes.length) return null;
  const kindOf = (/** @type {string} */ k) => KINDS[/** @type {Kind} */ (k)] ?? { label: k, pill: 'pill-neutral' };
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'Largest changes'), h('th', {}, 'Change'), h('th', {}, 'Stage'), h('th', { class: 'num' }, 'Effect')),
      ),
      h(
        'tbody',
        {},
        changes.map((c) =>
          h(
            'tr',
            {},
            h(
              'td',
              {},
              h('div', { class: 'cell-main' }, c.name ?? c.externalId ?? '—'),
              c.name ? h('div', { class: 'cell-sub' }, c.externalId) : null,
            ),
            h('td', {}, h('span', { class: `pill ${kindOf(c.kind).pill}` }, kindOf(c.kind).label)),
            h('td', { class: 'muted' }, stageMove(c)),
            h('td', { class: `num ${c.delta < 0 && c.kind !== 'won' ? 'neg' : ''}` }, moneySigned(c.delta)),
          ),
        ),
      ),
    ),
  );
}

/** @param {Changes} res */
export function changesPanel(res) {
  useCurrency(res.currency);
  const delta = res.end - res.start;
  const period = periodLabel(res.from.period);
  return [
    h(
      'p',
      { class: 'muted small', dataset: { figure: 'due-in-period' } },
      `Open pipeline due to close in ${period} (the full amount of the open deals whose expected close date is in it): ${moneyShort(res.start)} on ${date(res.from.asOf)}, ${moneyShort(res.end)} on ${date(res.to.asOf)} (`,
      h('strong', { class: delta < 0 ? 'neg' : '' }, moneySigned(delta)),
      '). The open pipeline KPI above counts the same deals as of today.',
    ),
    h('div', { class: 'chart-wrap' }, waterfall(res)),
    largest(res),
    h(
      'p',
      { class: 'muted small' },
      'Snapshots are stored by ',
      h('code', {}, 'npx salescast forecast snapshot'),
      ' (run it weekly from cron); this compares the two latest.',
    ),
  ];
}
