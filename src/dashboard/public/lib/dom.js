// @ts-check
// DOM helpers. CRM text (names, stages, reasons) is always inserted as text, never as HTML, and
// nothing that is null, undefined or false ever reaches the page as text (a null spread into
// replaceChildren printed a literal "null" in the customer drawer).

/** @typedef {Node | string | number | null | undefined | false} Child */
/** @typedef {Child | readonly Child[] | readonly (Child | readonly Child[])[]} Children */
/** @typedef {Record<string, string | number | boolean | null | undefined | ((ev: any) => void) | Record<string, string>>} Attrs */

/**
 * The children to insert: nested lists flattened, nothing for null, undefined or false, text nodes
 * for strings and numbers.
 * @param {Children[]} children
 * @returns {Node[]}
 */
export function nodes(children) {
  /** @type {Node[]} */
  const out = [];
  /** @param {unknown} c */
  const add = (c) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else out.push(c instanceof Node ? c : document.createTextNode(String(c)));
  };
  children.forEach(add);
  return out;
}

/**
 * Creates an element: `on*` attributes are listeners, `class` the class name, `dataset` data
 * attributes, `true` an empty attribute; null, undefined and false leave the attribute out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...Children} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset' && typeof v === 'object') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...nodes(children));
  return el;
}

/**
 * Replaces an element's children (see nodes: null and undefined are left out).
 * @param {Element} el
 * @param {...Children} children
 */
export function fill(el, ...children) {
  el.replaceChildren(...nodes(children));
}

/**
 * The element with this id; the page's HTML has it, so a missing one is a bug worth failing on.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`the page has no #${id} (${type.name})`);
  return el;
}

/**
 * The first element matching a selector under a root; missing is a bug.
 * @param {ParentNode} root
 * @param {string} selector
 * @returns {HTMLElement}
 */
export function find(root, selector) {
  const el = root.querySelector(selector);
  if (!(el instanceof HTMLElement)) throw new Error(`no ${selector} on the page`);
  return el;
}

/**
 * A labelled figure in a drawer or a result (label above, value below).
 * @param {string} label
 * @param {Children} value
 * @param {string} [title] what the figure is, on hover
 */
export const fact = (label, value, title) =>
  h('div', { title }, h('div', { class: 'fact-label' }, label), h('div', { class: 'fact-value' }, value));

/**
 * A headline statistic of a panel with its one-line definition on hover.
 * @param {string} label
 * @param {Children} value
 * @param {string} what what this figure is
 */
export const stat = (label, value, what) =>
  h('div', { class: 'stat', title: what }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value));

/**
 * A row of buttons acting as tabs; `show` is called with the chosen key (and at once with the first).
 * @param {HTMLElement} holder the tab list element
 * @param {{ key: string, label: string }[]} tabs
 * @param {(key: string) => void} show
 */
export function tabs(holder, tabs, show) {
  const select = (/** @type {string} */ key) => {
    for (const b of holder.querySelectorAll('button')) b.setAttribute('aria-selected', String(b.dataset.dim === key));
    show(key);
  };
  fill(
    holder,
    tabs.map((t) => h('button', { type: 'button', role: 'tab', dataset: { dim: t.key }, onclick: () => select(t.key) }, t.label)),
  );
  if (tabs.length) select(tabs[0].key);
}
