// Training snapshots are taken at moments that do not depend on how a deal ends: one at creation
// for every deal, then a grid of ages with the same step and horizon for won and lost deals.
import fc from 'fast-check';
import { atCreation } from '../../src/domain/deal-timeline/boundary';
import type { Deal } from '../../src/domain/deal-timeline/deal';
import { snapshotHorizon, snapshotMoments } from '../../src/domain/features/deal-examples';
import { createRng } from '../../src/math/random';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const SEED = 99;

const closedDeal = (createdDay: number, lifeDays: number, won: boolean, id = 1): Deal => ({
  id,
  stage: won ? 'Closed Won' : 'Closed Lost',
  amount: null,
  createdAt: T0 + createdDay * DAY,
  closedAt: T0 + (createdDay + lifeDays) * DAY,
  outcome: won ? 'won' : 'lost',
  stageChanges: [],
});

describe('snapshot moments', () => {
  test('every closed deal has one snapshot at creation, then snapshots while open; each carries its split time', () => {
    const deals = [closedDeal(0, 30, true, 1), closedDeal(10, 90, false, 2), { ...closedDeal(5, 20, true, 3), outcome: 'open' as const }];
    const snaps = snapshotMoments(deals, createRng(SEED, 'mulberry32'), { perDeal: 4 });
    for (const i of [0, 1]) {
      const mine = snaps.filter((s) => s.dealIndex === i);
      expect(mine.filter((s) => s.kind === 'creation').map((s) => s.at)).toEqual([atCreation(deals[i].createdAt)]);
      for (const s of mine) {
        expect(s.at).toBeLessThan(deals[i].closedAt!);
        expect(s.splitAt).toBe(deals[i].createdAt);
        expect(s.closedAt).toBe(deals[i].closedAt);
      }
    }
    expect(snaps.some((s) => s.dealIndex === 2)).toBe(false); // open deals are not examples
  });

  test('ages are capped at one horizon for won and lost deals alike', () => {
    const deals = [closedDeal(0, 400, false, 1), closedDeal(0, 20, true, 2), closedDeal(3, 500, true, 3)];
    const snaps = snapshotMoments(deals, createRng(SEED, 'mulberry32'), { horizonDays: 60, perDeal: 6 });
    for (const s of snaps) expect(s.at - s.deal.createdAt).toBeLessThan(60 * DAY);
    // The default horizon is the 95th percentile of how long closed deals stayed open.
    const lives = Array.from({ length: 100 }, (_, i) => closedDeal(i, i + 1, i % 2 === 0, i));
    expect(snapshotHorizon(lives)).toBe(96 * DAY);
  });

  test('deals created less than one horizon before the as-of date are left out, won or lost', () => {
    const asOf = T0 + 365 * DAY;
    const deals = [closedDeal(100, 30, true, 1), closedDeal(320, 10, true, 2), closedDeal(330, 20, false, 3)];
    const snaps = snapshotMoments(deals, createRng(SEED, 'mulberry32'), { horizonDays: 60, asOf });
    expect([...new Set(snaps.map((s) => s.dealIndex))]).toEqual([0]);
  });

  test('a snapshot at an age does not depend on how long the deal lived after it (fast-check)', () => {
    // Random moments spread over a deal's life made ages scale with the life, which differs by
    // outcome (a funnel's losses close months after its wins): age then gave the label away.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer(), (life1, life2, seed) => {
        const short = Math.min(life1, life2);
        const seen = (life: number, won: boolean) =>
          snapshotMoments([closedDeal(0, life, won)], createRng(seed, 'mulberry32'), { stepDays: 7, horizonDays: 365 })
            .map((s) => s.at)
            .filter((at) => at < T0 + short * DAY);
        expect(seen(life1, true)).toEqual(seen(life2, false));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  test('the moments do not depend on the outcome: flipping every outcome gives the same moments (fast-check)', () => {
    const dealsArb = fc.array(
      fc.record({ created: fc.integer({ min: 0, max: 700 }), life: fc.integer({ min: 1, max: 400 }), won: fc.boolean() }),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(dealsArb, fc.integer({ min: 1, max: 8 }), fc.integer(), (spec, perDeal, seed) => {
        const deals = spec.map((d, i) => closedDeal(d.created, d.life, d.won, i));
        const flipped = spec.map((d, i) => closedDeal(d.created, d.life, !d.won, i));
        const moments = (ds: Deal[]) =>
          snapshotMoments(ds, createRng(seed, 'mulberry32'), { perDeal }).map((s) => [s.dealIndex, s.at, s.kind]);
        expect(moments(flipped)).toEqual(moments(deals));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
