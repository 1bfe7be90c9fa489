// @ts-check
// The KPI header: the quarter's forecast, won to date, the open pipeline and the win rate. Each
// card says what its figure is on a line under it (and more on hover), and the three open-pipeline
// figures of the page are named apart: all open deals, those due to close this quarter, and what
// they are expected to bring in it.
import { rangeBar } from '../charts/bars.js';
import { fill, find, h } from '../lib/dom.js';
import { date, finite, int, moneyShort, pct, plural } from '../lib/format.js';
import { quarterLabel } from '../lib/periods.js';
import { explain } from '../lib/panel.js';
import { primaryWhat } from './methods.js';

/** @typedef {import('../api/endpoints.js').Forecast} Forecast */
/** @typedef {import('../api/endpoints.js').Funnel} Funnel */
/** @typedef {import('../lib/periods.js').AsOf} AsOf */
/** @typedef {import('../lib/dom.js').Children} Children */

/**
 * @param {'forecast' | 'won' | 'pipeline' | 'winrate'} name
 * @param {{ value: Children, sub?: Children, def: Children, title: string, band?: Children }} c
 */
function setKpi(name, { value, sub, def, title, band }) {
  const card = find(document, `[data-kpi="${name}"]`);
  card.title = title;
  fill(find(card, '[data-slot="value"]'), value);
  fill(find(card, '[data-slot="sub"]'), sub);
  fill(find(card, '[data-slot="def"]'), def);
  const bandSlot = card.querySelector('[data-slot="band"]');
  if (bandSlot) fill(bandSlot, band);
}

const unavailable = (/** @type {string} */ text) => h('span', { class: 'kpi-empty' }, text);

/**
 * The cards that read the quarter's forecast (forecast, won to date, open pipeline).
 * @param {import('../lib/panel.js').Settled<Forecast>} current
 * @param {AsOf} asOf
 */
export function forecastKpis(current, asOf) {
  const q = quarterLabel(asOf.quarter);
  fill(find(document, '[data-kpi="forecast"] [data-slot="period"]'), q);
  if (!current.ok) {
    const why = explain(current.error);
    const def = 'Needs the quarter forecast; see the Bookings forecast panel.';
    for (const name of /** @type {const} */ (['forecast', 'won', 'pipeline']))
      setKpi(name, { value: unavailable('Unavailable'), sub: why, def, title: def });
    return;
  }
  const fc = current.value;
  forecastCard(fc, q);
  wonCard(fc, asOf);
  pipelineCard(fc, q);
}

/** @param {Forecast} fc @param {string} q */
function forecastCard(fc, q) {
  // The headline is the primary method's number (chosen by its own backtest), Monte Carlo when
  // there is no record to choose by.
  const t = fc.primary ?? fc.total;
  const commit = fc.categories.commitCall;
  const parts = `${moneyShort(fc.wonToDate)} won + ${moneyShort(fc.openPipeline.expected)} from open deals + ${moneyShort(fc.newBusiness.expected)} from deals not created yet`;
  setKpi('forecast', {
    value: moneyShort(t.expected),
    sub: [
      h('span', {}, 'P10–P90 '),
      h('strong', {}, `${moneyShort(t.p10)} – ${moneyShort(t.p90)}`),
      ` · reps' commit ${moneyShort(commit)}`,
    ],
    def: fc.primary
      ? `Chosen by its backtest: ${primaryWhat(fc.primary, true)}. Monte Carlo: ${parts} = ${moneyShort(fc.total.expected)}.`
      : `= ${parts}`,
    title: `Expected bookings in ${q}. ${fc.primary ? fc.primary.reason : (fc.primaryNote ?? '')} Monte Carlo: what is won already, plus the open deals simulated over their win and close-timing probabilities, plus new deals expected to be created and won in time (${int(fc.sims)} runs). P10–P90: 8 in 10 outcomes land in this range.`,
    band: rangeBar({
      p10: t.p10,
      p90: t.p90,
      expected: t.expected,
      won: fc.wonToDate,
      commit,
      max: Math.max(t.p90, commit, t.expected) * 1.05,
      width: 320,
      height: 18,
      fluid: true,
    }),
  });
}

/** @param {Forecast} fc @param {AsOf} asOf */
function wonCard(fc, asOf) {
  const share = fc.total.expected > 0 ? fc.wonToDate / fc.total.expected : null;
  // On the quarter's first day the as-of moment is its start: nothing can be won yet.
  const started = asOf.through >= fc.period.start.slice(0, 10);
  setKpi('won', {
    value: moneyShort(fc.wonToDate),
    sub: finite(share) ? `${pct(share)} of the forecast` : null,
    def: started ? `Bookings won from ${date(fc.period.start)} to ${date(asOf.through)}.` : 'The quarter starts today: nothing is won yet.',
    title: 'The amount of the deals won so far in the quarter (their close date is in the quarter).',
  });
}

/** @param {Forecast} fc @param {string} q */
function pipelineCard(fc, q) {
  const op = fc.openPipeline;
  const imputed =
    op.imputedAmounts > 0
      ? ` (${plural(op.imputedAmounts, 'deal')} without an amount, valued by the won amounts of similar deals: ${op.amountSources.map((a) => a.source).join('; ')})`
      : '';
  setKpi('pipeline', {
    value: moneyShort(op.amount),
    sub: [
      h('div', {}, h('strong', {}, moneyShort(op.amountInPeriod)), ` due to close in ${q}`),
      h('div', {}, h('strong', {}, moneyShort(op.expected)), ` expected from open deals in ${q}`),
    ],
    def: `All ${plural(op.deals, 'open deal')}, any close date, at full amount.`,
    title: `Open pipeline: the full amount of every open deal${imputed}. Due to close in ${q}: the deals whose expected close date falls in the quarter, at full amount (what the Pipeline changes waterfall tracks). Expected in ${q}: each open deal's amount × its win probability × its probability of closing in the quarter (the forecast's open-deal part).`,
  });
}

/**
 * The win-rate card (deals closed in the last 12 months).
 * @param {import('../lib/panel.js').Settled<Funnel>} funnel
 * @param {AsOf} asOf
 */
export function winRateKpi(funnel, asOf) {
  const def = `Won ÷ (won + lost) of the deals closed ${date(asOf.yearAgo)} – ${date(asOf.through)}.`;
  const title = 'Win rate over the last 12 months, with its 95% Wilson interval: deals still open do not count.';
  if (!funnel.ok) {
    setKpi('winrate', { value: unavailable('Unavailable'), sub: explain(funnel.error), def, title });
    return;
  }
  const s = funnel.value.summary;
  const wr = s.winRate;
  if (!finite(wr.estimate)) {
    setKpi('winrate', { value: unavailable('No closed deals'), sub: 'in the last 12 months', def, title });
    return;
  }
  const ci = finite(wr.lo) && finite(wr.hi) ? ` · 95% CI ${pct(wr.lo)}–${pct(wr.hi)}` : '';
  setKpi('winrate', { value: pct(wr.estimate, 1), sub: `${int(s.won)} won of ${int(s.won + s.lost)} closed${ci}`, def, title });
}
