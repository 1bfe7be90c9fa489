// @ts-check
// Small inline bars: a forecast range, a value bar for the "three views" comparison, and the push
// of one factor on the log-odds.
import { finite, moneyFull } from '../lib/format.js';
import { COLORS, s, tip } from './svg.js';

/**
 * A horizontal range: the P10–P90 band, the expected value as a tick, won to date as a grey bar
 * and the reps' commit as a dot, on a shared scale [0, max].
 * @param {{ p10?: number | null, p90?: number | null, expected?: number | null, won?: number | null, commit?: number | null,
 *   max: number, width?: number, height?: number, fluid?: boolean }} o
 */
export function rangeBar({ p10, p90, expected, won, commit, max, width = 220, height = 22, fluid = false }) {
  const pad = 6;
  /** @param {number} v */
  const x = (v) => pad + (Math.max(0, v) / (max || 1)) * (width - 2 * pad);
  const mid = height / 2;
  const svg = s('svg', {
    class: 'chart',
    viewBox: `0 0 ${width} ${height}`,
    width: fluid ? null : width,
    height: fluid ? null : height,
    role: 'img',
    'aria-label': 'forecast range',
  });
  const track = (/** @type {number} */ to, /** @type {string} */ stroke) =>
    s('line', { x1: pad, x2: to, y1: mid, y2: mid, stroke, 'stroke-width': 6, 'stroke-linecap': 'round' });
  svg.append(track(width - pad, COLORS.grid));
  if (finite(won) && won > 0) svg.append(track(x(won), COLORS.actualSoft));
  if (finite(p10) && finite(p90))
    svg.append(
      s('rect', {
        x: x(p10),
        y: mid - 6,
        width: Math.max(2, x(p90) - x(p10)),
        height: 12,
        rx: 3,
        fill: COLORS.band,
        stroke: COLORS.bandStroke,
      }),
    );
  if (finite(expected))
    svg.append(
      s('line', {
        x1: x(expected),
        x2: x(expected),
        y1: mid - 7,
        y2: mid + 7,
        stroke: COLORS.accent,
        'stroke-width': 2.5,
        'stroke-linecap': 'round',
      }),
    );
  if (finite(commit)) svg.append(s('circle', { cx: x(commit), cy: mid, r: 4, fill: COLORS.commit, stroke: '#fff', 'stroke-width': 1.5 }));
  const parts = [];
  if (finite(p10) && finite(p90)) parts.push(`P10–P90 ${moneyFull(p10)} – ${moneyFull(p90)}`);
  if (finite(expected)) parts.push(`expected ${moneyFull(expected)}`);
  if (finite(commit)) parts.push(`commit ${moneyFull(commit)}`);
  if (finite(won)) parts.push(`won ${moneyFull(won)}`);
  svg.append(tip(parts.join(' · ')));
  return svg;
}

/**
 * A bar from 0 to value on [0, max], with an optional P10–P90 band behind it.
 * @param {{ value: number, max: number, color: string, p10?: number, p90?: number, width?: number, height?: number }} o
 */
export function valueBar({ value, max, color, p10, p90, width = 200, height = 14 }) {
  /** @param {number} v */
  const x = (v) => (Math.max(0, v) / (max || 1)) * width;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', height, role: 'presentation' });
  svg.append(s('rect', { x: 0, y: 2, width, height: height - 4, rx: 3, fill: COLORS.grid }));
  if (finite(p10) && finite(p90))
    svg.append(
      s('rect', { x: x(p10), y: 0, width: Math.max(2, x(p90) - x(p10)), height, rx: 3, fill: COLORS.band, stroke: COLORS.bandStroke }),
    );
  if (finite(value)) svg.append(s('rect', { x: 0, y: 4, width: Math.max(2, x(value)), height: height - 8, rx: 2, fill: color }));
  return svg;
}

/**
 * One factor's push on the log-odds as a bar from the middle: right raises, left lowers; red when
 * the push is bad (lowers the win odds, or raises the churn risk).
 * @param {number} effect
 * @param {number} max the largest |effect| of the list (the scale)
 * @param {{ positiveIsBad?: boolean }} [o]
 */
export function effectBar(effect, max, { positiveIsBad = false } = {}) {
  const w = 100;
  const mid = w / 2;
  const len = (Math.abs(effect) / max) * (w / 2 - 2);
  const bad = positiveIsBad ? effect > 0 : effect < 0;
  return s(
    'svg',
    { class: 'chart', viewBox: `0 0 ${w} 14`, width: w, height: 14, role: 'img', 'aria-label': 'effect on the log-odds' },
    s('line', { x1: mid, x2: mid, y1: 0, y2: 14, stroke: COLORS.axis }),
    s('rect', { x: effect < 0 ? mid - len : mid, y: 3, width: Math.max(1, len), height: 8, rx: 2, fill: bad ? COLORS.bad : COLORS.good }),
    tip(
      `${effect > 0 ? '+' : effect < 0 ? '−' : ''}${Math.abs(effect).toFixed(2)} log-odds${positiveIsBad ? ' of churning' : ' of winning'}`,
    ),
  );
}
