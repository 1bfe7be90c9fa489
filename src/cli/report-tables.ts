// The tables `salescast report <name>` prints for each report: the first is the main one (also
// the CSV); money rounded to cents, shares as percentages, intervals in brackets.
import type {
  CampaignEffectResult,
  CampaignsResult,
  CohortsResult,
  CompareResult,
  FunnelResult,
  GrowthResult,
  NewVsExistingResult,
  ParetoReport,
  ProfitabilityResult,
} from '../services/analytics';

export interface ReportTable {
  title?: string;
  rows: Record<string, unknown>[];
  /** Column order, when the rows' key order is not it (keys like "2024" sort first in JS objects). */
  columns?: string[];
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : `${(v * 100).toFixed(1)}%`);
const round = (v: number | null | undefined, dp = 2) => (v === null || v === undefined ? null : Math.round(v * 10 ** dp) / 10 ** dp);
const ci = (i: { estimate: number | null; lo: number | null; hi: number | null }) =>
  i.estimate === null ? null : `${pct(i.estimate)} [${pct(i.lo)}, ${pct(i.hi)}]`;

/** The tables a report prints: the first is the main one (also the CSV). */
export function reportTables(name: string, r: unknown): ReportTable[] {
  switch (name) {
    case 'profitability':
      return profitabilityTables(r as ProfitabilityResult);
    case 'pareto':
      return paretoTables(r as ParetoReport);
    case 'cohorts':
      return cohortsTables(r as CohortsResult);
    case 'compare':
      return compareTables(r as CompareResult);
    case 'funnel':
      return funnelTables(r as FunnelResult);
    case 'campaigns':
      return campaignsTables(r as CampaignsResult);
    case 'growth':
      return growthTables(r as GrowthResult);
    case 'new-vs-existing':
      return newVsExistingTables(r as NewVsExistingResult);
    case 'campaign-effect':
      return campaignEffectTables(r as CampaignEffectResult);
  }
  return [];
}

function profitabilityTables(p: ProfitabilityResult): ReportTable[] {
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
        payback: paybackText(x.payback, x.paybackMonths),
        clv: round(x.clv),
      })),
    },
    { title: 'total', rows: [totalRow] },
  ];
}

