// Point-in-time correctness of the deal features: a feature computed as of a date must not change
// when events after that date are added, and the outcome must never leak into a snapshot.
import { dealAsOf } from '../../../src/domain/deal-timeline/as-of';
import type { Deal } from '../../../src/domain/deal-timeline/deal';
import { DAY_MS } from '../../../src/math/time';
import { dealKnownAt } from '../../../src/domain/deal-timeline/known-at';
import { discoverAttributes } from '../../../src/domain/features/deal-attributes';
import { dealFeatures } from '../../../src/domain/features/deal-features';
import { treatStaleAsLost } from '../../../src/services/win/build-win-model';
import { outcomeKnownAt, snapshotMoments } from '../../../src/domain/features/deal-examples';
import { DealHistory, historyKeys } from '../../../src/domain/features/deal-history';
import { CloseTimingModel } from '../../../src/domain/timing/close-timing';
import { createRng } from '../../../src/math/random';

const D = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const SEED = 1234;

function deal(): Deal {
  return {
    id: 1,
    stage: 'Proposal',
    amount: 10000,
    discount: 0.1,
    createdAt: D('2025-01-01'),
    expectedCloseAt: D('2025-03-01'),
    rep: 'Ana',
    account: { externalId: 'acc-1', segment: 'SMB' },
    product: 'Core',
    source: 'Inbound',
    outcome: 'open',
    closedAt: null,
    stageChanges: [
      { fromStage: null, toStage: 'Prospecting', amount: 10000, expectedCloseAt: D('2025-02-15'), at: D('2025-01-01') },
      { fromStage: 'Prospecting', toStage: 'Qualification', amount: 10000, expectedCloseAt: D('2025-02-15'), at: D('2025-01-10') },
      { fromStage: 'Qualification', toStage: 'Qualification', amount: 12000, expectedCloseAt: D('2025-03-01'), at: D('2025-01-20') },
      { fromStage: 'Qualification', toStage: 'Proposal', amount: 12000, expectedCloseAt: D('2025-03-01'), at: D('2025-02-01') },
    ],
    activities: [
      { type: 'email', at: D('2025-01-05') },
      { type: 'meeting', at: D('2025-01-25') },
      { type: 'call', at: D('2025-02-03') },
    ],
  };
}

