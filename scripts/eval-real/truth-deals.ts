// The held-out deals as a CRM frontend would send them to POST /v1/deals/score at the moment the
// server is asked about them. They are read from a database holding the whole dataset (imported by
// the example mappings, so names, dates and references are exactly what an import gives) and cut
// to what was known at that moment: stage changes and activities up to it, the stage they led to,
// no amount or close date recorded later, and only the custom attributes a CRM has at creation.
// Descriptors the database holds as none (a lead with no origin, a deal with no owner or account)
// are sent as null, as the parity test sends them (test/services/win/win-parity.test.ts,
// docs/win-model.md "Missing is not zero"): training read them as "none", so omitting them
// ("not provided") would score a different row from the one the model was trained and
// evaluated on.
import type { Database } from '../../src/db/database';

type Json = string | number | boolean | null;

export interface TruthDeal {
  externalId: string;
  createdAt: number;
  outcome: 'open' | 'won' | 'lost';
  closedAt: number | null;
  source: string | null;
  product: string | null;
  productFamily: string | null;
  campaign: string | null;
  campaignChannel: string | null;
  rep: string | null;
  team: string | null;
  account: Record<string, Json> | null;
  attributes: Record<string, Json>;
  stageChanges: { fromStage: string | null; toStage: string; amount: number | null; expectedCloseAt: number | null; at: number }[];
  activities: { type: string; at: number }[];
}

const attributesOf = (v: unknown): Record<string, Json> => {
  if (v === null || v === undefined) return {};
  if (typeof v === 'string') return JSON.parse(v) as Record<string, Json>;
  return v as Record<string, Json>;
};

/** Drops null and undefined fields (the contract's "not provided"). */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

const PAGE = 500; // related rows are fetched with one bound id per parent: stay under SQLite's limit

async function readPage(db: Database, afterId: number) {
  return db.prisma.opportunity.findMany({
    where: { id: { gt: afterId } },
    include: {
      account: true,
      product: true,
      rep: true,
      campaign: true,
      stageChanges: { orderBy: [{ changedAt: 'asc' }, { id: 'asc' }] },
      activities: true,
    },
    orderBy: { id: 'asc' },
    take: PAGE,
  });
}

/** Every opportunity of `db` with its references resolved and its history, in id order. */
export async function readDeals(db: Database): Promise<TruthDeal[]> {
  const rows: Awaited<ReturnType<typeof readPage>> = [];
  for (let page = await readPage(db, 0); page.length; page = await readPage(db, page[page.length - 1].id)) rows.push(...page);
  return rows.map((o) => ({
    externalId: o.externalId,
    createdAt: o.createdAt.getTime(),
    outcome: o.outcome as TruthDeal['outcome'],
    closedAt: o.closedAt?.getTime() ?? null,
    source: o.source,
    product: o.product?.name ?? null,
    productFamily: o.product?.family ?? null,
    campaign: o.campaign?.name ?? null,
    campaignChannel: o.campaign?.channel ?? null,
    rep: o.rep?.name ?? null,
    team: o.rep?.team ?? null,
    account: o.account
      ? compact({
          externalId: o.account.externalId,
          segment: o.account.segment,
          industry: o.account.industry,
          region: o.account.region,
          country: o.account.country,
          size: o.account.size,
          employees: o.account.employees,
          annualRevenue: o.account.annualRevenue,
        })
      : null,
    attributes: attributesOf(o.attributes),
    stageChanges: o.stageChanges.map((c) => ({
      fromStage: c.fromStage,
      toStage: c.toStage,
      amount: c.amount,
      expectedCloseAt: c.expectedCloseAt?.getTime() ?? null,
      at: c.changedAt.getTime(),
    })),
    activities: o.activities.map((a) => ({ type: a.type, at: a.occurredAt.getTime() })),
  }));
}

export interface InlineOptions {
  /** The stage of a deal before its first recorded stage change (e.g. "MQL" for a new lead). */
  stageBeforeHistory: string;
  /** Custom attribute keys a CRM already has when the deal is created (others are filled in later). */
  attributesKnown: ReadonlySet<string>;
  /** Send `asOf` on the deal itself (when the contract accepts it). */
  perDealAsOf: boolean;
}

/** The body of one inline deal as known at `t` (epoch ms). Events at exactly `t` count as known. */
export function inlineDealAt(d: TruthDeal, t: number, o: InlineOptions): Record<string, unknown> {
  const changes = d.stageChanges.filter((c) => c.at <= t);
  const last = changes.at(-1);
  const amount = [...changes].reverse().find((c) => c.amount !== null)?.amount;
  const expectedCloseAt = [...changes].reverse().find((c) => c.expectedCloseAt !== null)?.expectedCloseAt;
  const attributes = Object.fromEntries(Object.entries(d.attributes).filter(([k]) => o.attributesKnown.has(k)));
  const iso = (ms: number) => new Date(ms).toISOString();
  const recorded = compact({
    externalId: d.externalId,
    stage: last ? last.toStage : o.stageBeforeHistory,
    amount,
    createdAt: iso(d.createdAt),
    expectedCloseAt: expectedCloseAt == null ? null : iso(expectedCloseAt),
    attributes: Object.keys(attributes).length ? attributes : null,
    stageChanges: changes.length
      ? changes.map((c) =>
          compact({
            fromStage: c.fromStage,
            toStage: c.toStage,
            amount: c.amount,
            expectedCloseAt: c.expectedCloseAt == null ? null : iso(c.expectedCloseAt),
            changedAt: iso(c.at),
          }),
        )
      : null,
    activities: d.activities.some((a) => a.at <= t)
      ? d.activities.filter((a) => a.at <= t).map((a) => ({ type: a.type, occurredAt: iso(a.at) }))
      : null,
    asOf: o.perDealAsOf ? iso(t) : null,
  });
  // Stored as none is sent as none (null), never left out.
  const descriptors = {
    source: d.source,
    product: d.product,
    productFamily: d.productFamily,
    campaign: d.campaign,
    campaignChannel: d.campaignChannel,
    rep: d.rep,
    team: d.team,
    account: d.account,
  };
  return { ...recorded, ...descriptors };
}
