// What `salescast forecast …` prints: tables by default, the service result as JSON with --json,
// the main table as CSV with --csv. The forecast leads with the number the service presents (the
// primary method chosen by its backtest), the backtest marks the primary method and says why.
import type { Dimension } from '../domain/forecast/dimensions';
import { METHOD_LABELS, type MethodKey } from '../domain/forecast/methods';
import type { BacktestReport, PipelineForecastReport, RunRateReport } from '../services/forecast/forecast-service';
import type { WhatIfReport } from '../services/forecast/what-if-service';
import { table, type Io } from './common';

export const money = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v));
export const pct = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? '' : `${(v * 100).toFixed(digits)}%`;

const csvCell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export function toCsv(rows: Record<string, unknown>[]): string {
  if (!rows.length) return '';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n');
}

export interface OutputOpts {
  json?: boolean;
  csv?: boolean;
}

export function breakdownRows(r: PipelineForecastReport, dim: Dimension): Record<string, unknown>[] {
  return (r.breakdown[dim] ?? []).map((g) => ({
    [dim]: g.key,
    won: money(g.wonToDate),
    open_deals: g.openDeals,
    expected: money(g.expected),
    p10: money(g.p10),
    p50: money(g.p50),
    p90: money(g.p90),
    stage_weighted: money(g.stageWeighted),
    ...(dim === 'category'
      ? {}
      : { commit_call: money(g.commitCall), best_case_call: money(g.bestCaseCall), call_vs_model: g.disagreement ?? '' }),
  }));
}

export function printForecast(io: Io, r: PipelineForecastReport, by: Dimension[], o: OutputOpts) {
  if (o.json) return io.out(JSON.stringify(r, null, 2));
  if (o.csv) return io.out(forecastCsv(r, by));
  io.out(
    `Pipeline forecast ${r.period.label} (${r.period.start.slice(0, 10)} to ${r.period.end.slice(0, 10)}, exclusive) as of ${r.asOf.slice(0, 16).replace('T', ' ')} UTC`,
  );
  io.out('');
  printPrimary(io, r);
  io.out('');
  io.out(
    `Monte Carlo: ${r.sims.toLocaleString('en-US')} simulations, seed ${r.seed}, scorer ${r.scorer}${r.scorerNote ? ` — ${r.scorerNote}` : ''}`,
  );
  io.out(effectsLine(r));
  io.out('');
  io.out(table(forecastParts(r), ['part', 'deals', 'expected', 'p10', 'p50', 'p90']));
  if (r.openPipeline.imputedAmounts > 0)
    io.out(
      `note: ${r.openPipeline.imputedAmounts.toLocaleString('en-US')} open deals have no amount: each win draws one from the won amounts of similar deals (${r.openPipeline.amountSources.map((a) => `${a.source}: ${a.deals}`).join('; ')})`,
    );
  if (r.openPipeline.unvaluedDeals > 0)
    io.out(
      `note: ${r.openPipeline.unvaluedDeals.toLocaleString('en-US')} open deals have no amount and nothing was ever won to value them by: left out`,
    );
  io.out('');
  printCalls(io, r);
  for (const dim of by) {
    io.out('');
    io.out(`By ${dim}:`);
    io.out(table(breakdownRows(r, dim)));
  }
  io.out('');
  io.out(`(${r.elapsedMs.toLocaleString('en-US')} ms)`);
}

/** The total and every breakdown as one CSV table. */
function forecastCsv(r: PipelineForecastReport, by: Dimension[]): string {
  const rows = by.flatMap((dim) =>
    breakdownRows(r, dim).map((row) => ({
      dimension: dim,
      key: row[dim],
      ...Object.fromEntries(Object.entries(row).filter(([k]) => k !== dim)),
    })),
  );
  return toCsv([
    {
      dimension: 'total',
      key: 'all',
      won: money(r.wonToDate),
      open_deals: r.openPipeline.deals,
      expected: money(r.total.expected),
      p10: money(r.total.p10),
      p50: money(r.total.p50),
      p90: money(r.total.p90),
      stage_weighted: money(r.stageWeighted),
    },
    ...rows,
  ]);
}

