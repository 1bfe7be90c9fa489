// A deal as a CRM frontend sends it before saving (fields the database has never seen), turned
// into the deal timeline's Deal. Dates may be Date objects or ISO strings; references are names.
// Validation of the HTTP body is the contract layer's job; this only normalises.
//
// Omitted is not null: a field the caller leaves out (`activities`, `rep`, `account`, an account's
// `segment`, `stageChanges`, `attributes`…) stays undefined, "not provided", and the features do
// not read it as evidence; a field sent as null (or `activities: []`) says "none".
import { parseIsoDate } from '../../contracts/iso-date';
import { invalidInput } from '../../errors';
import type { AttributeValue, Deal, DealAccount } from '../../domain/deal-timeline/deal';

export interface InlineDeal {
  id?: number;
  externalId?: string | null;
  stage: string;
  amount?: number | null;
  discount?: number | null;
  createdAt: Date | string;
  expectedCloseAt?: Date | string | null;
  source?: string | null;
  product?: string | null;
  productFamily?: string | null;
  campaign?: string | null;
  campaignChannel?: string | null;
  rep?: string | null;
  team?: string | null;
  account?: DealAccount | null;
  attributes?: Record<string, AttributeValue> | null;
  stageChanges?: {
    fromStage?: string | null;
    toStage: string;
    amount?: number | null;
    expectedCloseAt?: Date | string | null;
    changedAt: Date | string;
  }[];
  activities?: { type: string; occurredAt: Date | string }[];
  /** Score the deal as of this moment instead of the request's asOf. */
  asOf?: Date | string | null;
}

type Where = readonly (string | number)[];

/** Milliseconds of a date field; `where` is the field's path after ["deals", index] (built only for an error). */
function time(v: Date | string | null | undefined, index: number, where: Where, required = false): number | null {
  if (v === null || v === undefined || v === '') {
    if (required)
      throw invalidInput(`${['deals', index, ...where].join('.')} is required`, [
        { path: ['deals', index, ...where], problem: 'is required' },
      ]);
    return null;
  }
  const t = v instanceof Date ? v.getTime() : parseIsoDate(v);
  if (!Number.isFinite(t))
    throw invalidInput(`${['deals', index, ...where].join('.')} is not a valid date`, [
      { path: ['deals', index, ...where], value: String(v), problem: 'must be an ISO 8601 date' },
    ]);
  return t;
}

const CREATED_AT: Where = ['createdAt'];
const AS_OF: Where = ['asOf'];

/** The deal's own scoring moment in milliseconds, or null when it has none. */
export function inlineAsOf(d: InlineDeal, index = 0): number | null {
  return time(d.asOf, index, AS_OF);
}
const EXPECTED_CLOSE_AT: Where = ['expectedCloseAt'];

export function inlineDealToInput(d: InlineDeal, index = 0): Deal {
  if (!d || typeof d.stage !== 'string' || !d.stage.trim())
    throw invalidInput('stage is required', [{ path: ['deals', index, 'stage'], problem: 'is required' }]);
  const deal: Deal = {
    id: d.id,
    externalId: d.externalId ?? null,
    stage: d.stage.trim(),
    // No amount sent: none recorded yet (never a deal worth 0).
    amount: d.amount ?? null,
    discount: d.discount ?? null,
    createdAt: time(d.createdAt, index, CREATED_AT, true)!,
    expectedCloseAt: time(d.expectedCloseAt, index, EXPECTED_CLOSE_AT),
    outcome: 'open',
    closedAt: null,
  };
  // Descriptors keep the difference between omitted (not provided) and null (none).
  for (const k of ['source', 'product', 'productFamily', 'campaign', 'campaignChannel', 'rep', 'team'] as const)
    if (d[k] !== undefined) deal[k] = d[k];
  if (d.account !== undefined) deal.account = d.account;
  if (d.attributes !== undefined) deal.attributes = d.attributes;
  if (d.stageChanges !== undefined)
    deal.stageChanges = d.stageChanges.map((c, i) => ({
      fromStage: c.fromStage ?? null,
      toStage: c.toStage,
      amount: c.amount ?? null,
      expectedCloseAt: c.expectedCloseAt == null ? null : time(c.expectedCloseAt, index, ['stageChanges', i, 'expectedCloseAt']),
      at: time(c.changedAt, index, ['stageChanges', i, 'changedAt'], true)!,
    }));
  if (d.activities !== undefined)
    deal.activities = d.activities.map((a, i) => ({
      type: a.type,
      at: time(a.occurredAt, index, ['activities', i, 'occurredAt'], true)!,
    }));
  return deal;
}
