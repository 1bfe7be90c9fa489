// Canonical records: the shape of every entity kind as it enters Salescast, whatever the source
// (CSV/JSON import, HTTP bulk upsert, demo generator). References to other records use their
// external ids (the CRM's ids), which are also the natural keys for upserts.
// These zod schemas are the single validation of incoming data. They follow the input rules every
// contract follows (src/contracts/input-rules.ts: no NUL or unpaired surrogate in text, dates from
// 1900 to 2199) and are strict: a field the kind does not have is an error naming it, never
// silently dropped (a misspelt `nmae` used to vanish with a 200).
import { z } from 'zod';
import { rangedDate, safeString } from '../contracts/input-rules';
import type { EntityKind } from './entity-kinds';

const id = safeString().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const name = safeString().trim().min(1, 'must not be empty').max(500);
const optionalText = safeString().trim().max(500).nullish();
const money = z.number().finite().nonnegative('must not be negative');
const date = rangedDate();
const attributes = z.record(safeString().max(200), z.union([safeString(), z.number(), z.boolean(), z.null()])).nullish();
// Counts stored in 32-bit integer columns.
const count = z.number().int().nonnegative('must not be negative').max(2_147_483_647);

export const AccountRecord = z
  .strictObject({
    externalId: id,
    name,
    segment: optionalText,
    industry: optionalText,
    region: optionalText,
    country: optionalText,
    size: optionalText,
    employees: count.nullish(),
    annualRevenue: money.nullish(),
    acquiredAt: date.nullish(),
    acquisitionCampaignId: id.nullish(),
    acquisitionCost: money.nullish(),
    status: z.enum(['active', 'churned']).default('active'),
    churnedAt: date.nullish(),
    attributes,
  })
  .superRefine((r, ctx) => {
    if (r.churnedAt && r.acquiredAt && r.churnedAt < r.acquiredAt)
      ctx.addIssue({ code: 'custom', path: ['churnedAt'], message: 'must not be before acquiredAt' });
    if (r.churnedAt && r.status !== 'churned')
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'must be "churned" when churnedAt is set' });
  });

export const ProductRecord = z.strictObject({
  externalId: id,
  name,
  family: optionalText,
  listPrice: money.nullish(),
  unitCost: money.nullish(),
  attributes,
});

export const RepRecord = z.strictObject({
  externalId: id,
  name,
  team: optionalText,
  manager: optionalText,
  region: optionalText,
  hiredAt: date.nullish(),
  attributes,
});

export const CampaignRecord = z
  .strictObject({
    externalId: id,
    name,
    channel: optionalText,
    cost: money.default(0),
    startedAt: date.nullish(),
    endedAt: date.nullish(),
    attributes,
  })
  .superRefine((r, ctx) => {
    if (r.startedAt && r.endedAt && r.endedAt < r.startedAt)
      ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'must not be before startedAt' });
  });

export const OUTCOMES = ['open', 'won', 'lost'] as const;
export const FORECAST_CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;

export const OpportunityRecord = z
  .strictObject({
    externalId: id,
    name: optionalText,
    accountId: id.nullish(),
    productId: id.nullish(),
    repId: id.nullish(),
    campaignId: id.nullish(),
    amount: money.default(0),
    discount: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0),
    stage: safeString().trim().min(1, 'must not be empty').max(100),
    outcome: z.enum(OUTCOMES).default('open'),
    createdAt: date,
    expectedCloseAt: date.nullish(),
    closedAt: date.nullish(),
    source: optionalText,
    forecastCategory: z.enum(FORECAST_CATEGORIES).nullish(),
    attributes,
  })
  .superRefine((r, ctx) => {
    if (r.closedAt && r.closedAt < r.createdAt)
      ctx.addIssue({ code: 'custom', path: ['closedAt'], message: 'must not be before createdAt' });
    if (r.outcome !== 'open' && !r.closedAt)
      ctx.addIssue({ code: 'custom', path: ['closedAt'], message: `is required when outcome is "${r.outcome}"` });
    if (r.outcome === 'open' && r.closedAt)
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'must be "won" or "lost" when closedAt is set' });
  });

