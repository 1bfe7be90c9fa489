// @ts-check
// The frame every panel shares: load, draw, or explain what is missing. Each panel loads on its
// own: an untrained model, an empty database or an error shows a calm empty state saying what is
// missing and how to get it, and the rest of the page still works.
import { ApiError } from '../api/client.js';
import { fill, find, h } from './dom.js';

/** @typedef {import('./dom.js').Children} Children */
/** @typedef {{ untrained?: Children, empty?: Children, forbidden?: Children }} Hints */

/**
 * @param {string} title
 * @param {...Children} lines
 */
export const emptyState = (title, ...lines) =>
  h(
    'div',
    { class: 'empty' },
    h('div', { class: 'empty-title' }, title),
    lines.filter(Boolean).map((l) => h('p', {}, l)),
  );

/**
 * "Run `command`." with the command set in code.
 * @param {string} text
 * @param {string} command
 * @param {string} [after]
 */
export const cmd = (text, command, after = '.') => h('span', {}, text, ' ', h('code', {}, command), after);

/**
 * How to explain a failure, with the panel's hint for it.
 * @param {unknown} e
 * @param {Hints} [hint]
 */
export function failure(e, hint = {}) {
  if (e instanceof ApiError) {
    if (e.status === 422) return emptyState('Not enough data or no trained model', e.message, hint.untrained);
    if (e.status === 403)
      return emptyState(
        'Your key cannot read this',
        e.message,
        hint.forbidden ?? 'An operator can create a key with the scope it names: npx salescast keys create.',
      );
    if (e.status === 404) return emptyState('Nothing to show', e.message, hint.empty);
    if (e.status === 503) return emptyState('Not ready yet', e.message, hint.untrained);
    return emptyState('Could not load this panel', `${e.message}${e.requestId ? ` (request ${e.requestId})` : ''}`);
  }
  return emptyState('Could not load this panel', e instanceof Error ? e.message : String(e));
}

/** A failure in one line (for places too small for an empty state, like a KPI card). @param {unknown} e */
export const explain = (e) => (e instanceof Error ? e.message : String(e));

/** @type {Promise<void>[]} */
const pending = [];

/**
 * Fills a panel's body with what `load` draws, or with the explanation of why it cannot.
 * @param {string} id the panel's element id
 * @param {() => Promise<Children> | Children} load
 * @param {Hints} [hint]
 */
export function panel(id, load, hint) {
  const body = find(document, `#${id} [data-slot="body"]`);
  const done = (async () => {
    try {
      fill(body, await load());
    } catch (e) {
      fill(body, failure(e, hint));
    }
  })();
  pending.push(done);
  return done;
}

/** A slot in a panel's header (legend, tabs, tools). @param {string} id @param {string} slot */
export const headSlot = (id, slot) => find(document, `#${id} [data-slot="${slot}"]`);

/** Resolves once every panel started so far (and any they started) has finished. */
export async function allPanelsDone() {
  for (let n = -1; n !== pending.length; ) {
    n = pending.length;
    await Promise.all(pending);
  }
}

/**
 * Settles a promise into a value or an error, for answers several panels share.
 * @template T
 * @param {Promise<T>} p
 * @returns {Promise<{ ok: true, value: T } | { ok: false, error: unknown }>}
 */
export const settle = (p) =>
  p.then(
    (value) => ({ ok: /** @type {const} */ (true), value }),
    (error) => ({ ok: /** @type {const} */ (false), error }),
  );

/** @template T @typedef {{ ok: true, value: T } | { ok: false, error: unknown }} Settled */

/**
 * The value of a settled answer, or its error thrown (for a panel to explain).
 * @template T
 * @param {Settled<T>} s
 * @returns {T}
 */
export function unwrap(s) {
  if (!s.ok) throw s.error;
  return s.value;
}

// Getters: a DOM node lives in one place, so every use gets its own copy (the same hint can show in
// a panel and in a drawer at once).
export const HINTS = {
  get demo() {
    return cmd('Load demo data with', 'npx salescast demo');
  },
  get win() {
    return h(
      'span',
      {},
      'Train the deal-win model with ',
      h('code', {}, 'npx salescast train win'),
      ', then store scores with ',
      h('code', {}, 'npx salescast score deals'),
      '.',
    );
  },
  get customers() {
    return h(
      'span',
      {},
      'Train the customer models with ',
      h('code', {}, 'npx salescast train churn'),
      ' and ',
      h('code', {}, 'npx salescast train clv'),
      ', then ',
      h('code', {}, 'npx salescast score customers'),
      '.',
    );
  },
};
