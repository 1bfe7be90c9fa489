// The one deal timeline: its boundary (an event stamped exactly t is not seen at t), its rules for
// stored fields, no value filled back from a later change, and the deal as known at a moment.
import { dealAsOf } from '../../src/domain/deal-timeline/as-of';
import { atCreation, seenAt } from '../../src/domain/deal-timeline/boundary';
import type { Deal } from '../../src/domain/deal-timeline/deal';
import { dealKnownAt } from '../../src/domain/deal-timeline/known-at';
import { DealHistory } from '../../src/domain/features/deal-history';
import { dealFeatures } from '../../src/domain/features/deal-features';

const D = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const DAY = 86_400_000;

/**
 * A deal shaped like the Maven CRM export through its example mapping: engaged on creation, and
 * the only change that records an amount is the closing one (close_value; 0 on lost deals).
 */
function mavenDeal(outcome: 'won' | 'lost', id = 1): Deal {
  const closeValue = outcome === 'won' ? 1054 : 0;
  return {
    id,
    stage: outcome === 'won' ? 'Won' : 'Lost',
    amount: closeValue || null, // the loader reads the stored 0 as "none"
    createdAt: D('2017-03-01'),
    closedAt: D('2017-04-15'),
    outcome,
    rep: 'Anna Snelling',
    product: 'GTX Pro',
    source: 'maven-crm',
    account: { externalId: 'Acme', segment: null },
    stageChanges: [
      { fromStage: 'Prospecting', toStage: 'Engaging', at: D('2017-03-01') },
      { fromStage: 'Engaging', toStage: outcome === 'won' ? 'Won' : 'Lost', amount: closeValue, at: D('2017-04-15') },
    ],
  };
}

describe('the point-in-time boundary', () => {
  test('an event stamped exactly t is not seen at t, and is seen just after', () => {
    expect(seenAt(D('2025-01-10'), D('2025-01-10'))).toBe(false);
    expect(seenAt(D('2025-01-10'), D('2025-01-10') + 1)).toBe(true);
    const d: Deal = {
      stage: 'Proposal',
      amount: 500,
      createdAt: D('2025-01-01'),
      outcome: 'open',
      stageChanges: [
        { fromStage: null, toStage: 'Prospecting', amount: 100, at: D('2025-01-01') },
        { fromStage: 'Prospecting', toStage: 'Proposal', amount: 500, at: D('2025-01-10') },
      ],
      activities: [{ type: 'call', at: D('2025-01-10') }],
    };
    expect(dealAsOf(d, D('2025-01-10'))).toMatchObject({ stage: 'Prospecting', amount: 100, changesSeen: 1 });
    expect(dealAsOf(d, D('2025-01-10') + 1)).toMatchObject({ stage: 'Proposal', amount: 500, changesSeen: 2 });
    expect(dealFeatures(d, D('2025-01-10'), new DealHistory()).activitiesTotal).toBe(0);
    expect(dealFeatures(d, D('2025-01-10') + 1, new DealHistory()).activitiesTotal).toBe(1);
  });

  test('a deal asked about at its creation instant is seen as created, with what was recorded then', () => {
    const d = mavenDeal('won');
    expect(dealAsOf(d, d.createdAt)).toMatchObject({ exists: false, stage: 'Engaging', changesSeen: 1 });
    expect(dealAsOf(d, atCreation(d.createdAt))).toMatchObject({ exists: true, stage: 'Engaging', changesSeen: 1 });
    const h = new DealHistory();
    expect(dealFeatures(d, d.createdAt, h)).toEqual(dealFeatures(d, atCreation(d.createdAt), h));
  });

  test('a deal is closed as of t only when it closed before t', () => {
    const d = mavenDeal('won');
    expect(dealAsOf(d, D('2017-04-15'))).toMatchObject({ outcome: 'open', closedAt: null });
    expect(dealAsOf(d, D('2017-04-15') + 1)).toMatchObject({ outcome: 'won', closedAt: D('2017-04-15'), stage: 'Won', amount: 1054 });
  });
});

