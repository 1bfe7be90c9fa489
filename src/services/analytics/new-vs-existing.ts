// New-client vs existing-client business (issue 15): the deals of a period split by whether the
// account was already a client when the deal was created (an earlier won deal, order or acquisition
// date), with win rate, cycle and activities per won deal for each, and the test of the win-rate
// difference; order revenue split the same way. `by` repeats the split per value of a deal field.
// The same split is a deal field (`business`) of every deal report: `--by business` or
// `business=new` in funnel, cohorts, compare and growth.
import { z } from 'zod';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { measureSpan } from '../../db/repositories/analytics/growth';
import {
  type Business,
  type BusinessDealSums,
  dealActivitiesRecorded,
  dealsByBusiness,
  ordersByBusiness,
} from '../../db/repositories/analytics/new-vs-existing';
import { type DifferenceTest, twoProportionTest } from '../../domain/analytics/statistics';
import { efficiencyFrom, type SalesEfficiency } from './funnel';
import { Filters, PeriodFields, parseInput, resolvePeriod } from './filters';

export const NewVsExistingInput = z.object({
  ...PeriodFields,
  filters: Filters,
  /** Which deal date the period applies to. */
  basis: z.enum(['created', 'closed']).default('created'),
  /** A deal field to repeat the split for (rep, product, segment, region, ...). */
  by: z.string().min(1).optional(),
});
export type NewVsExistingInputT = z.input<typeof NewVsExistingInput>;

export interface BusinessFigures extends SalesEfficiency {
  business: Business;
  /** Activities logged on the won deals ÷ won deals: the contacts a win took. */
  activitiesPerWonDeal: number | null;
  wonActivities: number;
}

export interface BusinessRevenue {
  business: Business;
  revenue: number;
  orders: number;
  clients: number;
  share: number | null;
}

export interface NewVsExistingResult {
  report: 'new-vs-existing';
  currency: string;
  period: { from: string | null; to: string | null; basis: 'created' | 'closed' };
  definition: string;
  /** New-client business first, then existing-client business. */
  deals: BusinessFigures[];
  /** Existing-client win rate minus new-client win rate, with its interval and test. */
  winRateDifference: DifferenceTest;
  breakdown: { by: string; rows: { group: string | null; new: BusinessFigures; existing: BusinessFigures }[] } | null;
  /** Order revenue by business; null when no orders are recorded at all. */
  orders: BusinessRevenue[] | null;
  /** Deals without an account (neither new nor existing business). */
  dealsWithoutAccount: number;
  notes: string[];
}

export const BUSINESS_DEFINITION =
  "A deal is existing-client business when its account was already a client when the deal was created: it had a won deal closed, an order placed or an acquisition date before that day. Otherwise it is new-client business (the account's first sale). An order belongs to the business of its deal; an order without a deal is existing-client business when the client had bought (or was acquired) before it.";

const EMPTY: Omit<BusinessDealSums, 'business' | 'group'> = {
  deals: 0,
  won: 0,
  lost: 0,
  wonAmount: 0,
  wonCycleDays: null,
  wonActivities: 0,
};

/** Outcome sums of several rows (cycle days weighted by won deals). */
function combine(rows: readonly BusinessDealSums[]): Omit<BusinessDealSums, 'business' | 'group'> {
  let cycleSum = 0;
  let cycleWon = 0;
  const out = { ...EMPTY };
  for (const r of rows) {
    out.deals += r.deals;
    out.won += r.won;
    out.lost += r.lost;
    out.wonAmount += r.wonAmount;
    out.wonActivities += r.wonActivities;
    if (r.wonCycleDays !== null && r.won > 0) {
      cycleSum += r.wonCycleDays * r.won;
      cycleWon += r.won;
    }
  }
  return { ...out, wonCycleDays: cycleWon ? cycleSum / cycleWon : null };
}

function figures(business: Business, s: Omit<BusinessDealSums, 'business' | 'group'>, activities = true): BusinessFigures {
  return {
    business,
    ...efficiencyFrom({ deals: s.deals, won: s.won, lost: s.lost, wonAmount: s.wonAmount, wonCycleDays: s.wonCycleDays }),
    activitiesPerWonDeal: s.won && activities ? s.wonActivities / s.won : null,
    wonActivities: s.wonActivities,
  };
}

const ofBusiness = (rows: readonly BusinessDealSums[], b: Business) => rows.filter((r) => r.business === b);

export async function newVsExistingReport(db: Database, input: NewVsExistingInputT = {}): Promise<NewVsExistingResult> {
  const q = parseInput(NewVsExistingInput, input, 'new-vs-existing');
  const period = resolvePeriod(q.from, q.to);
  const notes: string[] = [];
  const rows = await dealsByBusiness(db.sql, { period, basis: q.basis, filters: q.filters, by: q.by });
  // Without any activity logged on a deal, contacts per won deal are unknown, not zero.
  const acts = await dealActivitiesRecorded(db.sql);
  if (!acts) notes.push('No activities are logged on deals: contacts per won deal are not known.');
  const nw = figures('new', combine(ofBusiness(rows, 'new')), acts);
  const ex = figures('existing', combine(ofBusiness(rows, 'existing')), acts);
  let breakdown: NewVsExistingResult['breakdown'] = null;
  if (q.by) {
    const groups = [...new Set(rows.map((r) => r.group))];
    const pick = (g: string | null, b: Business) => combine(ofBusiness(rows, b).filter((r) => r.group === g));
    breakdown = {
      by: q.by,
      rows: groups
        .map((group) => ({
          group,
          new: figures('new', pick(group, 'new'), acts),
          existing: figures('existing', pick(group, 'existing'), acts),
        }))
        .sort(
          (a, b) =>
            (a.group === null ? 1 : 0) - (b.group === null ? 1 : 0) || b.new.deals + b.existing.deals - (a.new.deals + a.existing.deals),
        ),
    };
  }
  const withoutAccount = rows.filter((r) => r.business === null).reduce((n, r) => n + r.deals, 0);
  if (withoutAccount)
    notes.push(`${withoutAccount} deals have no account, so they are neither new- nor existing-client business and are left out.`);
  if (nw.deals + ex.deals === 0) notes.push('No deals with an account fall in the period.');
  else if (nw.deals === 0) notes.push('Every deal of the period is with an existing client.');

  let orders: BusinessRevenue[] | null = null;
  if (await measureSpan(db.sql, 'turnover')) {
    const sums = await ordersByBusiness(db.sql, { period, filters: q.filters });
    const total = sums.reduce((s, x) => s + x.revenue, 0);
    orders = (['new', 'existing'] as const).map((b) => {
      const x = sums.find((s) => s.business === b) ?? { business: b, revenue: 0, orders: 0, clients: 0 };
      return { ...x, share: total > 0 ? x.revenue / total : null };
    });
  } else notes.push('No orders are recorded: the split covers deals (won amounts) only, not order revenue.');

  return {
    report: 'new-vs-existing',
    currency: loadConfig().CURRENCY,
    period: { from: period.from?.toISOString() ?? null, to: period.toExclusive?.toISOString() ?? null, basis: q.basis },
    definition: BUSINESS_DEFINITION,
    deals: [nw, ex],
    winRateDifference: twoProportionTest(nw.won, nw.won + nw.lost, ex.won, ex.won + ex.lost),
    breakdown,
    orders,
    dealsWithoutAccount: withoutAccount,
    notes,
  };
}
