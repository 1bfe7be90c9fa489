// @ts-check
// A client's payback month by month: one bar per month since acquisition, the balance (cumulative
// net profit − acquisition cost), red while below zero and green from the month it turns positive.
import { moneyFull } from '../lib/format.js';
import { COLORS, chartRoot, s, tip } from './svg.js';

/** @typedef {import('../../api-types').Schemas['PaybackMonth']} PaybackMonth */

/**
 * @param {PaybackMonth[]} curve
 * @param {{ width?: number, height?: number }} [size]
 */
export function paybackChart(curve, { width = 360, height = 90 } = {}) {
  const m = { top: 6, bottom: 14, left: 4, right: 4 };
  const svg = chartRoot(width, height, 'Payback: the balance of net profit against the acquisition cost, month by month', {
    'data-testid': 'payback-chart',
  });
  const lo = Math.min(0, ...curve.map((c) => c.balance));
  const hi = Math.max(0, ...curve.map((c) => c.balance));
  const span = hi - lo || 1;
  const y = (/** @type {number} */ v) => m.top + ((hi - v) / span) * (height - m.top - m.bottom);
  const step = (width - m.left - m.right) / Math.max(1, curve.length);
  const bar = Math.max(1, step * 0.8);
  curve.forEach((c, i) => {
    const x = m.left + i * step + (step - bar) / 2;
    const top = Math.min(y(c.balance), y(0));
    svg.append(
      s(
        'rect',
        { x, y: top, width: bar, height: Math.max(1, Math.abs(y(c.balance) - y(0))), fill: c.balance < 0 ? COLORS.bad : COLORS.good },
        tip(`Month ${c.month} (${c.calendarMonth}): net profit ${moneyFull(c.netProfit)}, balance ${moneyFull(c.balance)}`),
      ),
    );
  });
  svg.append(s('line', { x1: m.left, x2: width - m.right, y1: y(0), y2: y(0), stroke: COLORS.muted, 'stroke-width': 1 }));
  svg.append(s('text', { x: m.left, y: height - 2, 'font-size': 10, fill: COLORS.muted }, 'month 0'));
  svg.append(
    s(
      'text',
      { x: width - m.right, y: height - 2, 'font-size': 10, fill: COLORS.muted, 'text-anchor': 'end' },
      `month ${curve.length - 1}`,
    ),
  );
  return svg;
}
