// `salescast report <name> [field=value ...]`: the analytics reports from the command line, as
// aligned tables (default), JSON (--json, the service result as is) or CSV (--csv, the main table).
import type { Command } from 'commander';
import { invalidInput } from '../errors';
import { REPORT_NAMES } from '../services/analytics/report-names';
import { processIo, table, withDatabase, type Io } from './common';
import { reportNotes, reportTables } from './report-tables';

interface ReportOpts {
  from?: string;
  to?: string;
  by?: string;
  sort?: string;
  limit?: string;
  offset?: string;
  filter: string[];
  group: string[];
  period?: string;
  periods?: string;
  kind?: string;
  basis?: string;
  stages?: string;
  seed?: string;
  measure?: string;
  windowDays?: string;
  matchOn?: string;
  cohorts?: string;
  json?: boolean;
  csv?: boolean;
}

/** `field=value` (value may be a comma-separated list) → filters. */
export function parseFilterArgs(args: string[], where: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const a of args) {
    const m = /^([^=]+)=(.*)$/.exec(a);
    if (!m) throw invalidInput(`Bad ${where} "${a}": expected field=value`, [{ path: [where], problem: 'expected field=value', value: a }]);
    const values = m[2]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    out[m[1].trim()] = values.length === 1 ? values[0] : values;
  }
  return out;
}

export function buildReportInput(name: string, filterArgs: string[], o: ReportOpts): Record<string, unknown> {
  const filters = parseFilterArgs([...filterArgs, ...o.filter], 'filter');
  const input: Record<string, unknown> = { filters };
  if (o.from) input.from = o.from;
  if (o.to) input.to = o.to;
  const set = (k: string, v: unknown) => {
    if (v !== undefined) input[k] = v;
  };
  switch (name) {
    case 'profitability':
      set('by', o.by);
      set('sort', o.sort);
      set('limit', o.limit);
      set('offset', o.offset);
      break;
    case 'pareto':
      set('limit', o.limit);
      break;
    case 'cohorts':
      set('by', o.by);
      set('period', o.period);
      set('periods', o.periods);
      set('kind', o.kind);
      set('cohorts', o.cohorts);
      break;
    case 'compare':
      set('by', o.by);
      set('limit', o.limit);
      set('seed', o.seed);
      if (o.group.length)
        input.groups = o.group.map((g) => ({
          filters: parseFilterArgs(
            g
              .split(/[;&]/)
              .map((s) => s.trim())
              .filter(Boolean),
            'group',
          ),
        }));
      break;
    case 'funnel':
      set('by', o.by);
      set('basis', o.basis);
      if (o.stages) input.stages = o.stages.split(',').map((s) => s.trim());
      break;
    case 'campaigns':
      set('sort', o.sort);
      set('windowDays', o.windowDays);
      break;
    case 'campaign-effect':
      set('windowDays', o.windowDays);
      set('matchOn', o.matchOn);
      break;
    case 'new-vs-existing':
      set('by', o.by);
      set('basis', o.basis);
      break;
    case 'growth':
      set('by', o.by);
      set('period', o.period);
      set('measure', o.measure);
      set('limit', o.limit);
      break;
  }
  return input;
}

const csvCell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  if (!rows.length) return '';
  const cols = columns ?? Object.keys(rows[0]);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n');
}

export function printReport(io: Io, name: string, result: unknown, o: { json?: boolean; csv?: boolean }) {
  if (o.json) return io.out(JSON.stringify(result, null, 2));
  const tables = reportTables(name, result);
  const notes = reportNotes(result);
  if (o.csv) {
    // The CSV stays a clean table; what the reader must know goes to stderr.
    for (const n of notes) io.err(`note: ${n}`);
    return io.out(toCsv(tables[0]?.rows ?? [], tables[0]?.columns));
  }
  // A report with nothing to show says why (its notes) instead of printing empty tables.
  const shown = tables.filter((t) => t.rows.length > 0);
  if (shown.length) io.out(shown.map((t) => `${t.title ? `${t.title}\n` : ''}${table(t.rows, t.columns)}`).join('\n\n'));
  else if (!notes.length) io.out('(no rows)');
  if (notes.length) io.out(`${shown.length ? '\n' : ''}${notes.map((n) => `note: ${n}`).join('\n')}`);
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerReportCommands(program: Command) {
  program
    .command('report')
    .description(`Client economics and sales analytics reports: ${REPORT_NAMES.join(', ')} (see docs/reports.md)`)
    .argument('<name>', `report name: ${REPORT_NAMES.join(' | ')}`)
    .argument(
      '[filters...]',
      'filters as field=value (value may be a,b,c); fields: segment, region, rep, product, cohort, rfm, attr.<name>, ...',
    )
    .option('--from <date>', 'period start (inclusive, YYYY-MM-DD)')
    .option('--to <date>', 'period end (inclusive, YYYY-MM-DD)')
    .option(
      '--by <field>',
      'group by: profitability/compare/funnel a field; cohorts month|quarter|<field>; growth family|product|segment|region|business|<field>',
    )
    .option('--sort <field>', 'profitability: sort field, - for descending (default -netProfit); campaigns: roi|cost|...')
    .option('--limit <n>', 'rows to show (profitability page size, destroyers listed, compare groups)')
    .option('--offset <n>', 'profitability: rows to skip')
    .option('--filter <field=value>', 'a filter (repeatable)', collect, [])
    .option(
      '--group <filters>',
      'compare: one group as field=value[&field=value] (repeat for each group; first is the baseline)',
      collect,
      [],
    )
    .option('--period <unit>', 'cohorts: month|quarter, the periods since acquisition; growth: year|quarter|month')
    .option('--measure <auto|turnover|bookings>', 'growth: order revenue, or won deal amounts (auto: turnover when orders exist)')
    .option('--periods <n>', 'cohorts: number of periods since acquisition')
    .option('--kind <clients|deals>', 'cohorts: client retention or deal cohorts')
    .option('--cohorts <observed|all>', 'cohorts: leave out (observed, default) or keep (all) clients acquired before the order history')
    .option('--basis <created|closed>', 'funnel, new-vs-existing: which deal date the period applies to')
    .option('--stages <a,b,c>', 'funnel: order of the open stages')
    .option('--seed <n>', 'compare: bootstrap seed')
    .option('--window-days <n>', 'campaigns, campaign-effect: attribution window after the first touch (default 365)')
    .option(
      '--match-on <fields>',
      'campaign-effect: fields targeted and control accounts must share (default segment,region,status,recent,trend)',
    )
    .option('--json', 'print the full result as JSON')
    .option('--csv', 'print the main table as CSV')
    .action(async (name: string, filterArgs: string[], o: ReportOpts) => {
      const input = buildReportInput(name, filterArgs, o);
      const { runReport } = await import('../services/analytics');
      await withDatabase(async (db) => {
        const result = await runReport(db, name, input);
        printReport(processIo, name, result, o);
      });
    });
}
