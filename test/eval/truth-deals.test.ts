// The held-out deals of eval:real are sent inline as the database holds them (scripts/eval-real/
// truth-deals.ts): a descriptor stored as none (a lead with no origin, no owner, no account) must
// reach the features as "none", the value training read for the same deal, and never as "not
// provided" (the encoder's average row). An Olist lead without an origin was scored as an average
// lead while the model had learned what "no origin" means.
import { isNotProvided } from '../../src/domain/features/feature-row';
import { dealFeatures } from '../../src/domain/features/deal-features';
import { DealHistory } from '../../src/domain/features/deal-history';
import { type InlineDeal, inlineDealToInput } from '../../src/services/win/inline-deal';
import { inlineDealAt, type TruthDeal } from '../../scripts/eval-real/truth-deals';

const created = Date.parse('2018-05-02T00:00:00Z');

function lead(overrides: Partial<TruthDeal> = {}): TruthDeal {
  return {
    externalId: 'lead-1',
    createdAt: created,
    outcome: 'won',
    closedAt: created + 20 * 86_400_000,
    source: null,
    product: null,
    productFamily: null,
    campaign: null,
    campaignChannel: null,
    rep: null,
    team: null,
    account: null,
    attributes: { landing_page_id: 'page-a', seller_id: 'filled-on-close' },
    stageChanges: [],
    activities: [],
    ...overrides,
  };
}

const options = { stageBeforeHistory: 'MQL', attributesKnown: new Set(['landing_page_id']), perDealAsOf: true };

describe('eval:real sends a held-out deal as the database holds it', () => {
  test('descriptors stored as none are sent as null, not left out', () => {
    const body = inlineDealAt(lead(), created, options);
    for (const k of ['source', 'product', 'productFamily', 'campaign', 'campaignChannel', 'rep', 'team', 'account'])
      expect(body).toHaveProperty(k, null);
    expect(body.attributes).toEqual({ landing_page_id: 'page-a' });
    expect(body).not.toHaveProperty('amount');
    expect(body).not.toHaveProperty('stageChanges');
  });

  test('a lead with no origin reaches the features as "none" (as in training), not as "not provided"', () => {
    const body = inlineDealAt(lead(), created, options) as unknown as InlineDeal;
    const row = dealFeatures(inlineDealToInput(body), created, new DealHistory(), { numeric: [], categorical: ['landing_page_id'] });
    expect(isNotProvided(row.source)).toBe(false);
    expect(row.source).toBeNull();
    expect(row.rep).toBeNull();
    expect(row.segment).toBeNull();
    expect(row['attr.landing_page_id']).toBe('page-a');
  });

  test('recorded descriptors are sent as they are', () => {
    const body = inlineDealAt(lead({ source: 'paid_search', rep: 'Ana' }), created, options);
    expect(body.source).toBe('paid_search');
    expect(body.rep).toBe('Ana');
  });
});