/** Won to date, open pipeline, new business and total, each with its range. */
function forecastParts(r: PipelineForecastReport): Record<string, unknown>[] {
  return [
    {
      part: 'won to date',
      deals: null,
      expected: money(r.wonToDate),
      p10: money(r.wonToDate),
      p50: money(r.wonToDate),
      p90: money(r.wonToDate),
    },
    {
      part: 'open pipeline',
      deals: r.openPipeline.deals,
      expected: money(r.openPipeline.expected),
      p10: money(r.openPipeline.p10),
      p50: money(r.openPipeline.p50),
      p90: money(r.openPipeline.p90),
    },
    {
      part: 'new business (not yet created)',
      deals: Number(r.newBusiness.expectedDeals.toFixed(1)),
      expected: money(r.newBusiness.expected),
      p10: money(r.newBusiness.p10),
      p50: money(r.newBusiness.p50),
      p90: money(r.newBusiness.p90),
    },
    {
      part: 'total',
      deals: null,
      expected: money(r.total.expected),
      p10: money(r.total.p10),
      p50: money(r.total.p50),
      p90: money(r.total.p90),
    },
  ];
}

/** The stage-weighted pipeline and the reps' own call, beside the Monte Carlo forecast. */
function printCalls(io: Io, r: PipelineForecastReport) {
  const c = r.categories;
  io.out(
    `Stage-weighted pipeline: ${r.stageWeighted === null ? 'not available (the open deals carry no expected close date)' : money(r.stageWeighted)?.toLocaleString('en-US')}`,
  );
  io.out(
    r.callsProvided
      ? `Reps' call: closed ${money(c.closed)?.toLocaleString('en-US')} · commit ${money(c.commitCall)?.toLocaleString('en-US')} · best case ${money(c.bestCaseCall)?.toLocaleString('en-US')} · pipeline ${money(c.pipelineCall)?.toLocaleString('en-US')}${c.disagreement ? `  (commit is ${c.disagreement.replace('-', ' the ')}'s P10-P90)` : ''}`
      : "Reps' call: not provided (no deal carries a forecast category)",
  );
}

const short = (v: number | null | undefined) => money(v)?.toLocaleString('en-US') ?? '—';

/** The number the service presents for the period, why, and every method's own number. */
export function printPrimary(io: Io, r: PipelineForecastReport) {
  const p = r.primary;
  if (!p) {
    if (r.primaryNote) io.out(`note: ${r.primaryNote}`);
    return;
  }
  io.out(`Forecast ${r.period.label}: ${short(p.expected)} (P10 ${short(p.p10)}, P90 ${short(p.p90)})`);
  io.out(p.reason);
  const rows = Object.entries(p.methods).map(([k, m]) => ({
    method: METHOD_LABELS[k as MethodKey] ?? k,
    weight: m ? pct(p.weights[k] ?? 0, 0) : 'n/a',
    expected: money(m?.expected),
    p10: money(m?.p10),
    p90: money(m?.p90),
    backtest_mape: m ? mapeText(p.record.metrics[k as MethodKey]?.mape) : '',
    backtest_in_p10_p90: m ? coverageText(p.record.metrics[k as MethodKey]) : '',
  }));
  io.out(table(rows));
  const d = p.driverRegression;
  if (d && !d.shown)
    io.out(
      `(the driver regression is not shown on the dashboard: ${d.warnings.length ? 'too few periods per driver' : 'its backtest error does not beat run-rate'})`,
    );
}

const mapeText = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : `${v.toFixed(1)}%`);
const coverageText = (m: { intervals: number; covered: number } | undefined) => (m?.intervals ? `${m.covered} of ${m.intervals}` : '');

