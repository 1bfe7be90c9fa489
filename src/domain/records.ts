// Canonical records: the shape of every entity kind as it enters Salescast, whatever the source
// (CSV/JSON import, HTTP bulk upsert, demo generator). References to other records use their
// external ids (the CRM's ids), which are also the natural keys for upserts.
// These zod schemas are the single validation of incoming data.
import { z } from 'zod';
import type { EntityKind } from './entity-kinds';

const id = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const optionalText = z.string().trim().max(500).nullish();
const money = z.number().finite().nonnegative('must not be negative');
const date = z.date({ error: 'must be a valid date' });
const attributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullish();

export const AccountRecord = z
  .object({
    externalId: id,
    name: z.string().trim().min(1, 'must not be empty').max(500),
    segment: optionalText,
    industry: optionalText,
    region: optionalText,
    country: optionalText,
    size: optionalText,
    employees: z.number().int().nonnegative('must not be negative').nullish(),
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

export const ProductRecord = z.object({
  externalId: id,
  name: z.string().trim().min(1, 'must not be empty').max(500),
  family: optionalText,
  listPrice: money.nullish(),
  unitCost: money.nullish(),
  attributes,
});

export const RepRecord = z.object({
  externalId: id,
  name: z.string().trim().min(1, 'must not be empty').max(500),
  team: optionalText,
  manager: optionalText,
  region: optionalText,
  hiredAt: date.nullish(),
  attributes,
});

export const CampaignRecord = z
  .object({
    externalId: id,
    name: z.string().trim().min(1, 'must not be empty').max(500),
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
  .object({
    externalId: id,
    name: optionalText,
    accountId: id.nullish(),
    productId: id.nullish(),
    repId: id.nullish(),
    campaignId: id.nullish(),
    amount: money.default(0),
    discount: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0),
    stage: z.string().trim().min(1, 'must not be empty').max(100),
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

export const StageChangeRecord = z.object({
  externalId: id.nullish(),
  opportunityId: id,
  fromStage: optionalText,
  toStage: z.string().trim().min(1, 'must not be empty').max(100),
  amount: money.nullish(),
  expectedCloseAt: date.nullish(),
  changedAt: date,
});

export const ActivityRecord = z
  .object({
    externalId: id.nullish(),
    accountId: id.nullish(),
    opportunityId: id.nullish(),
    repId: id.nullish(),
    type: z.string().trim().min(1, 'must not be empty').max(100),
    occurredAt: date,
    durationMinutes: z.number().finite().nonnegative('must not be negative').nullish(),
    cost: money.default(0),
  })
  .superRefine((r, ctx) => {
    if (!r.accountId && !r.opportunityId)
      ctx.addIssue({ code: 'custom', path: ['accountId'], message: 'an activity needs an accountId or an opportunityId' });
  });

export const OrderRecord = z.object({
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

export const ServiceCostRecord = z.object({
  externalId: id.nullish(),
  accountId: id,
  incurredAt: date,
  kind: z.string().trim().min(1, 'must not be empty').max(100),
  amount: money,
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

/** Which reference fields of a kind point at which kind (resolved by external id on write). */
export const REFERENCES: Partial<Record<EntityKind, Record<string, EntityKind>>> = {
  accounts: { acquisitionCampaignId: 'campaigns' },
  opportunities: { accountId: 'accounts', productId: 'products', repId: 'reps', campaignId: 'campaigns' },
  'stage-changes': { opportunityId: 'opportunities' },
  activities: { accountId: 'accounts', opportunityId: 'opportunities', repId: 'reps' },
  orders: { accountId: 'accounts', productId: 'products', opportunityId: 'opportunities' },
  'service-costs': { accountId: 'accounts' },
};
