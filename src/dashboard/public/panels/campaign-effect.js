// @ts-check
// Campaign effect against a control group: for each campaign with a target list, the targeted
// accounts against similar accounts it did not target (same segment, region, customer or not, and
// recent purchases), over the window after its start. Revenue per account: the difference with
// its interval on a shared scale; conversion: the difference in the share that won a deal; the
// sentence the API gives; the naive (unmatched) difference on hover to show what matching changed.
import { intervalChart } from '../charts/interval-chart.js';
import { h } from '../lib/dom.js';
import { finite, int, moneyShort, pct, sentence } from '../lib/format.js';
import { emptyState } from '../lib/panel.js';

/** @typedef {import('../api/endpoints.js').CampaignEffect} CampaignEffect */
/** @typedef {CampaignEffect['campaigns'][number]} Row */

/** @param {number | null | undefined} v */
const points = (v) => (finite(v) ? `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v * 100).toFixed(1)} pts` : '—');
/** @param {number | null | undefined} v */
const pValue = (v) => (finite(v) ? (v < 0.001 ? '< 0.001' : v.toFixed(3)) : '—');

/** @param {CampaignEffect} res */
export function campaignEffectPanel(res) {
  if (!res.campaigns.length) return emptyState('No campaign to compare', ...res.notes.map(sentence));
  const max = Math.max(
    1,
    ...res.campaigns.flatMap((c) =>
      [c.revenue.lo, c.revenue.hi, c.revenue.difference].filter(finite).map((v) => Math.abs(/** @type {number} */ (v))),
    ),
  );
  const rows = res.campaigns.map((c) =>
    h(
      'tr',
      { title: c.verdict },
      h(
        'td',
        {},
        h('div', { class: 'cell-main' }, c.name),
        h(
          'div',
          { class: 'cell-sub' },
          `${int(c.matched.targeted)} of ${int(c.targets)} targets matched · ${int(c.matched.controls)} controls`,
        ),
      ),
      h(
        'td',
        { class: 'num', title: `Naive difference (all targets − all others): ${moneyShort(c.revenue.naiveDifference)}` },
        moneyShort(c.revenue.difference),
      ),
      h(
        'td',
        {},
        intervalChart({ estimate: c.revenue.difference, lo: c.revenue.lo, hi: c.revenue.hi }, max, {
          label: 'Revenue per account, targeted − similar',
        }),
      ),
      h('td', { class: 'num', title: 'Holm-adjusted over the campaigns shown' }, pValue(c.revenue.adjustedPValue)),
      h('td', { class: 'num', title: 'Share that won a deal created in the window, targeted − similar' }, points(c.conversion.difference)),
      h(
        'td',
        { class: 'num', title: `${c.observedDays} of ${res.windowDays} days observed` },
        c.windowComplete ? 'complete' : `${int(c.observedDays)} days`,
      ),
    ),
  );
  return [
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data effect' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Campaign'),
            h('th', { class: 'num', title: 'Revenue per targeted account minus what similar accounts bought' }, 'Revenue / account'),
            h('th', {}, `Interval (${pct(res.confidence)}) against zero`),
            h('th', { class: 'num' }, 'p (adjusted)'),
            h('th', { class: 'num' }, 'Conversion'),
            h('th', { class: 'num' }, 'Window'),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
    h(
      'p',
      { class: 'muted small', title: res.method },
      `Targeted accounts against accounts of the same ${res.matchOn.join(', ')} that were not targeted, over ${int(res.windowDays)} days from each campaign's start. Green: the whole interval above zero; grey: the difference cannot be told from noise. Hover a row for it in words, the method for its source.`,
    ),
    res.notes.map((n) => h('p', { class: 'muted small' }, sentence(n))),
  ];
}