function paretoTables(p: ParetoReport): ReportTable[] {
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

function cohortsTables(c: CohortsResult): ReportTable[] {
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

function compareTables(c: CompareResult): ReportTable[] {
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

function funnelTables(f: FunnelResult): ReportTable[] {
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

function campaignsTables(c: CampaignsResult): ReportTable[] {
  const row = (x: CampaignsResult['totals']) => ({
    cost: round(x.cost),
    deals: x.deals,
    won: x.won,
    winRate: ci(x.winRate),
    wonAmount: round(x.wonAmount),
    acquired: x.accountsAcquired,
    loyal: x.loyalClients,
    costPerAcquired: round(x.acquisitionCostPerAccount),
    costPerLoyal: round(x.costPerLoyalClient),
    revenue: round(x.attributedRevenue),
    margin: round(x.attributedMargin),
    roi: pct(x.roi),
    wonDealRoi: pct(x.wonDealRoi),
  });
  return [
    {
      title: `campaigns (${c.currency}; revenue and margin within ${c.windowDays} days of each campaign's first touch)`,
      rows: c.rows.map((x) => ({
        campaign: x.campaignId,
        name: x.name,
        channel: x.channel,
        ...row(x),
        payback: paybackText(x.payback, x.paybackMonths),
        targets: x.targets || null,
      })),
    },
    { title: 'total', rows: c.rows.length ? [row(c.totals)] : [] },
  ];
}

const NOT_RECORDED = '(not recorded)';

/** A payback in words: months, or why there are none (docs/reports.md). */
function paybackText(status: string, months: number | null): string {
  if (status === 'paid_back') return `${months} mo`;
  if (status === 'not_yet') return 'not yet';
  if (status === 'acquired_before_history') return 'before records';
  return 'no cost known';
}
const signedPct = (v: number | null) => (v === null ? null : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);

/** The cross-tab of values (the CSV), then growth on the previous period, on the year before, and shares. */
function growthTables(g: GrowthResult): ReportTable[] {
  const label = (group: string | null) => group ?? NOT_RECORDED;
  const rows = [...g.rows, g.total];
  const crossTab = (
    title: string,
    cell: (c: GrowthResult['total']['cells'][number]) => unknown,
    total?: (r: GrowthResult['total']) => unknown,
  ) => ({
    title,
    columns: [g.by, ...g.periods.map((p) => p.period), ...(total ? ['all'] : [])],
    rows: rows.map((r, i) => ({
      [g.by]: i === rows.length - 1 ? 'total' : label(r.group),
      ...Object.fromEntries(r.cells.map((c) => [c.period, cell(c)])),
      ...(total ? { all: total(r) } : {}),
    })),
  });
  const partial = g.periods.filter((p) => p.partial).map((p) => p.period);
  return [
    crossTab(
      `${g.measure} by ${g.by} and ${g.period} (${g.currency}; ${g.measureDefinition})${partial.length ? `; cut by the data's span: ${partial.join(', ')}` : ''}`,
      (c) => round(c.value),
      (r) => round(r.total),
    ),
    crossTab('growth on the previous period', (c) => signedPct(c.growth)),
    crossTab('growth on the same period a year before', (c) => signedPct(c.yearOverYear)),
    crossTab(
      'share of the period',
      (c) => pct(c.share),
      (r) => pct(r.share),
    ),
  ];
}

function newVsExistingTables(r: NewVsExistingResult): ReportTable[] {
  const fig = (x: NewVsExistingResult['deals'][number]) => ({
    deals: x.deals,
    won: x.won,
    lost: x.lost,
    winRate: ci(x.winRate),
    avgCycleDays: round(x.averageCycleDays, 1),
    activitiesPerWonDeal: round(x.activitiesPerWonDeal, 1),
    wonAmount: round(x.wonAmount),
    avgWonDeal: round(x.averageWonDealSize),
  });
  const d = r.winRateDifference;
  const tables: ReportTable[] = [
    {
      title: `deals ${r.period.basis} in the period, new-client vs existing-client business (${r.currency})`,
      rows: r.deals.map((x) => ({ business: x.business, ...fig(x) })),
    },
    {
      title: 'win rate, existing minus new',
      rows: [
        {
          difference: signedPct(d.difference),
          interval: d.lo === null ? null : `[${signedPct(d.lo)}, ${signedPct(d.hi)}]`,
          p: d.pValue === null ? null : d.pValue.toFixed(4),
          test: d.method,
        },
      ],
    },
  ];
  if (r.breakdown)
    tables.push({
      title: `by ${r.breakdown.by}`,
      rows: r.breakdown.rows.flatMap((g) =>
        [g.new, g.existing].map((x) => ({ [r.breakdown!.by]: g.group ?? NOT_RECORDED, business: x.business, ...fig(x) })),
      ),
    });
  if (r.orders)
    tables.push({
      title: 'order revenue in the period',
      rows: r.orders.map((o) => ({
        business: o.business,
        revenue: round(o.revenue),
        orders: o.orders,
        clients: o.clients,
        share: pct(o.share),
      })),
    });
  return tables;
}

function campaignEffectTables(r: CampaignEffectResult): ReportTable[] {
  const interval = (lo: number | null, hi: number | null, f: (v: number | null) => unknown) =>
    lo === null ? null : `[${f(lo)}, ${f(hi)}]`;
  const p = (v: number | null) => (v === null ? null : v.toFixed(3));
  return [
    {
      title: `targeted vs similar accounts not targeted, ${r.windowDays} days from each campaign's start (${r.currency}; matched on ${r.matchOn.join(', ')}; ${Math.round(r.confidence * 100)}% intervals)`,
      rows: r.campaigns.map((c) => ({
        campaign: c.campaignId,
        name: c.name,
        targets: c.targets,
        matched: c.matched.targeted,
        controls: c.matched.controls,
        convTargeted: pct(c.conversion.targeted),
        convControl: pct(c.conversion.control),
        convDiff: signedPct(c.conversion.difference),
        convInterval: interval(c.conversion.lo, c.conversion.hi, signedPct),
        cmhP: p(c.conversion.cmh.pValue),
        revTargeted: round(c.revenue.targeted),
        revControl: round(c.revenue.control),
        revDiff: round(c.revenue.difference),
        revInterval: interval(c.revenue.lo, c.revenue.hi, (v) => round(v, 0)),
        revP: p(c.revenue.pValue),
        revPHolm: p(c.revenue.adjustedPValue),
        naiveRevDiff: round(c.revenue.naiveDifference),
        incrementalRevenue: round(c.incremental.revenue.estimate, 0),
        incrementalRoi: pct(c.incremental.roi.estimate),
        attributedRoi: pct(c.attributed.roi),
        days: c.observedDays,
      })),
    },
    { title: 'in words', rows: r.campaigns.map((c) => ({ campaign: c.campaignId, verdict: c.verdict })) },
    { title: 'method', rows: r.campaigns.length ? [{ method: r.method }] : [] },
  ];
}

/** The sentences a report adds to its tables (substituted measures, cut periods, missing fields). */
export function reportNotes(r: unknown): string[] {
  const notes = (r as { notes?: unknown }).notes;
  return Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string') : [];
}
