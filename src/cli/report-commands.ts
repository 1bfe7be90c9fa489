// `salescast report <name> [field=value ...]`: the analytics reports from the command line, as
// aligned tables (default), JSON (--json, the service result as is) or CSV (--csv, the main table).
import type { Command } from 'commander';
import { invalidInput } from '../errors';
import { REPORT_NAMES } from '../services/analytics/report-names';
import type { CampaignsResult, CohortsResult, CompareResult, FunnelResult, ParetoReport, ProfitabilityResult } from '../services/analytics';
import { processIo, table, withDatabase, type Io } from './common';

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
      break;
  }
  return input;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : `${(v * 100).toFixed(1)}%`);
const round = (v: number | null | undefined, dp = 2) => (v === null || v === undefined ? null : Math.round(v * 10 ** dp) / 10 ** dp);
const ci = (i: { estimate: number | null; lo: number | null; hi: number | null }) =>
  i.estimate === null ? null : `${pct(i.estimate)} [${pct(i.lo)}, ${pct(i.hi)}]`;

/** The tables a report prints: the first is the main one (also the CSV). */
export function reportTables(name: string, r: unknown): { title?: string; rows: Record<string, unknown>[] }[] {
  switch (name) {
    case 'profitability': {
      const p = r as ProfitabilityResult;
      const t = p.totals;
      const totalRow = {
        clients: t.clients,
        revenue: round(t.revenue),
        cogs: round(t.costOfGoods),
        grossMargin: round(t.grossMargin),
        'gm%': pct(t.grossMarginPct),
        costToServe: round(t.costToServe),
        netProfit: round(t.netProfit),
        'net%': pct(t.netMarginPct),
        orders: t.orders,
        aov: round(t.averageOrderValue),
      };
      if (p.groups)
        return [
          {
            title: `by ${p.by} (${p.currency})`,
            rows: p.groups.map((g) => ({
              [p.by!]: g.group,
              ...{
                clients: g.clients,
                revenue: round(g.revenue),
                cogs: round(g.costOfGoods),
                grossMargin: round(g.grossMargin),
                'gm%': pct(g.grossMarginPct),
                costToServe: round(g.costToServe),
                netProfit: round(g.netProfit),
                'net%': pct(g.netMarginPct),
                orders: g.orders,
                aov: round(g.averageOrderValue),
              },
            })),
          },
          { title: 'total', rows: [totalRow] },
        ];
      return [
        {
          title: `clients ${p.offset + 1}-${p.offset + p.rows.length} of ${t.clients} (${p.currency})`,
          rows: p.rows.map((x) => ({
            account: x.accountId,
            name: x.name,
            segment: x.segment,
            region: x.region,
            rep: x.rep,
            revenue: round(x.revenue),
            cogs: round(x.costOfGoods),
            grossMargin: round(x.grossMargin),
            'gm%': pct(x.grossMarginPct),
            costToServe: round(x.costToServe),
            netProfit: round(x.netProfit),
            'net%': pct(x.netMarginPct),
            orders: x.orders,
            aov: round(x.averageOrderValue),
            first: x.firstPurchase?.slice(0, 10),
            last: x.lastPurchase?.slice(0, 10),
            tenureDays: x.tenureDays,
            cac: round(x.acquisitionCost),
            payback: x.payback === 'paid_back' ? `${x.paybackMonths} mo` : x.payback === 'not_yet' ? 'not yet' : '',
            clv: round(x.clv),
          })),
        },
        { title: 'total', rows: [totalRow] },
      ];
    }
    case 'pareto': {
      const p = r as ParetoReport;
      return [
        {
          title: `Pareto curve (${p.clients} clients; top 20% = ${p.top20.clients} clients hold ${pct(p.top20.profitShare)} of profit, ${pct(p.top20.revenueShare)} of revenue; peak ${pct(p.peakProfitShare)})`,
          rows: p.curve.map((c) => ({
            clientShare: pct(c.clientShare),
            clients: c.clients,
            profitShare: pct(c.profitShare),
            revenueShare: pct(c.revenueShare),
          })),
        },
        {
          title: `ABC classes (A up to ${p.thresholds.A * 100}% of positive profit, B up to ${p.thresholds.B * 100}%, C the rest, D negative net profit)`,
          rows: p.classes.map((c) => ({
            class: c.class,
            clients: c.clients,
            clientShare: pct(c.clientShare),
            revenue: round(c.revenue),
            profit: round(c.profit),
            profitShare: pct(c.profitShare),
          })),
        },
        {
          title: `profit destroyers (${p.destroyerCount})`,
          rows: p.destroyers.map((x) => ({ account: x.accountId, name: x.name, revenue: round(x.revenue), netProfit: round(x.netProfit) })),
        },
      ];
    }
    case 'cohorts': {
      const c = r as CohortsResult;
      if (c.kind === 'deals')
        return [
          {
            title: `deal cohorts by ${c.by}`,
            rows: c.dealCohorts!.map((x) => ({
              cohort: x.cohort,
              deals: x.deals,
              won: x.won,
              lost: x.lost,
              open: x.open,
              winRate: ci(x.winRate),
              avgCycleDays: round(x.avgCycleDays, 1),
              wonAmount: round(x.wonAmount),
            })),
          },
        ];
      const matrix = (
        label: string,
        f: (
          cell: CohortsResult['cohorts'] extends (infer T)[] | undefined ? (T extends { cells: (infer C)[] } ? C : never) : never,
        ) => string | number | null,
      ) => ({
        title: label,
        rows: c.cohorts!.map((x) => ({
          cohort: x.cohort,
          size: x.size,
          ...Object.fromEntries(x.cells.map((cell) => [`${c.period === 'month' ? 'm' : 'q'}${cell.period}`, f(cell)])),
        })),
      });
      return [
        matrix('share of clients still purchasing', (x) => pct(x.retention)),
        matrix('net revenue retention', (x) => pct(x.netRevenueRetention)),
        matrix('gross revenue retention', (x) => pct(x.grossRevenueRetention)),
        matrix('cumulative revenue per client', (x) => round(x.cumulativeRevenuePerClient)),
      ];
    }
    case 'compare': {
      const c = r as CompareResult;
      return [
        {
          title: `baseline: ${c.baseline} (${c.confidence * 100}% intervals; seed ${c.seed})`,
          rows: c.rows.map((x) => {
            const isPct = ['winRate', 'churnRate', 'retention', 'grossMarginPct'].includes(x.metric);
            const f = (v: number | null) => (isPct ? pct(v) : round(v));
            return {
              metric: x.metric,
              group: x.group,
              n: x.n,
              estimate: f(x.estimate),
              interval: x.lo === null ? null : `[${f(x.lo)}, ${f(x.hi)}]`,
              diff: f(x.difference),
              diffInterval: x.differenceLo === null ? null : `[${f(x.differenceLo)}, ${f(x.differenceHi)}]`,
              p: x.pValue === null ? null : x.pValue.toFixed(4),
              flag: [x.significant ? 'significant' : '', x.small ? 'SMALL GROUP' : ''].filter(Boolean).join(' '),
            };
          }),
        },
        {
          title: 'groups',
          rows: c.groups.map((g) => ({
            group: g.name,
            clients: g.clients,
            deals: g.deals,
            small: g.small ? 'yes' : '',
            notes: g.notes.join('; '),
          })),
        },
      ];
    }
    case 'funnel': {
      const f = r as FunnelResult;
      const eff = (x: FunnelResult['summary']) => ({
        deals: x.deals,
        open: x.open,
        won: x.won,
        lost: x.lost,
        winRate: ci(x.winRate),
        wonAmount: round(x.wonAmount),
        avgWonDeal: round(x.averageWonDealSize),
        avgCycleDays: round(x.averageCycleDays, 1),
        velocityPerDay: round(x.velocityPerDay),
      });
      return [
        {
          title: 'funnel',
          rows: f.stages.map((s) => ({
            stage: s.stage,
            reached: s.reached,
            conversionToNext: pct(s.conversionToNext),
            avgDaysInStage: round(s.averageDaysInStage, 1),
          })),
        },
        { title: 'total', rows: [eff(f.summary)] },
        ...f.breakdowns.map((b) => ({ title: `by ${b.by}`, rows: b.rows.map((x) => ({ [b.by]: x.group, ...eff(x) })) })),
      ];
    }
    case 'campaigns': {
      const c = r as CampaignsResult;
      const row = (x: Omit<CampaignsResult['rows'][number], 'campaignId' | 'name' | 'channel'>) => ({
        cost: round(x.cost),
        deals: x.deals,
        won: x.won,
        winRate: ci(x.winRate),
        wonAmount: round(x.wonAmount),
        acquired: x.accountsAcquired,
        cac: round(x.acquisitionCostPerAccount),
        revenue: round(x.attributedRevenue),
        margin: round(x.attributedMargin),
        roi: pct(x.roi),
        wonDealRoi: pct(x.wonDealRoi),
      });
      return [
        {
          title: `campaigns (${c.currency})`,
          rows: c.rows.map((x) => ({ campaign: x.campaignId, name: x.name, channel: x.channel, ...row(x) })),
        },
        { title: 'total', rows: [row(c.totals)] },
      ];
    }
  }
  return [];
}

const csvCell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export function toCsv(rows: Record<string, unknown>[]): string {
  if (!rows.length) return '';
  const cols = Object.keys(rows[0]);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n');
}

export function printReport(io: Io, name: string, result: unknown, o: { json?: boolean; csv?: boolean }) {
  if (o.json) return io.out(JSON.stringify(result, null, 2));
  const tables = reportTables(name, result);
  if (o.csv) return io.out(toCsv(tables[0]?.rows ?? []));
  io.out(tables.map((t) => `${t.title ? `${t.title}\n` : ''}${table(t.rows)}`).join('\n\n'));
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
    .option('--by <field>', 'group by: profitability/compare/funnel a field; cohorts month|quarter|<field>')
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
    .option('--period <month|quarter>', 'cohorts: length of the periods since acquisition')
    .option('--periods <n>', 'cohorts: number of periods since acquisition')
    .option('--kind <clients|deals>', 'cohorts: client retention or deal cohorts')
    .option('--basis <created|closed>', 'funnel: which deal date the period applies to')
    .option('--stages <a,b,c>', 'funnel: order of the open stages')
    .option('--seed <n>', 'compare: bootstrap seed')
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
