// Golden numbers for the director's reports (issue 15) on the fixture of
// test/analytics/golden-fixture.ts, worked out by hand, on SQLite and PostgreSQL: growth by group
// and period, and the split into new-client and existing-client business.
//
// When each account became a client (acquired, first won deal, first order — the earliest):
//   A1 2024-01-15, A2 2024-02-10, A3 2024-01-20, A4 2024-03-02 (O4 closed before A4's acquired_at).
// Deals: O1-O4 were created before their account was a client → new; O5-O8 after → existing.
// Orders: OR1, OR5, OR9 belong to new-client deals (O1, O2, O4) → new; the others have no deal and
// come after their client's start → existing (OR7: A3 was acquired 01-20, five days before it).
// Campaign effect: a third campaign, C3 "Newsletter" (cost 500, started 2024-03-01), targeted A1
// and A2 (added below, on this suite's own database).
import type { Dialect } from '../../src/db/sql';
import { AppError } from '../../src/errors';
import { campaignEffectReport, campaignsReport, growthReport, newVsExistingReport, runReport } from '../../src/services/analytics';
import { loadGoldenFixture } from '../analytics/golden-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const YEAR = { from: '2024-01-01', to: '2024-12-31' };

export function analyticsDirectorSuite(dialect: Dialect) {
  describe(`director's reports on the golden fixture (${dialect})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(dialect);
      await loadGoldenFixture(t.db);
      const c3 = await t.db.prisma.campaign.create({
        data: { externalId: 'C3', name: 'Newsletter', channel: 'email', cost: 500, startedAt: new Date('2024-03-01T00:00:00Z') },
      });
      for (const ext of ['A1', 'A2']) {
        const a = await t.db.prisma.account.findUniqueOrThrow({ where: { externalId: ext } });
        await t.db.prisma.campaignTarget.create({ data: { externalId: `C3|${ext}`, campaignId: c3.id, accountId: a.id } });
      }
    });
    afterAll(async () => t.cleanup());

    test('growth by family and quarter: values, shares and growth, the first quarter cut by the history', async () => {
      const g = await growthReport(t.db, { ...YEAR, by: 'family', period: 'quarter' });
      expect(g.measure).toBe('turnover');
      // Orders start 2024-01-20 (OR1): 2024-Q1 is cut at the start; the report ends 2024-12-31.
      expect(g.periods.map((p) => [p.period, p.partial])).toEqual([
        ['2024-Q1', 'start'],
        ['2024-Q2', null],
        ['2024-Q3', null],
        ['2024-Q4', null],
      ]);
      // G (Gadget): OR2 500 + OR5 2000 + OR6 1000 + OR9 400 = 3900 in Q1. W (Widget): OR1 1000 +
      // OR7 300 + OR8 200 = 1500 in Q1, OR3 1200 in Q2.
      expect(g.rows.map((r) => [r.group, r.cells.map((c) => c.value)])).toEqual([
        ['G', [3900, 0, 0, 0]],
        ['W', [1500, 1200, 0, 0]],
      ]);
      expect(g.rows[0].cells[0].share).toBeCloseTo(3900 / 5400, 12);
      expect(g.rows[1].share).toBeCloseTo(2700 / 6600, 12);
      // Q2 against the cut Q1: not compared. Q3 against Q2: W −100%, G has nothing to grow from.
      expect(g.rows[1].cells[1]).toMatchObject({ previous: null, growth: null });
      expect(g.rows[1].cells[2]).toMatchObject({ previous: 1200, growth: -1 });
      expect(g.rows[0].cells[2].growth).toBeNull();
      expect(g.total.cells.map((c) => c.value)).toEqual([5400, 1200, 0, 0]);
      expect(g.notes.join(' ')).toMatch(/2024-Q1 holds only 2024-01-20 to 2024-03-31/);
    });

    test('growth to date compares the same days of the earlier periods', async () => {
      // No end: the data ends with OR4 on 2025-01-05, so 2025-Q1 runs 5 days; the same 5 days of
      // 2024-Q4 and 2024-Q1 (Jan 1-5) had no orders: nothing to grow from.
      const g = await growthReport(t.db, { by: 'product', period: 'quarter' });
      const last = g.periods[g.periods.length - 1];
      expect(last).toMatchObject({ period: '2025-Q1', partial: 'end', likeForLike: true, observedTo: '2025-01-06' });
      const widget = g.rows.find((r) => r.group === 'Widget')!;
      expect(widget.cells[widget.cells.length - 1]).toMatchObject({ value: 9999, previous: 0, yearBefore: null, growth: null });
      expect(g.notes.join(' ')).toMatch(/2025-Q1 runs to 2025-01-05 \(5 days\)/);
    });

    test('growth by segment, region and new vs existing business add up to the same total', async () => {
      const seg = await growthReport(t.db, { ...YEAR, by: 'segment', period: 'year' });
      // SMB: A1 2700 + A3 500 = 3200; ENT: A2 3000 + A4 400 = 3400.
      expect(seg.rows.map((r) => [r.group, r.total])).toEqual([
        ['ENT', 3400],
        ['SMB', 3200],
      ]);
      const reg = await growthReport(t.db, { ...YEAR, by: 'region', period: 'year', filters: { segment: 'SMB' } });
      expect(reg.rows.map((r) => [r.group, r.total])).toEqual([
        ['EU', 2700],
        ['US', 500],
      ]);
      const biz = await growthReport(t.db, { ...YEAR, by: 'business', period: 'year' });
      expect(biz.rows.map((r) => [r.group, r.total])).toEqual([
        ['new', 3400],
        ['existing', 3200],
      ]);
      const onlyW = await growthReport(t.db, { ...YEAR, by: 'segment', period: 'year', filters: { family: 'W' } });
      expect(onlyW.total.total).toBe(2700);
    });

    test('growth of bookings: won deal amounts by close date, by product', async () => {
      const g = await growthReport(t.db, { ...YEAR, by: 'product', period: 'quarter', measure: 'bookings' });
      expect(g.measure).toBe('bookings');
      // Won: O1 Widget 1000 (01-15), O3 Widget 300 (01-25), O2 Gadget 3000 (02-19), O4 Gadget 400 (03-02).
      // The first close is 2024-01-15 and the last 2024-03-02: only Q1, cut at both ends.
      expect(g.rows.map((r) => [r.group, r.total])).toEqual([
        ['Gadget', 3400],
        ['Widget', 1300],
      ]);
      expect(g.periods).toHaveLength(1);
    });

    test('growth refuses an unknown field naming it', async () => {
      const e = await growthReport(t.db, { by: 'colour' }).catch((x) => x);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).message).toContain('Unknown field "colour"');
    });

    test('new vs existing: win rate, cycle and activities per won deal for each, and the orders', async () => {
      const r = await newVsExistingReport(t.db, YEAR);
      const [nw, ex] = r.deals;
      // New: O1-O4 all won; cycles 13, 40, 20, 30 days → 25.75; activities on them: AC2 (O1),
      // AC3 (O2), AC4 (O4) → 3 / 4 won.
      expect(nw).toMatchObject({ business: 'new', deals: 4, won: 4, lost: 0, wonAmount: 4700 });
      expect(nw.averageCycleDays).toBeCloseTo(25.75, 9);
      expect(nw.activitiesPerWonDeal).toBeCloseTo(0.75, 12);
      // Existing: O5 and O7 lost, O6 and O8 open.
      expect(ex).toMatchObject({ business: 'existing', deals: 4, won: 0, lost: 2, open: 2, activitiesPerWonDeal: null });
      expect(r.winRateDifference.difference).toBe(-1);
      expect(r.orders).toEqual([
        { business: 'new', revenue: 3400, orders: 3, clients: 3, share: 3400 / 6600 },
        { business: 'existing', revenue: 3200, orders: 5, clients: 3, share: 3200 / 6600 },
      ]);
    });

    test('new vs existing per rep, and business as a field of the funnel', async () => {
      const r = await newVsExistingReport(t.db, { ...YEAR, by: 'rep' });
      // Alice (R1): O1, O3 new (won); O5, O7, O8 existing. Bob (R2): O2, O4 new (won); O6 existing.
      const alice = r.breakdown!.rows.find((x) => x.group === 'Alice')!;
      expect([alice.new.deals, alice.new.won, alice.existing.deals, alice.existing.lost]).toEqual([2, 2, 3, 2]);
      const bob = r.breakdown!.rows.find((x) => x.group === 'Bob')!;
      expect([bob.new.won, bob.existing.open]).toEqual([2, 1]);
      const funnel = (await runReport(t.db, 'funnel', { ...YEAR, by: 'business' })) as {
        breakdowns: { rows: { group: string | null; deals: number; won: number }[] }[];
      };
      expect(funnel.breakdowns[0].rows.map((x) => [x.group, x.deals, x.won])).toEqual([
        ['new', 4, 4],
        ['existing', 4, 0],
      ]);
      const onlyNew = (await runReport(t.db, 'funnel', { ...YEAR, by: [], filters: { business: 'new' } })) as {
        summary: { deals: number };
      };
      expect(onlyNew.summary.deals).toBe(4);
    });

    test('campaigns: revenue attributed within the window only, loyal clients, cost per client and payback', async () => {
      const r = await campaignsReport(t.db, {});
      const c1 = r.rows.find((x) => x.campaignId === 'C1')!;
      // C1 acquired A2 (2024-02-10) and A3 (2024-01-20); O2 (A2) is its deal. Within 365 days:
      // OR5 2000/1500 (O2's), OR6 1000/800, OR7 300/100, OR8 200/50 → revenue 3500, margin 1050.
      expect(c1).toMatchObject({ accountsAcquired: 2, loyalClients: 2, attributedRevenue: 3500, attributedMargin: 1050 });
      expect(c1.costPerLoyalClient).toBe(500);
      // Payback from C1's first acquisition month (it has no start date), January 2024: margin
      // 200 (Jan), 700 (Feb), 1050 (Mar) ≥ 1000 → month 2.
      expect(c1).toMatchObject({ payback: 'paid_back', paybackMonths: 2 });
      expect(r.rows.find((x) => x.campaignId === 'C2')).toMatchObject({ attributedMargin: 50, payback: 'not_yet' });
      expect(r.rows.find((x) => x.campaignId === 'C3')).toMatchObject({ targets: 2, accountsAcquired: 0, attributedRevenue: 0 });
      // A 30-day window drops OR6 (44 days after A2's acquisition) and OR8 (42 days after A3's):
      // A2's and A3's repeat orders fall outside it, so neither became loyal within it.
      const short = await campaignsReport(t.db, { windowDays: 30 });
      expect(short.rows.find((x) => x.campaignId === 'C1')).toMatchObject({
        attributedRevenue: 2300,
        attributedMargin: 700,
        loyalClients: 0,
      });
      expect(short.windowDays).toBe(30);
    });

    test('campaign effect: targeted vs similar accounts, the effect on the targeted within strata', async () => {
      // Known before 2024-03-01 and not churned then: A1-A4 (A4 through its deal O4, created 02-01).
      // Orders in [2024-03-01, 2025-03-01): A1 OR3 1200 + OR4 9999 = 11199; A2 OR6 1000;
      // A3 OR8 200; A4 OR9 400. No deal created in the window was won: conversion 0 everywhere.
      const r = await campaignEffectReport(t.db, { filters: { campaign: 'C3' }, matchOn: 'segment' });
      const c = r.campaigns[0];
      expect(c).toMatchObject({ campaignId: 'C3', targets: 2, population: { targeted: 2, notTargeted: 2 } });
      expect(c.matched).toEqual({ targeted: 2, unmatchedTargets: 0, controls: 2, strata: 2 });
      // SMB: A1 − A3 = 10999; ENT: A2 − A4 = 600; equal weights → 5799.5. One account per arm and
      // stratum: no variance to estimate, so no interval.
      expect(c.revenue.difference).toBeCloseTo(5799.5, 9);
      expect(c.revenue.lo).toBeNull();
      expect(c.conversion.difference).toBe(0);
      // The data ends 2025-01-05: 311 of the 365 days are observed.
      expect(c).toMatchObject({ windowComplete: false, observedDays: 311 });
      expect(c.incremental.revenue.estimate).toBeCloseTo(11599, 9);
      expect(c.verdict).toMatch(/targeted accounts bought 5,800 USD more per account/);
    });

    test('campaign effect without strata: Neyman interval of two accounts a side; unmatched targets counted', async () => {
      const pooled = (await campaignEffectReport(t.db, { filters: { campaign: 'C3' }, matchOn: [] })).campaigns[0];
      // Targeted 11199 and 1000 (mean 6099.5), controls 200 and 400 (mean 300).
      const vt = ((11199 - 6099.5) ** 2 + (1000 - 6099.5) ** 2) / 1;
      const vc = ((200 - 300) ** 2 + (400 - 300) ** 2) / 1;
      const se = Math.sqrt(vt / 2 + vc / 2);
      expect(pooled.revenue.difference).toBeCloseTo(5799.5, 9);
      expect(pooled.revenue.hi! - pooled.revenue.difference!).toBeCloseTo(1.959963985 * se, 3);
      expect(pooled.revenue.naiveDifference).toBeCloseTo(5799.5, 9);
      // Matching on status too: A4 became a client on 2024-03-02, a day after the start (a
      // prospect then), so A2's stratum (ENT, customer) has no control: A2 is left out.
      const strict = (await campaignEffectReport(t.db, { filters: { campaign: 'C3' }, matchOn: 'segment,status' })).campaigns[0];
      expect(strict.matched).toMatchObject({ targeted: 1, unmatchedTargets: 1 });
      expect(strict.revenue.difference).toBeCloseTo(10999, 9);
    });

    test('campaign effect says what is missing: no target list, an unknown campaign, a bad field', async () => {
      const none = await campaignEffectReport(t.db, { filters: { campaign: 'C1' } });
      expect(none.campaigns).toEqual([]);
      expect(none.notes.join(' ')).toMatch(/"C1" has no target list/);
      const missing = await campaignEffectReport(t.db, { filters: { campaign: 'C404' } }).catch((e) => e);
      expect(missing).toMatchObject({ code: 'NOT_FOUND' });
      const bad = await campaignEffectReport(t.db, { matchOn: 'colour' }).catch((e) => e);
      expect(bad).toMatchObject({ code: 'INVALID_INPUT' });
      expect((bad as AppError).message).toContain('Unknown field "colour"');
    });
  });
}
