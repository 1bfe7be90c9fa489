// Maven CRM acceptance: import the public Maven "CRM Sales Opportunities" files with the example
// mappings (examples/crm_maven), then check that win rates and won revenue by agent, product, office
// (regional_office of sales_teams.csv) and close quarter are exactly what the raw CSV gives. The
// expected side is computed here straight from the CSV, independently of the import and of SQL.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import type { Dialect } from '../../src/db/sql';
import { importFile } from '../../src/services/import/import-file';
import { campaignEffectReport, campaignsReport, funnelReport, growthReport, newVsExistingReport } from '../../src/services/analytics';
import { describeWithData, realDataPath } from '../helpers/real-data';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = realDataPath('crm_maven');
const EX = path.join(ROOT, 'examples', 'crm_maven');

type Tally = { won: number; lost: number; wonAmount: number };

function expectedFromCsv() {
  const read = (f: string) =>
    parse(fs.readFileSync(path.join(DATA, f)), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const office = new Map(read('sales_teams.csv').map((r) => [r.sales_agent, r.regional_office]));
  const out: Record<string, Map<string, Tally>> = { rep: new Map(), product: new Map(), office: new Map(), quarter: new Map() };
  const add = (dim: string, key: string, won: boolean, amount: number) => {
    const m = out[dim];
    const t = m.get(key) ?? { won: 0, lost: 0, wonAmount: 0 };
    if (won) {
      t.won++;
      t.wonAmount += amount;
    } else t.lost++;
    m.set(key, t);
  };
  for (const r of read('sales_pipeline.csv')) {
    if (r.deal_stage !== 'Won' && r.deal_stage !== 'Lost') continue;
    const won = r.deal_stage === 'Won';
    const amount = Number(r.close_value || 0);
    const [y, m] = r.close_date.split('-').map(Number);
    add('rep', r.sales_agent, won, amount);
    // The pipeline spells "GTX Pro" as "GTXPro" (the products file and the mapping use "GTX Pro").
    add('product', r.product === 'GTXPro' ? 'GTX Pro' : r.product, won, amount);
    add('office', office.get(r.sales_agent)!, won, amount);
    add('quarter', `${y}-Q${Math.floor((m - 1) / 3) + 1}`, won, amount);
  }
  return out;
}

export function analyticsMavenSuite(dialect: Dialect) {
  describeWithData([['crm_maven', 'sales_pipeline.csv']], `Maven CRM win rates and won revenue (${dialect})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(dialect);
      for (const [kind, f, m] of [
        ['accounts', 'accounts.csv', 'accounts.map.json'],
        ['products', 'products.csv', 'products.map.json'],
        ['reps', 'sales_teams.csv', 'reps.map.json'],
        ['opportunities', 'sales_pipeline.csv', 'opportunities.map.json'],
      ] as const) {
        await importFile(t.db, { kind, file: path.join(DATA, f), mappingPath: path.join(EX, m) });
      }
    });
    afterAll(async () => t?.cleanup());

    test('by agent, product, office and close quarter the report equals the raw CSV exactly', async () => {
      const expected = expectedFromCsv();
      const r = await funnelReport(t.db, { by: ['rep', 'product', 'office', 'quarter'] });
      for (const dim of ['rep', 'product', 'office', 'quarter']) {
        const rows = r.breakdowns.find((b) => b.by === dim)!.rows.filter((x) => x.won + x.lost > 0);
        const got = Object.fromEntries(
          rows.map((x) => [x.group, { won: x.won, lost: x.lost, wonAmount: x.wonAmount, winRate: x.winRate.estimate }]),
        );
        const want = Object.fromEntries([...expected[dim]].map(([k, v]) => [k, { ...v, winRate: v.won / (v.won + v.lost) }]));
        expect(got).toEqual(want);
      }
      const total = [...expected.quarter.values()].reduce(
        (s, v) => ({ won: s.won + v.won, lost: s.lost + v.lost, wonAmount: s.wonAmount + v.wonAmount }),
        { won: 0, lost: 0, wonAmount: 0 },
      );
      expect({ won: r.summary.won, lost: r.summary.lost, wonAmount: r.summary.wonAmount }).toEqual(total);
      expect(r.summary.deals).toBe(8800);
    });

    test('growth: without orders, bookings by product and quarter, equal to the CSV, and it says so', async () => {
      const g = await growthReport(t.db, { by: 'product', period: 'quarter' });
      expect(g.measure).toBe('bookings');
      expect(g.notes.join(' ')).toMatch(/No orders are recorded, so this is the growth of bookings/);
      const expected = expectedFromCsv();
      expect(Object.fromEntries(g.rows.map((r) => [r.group, r.total]))).toEqual(
        Object.fromEntries([...expected.product].map(([k, v]) => [k, v.wonAmount])),
      );
      const byQuarter = Object.fromEntries(g.periods.map((p, i) => [p.period, g.total.cells[i].value]));
      expect(byQuarter).toEqual(Object.fromEntries([...expected.quarter].map(([k, v]) => [k, v.wonAmount])));
      // Closes start 2017-03-01: the first quarter holds one month and is not compared.
      expect(g.periods[0]).toMatchObject({ period: '2017-Q1', partial: 'start' });
      expect(g.rows[0].cells[1].growth).toBeNull();
      // Maven's accounts carry no segment: one "not recorded" group, said in words.
      const seg = await growthReport(t.db, { by: 'segment', period: 'year' });
      expect(seg.rows.map((r) => r.group)).toEqual([null]);
      expect(seg.notes.join(' ')).toMatch(/No segment is recorded/);
    });

    test('new vs existing: deals split by whether the account had won before, from the CSV', async () => {
      // Independently of SQL: an account's first win is its earliest close_date among won deals; a
      // deal is existing-client business when that date is before its engage date (the export's
      // snapshot day, 2017-12-31, for prospecting deals without one).
      const rows = parse(fs.readFileSync(path.join(DATA, 'sales_pipeline.csv')), { columns: true, skip_empty_lines: true }) as Record<
        string,
        string
      >[];
      const firstWin = new Map<string, string>();
      for (const r of rows)
        if (r.deal_stage === 'Won' && r.account && (!firstWin.has(r.account) || r.close_date < firstWin.get(r.account)!))
          firstWin.set(r.account, r.close_date);
      const want = { new: { deals: 0, won: 0, lost: 0 }, existing: { deals: 0, won: 0, lost: 0 } };
      let noAccount = 0;
      for (const r of rows) {
        if (!r.account) {
          noAccount++;
          continue;
        }
        const created = r.engage_date || '2017-12-31';
        const w = firstWin.get(r.account);
        const t2 = want[w !== undefined && w < created ? 'existing' : 'new'];
        t2.deals++;
        if (r.deal_stage === 'Won') t2.won++;
        if (r.deal_stage === 'Lost') t2.lost++;
      }
      const r = await newVsExistingReport(t.db, {});
      expect(r.deals.map((d) => ({ deals: d.deals, won: d.won, lost: d.lost }))).toEqual([want.new, want.existing]);
      expect(r.dealsWithoutAccount).toBe(noAccount);
      expect(r.orders).toBeNull();
      expect(r.deals.every((d) => d.activitiesPerWonDeal === null)).toBe(true);
      expect(r.notes.join(' ')).toMatch(/No activities are logged on deals/);
    });

    test('campaigns and campaign effect: none recorded, and the answers say so', async () => {
      const c = await campaignsReport(t.db, {});
      expect(c.rows).toEqual([]);
      expect(c.notes).toEqual(['No campaigns are recorded.']);
      const e = await campaignEffectReport(t.db, {});
      expect(e.campaigns).toEqual([]);
      expect(e.notes).toEqual(['No campaigns are recorded, so there is no campaign effect to measure.']);
    });
  });
}
