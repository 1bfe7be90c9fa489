// Golden numbers for every report on the fixture of test/analytics/golden-fixture.ts, worked out by
// hand (the arithmetic is in the comments), run on SQLite and on PostgreSQL.
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import type { Dialect } from '../../src/db/sql';
import { loadGoldenFixture } from '../analytics/golden-fixture';
import {
  campaignsReport,
  cohortsReport,
  compareReport,
  funnelReport,
  paretoReport,
  profitabilityReport,
  runReport,
} from '../../src/services/analytics';
import { AppError } from '../../src/errors';

const YEAR = { from: '2024-01-01', to: '2024-12-31' };
const close = (a: number | null | undefined, b: number, dp = 6) => expect(a).toBeCloseTo(b, dp);

async function expectInvalid(p: Promise<unknown>, mention: string) {
  const e = await p.then(
    () => null,
    (x) => x,
  );
  expect(e).toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe('INVALID_INPUT');
  expect((e as AppError).message).toContain(mention);
}

export function analyticsGoldenSuite(dialect: Dialect) {
  describe(`analytics reports on the golden fixture (${dialect})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(dialect);
      await loadGoldenFixture(t.db);
    });
    afterAll(async () => t.cleanup());

    test('profitability of each client in 2024 matches the hand computation', async () => {
      const r = await profitabilityReport(t.db, YEAR);
      expect(r.rows.map((x) => x.accountId)).toEqual(['A1', 'A3', 'A2', 'A4']); // by net profit, descending
      const [a1, a3, a2, a4] = r.rows;
      // A1: orders 1000+500+1200 (the 2025 order is outside), cogs 400+200+300; support 100, discount credit 20,
      // account call 30, meeting on its deal O1 50 → cost to serve 200, net 1800 − 200 = 1600.
      expect(a1).toMatchObject({
        revenue: 2700,
        costOfGoods: 900,
        grossMargin: 1800,
        orderDiscounts: 50,
        serviceCost: 100,
        discountCost: 20,
        activityCost: 30,
        salesEffort: 50,
        costToServe: 200,
        netProfit: 1600,
        orders: 3,
        averageOrderValue: 900,
      });
      close(a1.grossMarginPct, 1800 / 2700);
      close(a1.netMarginPct, 1600 / 2700);
      expect(a1.firstPurchase).toBe('2024-01-20T00:00:00.000Z');
      expect(a1.lastPurchase).toBe('2024-04-10T00:00:00.000Z');
      expect(a1.tenureDays).toBe(352); // 2024-01-15 → 2025-01-01 (2024 is a leap year: 366 − 14)
      // Payback against 800: Jan 600−30−50 = 520, Feb +300−100 = 720, Mar −20 = 700, Apr +900 = 1600 ≥ 800 → month 3.
      expect(a1).toMatchObject({
        acquisitionCost: 800,
        paybackMonths: 3,
        payback: 'paid_back',
        clv: 2500,
        rfmSegment: 'Champions',
        rep: 'Alice',
        cohort: '2024-01',
      });
      // A2: 3000 − 2300 = 700; onboarding 400 + demo on O2 200 (linked to both account and deal: counted once) → 100.
      // Acquisition: half of Spring Webinar's 1000 (two accounts acquired) = 500; cumulative 300 then 100 → not yet.
      expect(a2).toMatchObject({
        revenue: 3000,
        grossMargin: 700,
        serviceCost: 400,
        activityCost: 0,
        salesEffort: 200,
        netProfit: 100,
        acquisitionCost: 500,
        paybackMonths: null,
        payback: 'not_yet',
        rep: 'Bob',
      });
      // A3: 500 − 150 = 350, no costs; churned 2024-05-10 → tenure from 2024-01-20 = 111 days.
      expect(a3).toMatchObject({ revenue: 500, netProfit: 350, acquisitionCost: 500, payback: 'not_yet', tenureDays: 111 });
      // A4: 400 − 350 = 50; support 300 + call on O4 60 → −310; no acquisition cost; owner tie 1–1 → lower rep id (Alice).
      expect(a4).toMatchObject({
        revenue: 400,
        grossMargin: 50,
        costToServe: 360,
        netProfit: -310,
        acquisitionCost: null,
        payback: 'no_acquisition_cost',
        rep: 'Alice',
      });
      // Totals are the sums of the rows.
      expect(r.totals).toMatchObject({
        clients: 4,
        revenue: 6600,
        costOfGoods: 3700,
        grossMargin: 2900,
        costToServe: 1160,
        netProfit: 1740,
        orders: 8,
        acquisitionCost: 1800,
        orderDiscounts: 50,
      });
      close(r.totals.averageOrderValue, 825);
      for (const k of ['revenue', 'costOfGoods', 'costToServe', 'netProfit', 'orders'] as const)
        expect(r.rows.reduce((s, x) => s + x[k], 0)).toBeCloseTo(r.totals[k], 9);
    });

    test('breakdowns by segment add up to the total, and filters pick the right clients', async () => {
      const r = await profitabilityReport(t.db, { ...YEAR, by: 'segment' });
      expect(r.groups!.map((g) => [g.group, g.clients, g.revenue, g.netProfit])).toEqual([
        ['SMB', 2, 3200, 1950], // A1 + A3
        ['ENT', 2, 3400, -210], // A2 + A4
      ]);
      expect(r.groups!.reduce((s, g) => s + g.netProfit, 0)).toBeCloseTo(r.totals.netProfit, 9);
      const ids = async (filters: Record<string, string | string[]>) =>
        (await profitabilityReport(t.db, { ...YEAR, filters, sort: 'name' })).rows.map((x) => x.accountId);
      expect(await ids({ rep: 'Alice' })).toEqual(['A1', 'A4', 'A3']); // Acme, Delta, Gamma
      expect(await ids({ 'attr.tier': 'gold' })).toEqual(['A1', 'A4']);
      expect(await ids({ cohort: '2024-01' })).toEqual(['A1', 'A3']);
      expect(await ids({ cohort: '2024-Q1', region: 'EU' })).toEqual(['A1', 'A4']);
      expect(await ids({ rfm: 'Champions' })).toEqual(['A1']);
      expect(await ids({ segment: ['SMB', 'ENT'], product: 'Gadget' })).toEqual(['A1', 'A2', 'A4', 'A3']);
      const page = await profitabilityReport(t.db, { ...YEAR, sort: 'revenue', limit: 2, offset: 1 });
      expect(page.rows.map((x) => x.accountId)).toEqual(['A3', 'A1']); // ascending revenue 400, 500, 2700, 3000
      expect(page.totals.clients).toBe(4);
      expect(page.totals.netProfit).toBe(1740); // totals cover every client, not just the page
      const byRep = await profitabilityReport(t.db, { ...YEAR, sort: '-rep' });
      expect(byRep.rows.map((x) => x.rep)).toEqual(['Bob', 'Alice', 'Alice', 'Alice']);
      const byCohort = await profitabilityReport(t.db, { ...YEAR, sort: 'cohort' });
      expect(byCohort.rows.map((x) => x.accountId)).toEqual(['A1', 'A3', 'A2', 'A4']); // acquired 01-15, 01-20, 02-10, 03-05
      // Payback: only A1 has paid back (month 3); the rest follow in id order, either direction.
      for (const sort of ['paybackMonths', '-paybackMonths']) {
        const r = await profitabilityReport(t.db, { ...YEAR, sort });
        expect(r.rows.map((x) => [x.accountId, x.paybackMonths])).toEqual([
          ['A1', 3],
          ['A2', null],
          ['A3', null],
          ['A4', null],
        ]);
      }
      const beyond = await profitabilityReport(t.db, { ...YEAR, offset: 10 });
      expect(beyond.rows).toEqual([]);
      expect(beyond.totals.netProfit).toBe(1740);
    });

    test('Pareto curve, top-20% share and ABC classes', async () => {
      const r = await paretoReport(t.db, { ...YEAR, points: 4 });
      // Net profits 1600, 350, 100, −310 (total 1740, positive 2050); revenues 3000, 2700, 500, 400 (6600).
      close(r.top20.profitShare, 1600 / 1740);
      close(r.top20.revenueShare, 3000 / 6600);
      close(r.peakProfitShare, 2050 / 1740);
      expect(r.curve.map((c) => c.clients)).toEqual([0, 1, 2, 3, 4]);
      [0, 1600, 1950, 2050, 1740].forEach((v, i) => {
        close(r.curve[i].profitShare, v / 1740);
      });
      [0, 3000, 5700, 6200, 6600].forEach((v, i) => {
        close(r.curve[i].revenueShare, v / 6600);
      });
      // A1: share before = 0 → A; A3: 1600/2050 = 78% < 80% → A; A2: 1950/2050 = 95.1% ≥ 95% → C; A4 negative → D.
      expect(r.classes.map((c) => [c.class, c.clients, c.revenue, c.profit])).toEqual([
        ['A', 2, 3200, 1950],
        ['B', 0, 0, 0],
        ['C', 1, 3000, 100],
        ['D', 1, 400, -310],
      ]);
      expect(r.destroyers).toEqual([{ accountId: 'A4', name: 'Delta', revenue: 400, netProfit: -310, rank: 4 }]);
      expect(r.classes.reduce((s, c) => s + c.profit, 0)).toBeCloseTo(r.totalProfit, 9);
    });

    test('monthly acquisition cohorts: retention, net and gross revenue retention, cumulative revenue per client', async () => {
      const r = await cohortsReport(t.db, { periods: 4 });
      expect(r.cohorts!.map((c) => [c.cohort, c.size])).toEqual([
        ['2024-01', 2],
        ['2024-02', 1],
        ['2024-03', 1],
      ]);
      const jan = r.cohorts![0].cells;
      // A1 months since Jan: 0 → 1000, 1 → 500, 3 → 1200; A3: 0 → 300, 2 → 200. Base revenue 1300.
      expect(jan.map((c) => c.activeClients)).toEqual([2, 1, 1, 1]);
      expect(jan.map((c) => c.retention)).toEqual([1, 0.5, 0.5, 0.5]);
      expect(jan.map((c) => c.revenue)).toEqual([1300, 500, 200, 1200]);
      [1, 500 / 1300, 200 / 1300, 1200 / 1300].forEach((v, i) => {
        close(jan[i].netRevenueRetention, v);
      });
      // Gross retention caps A1's month-3 1200 at its month-0 1000.
      [1, 500 / 1300, 200 / 1300, 1000 / 1300].forEach((v, i) => {
        close(jan[i].grossRevenueRetention, v);
      });
      expect(jan.map((c) => c.cumulativeRevenuePerClient)).toEqual([650, 900, 1000, 1600]);
      const feb = r.cohorts![1].cells; // A2: 2000 then 1000
      expect(feb.map((c) => c.netRevenueRetention)).toEqual([1, 0.5, 0, 0]);
      const bySegment = await cohortsReport(t.db, { by: 'segment', periods: 2 });
      expect(bySegment.cohorts!.map((c) => [c.cohort, c.size, c.cells[0].revenue])).toEqual([
        ['ENT', 2, 2400],
        ['SMB', 2, 1300],
      ]);
    });

    test('deal cohorts by created month: win rate and cycle length', async () => {
      const r = await cohortsReport(t.db, { kind: 'deals' });
      const jan = r.dealCohorts![0]; // O1 13 days, O2 40, O3 20, all won
      expect(jan).toMatchObject({ cohort: '2024-01', deals: 3, won: 3, lost: 0, wonAmount: 4300 });
      close(jan.avgCycleDays, 73 / 3);
      expect(r.dealCohorts!.map((c) => c.deals)).toEqual([3, 1, 1, 1, 1, 1]);
      expect(r.totals).toMatchObject({ deals: 8, won: 4, lost: 2, open: 2, wonAmount: 4700 });
    });

    test('funnel: stage reach with history and fallback, time in stage, velocity and breakdowns', async () => {
      const r = await funnelReport(t.db, { by: ['rep', 'product', 'campaign', 'quarter', 'office'] });
      // Order inferred from history: Qualify, Proposal, Negotiation (Closed Won/Lost are terminal).
      // Reach: won O1–O4 reach everything; O5 (history) and O6 (current Proposal) reach Proposal;
      // O7 (lost, no history) and O8 (open in Qualify) reach only Qualify.
      expect(r.stages.map((s) => [s.stage, s.reached])).toEqual([
        ['Qualify', 8],
        ['Proposal', 6],
        ['Negotiation', 4],
        ['won', 4],
      ]);
      close(r.stages[0].conversionToNext, 6 / 8);
      close(r.stages[1].conversionToNext, 4 / 6);
      close(r.stages[2].conversionToNext, 1);
      // Qualify stays 4 (O1), 10 (O2), 10 (O5), 10 (O6 created → first change); Proposal 4, 30, 30; Negotiation 5.
      close(r.stages[0].averageDaysInStage, 8.5);
      close(r.stages[1].averageDaysInStage, 64 / 3);
      close(r.stages[2].averageDaysInStage, 5);
      expect(r.summary).toMatchObject({ deals: 8, open: 2, won: 4, lost: 2, wonAmount: 4700, averageWonDealSize: 1175 });
      close(r.summary.winRate.estimate, 4 / 6);
      close(r.summary.winRate.lo, 0.2999933, 5); // Wilson 95%
      close(r.summary.winRate.hi, 0.9032286, 5);
      close(r.summary.averageCycleDays, (13 + 40 + 20 + 30) / 4);
      close(r.summary.velocityPerDay, (2 * (4 / 6) * 1175) / 25.75);
      const by = Object.fromEntries(r.breakdowns.map((b) => [b.by, b.rows.map((x) => [x.group, x.deals, x.won, x.lost, x.wonAmount])]));
      expect(by.rep).toEqual([
        ['Bob', 3, 2, 0, 3400],
        ['Alice', 5, 2, 2, 1300],
      ]);
      expect(by.product).toEqual([
        ['Gadget', 4, 2, 2, 3400],
        ['Widget', 4, 2, 0, 1300],
      ]);
      expect(by.campaign).toEqual([
        ['Spring Webinar', 2, 2, 0, 3300],
        [null, 4, 1, 2, 1000],
        ['Trade Show', 2, 1, 0, 400],
      ]);
      expect(by.quarter).toEqual([
        ['2024-Q1', 4, 4, 0, 4700],
        ['2024-Q2', 2, 0, 2, 0],
        [null, 2, 0, 0, 0],
      ]);
      expect(by.office).toEqual([
        ['South', 3, 2, 0, 3400],
        ['North', 5, 2, 2, 1300],
      ]);
      for (const b of r.breakdowns) {
        expect(b.rows.reduce((s, x) => s + x.wonAmount, 0)).toBe(r.summary.wonAmount);
        expect(b.rows.reduce((s, x) => s + x.deals, 0)).toBe(r.summary.deals);
      }
      const given = await funnelReport(t.db, { stages: ['Qualify', 'Proposal'], by: [] });
      expect(given.stages.map((s) => s.reached)).toEqual([8, 6, 4]);
    });

    test('campaign ROI from attributed orders and won deals', async () => {
      const r = await campaignsReport(t.db, {});
      // Spring Webinar: O2's order 2000/1500 + A2's other order 1000/800 + A3's 300/100 and 200/50 (acquired by it)
      // → revenue 3500, margin 1050, ROI (1050 − 1000)/1000; won deals O2 + O3 = 3300.
      expect(r.rows[0]).toMatchObject({
        campaignId: 'C1',
        cost: 1000,
        deals: 2,
        won: 2,
        wonAmount: 3300,
        accountsAcquired: 2,
        acquisitionCostPerAccount: 500,
        attributedRevenue: 3500,
        attributedMargin: 1050,
      });
      close(r.rows[0].roi, 0.05);
      close(r.rows[0].wonDealRoi, 2.3);
      // Trade Show: A4's order linked to O4 400/350 → margin 50; ROI (50 − 600)/600.
      expect(r.rows[1]).toMatchObject({
        campaignId: 'C2',
        deals: 2,
        won: 1,
        wonAmount: 400,
        attributedRevenue: 400,
        attributedMargin: 50,
        acquisitionCostPerAccount: null,
      });
      close(r.rows[1].roi, -550 / 600);
      expect(r.totals).toMatchObject({ cost: 1600, deals: 4, won: 3, wonAmount: 3700, attributedRevenue: 3900, attributedMargin: 1100 });
      close(r.totals.roi, -0.3125);
      expect((await campaignsReport(t.db, { filters: { channel: 'event' } })).rows.map((x) => x.campaignId)).toEqual(['C2']);
    });

    test('compare SMB with ENT: intervals, tests and small-group flags', async () => {
      const r = await compareReport(t.db, {
        ...YEAR,
        groups: [
          { name: 'SMB', filters: { segment: 'SMB' } },
          { name: 'ENT', filters: { segment: 'ENT' } },
        ],
      });
      const row = (metric: string, group: string) => r.rows.find((x) => x.metric === metric && x.group === group)!;
      // Win rate SMB 2/4 (O1, O3 won; O5, O7 lost), ENT 2/2. Pooled p = 4/6, se = √(4/6·2/6·(1/4 + 1/2)) = 0.408248,
      // z = 0.5/0.408248 = 1.224745, two-sided p = 0.220671.
      expect(row('winRate', 'SMB')).toMatchObject({ n: 4, estimate: 0.5 });
      close(row('winRate', 'SMB').lo, 0.150039, 5);
      close(row('winRate', 'ENT').difference, 0.5);
      close(row('winRate', 'ENT').pValue, 0.220671, 5);
      expect(row('winRate', 'ENT').small).toBe(true);
      // Won deal size SMB {1000, 300} (mean 650, s² 245000), ENT {3000, 400} (mean 1700, s² 3380000):
      // Welch se = √(122500 + 1690000) = 1346.291, t = 1050/1346.291.
      close(row('averageDealSize', 'SMB').estimate, 650);
      close(row('averageDealSize', 'ENT').difference, 1050);
      // Churn in 2024: SMB A3 of {A1, A3} = 1/2; ENT 0/2.
      expect(row('churnRate', 'SMB')).toMatchObject({ n: 2, estimate: 0.5 });
      expect(row('churnRate', 'ENT')).toMatchObject({ n: 2, estimate: 0, difference: -0.5 });
      // Revenue per client SMB (2700 + 500)/2, ENT (3000 + 400)/2; margin % SMB 2150/3200, ENT 750/3400.
      close(row('revenuePerClient', 'SMB').estimate, 1600);
      close(row('revenuePerClient', 'ENT').difference, 100);
      close(row('netProfitPerClient', 'ENT').estimate, -105);
      close(row('grossMarginPct', 'SMB').estimate, 2150 / 3200);
      close(row('grossMarginPct', 'ENT').difference, 750 / 3400 - 2150 / 3200);
      expect(row('grossMarginPct', 'ENT').method).toMatch(/bootstrap.*seed 42/);
      const again = await compareReport(t.db, {
        ...YEAR,
        groups: [
          { name: 'SMB', filters: { segment: 'SMB' } },
          { name: 'ENT', filters: { segment: 'ENT' } },
        ],
      });
      expect(again.rows).toEqual(r.rows); // fixed seed → the same bootstrap interval
      expect(r.groups.every((g) => g.small)).toBe(true);
      const byRep = await compareReport(t.db, { by: 'rep' });
      expect(byRep.groups.map((g) => g.name)).toEqual(['Alice', 'Bob']); // owners: Alice 3 clients, Bob 1
    });

    test('bad input is refused with INVALID_INPUT naming the problem', async () => {
      await expectInvalid(profitabilityReport(t.db, { filters: { colour: 'red' } }), 'colour');
      await expectInvalid(profitabilityReport(t.db, { from: '2024-13-01' }), 'from');
      await expectInvalid(profitabilityReport(t.db, { sort: 'bogus' }), 'bogus');
      await expectInvalid(funnelReport(t.db, { by: 'favourite_colour' }), 'favourite_colour');
      await expectInvalid(runReport(t.db, 'nonsense', {}), 'nonsense');
      await expectInvalid(compareReport(t.db, { groups: [{ filters: { segment: 'SMB' } }] }), 'groups');
      await expectInvalid(profitabilityReport(t.db, { filters: { 'attr.bad name': 'x' } }), 'attr.bad name');
    });
  });
}
