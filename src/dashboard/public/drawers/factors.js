// @ts-check
// The factors behind a score (deal and customer drawers) and the strongest one (tables).
import { effectBar } from '../charts/bars.js';
import { h } from '../lib/dom.js';

/** @typedef {import('../../api-types').Schemas['Factor'] | import('../../api-types').Schemas['CustomerFactor']} Factor */

/** A factor's value as people read it: numbers rounded to two decimals (42.4173611 → 42.42). @param {Factor['value']} v */
const valueText = (v) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v));
/** @param {Factor} f */
const feature = (f) => (f.value === null ? f.feature : `${f.feature} = ${valueText(f.value)}`);

/**
 * Every factor, strongest first, with its text, feature = value and its push as a bar.
 * @param {Factor[]} factors
 * @param {{ positiveIsBad?: boolean }} [o] true for churn (a positive push raises the risk)
 */
export function factorList(factors, { positiveIsBad = false } = {}) {
  const max = Math.max(0.01, ...factors.map((f) => Math.abs(f.effect)));
  return h(
    'ul',
    { class: 'factors' },
    [...factors]
      .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect))
      .map((f) =>
        h(
          'li',
          { class: 'factor' },
          h('div', { class: 'factor-text' }, f.text, h('span', { class: 'factor-feature' }, feature(f))),
          effectBar(f.effect, max, { positiveIsBad }),
        ),
      ),
  );
}

/**
 * The strongest factor's text, marked green when it helps (raises the win odds, or lowers churn).
 * @param {Factor | null} f
 * @param {{ positiveIsBad?: boolean }} [o]
 */
export function reason(f, { positiveIsBad = false } = {}) {
  if (!f) return h('span', { class: 'muted' }, '—');
  const bad = positiveIsBad ? f.effect > 0 : f.effect < 0;
  return h('div', { class: `reason ${bad ? 'reason-neg' : 'reason-pos'}`, title: `${f.text} (${feature(f)})` }, f.text);
}
