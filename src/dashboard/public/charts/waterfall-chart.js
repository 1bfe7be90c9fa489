// @ts-check
// A waterfall: the first and last bars are totals drawn from zero; the bars between float from the
// running total by their signed change (green adds, red removes). A dashed connector joins each
// bar to the next.
import { moneyFull, moneyShort, moneySigned } from '../lib/format.js';
import { COLORS, chartRoot, moneyGrid, niceTicks, s, tip } from './svg.js';

/** @typedef {{ label: string, sub?: string, value: number, total?: boolean, color?: string, title?: string }} Step */

/**
 * The running total's span of each bar.
 * @param {Step[]} bars
 */
function spans(bars) {
  let run = 0;
  return bars.map((b) => {
    if (b.total) {
      run = b.value;
      return { lo: Math.min(0, b.value), hi: Math.max(0, b.value), end: b.value };
    }
    const from = run;
    run += b.value;
    return { lo: Math.min(from, run), hi: Math.max(from, run), end: run };
  });
}

/**
 * @param {Step[]} bars
 * @param {{ width?: number, height?: number, ariaLabel?: string }} [opts]
 */
export function waterfallChart(bars, { width = 1100, height = 280, ariaLabel = 'Pipeline changes as a waterfall' } = {}) {
  const m = { top: 22, right: 12, bottom: 40, left: 64 };
  const h = height - m.top - m.bottom;
  const sp = spans(bars);
  const ticks = niceTicks(Math.min(0, ...sp.map((x) => x.lo)), Math.max(1, ...sp.map((x) => x.hi)), 4);
  const yMin = ticks[0];
  const yMax = ticks[ticks.length - 1];
  /** @param {number} v */
  const y = (v) => m.top + h - ((v - yMin) / (yMax - yMin)) * h;
  const band = (width - m.left - m.right) / Math.max(1, bars.length);
  const bw = Math.min(64, band * 0.6);
  const svg = chartRoot(width, height, ariaLabel);
  moneyGrid(svg, ticks, y, m, width);
  bars.forEach((b, i) => {
    const cx = m.left + band * i + band / 2;
    const fill = b.color ?? (b.total ? COLORS.actual : b.value >= 0 ? COLORS.good : COLORS.bad);
    const g = s('g', { class: `step${b.total ? ' total' : ''}` });
    const barH = Math.max(b.value === 0 ? 0 : 1.5, y(sp[i].lo) - y(sp[i].hi));
    g.append(
      s(
        'rect',
        { x: cx - bw / 2, y: y(sp[i].hi), width: bw, height: barH, rx: 3, fill },
        tip(b.title ?? `${b.label}: ${moneyFull(b.value)}`),
      ),
    );
    if (i < bars.length - 1)
      g.append(
        s('line', {
          x1: cx + bw / 2,
          x2: cx + band - bw / 2,
          y1: y(sp[i].end),
          y2: y(sp[i].end),
          stroke: COLORS.muted,
          'stroke-dasharray': '2 2',
        }),
      );
    const text = b.total ? moneyShort(b.value) : moneySigned(b.value);
    g.append(s('text', { x: cx, y: y(sp[i].hi) - 6, 'text-anchor': 'middle', class: 'label-strong' }, text));
    g.append(s('text', { x: cx, y: height - m.bottom + 16, 'text-anchor': 'middle' }, b.label));
    if (b.sub) g.append(s('text', { x: cx, y: height - m.bottom + 30, 'text-anchor': 'middle', class: 'label-muted' }, b.sub));
    svg.append(g);
  });
  return svg;
}
