// The demo company generator: deterministic, schema-valid, self-consistent, and carrying the
// signals the win, churn and forecast models are expected to find (docs/demo.md).
import { generateDemoData, type DemoDataset } from '../../../src/domain/demo';
import { RECORD_SCHEMAS, REFERENCES, ENTITY_KINDS, NATURAL_KEYS, type EntityKind } from '../../../src/domain/records';
import { DAY_MS } from '../../../src/math/time';

const SEED = 42;
const AS_OF = new Date('2026-11-23T00:00:00Z');
console.log(`demo data tests: seed ${SEED}, as of ${AS_OF.toISOString().slice(0, 10)}`);

let full: DemoDataset;
beforeAll(() => {
  full = generateDemoData({ seed: SEED, accounts: 500, months: 24, asOf: AS_OF });
});

const rate = (xs: boolean[]) => xs.filter(Boolean).length / Math.max(1, xs.length);

describe('generateDemoData', () => {
  it('gives the identical dataset for the same seed and as-of date, and a different one for another seed', () => {
    const opts = { seed: 7, accounts: 80, months: 12, asOf: AS_OF };
    const a = generateDemoData(opts);
    const b = generateDemoData(opts);
    expect(JSON.stringify(a.records)).toEqual(JSON.stringify(b.records));
    const c = generateDemoData({ ...opts, seed: 8 });
    expect(JSON.stringify(c.records)).not.toEqual(JSON.stringify(a.records));
  });

  it('still makes a valid company from tiny or short configurations', () => {
    for (const [accounts, months] of [
      [1, 1],
      [2, 3],
      [6, 6],
      [25, 1],
    ]) {
      const ds = generateDemoData({ seed: 3, accounts, months, asOf: new Date('2026-03-31T15:45:00Z') });
      expect(ds.asOf.toISOString()).toBe('2026-03-31T00:00:00.000Z');
      expect(ds.records.accounts).toHaveLength(accounts);
      for (const kind of ENTITY_KINDS) {
        const bad = (ds.records[kind] as unknown[]).filter((r) => !RECORD_SCHEMAS[kind].safeParse(r).success);
        expect({ accounts, months, kind, bad: bad.length }).toEqual({ accounts, months, kind, bad: 0 });
      }
      const oppIds = new Set(ds.records.opportunities.map((o) => o.externalId));
      expect(ds.records['stage-changes'].every((s) => oppIds.has(s.opportunityId))).toBe(true);
      expect(ds.records.activities.every((a) => !a.opportunityId || oppIds.has(a.opportunityId))).toBe(true);
      expect(ds.records.orders.every((o) => !o.opportunityId || oppIds.has(o.opportunityId))).toBe(true);
    }
  });

  it('refuses nonsense options with INVALID_INPUT naming the field', () => {
    expect(() => generateDemoData({ accounts: 0, asOf: AS_OF })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => generateDemoData({ months: 1.5, asOf: AS_OF })).toThrow(/Invalid demo data options/);
    expect(() => generateDemoData({ asOf: new Date('nope') })).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ path: ['asOf'] })] }),
    );
  });

  it('has the size of a small B2B company: ~6 reps, 4-6 products, thousands of deals, tens of thousands of rows at most', () => {
    const r = full.records;
    expect(r.accounts).toHaveLength(500);
    expect(r.reps.length).toBeGreaterThanOrEqual(6);
    expect(new Set(r.reps.map((x) => x.team)).size).toBe(3);
    expect(r.products.length).toBeGreaterThanOrEqual(4);
    expect(new Set(r.campaigns.map((c) => c.channel))).toEqual(new Set(['web', 'events', 'partner', 'email']));
    expect(r.opportunities.length).toBeGreaterThan(2500);
    expect(r.opportunities.length).toBeLessThan(6000);
    expect(r.orders.length).toBeLessThan(30000);
    expect(r.activities.length).toBeLessThan(60000);
    const segments = new Set(r.accounts.map((a) => a.segment));
    expect(segments).toEqual(new Set(['SMB', 'Mid-Market', 'Enterprise']));
  });

  it('produces records that pass their canonical schemas unchanged', () => {
    for (const kind of ENTITY_KINDS) {
      const schema = RECORD_SCHEMAS[kind];
      const records = full.records[kind] as unknown[];
      const failures = records.map((rec, i) => ({ i, r: schema.safeParse(rec) })).filter((x) => !x.r.success);
      expect({ kind, failures: failures.slice(0, 3).map((f) => JSON.stringify(f.r.error?.issues)) }).toEqual({ kind, failures: [] });
      // Parsing is the identity on generated records (nothing trimmed, defaulted or coerced).
      for (const rec of records.slice(0, 100)) expect(schema.parse(rec)).toEqual(rec);
    }
  });

  it('uses unique external ids and references that resolve', () => {
    const ids = new Map<EntityKind, Set<string>>();
    for (const kind of ENTITY_KINDS) {
      // Kinds keyed by some of their fields (campaign targets: campaign and account) carry no id.
      const key = NATURAL_KEYS[kind];
      const list = (full.records[kind] as Record<string, unknown>[]).map((r) =>
        key ? key.map((f) => r[f]).join('|') : (r.externalId as string),
      );
      expect(list.every((x) => typeof x === 'string' && x.length > 0)).toBe(true);
      ids.set(kind, new Set(list));
      expect(ids.get(kind)!.size).toBe(list.length);
    }
    expect(full.records.accounts[0].externalId).toBe('ACC-0001');
    expect(full.records.opportunities[122].externalId).toBe('OPP-000123');
    for (const [kind, refs] of Object.entries(REFERENCES) as [EntityKind, Record<string, EntityKind>][]) {
      for (const rec of full.records[kind] as Record<string, unknown>[]) {
        for (const [field, target] of Object.entries(refs)) {
          const v = rec[field];
          if (v !== null && v !== undefined && !ids.get(target)!.has(v as string))
            throw new Error(`${kind} ${rec.externalId}: ${field}=${v} does not resolve`);
        }
      }
    }
  });

  it('records nothing after the as-of date except the expected close dates of open deals (and planned campaign ends), nothing before the window but deals in flight', () => {
    const asOf = full.asOf.getTime();
    const from = full.from.getTime();
    const r = full.records;
    const within = (d: Date | null | undefined) => !d || (d.getTime() >= from && d.getTime() < asOf);
    // Deals already in flight when the history starts keep their earlier history.
    const inFlight = new Set(r.opportunities.filter((o) => o.createdAt.getTime() < from).map((o) => o.externalId));
    expect(inFlight.size).toBeGreaterThan(10);
    const beforeAsOf = (d: Date) => d.getTime() < asOf;
    expect(
      r.opportunities.every((o) => (inFlight.has(o.externalId) ? beforeAsOf(o.createdAt) : within(o.createdAt)) && within(o.closedAt)),
    ).toBe(true);
    expect(r.opportunities.every((o) => !inFlight.has(o.externalId) || o.outcome === 'open' || o.closedAt!.getTime() >= from)).toBe(true);
    expect(r['stage-changes'].every((s) => (inFlight.has(s.opportunityId) ? beforeAsOf(s.changedAt) : within(s.changedAt)))).toBe(true);
    expect(
      r.activities.every((a) => (a.opportunityId && inFlight.has(a.opportunityId) ? beforeAsOf(a.occurredAt) : within(a.occurredAt))),
    ).toBe(true);
    expect(r.orders.every((o) => within(o.orderedAt))).toBe(true);
    expect(r['service-costs'].every((s) => within(s.incurredAt))).toBe(true);
    expect(r.accounts.every((a) => (!a.acquiredAt || a.acquiredAt.getTime() < asOf) && within(a.churnedAt))).toBe(true);
    expect(r.campaigns.every((c) => c.startedAt!.getTime() < asOf)).toBe(true);
    expect(r.opportunities.every((o) => !o.closedAt || o.closedAt >= o.createdAt)).toBe(true);
  });

  it('keeps each deal consistent with its stage history', () => {
    const byOpp = new Map<string, (typeof full.records)['stage-changes']>();
    for (const s of full.records['stage-changes'])
      (byOpp.get(s.opportunityId) ?? byOpp.set(s.opportunityId, []).get(s.opportunityId)!).push(s);
    // Problems are collected rather than asserted one by one: thousands of expect() calls are slow.
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && problems.length < 10) problems.push(what);
    };
    for (const o of full.records.opportunities) {
      const h = byOpp.get(o.externalId)!;
      const id = o.externalId;
      check(h[0].fromStage === null && h[0].changedAt.getTime() === o.createdAt.getTime(), `${id}: history starts at creation`);
      const last = h[h.length - 1];
      check(last.toStage === o.stage && last.amount === o.amount, `${id}: last change gives the current stage and amount`);
      for (let i = 1; i < h.length; i++) {
        check(h[i].changedAt >= h[i - 1].changedAt, `${id}: changes in time order`);
        check(h[i].fromStage === h[i - 1].toStage, `${id}: change ${i} starts where the previous ended`);
      }
      if (o.outcome !== 'open') check(last.changedAt.getTime() === o.closedAt!.getTime(), `${id}: closed at the last change`);
      check(
        o.outcome === 'won' ? o.stage === 'Closed Won' : o.outcome === 'lost' ? o.stage === 'Closed Lost' : !o.stage.startsWith('Closed'),
        `${id}: outcome matches stage`,
      );
      const category =
        o.outcome === 'won'
          ? 'closed'
          : o.outcome === 'lost'
            ? 'omitted'
            : o.stage === 'Prospecting' || o.stage === 'Qualification'
              ? 'pipeline'
              : undefined;
      if (category) check(o.forecastCategory === category, `${id}: forecast category ${o.forecastCategory} for ${o.stage}`);
    }
    expect(problems).toEqual([]);
  });

  it('has open deals in every open stage, expected to close in the current and next quarters', () => {
    const open = full.records.opportunities.filter((o) => o.outcome === 'open');
    expect(open.length).toBeGreaterThan(100);
    expect(new Set(open.map((o) => o.stage))).toEqual(new Set(['Prospecting', 'Qualification', 'Proposal', 'Negotiation']));
    const asOf = full.asOf.getTime();
    const soon = open.filter(
      (o) => o.expectedCloseAt!.getTime() >= asOf - 14 * DAY_MS && o.expectedCloseAt!.getTime() < asOf + 200 * DAY_MS,
    );
    expect(soon.length / open.length).toBeGreaterThan(0.9);
    expect(new Set(open.map((o) => o.forecastCategory))).toEqual(new Set(['pipeline', 'best_case', 'commit']));
    expect(full.truth.openDeals).toHaveLength(open.length);
  });

  it('turns won deals into orders and bills cost of goods at unit cost', () => {
    const r = full.records;
    const opps = new Map(r.opportunities.map((o) => [o.externalId, o]));
    const products = new Map(r.products.map((p) => [p.externalId, p]));
    const dealOrders = r.orders.filter((o) => o.opportunityId);
    const problems: string[] = [];
    for (const o of dealOrders) {
      const opp = opps.get(o.opportunityId!)!;
      if (opp.outcome !== 'won' || Math.abs(o.revenue - opp.amount) > 0.01)
        problems.push(`${o.externalId}: ${opp.outcome} ${opp.amount} vs ${o.revenue}`);
    }
    expect(dealOrders.length).toBe(r.opportunities.filter((o) => o.outcome === 'won').length);
    for (const o of r.orders)
      if (Math.abs(o.costOfGoods - o.quantity * products.get(o.productId!)!.unitCost!) > 0.01)
        problems.push(`${o.externalId}: cost of goods`);
    expect(problems.slice(0, 10)).toEqual([]);
    const margins = r.products.map((p) => 1 - p.unitCost! / p.listPrice!);
    expect(Math.max(...margins) - Math.min(...margins)).toBeGreaterThan(0.4);
  });
});