function effectsLine(r: PipelineForecastReport): string {
  const e = r.periodEffects;
  if (e.note) return `Period effect: ${e.note}.`;
  const parts = [
    `win-rate sd ${e.winRateSd.toFixed(2)}, timing sd ${e.timingSd.toFixed(2)} (logit scale, from ${e.windows} past periods)`,
    e.position
      ? `${e.position.kind} ${e.position.position}: win-rate shift ${e.position.winRateShift >= 0 ? '+' : ''}${e.position.winRateShift.toFixed(2)}`
      : null,
    e.group ? `${e.group.dimension}-level shock sd ${e.group.sd.toFixed(2)}` : null,
  ].filter(Boolean);
  return `Period effect shared by the deals of the period: ${parts.join('; ')}.`;
}

/** The backtest: per period every method and the blend, then per method its error and coverage, the primary marked. */
export function printBacktest(io: Io, r: BacktestReport, o: OutputOpts) {
  if (o.json) return io.out(JSON.stringify(r, null, 2));
  const inside = (v: number, lo: number | null | undefined, hi: number | null | undefined) =>
    lo !== null && lo !== undefined && hi !== null && hi !== undefined ? (v >= lo && v <= hi ? 'yes' : 'no') : '';
  const rows = r.periods.map((p) => ({
    period: p.period,
    actual: money(p.actual),
    blend: money(p.blend?.expected),
    blend_p10: money(p.blend?.p10),
    blend_p90: money(p.blend?.p90),
    blend_in: p.blend ? inside(p.actual, p.blend.p10, p.blend.p90) : '',
    picked: p.blend ? (p.blend.picked === 'combination' ? 'combination' : METHOD_LABELS[p.blend.picked as MethodKey]) : '',
    monte_carlo: money(p.monteCarlo.expected),
    mc_p10: money(p.monteCarlo.p10),
    mc_p90: money(p.monteCarlo.p90),
    mc_in: inside(p.actual, p.monteCarlo.p10, p.monteCarlo.p90),
    stage_weighted: money(p.stageWeighted),
    commit_call: money(p.commitCall),
    best_case_call: money(p.bestCaseCall),
    run_rate: money(p.runRate.expected),
    drivers: money(p.driverRegression?.expected),
  }));
  if (o.csv) return io.out(toCsv(rows));
  io.out(
    `Backtest ${r.periods[0]?.period} to ${r.periods[r.periods.length - 1]?.period} (${r.periods.length} ${r.periodKind}s, each forecast as of its first day; ${r.warmUp.length} earlier ${r.periodKind}s replayed first for the blend's record); ${r.sims.toLocaleString('en-US')} simulations, seed ${r.seed}, scorer ${r.scorer}`,
  );
  for (const n of r.notes ?? []) io.out(`note: ${n}`);
  io.out('');
  io.out(table(rows));
  io.out('');
  const labels: Record<string, string> = {
    ...METHOD_LABELS,
    runRate: `run-rate (${r.periods[r.periods.length - 1]?.runRate.method ?? ''})`,
    blend: 'blend (out of sample)',
  };
  io.out(
    table(
      Object.entries(r.metrics).map(([k, m]) => ({
        method: `${labels[k] ?? k}${k === r.primary ? '  ← primary' : ''}`,
        periods: m.periods,
        mae: money(m.mae),
        rmse: money(m.rmse),
        bias: money(m.bias),
        mape: m.periods === 0 ? 'not provided' : m.mape === null ? '' : `${m.mape.toFixed(1)}%`,
        p10_p90_coverage: m.coverage === null ? '' : `${pct(m.coverage, 0)} (${m.covered} of ${m.intervals})`,
      })),
    ),
  );
  io.out('');
  io.out(`Primary: ${r.primary}. ${r.selection.reason}`);
  io.out(`Rule: ${r.selection.rule}.`);
  io.out(
    'error = forecast − actual (bias > 0: over-forecast); coverage: share of periods whose actual fell inside P10-P90 (target ≈ 80%).',
  );
}