describe('no value is filled back from a later change (the Maven amount leak)', () => {
  test('before the closing change, the amount it records is unknown: the same for won and lost', () => {
    for (const t of [atCreation(D('2017-03-01')), D('2017-03-20'), D('2017-04-15')]) {
      const won = dealAsOf(mavenDeal('won'), t);
      const lost = dealAsOf(mavenDeal('lost'), t);
      expect(won.amount).toBeNull();
      expect(lost.amount).toBeNull();
      expect(won).toEqual(lost);
    }
  });

  test('every deal feature is the same for a won and a lost deal until the close', () => {
    const history = new DealHistory();
    for (const t of [D('2017-03-01'), D('2017-03-02'), D('2017-04-14'), D('2017-04-15')])
      expect(dealFeatures(mavenDeal('won'), t, history)).toEqual(dealFeatures(mavenDeal('lost'), t, history));
  });

  test('an amount recorded at c holds from c on; the close date pushes count only what was seen', () => {
    const d: Deal = {
      stage: 'Negotiation',
      amount: 900,
      createdAt: D('2025-01-01'),
      outcome: 'open',
      stageChanges: [
        { fromStage: null, toStage: 'Prospecting', at: D('2025-01-01') },
        { fromStage: 'Prospecting', toStage: 'Proposal', amount: 700, expectedCloseAt: D('2025-03-01'), at: D('2025-02-01') },
        { fromStage: 'Proposal', toStage: 'Negotiation', amount: 900, expectedCloseAt: D('2025-04-01'), at: D('2025-03-01') },
      ],
    };
    expect(dealAsOf(d, D('2025-01-15'))).toMatchObject({ amount: null, expectedCloseAt: null, closeDatePushes: 0 });
    expect(dealAsOf(d, D('2025-02-15'))).toMatchObject({
      amount: 700,
      expectedCloseAt: D('2025-03-01'),
      closeDatePushes: 0,
      firstAmount: 700,
    });
    expect(dealAsOf(d, D('2025-03-15'))).toMatchObject({
      amount: 900,
      amountChanges: 1,
      closeDatePushes: 1,
      closeDatePushDays: 31,
      stageChanges: 2,
      stagesVisited: 3,
    });
  });
});

describe('stored fields as of a past moment', () => {
  const noHistory = (over: Partial<Deal>): Deal => ({
    stage: 'MQL',
    amount: 250,
    createdAt: D('2018-01-01'),
    expectedCloseAt: D('2018-03-01'),
    discount: 0.1,
    stageChanges: [],
    ...over,
  });

  test('a deal open now and never moved is in its stored state since creation', () => {
    expect(dealAsOf(noHistory({ outcome: 'open' }), D('2018-02-01'))).toMatchObject({
      stage: 'MQL',
      stageEnteredAt: D('2018-01-01'),
      amount: 250,
      expectedCloseAt: D('2018-03-01'),
      discount: 0.1,
    });
  });

  test('a deal closed later without history: its stored stage, amount, close date and discount may be the outcome', () => {
    const won = noHistory({ outcome: 'won', stage: 'Closed Won', closedAt: D('2018-02-20'), expectedCloseAt: D('2018-02-20') });
    expect(dealAsOf(won, D('2018-02-01'))).toMatchObject({
      outcome: 'open',
      stage: null,
      stageEnteredAt: null,
      amount: null,
      expectedCloseAt: null,
      discount: null,
    });
    const row = dealFeatures(won, D('2018-02-01'), new DealHistory());
    expect(row).toMatchObject({ stage: null, amount: null, daysInStage: null, daysToExpectedClose: null, hasStageHistory: 0 });
  });

  test('a later change that records a field makes the stored value unknown before it', () => {
    const d = noHistory({
      outcome: 'open',
      stage: 'Proposal',
      amount: 900,
      stageChanges: [{ fromStage: 'MQL', toStage: 'Proposal', amount: 900, at: D('2018-02-10') }],
    });
    expect(dealAsOf(d, D('2018-02-01'))).toMatchObject({ stage: null, amount: null, expectedCloseAt: D('2018-03-01') });
    expect(dealAsOf(d, D('2018-02-11'))).toMatchObject({ stage: 'Proposal', amount: 900, stageEnteredAt: D('2018-02-10') });
  });
});

describe('the deal as known at a moment', () => {
  test('is what a frontend would have sent: the same state and features as the whole deal at that moment', () => {
    const history = new DealHistory([{ closedAt: D('2017-01-01'), won: true, keys: ['rep:Anna Snelling'] }]);
    for (const deal of [mavenDeal('won'), mavenDeal('lost')])
      for (let t = deal.createdAt - DAY; t < deal.closedAt! + 3 * DAY; t += DAY / 3) {
        const known = dealKnownAt(deal, t);
        expect(dealAsOf(known, t)).toEqual(dealAsOf(deal, t));
        expect(dealFeatures(known, t, history)).toEqual(dealFeatures(deal, t, history));
      }
  });

  test('drops later changes and activities, and shows a deal closed later as open', () => {
    const d = {
      ...mavenDeal('lost'),
      activities: [
        { type: 'email', at: D('2017-03-05') },
        { type: 'call', at: D('2017-04-20') },
      ],
    };
    const known = dealKnownAt(d, D('2017-04-01'));
    expect(known).toMatchObject({ outcome: 'open', closedAt: null, stage: 'Engaging', amount: null });
    expect(known.stageChanges).toHaveLength(1);
    expect(known.activities).toEqual([{ type: 'email', at: D('2017-03-05') }]);
  });
});
