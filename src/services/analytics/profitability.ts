// Per-client profitability over a period (issue 5 §1). All sums are computed in SQL
// (src/db/repositories/analytics/profitability.ts); only the returned page (and its small monthly
// payback series) is touched in JS.
import { z } from 'zod';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { accountExists } from '../../db/repositories/accounts';
import {
  type ClientMoney,
  type MoneySums,
  monthlyNetProfit,
  PROFITABILITY_SORT_FIELDS,
  profitabilityByGroup,
  profitabilityPage,
} from '../../db/repositories/analytics/profitability';
import { invalidInput, notFound } from '../../errors';
import { measureSpan } from '../../db/repositories/analytics/growth';
import { monthIndexOf, type PaybackMonth, type PaybackStatus, payback as paybackOf } from '../../domain/analytics/payback';
import { DAY_MS } from '../../math/time';
import { Filters, PeriodFields, parseInput, resolvePeriod } from './filters';

export { PROFITABILITY_SORT_FIELDS };

export const ProfitabilityInput = z.object({
  ...PeriodFields,
  filters: Filters,
  /** Sort field, '-' prefix for descending (default -netProfit). */
  sort: z.string().default('-netProfit'),
  limit: z.coerce.number().int().min(1).max(100_000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** Break the totals down by a client field instead of listing clients. */
  by: z.string().optional(),
  /** Add each listed client's payback month by month (paybackCurve). */
  curve: z.boolean().default(false),
});
export type ProfitabilityInputT = z.input<typeof ProfitabilityInput>;

export interface ProfitabilityRow extends MoneyFigures {
  accountId: string;
  name: string;
  segment: string | null;
  region: string | null;
  rep: string | null;
  cohort: string | null;
  rfmSegment: string | null;
  firstPurchase: string | null;
  lastPurchase: string | null;
  tenureDays: number | null;
  acquisitionCost: number | null;
  /** Where the acquisition cost comes from: the account's own field, or its acquiring campaign's cost per acquired client. */
  acquisitionCostSource: 'account' | 'campaign' | null;
  /** When the client was acquired (acquired_at, else its first order). */
  acquiredAt: string | null;
  paybackMonths: number | null;
  /** 'paid_back' | 'not_yet' | 'no_acquisition_cost' | 'acquired_before_history' */
  payback: PaybackStatus;
  /** Month by month from acquisition until the balance turns positive (only when asked for: curve). */
  paybackCurve?: PaybackMonth[];
  clv: number | null;
}

/** The money figures a client row and a total share. */
export interface MoneyFigures {
  revenue: number;
  costOfGoods: number;
  grossMargin: number;
  grossMarginPct: number | null;
  orderDiscounts: number;
  serviceCost: number;
  discountCost: number;
  activityCost: number;
  salesEffort: number;
  costToServe: number;
  netProfit: number;
  netMarginPct: number | null;
  orders: number;
  averageOrderValue: number | null;
}

export interface MoneyTotals extends MoneyFigures {
  clients: number;
  acquisitionCost: number;
}

export interface ProfitabilityResult {
  report: 'profitability';
  currency: string;
  period: { from: string | null; to: string | null };
  sort: string;
  limit: number;
  offset: number;
  totals: MoneyTotals;
  rows: ProfitabilityRow[];
  groups?: (MoneyTotals & { group: string | null })[];
  by?: string;
}

const div = (a: number, b: number) => (b !== 0 ? a / b : null);
const iso = (d: Date | null) => d?.toISOString() ?? null;

function totalsFrom(r: MoneySums): MoneyTotals {
  const revenue = r.revenue;
  const cogs = r.cogs;
  const costToServe = r.serviceCost + r.discountCost + r.activityCost + r.salesEffort;
  const grossMargin = revenue - cogs;
  const netProfit = grossMargin - costToServe;
  return {
    clients: r.clients,
    revenue,
    costOfGoods: cogs,
    grossMargin,
    grossMarginPct: div(grossMargin, revenue),
    orderDiscounts: r.orderDiscounts,
    serviceCost: r.serviceCost,
    discountCost: r.discountCost,
    activityCost: r.activityCost,
    salesEffort: r.salesEffort,
    costToServe,
    netProfit,
    netMarginPct: div(netProfit, revenue),
    orders: r.orders,
    averageOrderValue: div(revenue, r.orders),
    acquisitionCost: r.acquisitionCost,
  };
}

function parseSort(sort: string): { field: string; descending: boolean } {
  const field = sort.replace(/^[-+]/, '');
  if (!PROFITABILITY_SORT_FIELDS.includes(field))
    throw invalidInput(`Unknown sort field "${field}"; known: ${PROFITABILITY_SORT_FIELDS.join(', ')}`, [
      { path: ['sort'], problem: 'unknown sort field', value: field },
    ]);
  return { field, descending: sort.startsWith('-') };
}

const addSums = (a: MoneySums, b: MoneySums): MoneySums => ({
  clients: a.clients + b.clients,
  revenue: a.revenue + b.revenue,
  cogs: a.cogs + b.cogs,
  orderDiscounts: a.orderDiscounts + b.orderDiscounts,
  serviceCost: a.serviceCost + b.serviceCost,
  discountCost: a.discountCost + b.discountCost,
  activityCost: a.activityCost + b.activityCost,
  salesEffort: a.salesEffort + b.salesEffort,
  orders: a.orders + b.orders,
  acquisitionCost: a.acquisitionCost + b.acquisitionCost,
});
const NO_SUMS: MoneySums = {
  clients: 0,
  revenue: 0,
  cogs: 0,
  orderDiscounts: 0,
  serviceCost: 0,
  discountCost: 0,
  activityCost: 0,
  salesEffort: 0,
  orders: 0,
  acquisitionCost: 0,
};

export async function profitabilityReport(db: Database, input: ProfitabilityInputT = {}): Promise<ProfitabilityResult> {
  const q = parseInput(ProfitabilityInput, input, 'profitability');
  const period = resolvePeriod(q.from, q.to);
  const sort = parseSort(q.sort);
  const currency = loadConfig().CURRENCY;
  const base = {
    report: 'profitability' as const,
    currency,
    period: { from: period.from?.toISOString() ?? null, to: period.toExclusive?.toISOString() ?? null },
    sort: q.sort,
    limit: q.limit,
    offset: q.offset,
  };
  if (q.by) {
    // The totals of a breakdown are the sums of its groups, so a breakdown always adds up to the total.
    const groups = await profitabilityByGroup(db.sql, { period, filters: q.filters, by: q.by });
    return {
      ...base,
      totals: totalsFrom(groups.reduce((t, g) => addSums(t, g.sums), NO_SUMS)),
      rows: [],
      by: q.by,
      groups: groups.map((g) => ({ group: g.group, ...totalsFrom(g.sums) })),
    };
  }
  // The order history's first month: clients acquired before it have no payback to count.
  const span = await measureSpan(db.sql, 'turnover');
  const historyMonth = span ? monthIndexOf(span.first) : null;
  const page = await profitabilityPage(db.sql, {
    period,
    filters: q.filters,
    sort: sort.field,
    descending: sort.descending,
    limit: q.limit,
    offset: q.offset,
    historyMonth,
  });
  const payback = await monthlyNetProfit(
    db.sql,
    page.rows.map((r) => r.id),
    period.toExclusive,
  );
  const asOf = period.toExclusive ?? new Date();
  // Payback is followed to the period's end (the last recorded order when there is none).
  const endMonth = monthIndexOf(new Date((period.toExclusive ?? (span ? new Date(span.last.getTime() + 1) : asOf)).getTime() - 1));
  const out = page.rows.map((r) => clientRow(r, { asOf, historyMonth, endMonth, payback, curve: q.curve }));
  return { ...base, totals: totalsFrom(page.totals), rows: out };
}

/** One client's row: money, tenure to churn or the period's end, and payback followed to endMonth. */
function clientRow(
  r: ClientMoney,
  ctx: {
    asOf: Date;
    historyMonth: number | null;
    endMonth: number;
    payback: Map<number, { month: number; netProfit: number }[]>;
    curve: boolean | undefined;
  },
): ProfitabilityRow {
  const { asOf, historyMonth, endMonth, payback } = ctx;
  const t = totalsFrom(r.sums);
  const end = r.churnedAt && r.churnedAt < asOf ? r.churnedAt : asOf;
  const pb = paybackOf(payback.get(r.id) ?? [], r.acquisitionCost, r.cohortAt, { historyStartMonth: historyMonth, endMonth });
  return {
    accountId: r.externalId,
    name: r.name,
    segment: r.segment,
    region: r.region,
    rep: r.repName,
    cohort: r.cohort,
    rfmSegment: r.rfmSegment,
    revenue: t.revenue,
    costOfGoods: t.costOfGoods,
    grossMargin: t.grossMargin,
    grossMarginPct: t.grossMarginPct,
    orderDiscounts: t.orderDiscounts,
    serviceCost: t.serviceCost,
    discountCost: t.discountCost,
    activityCost: t.activityCost,
    salesEffort: t.salesEffort,
    costToServe: t.costToServe,
    netProfit: t.netProfit,
    netMarginPct: t.netMarginPct,
    orders: t.orders,
    averageOrderValue: t.averageOrderValue,
    firstPurchase: iso(r.firstPurchaseAt),
    lastPurchase: iso(r.lastPurchaseAt),
    tenureDays: r.cohortAt ? Math.max(0, Math.floor((end.getTime() - r.cohortAt.getTime()) / DAY_MS)) : null,
    acquisitionCost: r.acquisitionCost,
    acquisitionCostSource: r.acquisitionCostSource,
    acquiredAt: iso(r.cohortAt),
    paybackMonths: pb.months,
    payback: pb.status,
    ...(ctx.curve ? { paybackCurve: pb.curve } : {}),
    clv: r.clv,
  };
}

/** The profitability of one client named by external id (NOT_FOUND when there is none). */
export async function clientProfitability(
  db: Database,
  externalId: string,
  input: Pick<ProfitabilityInputT, 'from' | 'to'> = {},
): Promise<{ currency: string; period: ProfitabilityResult['period']; client: ProfitabilityRow }> {
  if (!(await accountExists(db.sql, externalId))) throw notFound(`No client with external id "${externalId}"`);
  // The account filter matches external id or name; pick the row whose external id was asked for.
  const r = await profitabilityReport(db, { ...input, filters: { account: externalId }, limit: 100, curve: true });
  const client = r.rows.find((row) => row.accountId === externalId);
  if (!client) throw notFound(`No client with external id "${externalId}"`);
  return { currency: r.currency, period: r.period, client };
}
