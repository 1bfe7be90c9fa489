// Small SVG chart functions for the dashboard: no library, no inline styles (the page's CSP forbids
// them), colours from presentation attributes. Every function returns an SVG element sized by its
// viewBox, so it scales with its panel. Hover details use native <title> tooltips.

const NS = 'http://www.w3.org/2000/svg';

export const COLORS = {
  accent: '#4f46e5',
  band: 'rgba(79,70,229,0.14)',
  bandStroke: 'rgba(79,70,229,0.35)',
  actual: '#334155',
  actualSoft: '#cbd5e1',
  stage: '#64748b',
  commit: '#d97706',
  good: '#059669',
  bad: '#dc2626',
  grid: '#f0f1f4',
  axis: '#e5e7eb',
  muted: '#6b7280',
};

/** Creates an SVG element with attributes and children (strings become text nodes). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

const title = (text) => (text ? s('title', {}, text) : null);

/** "Nice" axis ticks (Heckbert 1990): 1, 2 or 5 × a power of ten. */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min, min + 1];
  const span = max - min;
  const step0 = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(step0));
  const err = step0 / mag;
  const step = (err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1) * mag;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const out = [];
  for (let v = lo; v <= hi + step / 2; v += step) out.push(Math.abs(v) < step / 1e6 ? 0 : v);
  return out;
}

const finite = (v) => typeof v === 'number' && Number.isFinite(v);

/** Horizontal grid lines at the ticks (the zero line darker) with money labels on the left. */
function moneyGrid(svg, ticks, y, m, width, money) {
  for (const t of ticks) {
    svg.append(
      s('line', { class: t === 0 ? 'axis-line' : 'grid-line', x1: m.left, x2: width - m.right, y1: y(t), y2: y(t) }),
      s('text', { x: m.left - 8, y: y(t) + 4, 'text-anchor': 'end' }, money(t, { compact: true })),
    );
  }
}

/**
 * Forecast by period: actual bookings as bars, the model's P10–P90 as a band with the expected
 * value as a tick, the stage-weighted pipeline as a dashed tick and the reps' commit as a dot.
 * periods: [{ label, shortLabel?, actual?, expected?, p10?, p90?, stageWeighted?, commit?, current?, note? }];
 * with many periods, `labelEvery` writes every n-th label under the axis (all stay in the tooltips).
 */