describe('deal features as of a date', () => {
  const history = new DealHistory([]);

  test('rebuild the stage, amount, close date and pushes the CRM showed at that moment', () => {
    const s = dealAsOf(deal(), D('2025-01-25'));
    expect(s).toMatchObject({
      stage: 'Qualification',
      stageEnteredAt: D('2025-01-10'),
      amount: 12000,
      expectedCloseAt: D('2025-03-01'),
      stageChanges: 1,
      closeDatePushes: 1,
      amountChanges: 1,
    });
    expect(s.closeDatePushDays).toBeCloseTo(14, 6);
    const row = dealFeatures(deal(), D('2025-01-25'), history);
    // The meeting stamped exactly 2025-01-25 is not seen as of 2025-01-25 (the one boundary).
    expect(row).toMatchObject({
      stage: 'Qualification',
      daysInStage: 15,
      daysSinceCreated: 24,
      activities30d: 1,
      meetings30d: 0,
      activitiesTotal: 1,
      daysSinceLastActivity: 20,
      daysToExpectedClose: 35,
      expectedCloseOverdue: 0,
    });
  });

  test('ignore stage changes, activities and outcomes that happen later', () => {
    const t = D('2025-01-25');
    const before = dealFeatures(deal(), t, history);
    const later = deal();
    later.stageChanges!.push({
      fromStage: 'Proposal',
      toStage: 'Closed Won',
      amount: 50000,
      expectedCloseAt: D('2025-02-20'),
      at: D('2025-02-20'),
    });
    later.activities!.push({ type: 'meeting', at: D('2025-01-26') }, { type: 'demo', at: D('2025-02-10') });
    later.outcome = 'won';
    later.closedAt = D('2025-02-20');
    later.stage = 'Closed Won';
    later.amount = 50000;
    later.expectedCloseAt = D('2025-02-20');
    expect(dealFeatures(later, t, history)).toEqual(before);
  });

  test('a closed deal without stage history does not reveal its final stage or close date', () => {
    const d: Deal = {
      stage: 'Won',
      amount: 500,
      createdAt: D('2025-01-01'),
      expectedCloseAt: D('2025-01-31'),
      outcome: 'won',
      closedAt: D('2025-01-31'),
      stageChanges: [],
    };
    const row = dealFeatures(d, D('2025-01-15'), history);
    expect(row.stage).toBeNull();
    expect(row.amount).toBeNull(); // exports often carry the won amount (0 when lost)
    expect(row.daysToExpectedClose).toBeNull();
    expect(row.hasStageHistory).toBe(0);
    // The same deal while still open is scored from its current fields.
    const open = dealFeatures({ ...d, stage: 'Engaging', outcome: 'open', closedAt: null }, D('2025-01-15'), history);
    expect(open.stage).toBe('Engaging');
    expect(open.daysToExpectedClose).toBe(16);
  });

  test('win rates of rep, segment and account count only deals closed strictly before the moment', () => {
    const closed = [
      { closedAt: D('2024-12-01'), won: true, keys: historyKeys({ rep: 'Ana', account: { segment: 'SMB' } }) },
      { closedAt: D('2024-12-15'), won: false, keys: historyKeys({ rep: 'Ana', account: { segment: 'SMB' } }) },
      { closedAt: D('2025-01-25'), won: true, keys: historyKeys({ rep: 'Ana', account: { segment: 'SMB' } }) },
      { closedAt: D('2025-03-01'), won: true, keys: historyKeys({ rep: 'Bo', account: { segment: 'SMB' } }) },
    ];
    const h = new DealHistory(closed);
    expect(h.counts('rep:Ana', D('2025-01-25'))).toEqual({ closed: 2, won: 1 });
    expect(h.counts('rep:Ana', D('2025-01-26'))).toEqual({ closed: 3, won: 2 });
    // smoothing towards the overall rate as of t (1 of 2) with 10 pseudo-deals
    expect(h.winRate('rep:Ana', D('2025-01-25'))).toBeCloseTo((1 + 10 * 0.5) / (2 + 10), 12);
    const at = D('2025-01-25');
    const row = dealFeatures(deal(), at, h);
    const rowWithFuture = dealFeatures(
      deal(),
      at,
      new DealHistory([...closed, { closedAt: D('2025-06-01'), won: false, keys: ['rep:Ana'] }]),
    );
    expect(row.repClosedDeals).toBe(2);
    expect(rowWithFuture).toEqual(row);
    // A deal without an owner has an unknown owner history, not an owner with none.
    const ownerless = dealFeatures({ ...deal(), rep: null }, at, h);
    expect(ownerless.repClosedDeals).toBeNull();
    expect(ownerless.repWinRate).toBeNull();
    expect(dealFeatures({ ...deal(), rep: 'Newcomer' }, at, h).repClosedDeals).toBe(0);
    // A frozen snapshot (saved with the model) answers like the full history at its date.
    const frozen = DealHistory.fromState(JSON.parse(JSON.stringify(h.freeze(D('2025-02-01')))));
    expect(frozen.counts('rep:Ana', D('2025-02-02'))).toEqual(h.counts('rep:Ana', D('2025-02-01')));
  });

  test(`training snapshots fall strictly before the outcome was known (seed ${SEED})`, () => {
    const won = { ...deal(), outcome: 'won' as const, stage: 'Closed Won', closedAt: D('2025-02-20') };
    won.stageChanges = [...won.stageChanges!, { fromStage: 'Proposal', toStage: 'Closed Won', at: D('2025-02-18') }];
    expect(outcomeKnownAt(won)).toBe(D('2025-02-18'));
    const moments = snapshotMoments([won, { ...won, stageChanges: [], id: 2 }], createRng(SEED, 'mulberry32'));
    expect(moments.filter((m) => m.kind === 'creation')).toHaveLength(2); // one at creation per deal
    for (const m of moments) {
      expect(m.at).toBeGreaterThan(won.createdAt);
      expect(m.at).toBeLessThan(m.deal.stageChanges!.length ? D('2025-02-18') : D('2025-02-20'));
      expect(m.splitAt).toBe(won.createdAt);
      expect(dealFeatures(m.deal, m.at, history).stage).not.toBe('Closed Won');
    }
    expect(snapshotMoments([deal()], createRng(SEED, 'mulberry32'))).toHaveLength(0); // open deals are not examples
  });

  test('a deal that closed after the as-of date is seen as open, in the stage it was in', () => {
    const d = { ...deal(), outcome: 'lost' as const, closedAt: D('2025-03-10'), stage: 'Closed Lost' };
    const known = dealKnownAt(d, D('2025-02-15'));
    expect(known).toMatchObject({ outcome: 'open', closedAt: null, stage: 'Proposal', amount: 12000 });
    // Without history, the stored stage of a deal closed later is its outcome: unknown at the time.
    expect(dealKnownAt({ ...d, stageChanges: [] }, D('2025-02-15')).stage).toBeNull();
  });
});

