// @ts-check
// Pareto (Lorenz-style) curve: cumulative share of profit and of revenue against the share of
// clients ranked best first. Above 100% means the rest of the clients destroy profit (the whale
// curve of Kaplan & Narayanan, 2001).
import { finite, pct } from '../lib/format.js';
import { COLORS, chartRoot, niceTicks, s, tip } from './svg.js';

/** @typedef {import('../api/endpoints.js').Pareto['curve'][number]} Point */

/**
 * @param {Point[]} curve
 * @param {{ width?: number, height?: number }} [opts]
 */
export function paretoChart(curve, { width = 560, height = 240 } = {}) {
  const m = { top: 12, right: 16, bottom: 34, left: 44 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const ys = curve.flatMap((p) => [p.profitShare, p.revenueShare]).filter(finite);
  const yMax = Math.max(1, Math.ceil(Math.max(1, ...ys) * 10) / 10);
  const yMin = Math.min(0, Math.floor(Math.min(0, ...ys) * 10) / 10);
  /** @param {number} v */
  const x = (v) => m.left + v * w;
  /** @param {number} v */
  const y = (v) => m.top + h - ((v - yMin) / (yMax - yMin)) * h;
  const svg = chartRoot(width, height, 'Pareto curve of profit and revenue by share of clients');
  for (const t of niceTicks(yMin, yMax, 4).filter((t) => t >= yMin - 1e-9 && t <= yMax + 1e-9)) {
    svg.append(
      s('line', { class: t === 0 ? 'axis-line' : 'grid-line', x1: m.left, x2: width - m.right, y1: y(t), y2: y(t) }),
      s('text', { x: m.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, pct(t)),
    );
  }
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1])
    svg.append(s('text', { x: x(t), y: height - m.bottom + 16, 'text-anchor': 'middle' }, pct(t)));
  svg.append(s('text', { x: m.left + w / 2, y: height - 4, 'text-anchor': 'middle' }, 'share of clients, most profitable first'));
  // The equality line and the top-20% guide.
  svg.append(s('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: COLORS.axis, 'stroke-dasharray': '3 3' }));
  svg.append(s('line', { x1: x(0.2), x2: x(0.2), y1: m.top, y2: m.top + h, stroke: COLORS.axis }));
  /** @param {'profitShare' | 'revenueShare'} key */
  const path = (key) =>
    [{ clientShare: 0, [key]: 0 }, ...curve]
      .flatMap((p) => {
        const v = p[key];
        return finite(v) ? [`${x(p.clientShare).toFixed(1)},${y(v).toFixed(1)}`] : [];
      })
      .map((xy, i) => `${i ? 'L' : 'M'}${xy}`)
      .join(' ');
  svg.append(s('path', { d: path('revenueShare'), fill: 'none', stroke: COLORS.stage, 'stroke-width': 1.5, 'stroke-dasharray': '5 3' }));
  svg.append(s('path', { d: path('profitShare'), fill: 'none', stroke: COLORS.accent, 'stroke-width': 2.5, 'stroke-linejoin': 'round' }));
  for (const p of curve) {
    if (!finite(p.profitShare)) continue;
    const revenue = finite(p.revenueShare) ? `, ${pct(p.revenueShare)} of revenue` : '';
    svg.append(
      s(
        'circle',
        { cx: x(p.clientShare), cy: y(p.profitShare), r: 6, fill: 'transparent' },
        tip(`Top ${pct(p.clientShare)} of clients: ${pct(p.profitShare)} of net profit${revenue}`),
      ),
    );
  }
  return svg;
}
