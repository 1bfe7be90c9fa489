// The golden fixture of the analytics tests: four clients, two reps, two products, two campaigns,
// eight deals with partial stage history, orders, service costs and activities. Every expected
// number in test/suites/analytics-golden.suite.ts is worked out by hand from these rows (see the
// comments there). Dates are midnight UTC so day counts are whole.
import type { Database } from '../../src/db/database';

const D = (s: string) => new Date(`${s}T00:00:00.000Z`);

export async function loadGoldenFixture(db: Database) {
  const p = db.prisma;
  const c1 = await p.campaign.create({ data: { externalId: 'C1', name: 'Spring Webinar', channel: 'webinar', cost: 1000 } });
  const c2 = await p.campaign.create({ data: { externalId: 'C2', name: 'Trade Show', channel: 'event', cost: 600 } });
  const r1 = await p.rep.create({ data: { externalId: 'R1', name: 'Alice', team: 'East', region: 'North' } });
  const r2 = await p.rep.create({ data: { externalId: 'R2', name: 'Bob', team: 'West', region: 'South' } });
  const p1 = await p.product.create({ data: { externalId: 'P1', name: 'Widget', family: 'W' } });
  const p2 = await p.product.create({ data: { externalId: 'P2', name: 'Gadget', family: 'G' } });
  const a1 = await p.account.create({
    data: {
      externalId: 'A1',
      name: 'Acme',
      segment: 'SMB',
      region: 'EU',
      acquiredAt: D('2024-01-15'),
      acquisitionCost: 800,
      attributes: { tier: 'gold' },
    },
  });
  const a2 = await p.account.create({
    data: {
      externalId: 'A2',
      name: 'Beta',
      segment: 'ENT',
      region: 'US',
      acquiredAt: D('2024-02-10'),
      acquisitionCampaignId: c1.id,
      attributes: { tier: 'silver' },
    },
  });
  const a3 = await p.account.create({
    data: {
      externalId: 'A3',
      name: 'Gamma',
      segment: 'SMB',
      region: 'US',
      acquiredAt: D('2024-01-20'),
      acquisitionCampaignId: c1.id,
      status: 'churned',
      churnedAt: D('2024-05-10'),
      attributes: { tier: 'silver' },
    },
  });
  const a4 = await p.account.create({
    data: { externalId: 'A4', name: 'Delta', segment: 'ENT', region: 'EU', acquiredAt: D('2024-03-05'), attributes: { tier: 'gold' } },
  });

  const opp = (
    externalId: string,
    accountId: number,
    productId: number,
    repId: number,
    campaignId: number | null,
    amount: number,
    stage: string,
    outcome: string,
    created: string,
    closed: string | null,
    source: string,
  ) =>
    p.opportunity.create({
      data: {
        externalId,
        accountId,
        productId,
        repId,
        campaignId,
        amount,
        stage,
        outcome,
        createdAt: D(created),
        closedAt: closed ? D(closed) : null,
        source,
      },
    });
  const o1 = await opp('O1', a1.id, p1.id, r1.id, null, 1000, 'Closed Won', 'won', '2024-01-02', '2024-01-15', 'web');
  const o2 = await opp('O2', a2.id, p2.id, r2.id, c1.id, 3000, 'Closed Won', 'won', '2024-01-10', '2024-02-19', 'event');
  await opp('O3', a3.id, p1.id, r1.id, c1.id, 300, 'Closed Won', 'won', '2024-01-05', '2024-01-25', 'web');
  const o4 = await opp('O4', a4.id, p2.id, r2.id, c2.id, 400, 'Closed Won', 'won', '2024-02-01', '2024-03-02', 'event');
  const o5 = await opp('O5', a1.id, p2.id, r1.id, null, 700, 'Closed Lost', 'lost', '2024-03-01', '2024-04-10', 'web');
  const o6 = await opp('O6', a2.id, p1.id, r2.id, c2.id, 1500, 'Proposal', 'open', '2024-04-01', null, 'event');
  await opp('O7', a3.id, p2.id, r1.id, null, 500, 'Closed Lost', 'lost', '2024-05-01', '2024-05-31', 'web');
  await opp('O8', a4.id, p1.id, r1.id, null, 200, 'Qualify', 'open', '2024-06-01', null, 'web');

  let sc = 0;
  const change = (opportunityId: number, fromStage: string | null, toStage: string, at: string) =>
    p.stageChange.create({ data: { externalId: `SC${++sc}`, opportunityId, fromStage, toStage, changedAt: D(at) } });
  await change(o1.id, null, 'Qualify', '2024-01-02');
  await change(o1.id, 'Qualify', 'Proposal', '2024-01-06');
  await change(o1.id, 'Proposal', 'Negotiation', '2024-01-10');
  await change(o1.id, 'Negotiation', 'Closed Won', '2024-01-15');
  await change(o2.id, null, 'Qualify', '2024-01-10');
  await change(o2.id, 'Qualify', 'Proposal', '2024-01-20');
  await change(o2.id, 'Proposal', 'Closed Won', '2024-02-19');
  await change(o5.id, null, 'Qualify', '2024-03-01');
  await change(o5.id, 'Qualify', 'Proposal', '2024-03-11');
  await change(o5.id, 'Proposal', 'Closed Lost', '2024-04-10');
  await change(o6.id, 'Qualify', 'Proposal', '2024-04-11');

  let on = 0;
  const order = (
    accountId: number,
    productId: number,
    at: string,
    revenue: number,
    costOfGoods: number,
    discount = 0,
    opportunityId: number | null = null,
  ) =>
    p.order.create({
      data: { externalId: `OR${++on}`, accountId, productId, orderedAt: D(at), revenue, costOfGoods, discount, opportunityId },
    });
  await order(a1.id, p1.id, '2024-01-20', 1000, 400, 50, o1.id);
  await order(a1.id, p2.id, '2024-02-15', 500, 200);
  await order(a1.id, p1.id, '2024-04-10', 1200, 300);
  await order(a1.id, p1.id, '2025-01-05', 9999, 0); // after the 2024 period
  await order(a2.id, p2.id, '2024-02-20', 2000, 1500, 0, o2.id);
  await order(a2.id, p2.id, '2024-03-25', 1000, 800);
  await order(a3.id, p1.id, '2024-01-25', 300, 100);
  await order(a3.id, p1.id, '2024-03-02', 200, 50);
  await order(a4.id, p2.id, '2024-03-10', 400, 350, 0, o4.id);

  let sn = 0;
  const svc = (accountId: number, at: string, kind: string, amount: number) =>
    p.serviceCost.create({ data: { externalId: `S${++sn}`, accountId, incurredAt: D(at), kind, amount } });
  await svc(a1.id, '2024-02-01', 'support', 100);
  await svc(a1.id, '2024-03-01', 'discount', 20);
  await svc(a2.id, '2024-03-01', 'onboarding', 400);
  await svc(a4.id, '2024-04-01', 'support', 300);

  let an = 0;
  const act = (accountId: number | null, opportunityId: number | null, at: string, type: string, cost: number) =>
    p.activity.create({ data: { externalId: `AC${++an}`, accountId, opportunityId, occurredAt: D(at), type, cost } });
  await act(a1.id, null, '2024-01-10', 'call', 30); // account activity
  await act(null, o1.id, '2024-01-05', 'meeting', 50); // sales effort on A1's deal
  await act(a2.id, o2.id, '2024-02-05', 'demo', 200); // sales effort (has both links: counted once)
  await act(null, o4.id, '2024-02-20', 'call', 60); // sales effort on A4's deal

  await p.customerScore.create({ data: { accountId: a1.id, clv: 100, rfmSegment: 'At Risk', scoredAt: D('2024-06-01') } });
  await p.customerScore.create({ data: { accountId: a1.id, clv: 2500, rfmSegment: 'Champions', scoredAt: D('2024-12-01') } });
}
