// @ts-check
// Reliability diagram: mean predicted probability (x) against the observed frequency (y) per bin;
// a calibrated model sits on the diagonal. Drawn with its axes so it reads on its own.
import { finite, pct } from '../lib/format.js';
import { COLORS, chartRoot, s, tip } from './svg.js';

/** @typedef {import('../../api-types').Schemas['ReliabilityBin']} Bin */

/** @param {Bin[]} bins @param {{ size?: number }} [opts] */
export function reliabilityChart(bins, { size = 200 } = {}) {
  const m = { top: 8, right: 8, bottom: 26, left: 34 };
  const w = size - m.left - m.right;
  const hgt = size - m.top - m.bottom;
  /** @param {number} v */
  const x = (v) => m.left + v * w;
  /** @param {number} v */
  const y = (v) => m.top + hgt - v * hgt;
  const svg = chartRoot(size, size, 'Reliability diagram: predicted probability against how often it happened');
  svg.append(s('rect', { x: m.left, y: m.top, width: w, height: hgt, fill: COLORS.plot, stroke: COLORS.axis }));
  svg.append(s('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: COLORS.axis, 'stroke-dasharray': '3 2' }));
  for (const t of [0, 0.5, 1]) {
    svg.append(s('text', { x: x(t), y: size - m.bottom + 13, 'text-anchor': 'middle' }, pct(t)));
    svg.append(s('text', { x: m.left - 4, y: y(t) + 4, 'text-anchor': 'end' }, pct(t)));
  }
  svg.append(s('text', { x: m.left + w / 2, y: size - 2, 'text-anchor': 'middle', class: 'label-muted' }, 'predicted'));
  /** @type {{ p: number, o: number, count: number }[]} */
  const pts = [];
  for (const b of bins)
    if (finite(b.meanPredicted) && finite(b.observedRate) && b.count > 0)
      pts.push({ p: b.meanPredicted, o: b.observedRate, count: b.count });
  if (pts.length > 1)
    svg.append(
      s('path', {
        d: pts.map((b, i) => `${i ? 'L' : 'M'}${x(b.p).toFixed(1)},${y(b.o).toFixed(1)}`).join(' '),
        fill: 'none',
        stroke: COLORS.accent,
        'stroke-width': 1.5,
      }),
    );
  for (const b of pts)
    svg.append(
      s(
        'circle',
        { cx: x(b.p), cy: y(b.o), r: 3, fill: COLORS.accent },
        tip(`predicted ${pct(b.p)}, observed ${pct(b.o)} (${b.count} cases)`),
      ),
    );
  return svg;
}