export function forecastChart(
  periods,
  { money, width = 760, height = 280, labelEvery = 1, ariaLabel = 'Bookings by period: actuals and forecast' } = {},
) {
  const m = { top: 16, right: 12, bottom: 34, left: 64 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const values = periods.flatMap((p) => [p.actual, p.p90, p.expected, p.stageWeighted, p.commit]).filter(finite);
  const ticks = niceTicks(0, Math.max(1, ...values), 4);
  const yMax = ticks[ticks.length - 1];
  const y = (v) => m.top + h - (v / yMax) * h;
  const band = w / Math.max(1, periods.length);
  const bw = Math.min(46, band * 0.5);
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': ariaLabel });

  moneyGrid(svg, ticks, y, m, width, money);

  periods.forEach((p, i) => {
    const cx = m.left + band * i + band / 2;
    const g = s('g', { class: 'period' });
    const lines = [p.label];
    if (p.current) {
      g.append(s('rect', { x: m.left + band * i + 2, y: m.top - 6, width: band - 4, height: h + 6, fill: '#f8f9fc', rx: 6 }));
    }
    if (finite(p.actual) && p.actual > 0) {
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
    }
    if (finite(p.actual)) lines.push(`${p.current ? 'Won to date' : 'Actual'}: ${money(p.actual)}`);
    if (finite(p.p10) && finite(p.p90)) {
      const top = y(p.p90);
      const bandW = bw + 14;
      g.append(
        s('rect', {
          x: cx - bandW / 2,
          y: top,
          width: bandW,
          height: Math.max(1.5, y(p.p10) - top),
          rx: 4,
          fill: COLORS.band,
          stroke: COLORS.bandStroke,
        }),
      );
      lines.push(`P10–P90: ${money(p.p10)} – ${money(p.p90)}`);
    }
    if (finite(p.expected)) {
      g.append(
        s('line', {
          x1: cx - bw / 2 - 7,
          x2: cx + bw / 2 + 7,
          y1: y(p.expected),
          y2: y(p.expected),
          stroke: COLORS.accent,
          'stroke-width': 2.5,
          'stroke-linecap': 'round',
        }),
      );
      lines.push(`Forecast (expected): ${money(p.expected)}`);
    }
    if (finite(p.stageWeighted)) {
      g.append(
        s('line', {
          x1: cx - bw / 2 - 7,
          x2: cx + bw / 2 + 7,
          y1: y(p.stageWeighted),
          y2: y(p.stageWeighted),
          stroke: COLORS.stage,
          'stroke-width': 1.5,
          'stroke-dasharray': '4 3',
        }),
      );
      lines.push(`Stage-weighted pipeline: ${money(p.stageWeighted)}`);
    }
    if (finite(p.commit)) {
      g.append(s('circle', { cx: cx + bw / 2 + 12, cy: y(p.commit), r: 4, fill: COLORS.commit, stroke: '#fff', 'stroke-width': 1.5 }));
      lines.push(`Reps' commit: ${money(p.commit)}`);
    }
    if (p.note) lines.push(p.note);
    g.append(s('rect', { x: m.left + band * i, y: m.top, width: band, height: h, fill: 'transparent' }, title(lines.join('\n'))));
    if (i % labelEvery === 0)
      g.append(
        s(
          'text',
          { x: cx, y: height - m.bottom + 18, 'text-anchor': 'middle', class: p.current ? 'label-strong' : '' },
          p.shortLabel ?? p.label,
        ),
      );
    svg.append(g);
  });
  return svg;
}

/**
 * A horizontal range: the P10–P90 band, the expected value as a tick and optional markers
 * (e.g. won to date, the reps' commit), on a shared scale [0, max].
 */
export function rangeBar({ p10, p90, expected, won, commit, max, money, width = 220, height = 22, fluid = false }) {
  const pad = 6;
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
  svg.append(s('line', { x1: pad, x2: width - pad, y1: mid, y2: mid, stroke: COLORS.grid, 'stroke-width': 6, 'stroke-linecap': 'round' }));
  if (finite(won) && won > 0)
    svg.append(
      s('line', { x1: pad, x2: x(won), y1: mid, y2: mid, stroke: COLORS.actualSoft, 'stroke-width': 6, 'stroke-linecap': 'round' }),
    );
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
  if (finite(p10) && finite(p90)) parts.push(`P10–P90 ${money(p10)} – ${money(p90)}`);
  if (finite(expected)) parts.push(`expected ${money(expected)}`);
  if (finite(commit)) parts.push(`commit ${money(commit)}`);
  if (finite(won)) parts.push(`won ${money(won)}`);
  svg.append(title(parts.join(' · ')));
  return svg;
}

/** A single horizontal bar from 0 to value on [0, max] (for the "three views" comparison). */
export function valueBar({ value, max, color, p10, p90, width = 200, height = 14 }) {
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
 * Pareto (Lorenz-style) curve: cumulative share of profit and of revenue against the share of
 * clients ranked best first. Above 100% means the rest of the clients destroy profit (whale curve).
 * curve: [{ clientShare, profitShare, revenueShare }]
 */
export function paretoChart(curve, { width = 560, height = 240, pct } = {}) {
  const m = { top: 12, right: 16, bottom: 34, left: 44 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const ys = curve.flatMap((p) => [p.profitShare, p.revenueShare]).filter(finite);
  const yMax = Math.max(1, Math.ceil(Math.max(1, ...ys) * 10) / 10);
  const yMin = Math.min(0, Math.floor(Math.min(0, ...ys) * 10) / 10);
  const x = (v) => m.left + v * w;
  const y = (v) => m.top + h - ((v - yMin) / (yMax - yMin)) * h;
  const svg = s('svg', {
    class: 'chart',
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': 'Pareto curve of profit and revenue by share of clients',
  });
  const yTicks = niceTicks(yMin, yMax, 4).filter((t) => t >= yMin - 1e-9 && t <= yMax + 1e-9);
  for (const t of yTicks) {
    svg.append(
      s('line', { class: t === 0 ? 'axis-line' : 'grid-line', x1: m.left, x2: width - m.right, y1: y(t), y2: y(t) }),
      s('text', { x: m.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, pct(t, 0)),
    );
  }
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1])
    svg.append(s('text', { x: x(t), y: height - m.bottom + 16, 'text-anchor': 'middle' }, pct(t, 0)));
  svg.append(s('text', { x: m.left + w / 2, y: height - 4, 'text-anchor': 'middle' }, 'share of clients, most profitable first'));
  // Equality line and the top-20% guide.
  svg.append(s('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: COLORS.axis, 'stroke-dasharray': '3 3' }));
  svg.append(s('line', { x1: x(0.2), x2: x(0.2), y1: m.top, y2: m.top + h, stroke: COLORS.axis }));
  const pts = [{ clientShare: 0, profitShare: 0, revenueShare: 0 }, ...curve];
  const path = (key) =>
    pts
      .filter((p) => finite(p[key]))
      .map((p, i) => `${i ? 'L' : 'M'}${x(p.clientShare).toFixed(1)},${y(p[key]).toFixed(1)}`)
      .join(' ');
  svg.append(s('path', { d: path('revenueShare'), fill: 'none', stroke: COLORS.stage, 'stroke-width': 1.5, 'stroke-dasharray': '5 3' }));
  svg.append(s('path', { d: path('profitShare'), fill: 'none', stroke: COLORS.accent, 'stroke-width': 2.5, 'stroke-linejoin': 'round' }));
  for (const p of curve) {
    if (!finite(p.profitShare)) continue;
    svg.append(
      s(
        'circle',
        { cx: x(p.clientShare), cy: y(p.profitShare), r: 6, fill: 'transparent' },
        title(
          `Top ${pct(p.clientShare, 0)} of clients: ${pct(p.profitShare, 0)} of net profit${finite(p.revenueShare) ? `, ${pct(p.revenueShare, 0)} of revenue` : ''}`,
        ),
      ),
    );
  }
  return svg;
}

/**
 * Reliability diagram: predicted probability (x) against observed frequency (y) per bin; a
 * calibrated model sits on the diagonal. bins: [{ predicted, observed, count }]
 */
export function reliabilityChart(bins, { size = 96, pct } = {}) {
  const m = 6;
  const w = size - 2 * m;
  const x = (v) => m + v * w;
  const y = (v) => m + w - v * w;
  const svg = s('svg', {
    class: 'chart',
    viewBox: `0 0 ${size} ${size}`,
    width: size,
    height: size,
    role: 'img',
    'aria-label': 'Reliability diagram',
  });
  svg.append(s('rect', { x: m, y: m, width: w, height: w, fill: '#fafbfc', stroke: COLORS.axis }));
  svg.append(s('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: COLORS.axis, 'stroke-dasharray': '3 2' }));
  const pts = bins.filter((b) => finite(b.predicted) && finite(b.observed) && (b.count ?? 1) > 0);
  if (pts.length > 1) {
    svg.append(
      s('path', {
        d: pts.map((b, i) => `${i ? 'L' : 'M'}${x(b.predicted).toFixed(1)},${y(b.observed).toFixed(1)}`).join(' '),
        fill: 'none',
        stroke: COLORS.accent,
        'stroke-width': 1.5,
      }),
    );
  }
  for (const b of pts) {
    svg.append(
      s(
        'circle',
        { cx: x(b.predicted), cy: y(b.observed), r: 2.5, fill: COLORS.accent },
        title(`predicted ${pct(b.predicted, 0)}, observed ${pct(b.observed, 0)}${finite(b.count) ? ` (${b.count} cases)` : ''}`),
      ),
    );
  }
  return svg;
}

/** Tiny sparkline of a series (e.g. cumulative revenue per cohort). */
export function sparkline(values, { width = 80, height = 20, color = COLORS.accent } = {}) {
  const v = values.filter(finite);
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'presentation' });
  if (v.length < 2) return svg;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const x = (i) => (i / (v.length - 1)) * (width - 2) + 1;
  const y = (val) => height - 2 - ((val - lo) / (hi - lo || 1)) * (height - 4);
  svg.append(
    s('path', {
      d: v.map((val, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(val).toFixed(1)}`).join(' '),
      fill: 'none',
      stroke: color,
      'stroke-width': 1.5,
    }),
  );
  return svg;
}

/**
 * A waterfall: the first and last bars are totals drawn from zero; the bars between float from the
 * running total by their signed change (green adds, red removes). A thin connector joins each bar
 * to the next. bars: [{ label, sub?, value, total?, color?, title? }]
 */
export function waterfallChart(bars, { money, width = 1100, height = 280, ariaLabel = 'Pipeline changes as a waterfall' } = {}) {
  const m = { top: 22, right: 12, bottom: 40, left: 64 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  let run = 0;
  const spans = bars.map((b) => {
    if (b.total) {
      run = b.value;
      return { lo: Math.min(0, b.value), hi: Math.max(0, b.value), end: b.value };
    }
    const from = run;
    run += b.value;
    return { lo: Math.min(from, run), hi: Math.max(from, run), end: run };
  });
  const ticks = niceTicks(Math.min(0, ...spans.map((sp) => sp.lo)), Math.max(1, ...spans.map((sp) => sp.hi)), 4);
  const yMin = ticks[0];
  const yMax = ticks[ticks.length - 1];
  const y = (v) => m.top + h - ((v - yMin) / (yMax - yMin)) * h;
  const band = w / Math.max(1, bars.length);
  const bw = Math.min(64, band * 0.6);
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': ariaLabel });
  moneyGrid(svg, ticks, y, m, width, money);
  bars.forEach((b, i) => {
    const sp = spans[i];
    const cx = m.left + band * i + band / 2;
    const fill = b.color ?? (b.total ? COLORS.actual : b.value >= 0 ? COLORS.good : COLORS.bad);
    const g = s('g', { class: `step${b.total ? ' total' : ''}` });
    g.append(
      s(
        'rect',
        { x: cx - bw / 2, y: y(sp.hi), width: bw, height: Math.max(b.value === 0 ? 0 : 1.5, y(sp.lo) - y(sp.hi)), rx: 3, fill },
        title(b.title ?? `${b.label}: ${money(b.value)}`),
      ),
    );
    if (i < bars.length - 1)
      g.append(
        s('line', {
          x1: cx + bw / 2,
          x2: cx + band - bw / 2,
          y1: y(sp.end),
          y2: y(sp.end),
          stroke: COLORS.muted,
          'stroke-dasharray': '2 2',
        }),
      );
    const text = b.total
      ? money(b.value, { compact: true })
      : `${b.value > 0 ? '+' : b.value < 0 ? '−' : ''}${money(Math.abs(b.value), { compact: true })}`;
    g.append(s('text', { x: cx, y: y(sp.hi) - 6, 'text-anchor': 'middle', class: 'label-strong' }, text));
    g.append(s('text', { x: cx, y: height - m.bottom + 16, 'text-anchor': 'middle' }, b.label));
    if (b.sub) g.append(s('text', { x: cx, y: height - m.bottom + 30, 'text-anchor': 'middle', class: 'label-muted' }, b.sub));
    svg.append(g);
  });
  return svg;
}
