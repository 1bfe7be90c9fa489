// @ts-check
// An estimate with its interval against zero, on a shared scale: a line from lo to hi, a dot at
// the estimate, a zero line. Green when the whole interval is above zero, red when below, grey when
// it straddles zero (the difference cannot be told from noise).
import { moneyFull } from '../lib/format.js';
import { COLORS, chartRoot, s, tip } from './svg.js';

/**
 * @param {{ estimate: number | null, lo: number | null, hi: number | null }} v
 * @param {number} max the largest |value| of the scale shared by the rows
 * @param {{ width?: number, height?: number, label?: string }} [opts]
 */
export function intervalChart(v, max, { width = 220, height = 18, label = 'difference' } = {}) {
  const svg = chartRoot(width, height, `${label} with its interval`, { class: 'chart interval' });
  const pad = 6;
  const x = (/** @type {number} */ n) => pad + ((n + max) / (2 * max || 1)) * (width - 2 * pad);
  svg.append(s('line', { x1: x(0), x2: x(0), y1: 1, y2: height - 1, stroke: COLORS.muted, 'stroke-width': 1 }));
  if (v.estimate === null) return svg;
  const hasInterval = v.lo !== null && v.hi !== null;
  const color =
    hasInterval && /** @type {number} */ (v.lo) > 0
      ? COLORS.good
      : hasInterval && /** @type {number} */ (v.hi) < 0
        ? COLORS.bad
        : COLORS.stage;
  if (hasInterval)
    svg.append(
      s('line', {
        x1: x(/** @type {number} */ (v.lo)),
        x2: x(/** @type {number} */ (v.hi)),
        y1: height / 2,
        y2: height / 2,
        stroke: color,
        'stroke-width': 3,
        'stroke-linecap': 'round',
      }),
    );
  svg.append(
    s(
      'circle',
      { cx: x(v.estimate), cy: height / 2, r: 4, fill: color },
      tip(`${label}: ${moneyFull(v.estimate)}${hasInterval ? ` (interval ${moneyFull(v.lo)} to ${moneyFull(v.hi)})` : ''}`),
    ),
  );
  return svg;
}
