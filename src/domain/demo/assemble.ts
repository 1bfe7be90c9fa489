// From the simulation's drafts to the demo dataset (generate-demo-data.ts): acquisition costs, the
// cut at the as-of date (events after it are dropped, deals still running are open), external ids
// numbered in time order, canonical records of every kind, and the truth the CRM would not know.
import type { RecordOf } from '../records';
import { TEAMS, PRODUCTS } from './catalog';
import { LOST_STAGE, WON_STAGE } from './deal-simulation';
import type { AccountDraft, DealDraft, DemoDrafts, RepDraft, TargetDraft } from './drafts';
import { pad, round2 } from './drafts';
import { acquisitionCost, type CampaignDraft, PROGRAMMES } from './marketing';
import { createRng, seedFromLabels } from '../../math/random';
import { type DemoDataset, demoDatasetKey, type DemoOptions, type DemoRecords, type DemoTruth } from './demo-dataset';

/** Keeps the items before the as-of date, in time order. */
type ByTime = <T>(items: T[], at: (x: T) => number) => T[];

export function assemble(opts: Required<DemoOptions>, from: number, drafts: DemoDrafts): DemoDataset {
  const asOf = opts.asOf.getTime();
  const byTime: ByTime = (items, at) => items.filter((x) => at(x) < asOf).sort((a, b) => at(a) - at(b));
  const { reps, campaigns, accounts } = drafts;
  assignAcquisitionCosts(opts.seed, accounts, campaigns);
  // Deals closed before the window are not in it; deals still open when it starts are, with
  // their full history.
  const deals = byTime(
    drafts.deals.filter((d) => d.sim.closedAt >= from),
    (d) => d.sim.events[0].at,
  );
  deals.forEach((d, i) => {
    d.externalId = `OPP-${pad(i + 1, 6)}`;
  });
  const { opportunities, openDeals } = opportunityRecords(deals, asOf, reps, campaigns);
  const targets = byTime(drafts.campaignTargets, (t) => t.at).sort((a, b) => a.campaign - b.campaign || a.account.index - b.account.index);

  const records: DemoRecords = {
    campaigns: campaigns.map((c) => ({
      externalId: c.externalId,
      name: c.name,
      channel: c.channel,
      cost: c.cost,
      startedAt: new Date(c.startedAt),
      endedAt: new Date(c.endedAt),
      attributes: null,
    })),
    accounts: accounts.map((a) => ({ externalId: a.externalId, ...a.record })),
    // The products carry the dataset's identity, so a later load can tell the same demo company
    // (nothing to do) from another one (refuse rather than mix two companies under the same ids).
    products: PRODUCTS.map((p, i) => ({
      externalId: `PRD-${pad(i + 1, 2)}`,
      name: p.name,
      family: p.family,
      listPrice: p.listPrice,
      unitCost: p.unitCost,
      attributes: { demo_dataset: demoDatasetKey(opts) },
    })),
    reps: reps.map((r) => ({
      externalId: r.externalId,
      name: r.name,
      team: TEAMS[r.region].team,
      manager: TEAMS[r.region].manager,
      region: r.region,
      hiredAt: new Date(r.hiredAt),
      attributes: null,
    })),
    opportunities,
    'stage-changes': stageChangeRecords(deals, asOf),
    activities: activityRecords(drafts, new Set(deals), byTime),
    orders: orderRecords(drafts, byTime),
    'service-costs': byTime(drafts.serviceCosts, (s) => s.at).map((s, i) => ({
      externalId: `SVC-${pad(i + 1, 6)}`,
      accountId: s.account.externalId,
      incurredAt: new Date(s.at),
      kind: s.kind,
      amount: s.amount,
    })),
    'campaign-targets': targets.map((t) => ({
      campaignId: campaigns[t.campaign].externalId,
      accountId: t.account.externalId,
      targetedAt: new Date(t.at),
    })),
  };
  return {
    key: demoDatasetKey(opts),
    seed: opts.seed,
    accounts: opts.accounts,
    months: opts.months,
    from: new Date(from),
    asOf: opts.asOf,
    records,
    truth: {
      reps: reps.map((r) => ({ externalId: r.externalId, skill: r.skill, optimism: r.optimism })),
      openDeals,
      futureChurn: drafts.futureChurn.map((f) => ({ accountId: f.account.externalId, churnedAt: new Date(f.at) })),
      campaignEffects: campaignEffects(campaigns, targets),
    },
  };
}

/**
 * Acquisition cost (marketing.ts): the sales cost of winning the customer, plus its share of the
 * campaign that brought it in (the campaign's cost over the customers it acquired).
 */
function assignAcquisitionCosts(seed: number, accounts: AccountDraft[], campaigns: CampaignDraft[]): void {
  const acquiredBy = new Map<number, number>();
  for (const a of accounts)
    if (a.acquisitionCampaign !== null) acquiredBy.set(a.acquisitionCampaign, (acquiredBy.get(a.acquisitionCampaign) ?? 0) + 1);
  for (const a of accounts) {
    if (!a.record.acquiredAt) continue;
    const c = a.acquisitionCampaign === null ? null : campaigns[a.acquisitionCampaign];
    if (c) a.record.acquisitionCampaignId = c.externalId;
    const share = c ? c.cost / acquiredBy.get(a.acquisitionCampaign!)! : 0;
    a.record.acquisitionCost = acquisitionCost(createRng(seedFromLabels(seed, 'cac', a.index), 'mulberry32'), a.segment, share);
  }
}