describe('the planted signals', () => {
  const closedDeals = () => full.records.opportunities.filter((o) => o.outcome !== 'open');

  it('has an honest overall win rate between 25% and 45%', () => {
    const w = rate(closedDeals().map((o) => o.outcome === 'won'));
    expect(w).toBeGreaterThan(0.25);
    expect(w).toBeLessThan(0.45);
  });

  it('wins more often with more meetings', () => {
    const meetings = new Map<string, number>();
    for (const a of full.records.activities)
      if (a.opportunityId && a.type === 'meeting') meetings.set(a.opportunityId, (meetings.get(a.opportunityId) ?? 0) + 1);
    const deals = closedDeals();
    const none = deals.filter((o) => !meetings.get(o.externalId));
    const many = deals.filter((o) => (meetings.get(o.externalId) ?? 0) >= 3);
    expect(rate(many.map((o) => o.outcome === 'won'))).toBeGreaterThan(rate(none.map((o) => o.outcome === 'won')) + 0.2);
  });

  it('rewards moderate discounts and punishes deep ones', () => {
    const deals = closedDeals();
    const moderate = rate(deals.filter((o) => o.discount >= 0.05 && o.discount <= 0.15).map((o) => o.outcome === 'won'));
    const deep = rate(deals.filter((o) => o.discount > 0.25).map((o) => o.outcome === 'won'));
    expect(moderate).toBeGreaterThan(deep + 0.08);
  });

  it('lets skilled reps win more', () => {
    const skill = [...full.truth.reps].sort((a, b) => b.skill - a.skill);
    const best = skill[0].externalId;
    const worst = skill[skill.length - 1].externalId;
    const deals = closedDeals();
    const w = (rep: string) => rate(deals.filter((o) => o.repId === rep).map((o) => o.outcome === 'won'));
    expect(w(best)).toBeGreaterThan(w(worst) + 0.1);
  });

  it('lets stalled and pushed deals lose, seen as of past dates (as a point-in-time model sees them)', () => {
    const history = new Map<string, (typeof full.records)['stage-changes']>();
    for (const s of full.records['stage-changes'])
      (history.get(s.opportunityId) ?? history.set(s.opportunityId, []).get(s.opportunityId)!).push(s);
    // Monthly snapshots: every deal open at the snapshot, with its pushes and days in stage so far.
    const seen: { stage: string; pushes: number; daysInStage: number; won: boolean }[] = [];
    for (let snap = full.from.getTime() + 180 * DAY_MS; snap < full.asOf.getTime() - 120 * DAY_MS; snap += 30 * DAY_MS) {
      for (const o of full.records.opportunities) {
        if (o.createdAt.getTime() >= snap || o.outcome === 'open' || o.closedAt!.getTime() <= snap) continue;
        const h = history.get(o.externalId)!.filter((s) => s.changedAt.getTime() <= snap);
        const lastMove = [...h].reverse().find((s) => s.fromStage !== s.toStage)!;
        seen.push({
          stage: h[h.length - 1].toStage,
          pushes: h.filter((s) => s.fromStage === s.toStage).length,
          daysInStage: (snap - lastMove.changedAt.getTime()) / DAY_MS,
          won: o.outcome === 'won',
        });
      }
    }
    for (const stage of ['Qualification', 'Proposal', 'Negotiation']) {
      const at = seen.filter((x) => x.stage === stage);
      const median = [...at.map((x) => x.daysInStage)].sort((a, b) => a - b)[Math.floor(at.length / 2)];
      const fresh = rate(at.filter((x) => x.daysInStage < median).map((x) => x.won));
      const stalled = rate(at.filter((x) => x.daysInStage >= median).map((x) => x.won));
      expect({ stage, stalledLower: stalled < fresh - 0.1 }).toEqual({ stage, stalledLower: true });
    }
    for (const stage of ['Proposal', 'Negotiation']) {
      const at = seen.filter((x) => x.stage === stage);
      const unpushed = rate(at.filter((x) => x.pushes === 0).map((x) => x.won));
      const pushed = rate(at.filter((x) => x.pushes >= 1).map((x) => x.won));
      expect({ stage, pushedLower: pushed < unpushed - 0.1 }).toEqual({ stage, pushedLower: true });
    }
  });

  it('has longer cycles for bigger customers and a learnable share of slipped close dates', () => {
    const accounts = new Map(full.records.accounts.map((a) => [a.externalId, a]));
    const won = full.records.opportunities.filter((o) => o.outcome === 'won');
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cycle = (seg: string) =>
      median(
        won.filter((o) => accounts.get(o.accountId!)!.segment === seg).map((o) => (o.closedAt!.getTime() - o.createdAt.getTime()) / DAY_MS),
      );
    expect(cycle('Enterprise')).toBeGreaterThan(1.5 * cycle('SMB'));
    const firstExpected = new Map<string, Date>();
    for (const s of full.records['stage-changes'])
      if (!firstExpected.has(s.opportunityId)) firstExpected.set(s.opportunityId, s.expectedCloseAt!);
    const slipped = rate(won.map((o) => o.closedAt! > firstExpected.get(o.externalId)!));
    expect(slipped).toBeGreaterThan(0.2);
    expect(slipped).toBeLessThan(0.8);
  });

  it('makes churned customers order less, get less attention and cost more to support before they leave, then stop', () => {
    const customers = full.records.accounts.filter((a) => a.acquiredAt);
    const allChurned = customers.filter((a) => a.status === 'churned');
    expect(allChurned.length / customers.length).toBeGreaterThan(0.1);
    expect(allChurned.length / customers.length).toBeLessThan(0.45);
    // Churners observed as customers for at least the 270 days before they left.
    const churned = allChurned.filter(
      (a) => a.churnedAt!.getTime() - 270 * DAY_MS >= Math.max(full.from.getTime(), a.acquiredAt!.getTime()),
    );
    expect(churned.length).toBeGreaterThan(20);
    // After churning: no orders, no activities, no costs, and every deal closed.
    const churnDate = new Map(allChurned.map((a) => [a.externalId, a.churnedAt!.getTime()]));
    const afterChurn = (acc: string | null | undefined, d: Date) => acc != null && churnDate.has(acc) && d.getTime() >= churnDate.get(acc)!;
    expect(full.records.orders.filter((o) => afterChurn(o.accountId, o.orderedAt))).toEqual([]);
    expect(full.records.activities.filter((a) => afterChurn(a.accountId, a.occurredAt))).toEqual([]);
    expect(full.records['service-costs'].filter((s) => afterChurn(s.accountId, s.incurredAt))).toEqual([]);
    expect(
      full.records.opportunities.filter(
        (o) => churnDate.has(o.accountId!) && (o.outcome === 'open' || afterChurn(o.accountId, o.closedAt!)),
      ),
    ).toEqual([]);
    const churnAt = new Map(churned.map((a) => [a.externalId, a.churnedAt!.getTime()]));
    const window = { recent: 0, before: 0 };
    const support = { recent: 0, before: 0 };
    const touches = { recent: 0, before: 0 };
    const bucket = (acc: string, t: number, target: { recent: number; before: number }, weight = 1) => {
      const c = churnAt.get(acc);
      if (c === undefined) return;
      const ago = (c - t) / DAY_MS;
      if (ago > 0 && ago <= 90) target.recent += weight;
      else if (ago > 180 && ago <= 270) target.before += weight;
    };
    for (const o of full.records.orders) if (!o.opportunityId) bucket(o.accountId, o.orderedAt.getTime(), window);
    for (const s of full.records['service-costs']) if (s.kind === 'support') bucket(s.accountId, s.incurredAt.getTime(), support, s.amount);
    for (const a of full.records.activities) if (!a.opportunityId) bucket(a.accountId!, a.occurredAt.getTime(), touches);
    expect(window.recent).toBeLessThan(0.75 * window.before);
    expect(touches.recent).toBeLessThan(0.8 * touches.before);
    expect(support.recent).toBeGreaterThan(1.2 * support.before);
  });

  it('books more new deals in Q4 than in the summer', () => {
    const byMonth = new Array(12).fill(0);
    for (const o of full.records.opportunities) byMonth[o.createdAt.getUTCMonth()]++;
    expect(byMonth[10] + byMonth[11]).toBeGreaterThan(byMonth[6] + byMonth[7]);
  });

  it('gives every customer an acquisition cost: the sales cost, plus its share of the campaign that brought it in', () => {
    const customers = full.records.accounts.filter((a) => a.acquiredAt);
    expect(customers.every((a) => a.acquisitionCost! > 0)).toBe(true);
    const acquired = customers.filter((a) => a.acquisitionCampaignId);
    expect(acquired.length).toBeGreaterThan(20);
    const campaigns = new Map(full.records.campaigns.map((c) => [c.externalId, c]));
    const count = new Map<string, number>();
    for (const a of acquired) count.set(a.acquisitionCampaignId!, (count.get(a.acquisitionCampaignId!) ?? 0) + 1);
    for (const a of acquired) {
      const c = campaigns.get(a.acquisitionCampaignId!)!;
      expect(c.channel).not.toBe('email'); // emails go to customers already in the CRM
      expect(a.acquisitionCost!).toBeGreaterThan(c.cost / count.get(c.externalId)!);
    }
    // Larger customers cost more to win (median by segment).
    const median = (seg: string) => {
      const v = customers.filter((a) => a.segment === seg).map((a) => a.acquisitionCost!);
      return v.sort((x, y) => x - y)[Math.floor(v.length / 2)];
    };
    expect(median('SMB')).toBeLessThan(median('Mid-Market'));
    expect(median('Mid-Market')).toBeLessThan(median('Enterprise'));
    expect(full.records.opportunities.filter((o) => o.campaignId).length).toBeGreaterThan(50);
  });

  it('aims email programmes at customers active when they start, and tags only the deals they brought', () => {
    const targets = full.records['campaign-targets'];
    const campaigns = new Map(full.records.campaigns.map((c) => [c.externalId, c]));
    const accounts = new Map(full.records.accounts.map((a) => [a.externalId, a]));
    expect(targets.length).toBeGreaterThan(500);
    for (const t of targets) {
      const c = campaigns.get(t.campaignId)!;
      const a = accounts.get(t.accountId)!;
      expect(c.channel).toBe('email');
      expect(a.acquiredAt!.getTime()).toBeLessThan(c.startedAt!.getTime());
      expect(!a.churnedAt || a.churnedAt > c.startedAt!).toBe(true);
      expect(t.targetedAt!.getTime() - c.startedAt!.getTime()).toBeLessThan(3 * DAY_MS);
    }
    const effects = full.truth.campaignEffects;
    expect(effects.map((e) => e.targets)).toEqual(effects.map((e) => targets.filter((t) => t.campaignId === e.campaignId).length));
    // Launch emails reach the large accounts more often than the small ones.
    const launch = new Set(effects.filter((e) => e.programme === 'launch').map((e) => e.campaignId));
    const reach = (seg: string) => targets.filter((t) => launch.has(t.campaignId) && accounts.get(t.accountId)!.segment === seg).length;
    if (launch.size) expect(reach('Enterprise') / 0.15).toBeGreaterThan(reach('SMB') / 0.55);
    // An expansion deal carries an email campaign only while that campaign's effect ran for a targeted customer.
    const targeted = new Set(targets.map((t) => `${t.campaignId}|${t.accountId}`));
    const emailDeals = full.records.opportunities.filter((o) => o.campaignId && campaigns.get(o.campaignId)!.channel === 'email');
    expect(emailDeals.length).toBeGreaterThan(5);
    expect(emailDeals.every((o) => targeted.has(`${o.campaignId}|${o.accountId}`))).toBe(true);
  });

  it('has custom attributes with some values missing', () => {
    const customers = full.records.accounts.filter((a) => a.acquiredAt);
    expect(customers.every((a) => ['basic', 'pro', 'enterprise'].includes(a.attributes!.plan as string))).toBe(true);
    const nps = customers.map((a) => a.attributes!.nps);
    expect(nps.filter((v) => v === null).length).toBeGreaterThan(0.15 * customers.length);
    expect(nps.filter((v) => typeof v === 'number').length).toBeGreaterThan(0.5 * customers.length);
    expect(full.records.accounts.some((a) => a.employees === null)).toBe(true);
  });
});
