// @ts-check
// SVG building blocks for the dashboard's charts: no library, no inline styles (the page's CSP
// forbids them), colours from presentation attributes. Charts are sized by their viewBox and scale
// with their panel; hover details use native <title> tooltips.
import { moneyAxis } from '../lib/format.js';

const NS = 'http://www.w3.org/2000/svg';

export const COLORS = {
  accent: '#4f46e5',
  /** The methods other than the one presented (Monte Carlo, run-rate, drivers next to the blend). */
  model: '#a5b4fc',
  band: 'rgba(79,70,229,0.14)',
  bandStroke: 'rgba(79,70,229,0.35)',
  actual: '#334155',
  actualSoft: '#cbd5e1',
  stage: '#64748b',
  commit: '#d97706',
  bestCase: '#f59e0b',
  good: '#059669',
  bad: '#dc2626',
  grid: '#f0f1f4',
  axis: '#e5e7eb',
  muted: '#6b7280',
  currentColumn: '#f8f9fc',
  plot: '#fafbfc',
};

/**
 * Creates an SVG element; null, undefined and false attributes are left out, strings and numbers
 * among the children become text.
 * @param {string} tag
 * @param {Record<string, string | number | null | undefined | false>} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {SVGElement}
 */
export function s(tag, attrs = {}, ...children) {
  const el = /** @type {SVGElement} */ (document.createElementNS(NS, tag));
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/** A hover tooltip. @param {string} text */
export const tip = (text) => s('title', {}, text);

/**
 * An empty chart: an <svg class="chart"> with its viewBox.
 * @param {number} width
 * @param {number} height
 * @param {string} label the chart's accessible name
 * @param {Record<string, string | number | null>} [extra]
 */
export const chartRoot = (width, height, label, extra = {}) =>
  s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, ...extra });

/**
 * "Nice" axis ticks (Heckbert 1990): steps of 1, 2 or 5 × a power of ten.
 * @param {number} min
 * @param {number} max
 * @param {number} [count]
 */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min, min + 1];
  const step0 = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(step0));
  const err = step0 / mag;
  const step = (err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1) * mag;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const out = [];
  for (let v = lo; v <= hi + step / 2; v += step) out.push(Math.abs(v) < step / 1e6 ? 0 : v);
  return out;
}

/** @typedef {{ top: number, right: number, bottom: number, left: number }} Margins */

/**
 * Horizontal grid lines at the ticks (the zero line darker) with money labels on the left.
 * @param {SVGElement} svg
 * @param {number[]} ticks
 * @param {(v: number) => number} y
 * @param {Margins} m
 * @param {number} width
 */
export function moneyGrid(svg, ticks, y, m, width) {
  for (const t of ticks) {
    svg.append(
      s('line', { class: t === 0 ? 'axis-line' : 'grid-line', x1: m.left, x2: width - m.right, y1: y(t), y2: y(t) }),
      s('text', { x: m.left - 8, y: y(t) + 4, 'text-anchor': 'end' }, moneyAxis(t)),
    );
  }
}