describe('guards against outcome leaks in the data', () => {
  test('custom attributes filled only for one outcome are left out, with the reason', () => {
    const deals: Deal[] = Array.from({ length: 100 }, (_, i) => ({
      stage: 'x',
      amount: 1,
      createdAt: 0,
      outcome: i % 2 ? 'won' : 'lost',
      closedAt: 1,
      attributes: {
        industry: i % 3 ? 'retail' : 'banking',
        seats: i,
        ...(i % 2 && i % 5 ? { sellerId: `s${i}` } : {}),
        ...(i % 2 ? {} : { lostReason: 'price' }),
      },
    }));
    const a = discoverAttributes(deals);
    expect(a.categorical).toEqual(['industry']);
    expect(a.numeric).toEqual(['seats']);
    expect(a.excluded!.map((x) => x.key).sort()).toEqual(['lostReason', 'sellerId']);
    expect(a.excluded!.find((x) => x.key === 'sellerId')!.reason).toMatch(/80% of won and 0% of lost/);
  });

  test('idle open deals can count as lost after N days (lead funnels without recorded losses)', () => {
    const idle: Deal = {
      stage: 'MQL',
      amount: 0,
      createdAt: D('2025-01-01'),
      outcome: 'open',
      activities: [{ type: 'email', at: D('2025-01-11') }],
    };
    const busy: Deal = { ...idle, activities: [{ type: 'email', at: D('2025-03-25') }] };
    const [a, b] = treatStaleAsLost([idle, busy], D('2025-04-01'), 30);
    expect(a).toMatchObject({ outcome: 'lost', closedAt: D('2025-02-10') });
    expect(b.outcome).toBe('open');
    expect(treatStaleAsLost([idle], D('2025-04-01'))[0]).toBe(idle);
  });
});

describe('close timing learned from history', () => {
  // Won deals in Proposal close 10 or 40 days after the snapshot, half and half; their reps' dates
  // slip by 20 days half of the time.
  const examples = Array.from({ length: 200 }, (_, i) => ({
    stage: 'Proposal',
    segment: 'SMB',
    at: D('2025-01-01'),
    closedAt: D('2025-01-01') + (i % 2 ? 10 : 40) * DAY_MS,
    expectedCloseAt: D('2025-01-01') + (i % 2 ? 10 : 20) * DAY_MS,
  }));
  const model = CloseTimingModel.fit(examples);

  test('spreads the close over calendar months after the as-of month', () => {
    const o = model.outlook({ stage: 'Proposal', segment: 'SMB', expectedCloseAt: null }, D('2025-06-10'));
    // +10 days -> June (offset 0), +40 days -> July (offset 1)
    expect(o.closeDistribution).toEqual([
      { monthOffset: 0, probability: 0.5 },
      { monthOffset: 1, probability: 0.5 },
    ]);
    expect(o.slipProbability).toBeNull();
    expect(o.basis).toMatch(/Proposal/);
  });

  test('uses the slip of expected close dates when the deal has one', () => {
    const o = model.outlook({ stage: 'Proposal', segment: 'SMB', expectedCloseAt: D('2025-06-20') }, D('2025-06-01'));
    // delays: 0 days (half) -> June 20; +20 days (half) -> July 10: slips past June half the time
    expect(o.slipProbability).toBeCloseTo(0.5, 12);
    expect(o.closeDistribution.map((c) => c.monthOffset)).toEqual([0, 1]);
    const rt = CloseTimingModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(rt.outlook({ stage: 'Proposal', segment: 'SMB', expectedCloseAt: D('2025-06-20') }, D('2025-06-01'))).toEqual(o);
  });

  test('an unknown stage falls back to all won deals; no history falls back to the rep date', () => {
    expect(model.outlook({ stage: 'Nope', segment: null, expectedCloseAt: null }, D('2025-06-10')).basis).toMatch(/all won deals/);
    const empty = CloseTimingModel.fit([]);
    const o = empty.outlook({ stage: 'Proposal', segment: null, expectedCloseAt: D('2025-08-15') }, D('2025-06-10'));
    expect(o.closeDistribution).toEqual([{ monthOffset: 2, probability: 1 }]);
  });
});