/** Monthly run-rate forecast, then the driver regression with its uncertainty. */
export function printRunRate(io: Io, r: RunRateReport, o: OutputOpts) {
  if (o.json) return io.out(JSON.stringify(r, null, 2));
  const rows = r.months.map((m, i) => ({
    month: m,
    bookings: money(r.bookings.forecast.mean[i]),
    bookings_lo80: money(r.bookings.forecast.lo[80]?.[i]),
    bookings_hi80: money(r.bookings.forecast.hi[80]?.[i]),
    ...(r.revenue
      ? {
          revenue: money(r.revenue.forecast.mean[i]),
          revenue_lo80: money(r.revenue.forecast.lo[80]?.[i]),
          revenue_hi80: money(r.revenue.forecast.hi[80]?.[i]),
        }
      : {}),
  }));
  if (o.csv) return io.out(toCsv(rows));
  io.out(
    `Run-rate forecast as of ${r.asOf.slice(0, 10)}: bookings by ${r.bookings.forecast.method}${r.revenue ? `, revenue by ${r.revenue.forecast.method}` : ''} (seed ${r.seed})`,
  );
  io.out(table(rows));
  const d = r.drivers;
  if (!d) return;
  io.out('');
  io.out(
    `Driver regression for ${d.month} (bookings on last month's drivers, n=${d.n}, R²=${d.rSquared.toFixed(2)}, adjusted R²=${d.adjustedRSquared.toFixed(2)}): ${short(d.next.mean)} (P10 ${short(d.next.p10)}, P90 ${short(d.next.p90)})`,
  );
  io.out(
    table(
      d.terms.map((t) => ({
        term: t.term,
        estimate: Number(t.estimate.toPrecision(4)),
        std_error: Number(t.standardError.toPrecision(3)),
        t: Number(t.t.toFixed(2)),
        p_value: t.pValue < 0.001 ? '<0.001' : t.pValue.toFixed(3),
        ci95: `${t.ci95[0].toPrecision(3)} to ${t.ci95[1].toPrecision(3)}`,
      })),
    ),
  );
  for (const w of d.warnings) io.out(`warning: ${w}`);
}

/** The what-if result: each changed deal before and after, then the baseline, scenario and delta. */
export function printWhatIf(io: Io, r: WhatIfReport, o: OutputOpts) {
  if (o.json) return io.out(JSON.stringify(r, null, 2));
  io.out(`What-if for ${r.period.label} (seed ${r.seed}, ${r.sims.toLocaleString('en-US')} simulations, scorer ${r.scorer})`);
  for (const n of r.notes) io.out(`note: ${n}`);
  io.out('');
  io.out(
    table(
      r.deals.flatMap((d) => [
        {
          deal: d.externalId,
          when: 'before',
          stage: d.before.stage,
          amount: money(d.before.amount),
          close: d.before.expectedCloseAt?.slice(0, 10) ?? '',
          win: pct(d.before.winProbability),
          in_period: pct(d.before.inPeriodProbability),
          contribution: money(d.before.expectedContribution),
        },
        d.after
          ? {
              deal: '',
              when: 'after',
              stage: d.after.stage,
              amount: money(d.after.amount),
              close: d.after.expectedCloseAt?.slice(0, 10) ?? '',
              win: pct(d.after.winProbability),
              in_period: pct(d.after.inPeriodProbability),
              contribution: money(d.after.expectedContribution),
            }
          : { deal: '', when: 'after', stage: '(dropped)', amount: null, close: '', win: '', in_period: '', contribution: 0 },
      ]),
    ),
  );
  io.out('');
  io.out(
    table([
      {
        forecast: 'baseline',
        expected: money(r.baseline.expected),
        p10: money(r.baseline.p10),
        p50: money(r.baseline.p50),
        p90: money(r.baseline.p90),
      },
      {
        forecast: 'what-if',
        expected: money(r.scenario.expected),
        p10: money(r.scenario.p10),
        p50: money(r.scenario.p50),
        p90: money(r.scenario.p90),
      },
      {
        forecast: 'delta',
        expected: money(r.delta.expected),
        p10: money(r.delta.p10),
        p50: money(r.delta.p50),
        p90: money(r.delta.p90),
      },
    ]),
  );
}
