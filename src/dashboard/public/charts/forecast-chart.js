// @ts-check
// Bookings by period: actuals as bars, the model's P10–P90 as a band with the expected value as a
// tick, the stage-weighted pipeline as a dashed tick and the reps' commit as a dot.
import { finite, moneyFull } from '../lib/format.js';
import { COLORS, chartRoot, moneyGrid, niceTicks, s, tip } from './svg.js';

/**
 * @typedef {object} ChartPeriod
 * @property {string} label
 * @property {string} [shortLabel] the axis label when the label is long
 * @property {number} [actual]
 * @property {string} [actualLabel] what the bar is ("Actual", "Won to date")
 * @property {number} [expected]
 * @property {number | null} [p10]
 * @property {number | null} [p90]
 * @property {number} [stageWeighted]
 * @property {number} [commit]
 * @property {string} [commitLabel] what the dot is, in the tooltip
 * @property {boolean} [current] the period in progress (shaded)
 * @property {string} [note] a last tooltip line
 */

/**
 * @param {ChartPeriod[]} periods
 * @param {{ width?: number, height?: number, labelEvery?: number, ariaLabel?: string }} [opts]
 */
export function forecastChart(
  periods,
  { width = 760, height = 280, labelEvery = 1, ariaLabel = 'Bookings by period: actuals and forecast' } = {},
) {
  const m = { top: 16, right: 12, bottom: 34, left: 64 };
  const h = height - m.top - m.bottom;
  const values = periods.flatMap((p) => [p.actual, p.p90, p.expected, p.stageWeighted, p.commit]).filter(finite);
  const ticks = niceTicks(0, Math.max(1, ...values), 4);
  const yMax = ticks[ticks.length - 1];
  /** @param {number} v */
  const y = (v) => m.top + h - (v / yMax) * h;
  const band = (width - m.left - m.right) / Math.max(1, periods.length);
  const svg = chartRoot(width, height, ariaLabel);
  moneyGrid(svg, ticks, y, m, width);
  periods.forEach((p, i) => {
    const g = periodColumn(p, { x0: m.left + band * i, band, y, top: m.top, h });
    if (i % labelEvery === 0)
      g.append(
        s(
          'text',
          { x: m.left + band * i + band / 2, y: height - m.bottom + 18, 'text-anchor': 'middle', class: p.current ? 'label-strong' : '' },
          p.shortLabel ?? p.label,
        ),
      );
    svg.append(g);
  });
  return svg;
}

/**
 * One period's marks and its tooltip.
 * @param {ChartPeriod} p
 * @param {{ x0: number, band: number, y: (v: number) => number, top: number, h: number }} at
 */
function periodColumn(p, { x0, band, y, top, h }) {
  const cx = x0 + band / 2;
  const bw = Math.min(46, band * 0.5);
  const g = s('g', { class: 'period' });
  const lines = [p.label];
  if (p.current) g.append(s('rect', { x: x0 + 2, y: top - 6, width: band - 4, height: h + 6, fill: COLORS.currentColumn, rx: 6 }));
  if (finite(p.actual)) {
    if (p.actual > 0)
      g.append(
        s('rect', {
          x: cx - bw / 2,
          y: y(p.actual),
          width: bw,
          height: Math.max(0, y(0) - y(p.actual)),
          rx: 3,
          fill: p.current ? COLORS.actualSoft : COLORS.actual,
        }),
      );
    lines.push(`${p.actualLabel ?? 'Actual'}: ${moneyFull(p.actual)}`);
  }
  if (finite(p.p10) && finite(p.p90)) {
    const bandW = bw + 14;
    g.append(
      s('rect', {
        x: cx - bandW / 2,
        y: y(p.p90),
        width: bandW,
        height: Math.max(1.5, y(p.p10) - y(p.p90)),
        rx: 4,
        fill: COLORS.band,
        stroke: COLORS.bandStroke,
      }),
    );
    lines.push(`Forecast P10–P90: ${moneyFull(p.p10)} – ${moneyFull(p.p90)}`);
  }
  const tick = (/** @type {number} */ v, /** @type {Record<string, string | number>} */ style) =>
    s('line', { x1: cx - bw / 2 - 7, x2: cx + bw / 2 + 7, y1: y(v), y2: y(v), ...style });
  if (finite(p.expected)) {
    g.append(tick(p.expected, { stroke: COLORS.accent, 'stroke-width': 2.5, 'stroke-linecap': 'round' }));
    lines.push(`Forecast (expected): ${moneyFull(p.expected)}`);
  }
  if (finite(p.stageWeighted)) {
    g.append(tick(p.stageWeighted, { stroke: COLORS.stage, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }));
    lines.push(`Stage-weighted pipeline: ${moneyFull(p.stageWeighted)}`);
  }
  if (finite(p.commit)) {
    g.append(s('circle', { cx: cx + bw / 2 + 12, cy: y(p.commit), r: 4, fill: COLORS.commit, stroke: '#fff', 'stroke-width': 1.5 }));
    lines.push(`${p.commitLabel ?? "Reps' commit"}: ${moneyFull(p.commit)}`);
  }
  if (p.note) lines.push(p.note);
  g.append(s('rect', { x: x0, y: top, width: band, height: h, fill: 'transparent' }, tip(lines.join('\n'))));
  return g;
}