function forecastCategory(stage: string, pushes: number, callDraw: number, rep: RepDraft): RecordOf<'opportunities'>['forecastCategory'] {
  if (stage === WON_STAGE) return 'closed';
  if (stage === LOST_STAGE) return 'omitted';
  if (stage === 'Negotiation') return pushes >= 2 ? 'best_case' : 'commit';
  if (stage === 'Proposal') return callDraw < rep.callBoldness ? 'commit' : 'best_case';
  return 'pipeline';
}

/** Each deal as the CRM shows it at the as-of date, and how the open ones will really end. */
function opportunityRecords(
  deals: DealDraft[],
  asOf: number,
  reps: RepDraft[],
  campaigns: CampaignDraft[],
): { opportunities: RecordOf<'opportunities'>[]; openDeals: DemoTruth['openDeals'] } {
  const opportunities: RecordOf<'opportunities'>[] = [];
  const openDeals: DemoTruth['openDeals'] = [];
  for (const d of deals) {
    const seen = d.sim.events.filter((e) => e.at < asOf);
    const last = seen[seen.length - 1];
    const pushes = seen.filter((e) => e.fromStage === e.toStage).length;
    const closed = last.toStage === WON_STAGE || last.toStage === LOST_STAGE;
    if (!closed) openDeals.push({ opportunityId: d.externalId, outcome: d.sim.outcome, closedAt: new Date(d.sim.closedAt) });
    const attributes: Record<string, string> = { deal_type: d.dealType };
    if (d.competitor) attributes.competitor = d.competitor;
    opportunities.push({
      externalId: d.externalId,
      name: `${d.account.name} – ${PRODUCTS[d.product].name}${d.dealType === 'Expansion' ? ' (expansion)' : ''}`,
      accountId: d.account.externalId,
      productId: `PRD-${pad(d.product + 1, 2)}`,
      repId: reps[d.rep].externalId,
      campaignId: d.campaign === null ? null : campaigns[d.campaign].externalId,
      amount: last.amount,
      discount: d.discount,
      stage: last.toStage,
      outcome: closed ? (last.toStage === WON_STAGE ? 'won' : 'lost') : 'open',
      createdAt: new Date(d.sim.events[0].at),
      expectedCloseAt: new Date(last.expectedCloseAt),
      closedAt: closed ? new Date(last.at) : null,
      source: d.source,
      forecastCategory: forecastCategory(last.toStage, pushes, d.callDraw, reps[d.rep]),
      attributes,
    });
  }
  return { opportunities, openDeals };
}

/** The stage changes seen by the as-of date, numbered in time order (ties keep deal order). */
function stageChangeRecords(deals: DealDraft[], asOf: number): RecordOf<'stage-changes'>[] {
  const drafts: { deal: DealDraft; seq: number; at: number }[] = [];
  for (const d of deals) {
    d.sim.events
      .filter((e) => e.at < asOf)
      .forEach((e, seq) => {
        drafts.push({ deal: d, seq, at: e.at });
      });
  }
  drafts.sort((a, b) => a.at - b.at);
  return drafts.map((s, i) => {
    const e = s.deal.sim.events[s.seq];
    return {
      externalId: `STG-${pad(i + 1, 7)}`,
      opportunityId: s.deal.externalId,
      fromStage: e.fromStage,
      toStage: e.toStage,
      amount: e.amount,
      expectedCloseAt: new Date(e.expectedCloseAt),
      changedAt: new Date(e.at),
    };
  });
}

/** Account activities, and deal activities of the deals in the window. */
function activityRecords(drafts: DemoDrafts, kept: Set<DealDraft>, byTime: ByTime): RecordOf<'activities'>[] {
  return byTime(
    drafts.activities.filter((a) => a.deal === null || kept.has(a.deal)),
    (a) => a.at,
  ).map((a, i) => ({
    externalId: `ACT-${pad(i + 1, 7)}`,
    accountId: a.account.externalId,
    opportunityId: a.deal ? a.deal.externalId : null,
    repId: drafts.reps[a.rep].externalId,
    type: a.type,
    occurredAt: new Date(a.at),
    durationMinutes: a.durationMinutes,
    cost: a.cost,
  }));
}

function orderRecords(drafts: DemoDrafts, byTime: ByTime): RecordOf<'orders'>[] {
  return byTime(drafts.orders, (o) => o.at).map((o, i) => {
    const p = PRODUCTS[o.product];
    const gross = o.quantity * p.listPrice;
    const revenue = round2(gross * (1 - o.discount));
    return {
      externalId: `ORD-${pad(i + 1, 6)}`,
      accountId: o.account.externalId,
      productId: `PRD-${pad(o.product + 1, 2)}`,
      opportunityId: o.deal ? o.deal.externalId : null,
      orderedAt: new Date(o.at),
      revenue,
      costOfGoods: round2(o.quantity * p.unitCost),
      quantity: o.quantity,
      discount: round2(gross - revenue),
    };
  });
}

/** What each email programme really does (DemoTruth.campaignEffects). */
function campaignEffects(campaigns: CampaignDraft[], targets: TargetDraft[]): DemoTruth['campaignEffects'] {
  return campaigns.flatMap((c, i) => {
    if (!c.programme) return [];
    const rule = PROGRAMMES[c.programme];
    return [
      {
        campaignId: c.externalId,
        programme: c.programme,
        targets: targets.filter((t) => t.campaign === i).length,
        orderLift: rule.orderLift,
        expansionLift: rule.expansionLift,
        days: rule.days,
      },
    ];
  });
}