export const StageChangeRecord = z.strictObject({
  externalId: id.nullish(),
  opportunityId: id,
  fromStage: optionalText,
  toStage: safeString().trim().min(1, 'must not be empty').max(100),
  amount: money.nullish(),
  expectedCloseAt: date.nullish(),
  changedAt: date,
});

export const ActivityRecord = z
  .strictObject({
    externalId: id.nullish(),
    accountId: id.nullish(),
    opportunityId: id.nullish(),
    repId: id.nullish(),
    type: safeString().trim().min(1, 'must not be empty').max(100),
    occurredAt: date,
    durationMinutes: z.number().finite().nonnegative('must not be negative').nullish(),
    cost: money.default(0),
  })
  .superRefine((r, ctx) => {
    if (!r.accountId && !r.opportunityId)
      ctx.addIssue({ code: 'custom', path: ['accountId'], message: 'an activity needs an accountId or an opportunityId' });
  });

export const OrderRecord = z.strictObject({
  externalId: id.nullish(),
  accountId: id,
  productId: id.nullish(),
  opportunityId: id.nullish(),
  orderedAt: date,
  revenue: money,
  costOfGoods: money.default(0),
  quantity: z.number().finite().positive('must be positive').default(1),
  discount: money.default(0),
});

export const ServiceCostRecord = z.strictObject({
  externalId: id.nullish(),
  accountId: id,
  incurredAt: date,
  kind: safeString().trim().min(1, 'must not be empty').max(100),
  amount: money,
});

/**
 * An account on a campaign's target list. The pair (campaign, account) is the record's identity:
 * listing the same account twice for a campaign is a duplicate, and re-importing a list updates
 * `targetedAt` instead of adding rows. Its stored external id is derived from that pair (an
 * `externalId` given with it is not used).
 */
export const CampaignTargetRecord = z.object({
  externalId: id.nullish(),
  campaignId: id,
  accountId: id,
  targetedAt: date.nullish(),
});

export { ENTITY_KINDS, type EntityKind } from './entity-kinds';

export const RECORD_SCHEMAS = {
  campaigns: CampaignRecord,
  accounts: AccountRecord,
  products: ProductRecord,
  reps: RepRecord,
  opportunities: OpportunityRecord,
  'stage-changes': StageChangeRecord,
  activities: ActivityRecord,
  orders: OrderRecord,
  'service-costs': ServiceCostRecord,
  'campaign-targets': CampaignTargetRecord,
} as const;

export type RecordOf<K extends EntityKind> = z.infer<(typeof RECORD_SCHEMAS)[K]>;
export type AccountRec = z.infer<typeof AccountRecord>;
export type ProductRec = z.infer<typeof ProductRecord>;
export type RepRec = z.infer<typeof RepRecord>;
export type CampaignRec = z.infer<typeof CampaignRecord>;
export type OpportunityRec = z.infer<typeof OpportunityRecord>;
export type StageChangeRec = z.infer<typeof StageChangeRecord>;
export type ActivityRec = z.infer<typeof ActivityRecord>;
export type OrderRec = z.infer<typeof OrderRecord>;
export type ServiceCostRec = z.infer<typeof ServiceCostRecord>;
export type CampaignTargetRec = z.infer<typeof CampaignTargetRecord>;

/** Which reference fields of a kind point at which kind (resolved by external id on write). */
export const REFERENCES: Partial<Record<EntityKind, Record<string, EntityKind>>> = {
  accounts: { acquisitionCampaignId: 'campaigns' },
  opportunities: { accountId: 'accounts', productId: 'products', repId: 'reps', campaignId: 'campaigns' },
  'stage-changes': { opportunityId: 'opportunities' },
  activities: { accountId: 'accounts', opportunityId: 'opportunities', repId: 'reps' },
  orders: { accountId: 'accounts', productId: 'products', opportunityId: 'opportunities' },
  'service-costs': { accountId: 'accounts' },
  'campaign-targets': { campaignId: 'campaigns', accountId: 'accounts' },
};

/**
 * Kinds whose records are identified by some of their fields when they carry no external id: a
 * repeated key is a duplicate (not a second record, as two equal orders on one day would be).
 */
export const NATURAL_KEYS: Partial<Record<EntityKind, readonly string[]>> = {
  'campaign-targets': ['campaignId', 'accountId'],
};
