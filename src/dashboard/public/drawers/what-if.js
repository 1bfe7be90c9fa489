// @ts-check
// What-if, in the deal drawer: "what if this deal moved to Negotiation, or slipped a month, or was
// dropped?" The change is POSTed to /v1/deals/what-if for this quarter or the next; the answer
// gives the deal's new win probability, its expected contribution and the quarter forecast's
// change (both runs share their random numbers, so the change is the deal's own effect).
import * as api from '../api/endpoints.js';
import { ApiError } from '../api/client.js';
import { fact, fill, h } from '../lib/dom.js';
import { moneyShort, moneySigned, pct } from '../lib/format.js';
import { periodLabel, quarterKey, quarterLabel, shiftQuarter } from '../lib/periods.js';

/** @typedef {import('../api/endpoints.js').StoredDealScore} Deal */
/** @typedef {import('../api/endpoints.js').WhatIf} WhatIf */
/** @typedef {import('../api/endpoints.js').WhatIfChange} Change */
/** @typedef {import('../lib/periods.js').AsOf} AsOf */

/** @param {string} label @param {HTMLElement} input */
const field = (label, input) => h('label', { class: 'field' }, h('span', {}, label), input);

/**
 * The form's inputs.
 * @param {Deal} row
 * @param {{ asOf: AsOf, stages: string[] }} ctx
 */
function inputs(row, { asOf, stages }) {
  const quarters = [asOf.quarter, shiftQuarter(asOf.quarter, 1)];
  return {
    stage: h(
      'select',
      { name: 'stage' },
      h('option', { value: '' }, `no change (${row.stage})`),
      stages.filter((s) => s !== row.stage).map((s) => h('option', { value: s }, s)),
    ),
    amount: h('input', {
      name: 'amount',
      type: 'number',
      min: '0',
      step: 'any',
      inputmode: 'decimal',
      placeholder: String(Math.round(row.amount.amount)),
    }),
    close: h('input', { name: 'expectedCloseAt', type: 'date' }),
    activities: h('input', { name: 'activities', type: 'number', min: '0', max: '1000', step: '1', placeholder: '0' }),
    drop: h('input', { name: 'drop', type: 'checkbox' }),
    // A deal expected to close next quarter changes this quarter little: either can be looked at.
    period: h(
      'select',
      { name: 'period' },
      quarters.map((q, i) => h('option', { value: quarterKey(q) }, `${quarterLabel(q)}${i === 0 ? ' (this quarter)' : ''}`)),
    ),
  };
}

/**
 * The change the form describes, or null when nothing is changed.
 * @param {string} id
 * @param {ReturnType<typeof inputs>} f
 * @returns {Change | null}
 */
function changeOf(id, f) {
  if (f.drop.checked) return { id, drop: true };
  /** @type {Change} */
  const change = { id };
  if (f.stage.value) change.stage = f.stage.value;
  if (f.amount.value !== '') change.amount = Number(f.amount.value);
  if (f.close.value) change.expectedCloseAt = f.close.value;
  const n = Math.round(Number(f.activities.value));
  if (n > 0) change.addActivities = { count: n };
  return Object.keys(change).length > 1 ? change : null;
}

/** @param {WhatIf} res */
function resultView(res) {
  const deal = res.deals[0];
  const label = periodLabel(res.period.label);
  const arrow = (/** @type {string} */ a, /** @type {string} */ b) => h('span', {}, a, ' → ', h('strong', {}, b));
  const d = res.delta;
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'facts' },
      deal.after
        ? fact('Win probability', arrow(pct(deal.before.winProbability), pct(deal.after.winProbability)))
        : fact('This deal', h('strong', {}, 'dropped from the pipeline')),
      fact(`Expected in ${label}`, arrow(moneyShort(deal.before.expectedContribution), moneyShort(deal.after?.expectedContribution ?? 0))),
      fact(
        `${label} forecast`,
        h(
          'span',
          { title: `P10 ${moneySigned(d.p10)}, P50 ${moneySigned(d.p50)}, P90 ${moneySigned(d.p90)}` },
          h('strong', { class: d.expected < 0 ? 'neg' : '' }, moneySigned(d.expected)),
          ` to ${moneyShort(res.scenario.expected)} expected`,
        ),
      ),
      fact('New range (P10–P90)', `${moneyShort(res.scenario.p10)} – ${moneyShort(res.scenario.p90)}`),
    ),
    res.notes.map((n) => h('p', { class: 'muted small' }, n)),
  );
}

/** The API's message and the fields it names. @param {unknown} e */
function errorText(e) {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const details = e.details.map((d) => (d.path?.length ? `${d.path.join('.')}: ${d.problem}` : d.problem));
  return `${e.message}${details.length ? `: ${details.join('; ')}` : ''}`;
}

/**
 * @param {Deal} row
 * @param {{ asOf: AsOf, stages: string[] }} ctx
 */
export function whatIfSection(row, ctx) {
  const f = inputs(row, ctx);
  const submit = h('button', { type: 'submit', class: 'btn' }, 'See the effect');
  const result = h('div', { class: 'whatif-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'whatif-form' },
    field('Stage', f.stage),
    field('Amount', f.amount),
    field('Expected close', f.close),
    field('Activities logged now', f.activities),
    field('Effect on', f.period),
    h('div', { class: 'whatif-actions' }, h('label', { class: 'check' }, f.drop, h('span', {}, 'Drop it from the pipeline')), submit),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const change = changeOf(row.externalId, f);
    if (!change) {
      fill(
        result,
        h('p', { class: 'muted small' }, 'Change the stage, the amount, the close date or the activities first (or drop the deal).'),
      );
      return;
    }
    submit.disabled = true;
    fill(result, h('p', { class: 'muted small loading' }, 'Simulating the quarter…'));
    try {
      fill(result, resultView(await api.whatIf({ changes: [change], period: f.period.value, asOf: ctx.asOf.day, sims: 5000 })));
    } catch (e) {
      fill(result, h('p', { class: 'whatif-error' }, errorText(e)));
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'whatif' }, h('h3', { class: 'muted small' }, 'What if…'), form, result);
}
