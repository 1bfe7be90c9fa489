// Deals without an amount are valued by the won amounts of similar deals, down a documented chain:
// product and segment, product, segment, every won deal of the past year, every won deal ever.
import type { Deal } from '../../src/domain/deal-timeline/deal';
import { forecastDealAsOf, type DealState } from '../../src/domain/forecast/deal-state';
import { imputeAmounts, MIN_POOL } from '../../src/domain/forecast/amount-pools';

const DAY = 86_400_000;
const asOf = Date.UTC(2026, 0, 1);

let nextId = 1;
function won(amount: number, groups: Record<string, string>, daysAgo = 30): Deal {
  const id = nextId++;
  return {
    id,
    externalId: `W${id}`,
    amount,
    stage: 'Won',
    outcome: 'won',
    createdAt: asOf - (daysAgo + 20) * DAY,
    expectedCloseAt: null,
    closedAt: asOf - daysAgo * DAY,
    forecastCategory: null,
    product: groups.product === '(none)' ? null : groups.product,
    account: { segment: groups.segment === '(none)' ? null : groups.segment },
    stageChanges: [],
  };
}
/** An open deal as a forecast sees it as of asOf (no amount unless given: not provided). */
function open(id: number, groups: Record<string, string>, amount: number | null = null): DealState {
  const deal: Deal = {
    id,
    externalId: `O${id}`,
    amount,
    stage: 'Engaging',
    outcome: 'open',
    createdAt: asOf - 10 * DAY,
    closedAt: null,
    expectedCloseAt: null,
    product: groups.product === '(none)' ? null : (groups.product ?? null),
    account: { segment: groups.segment === '(none)' ? null : (groups.segment ?? null) },
    stageChanges: [],
  };
  return forecastDealAsOf(deal, asOf) as DealState;
}
const many = (n: number, amount: number, groups: Record<string, string>, daysAgo = 30) =>
  Array.from({ length: n }, (_, i) => won(amount + i, groups, daysAgo));

describe('amount pools for deals without an amount', () => {
  const history = [
    ...many(MIN_POOL, 5000, { product: 'Pro', segment: 'Enterprise' }),
    ...many(MIN_POOL - 1, 800, { product: 'Basic', segment: 'SMB' }),
    ...many(MIN_POOL, 1200, { product: 'Basic', segment: 'Mid' }),
    ...many(3, 99_999, { product: 'Rare', segment: 'Gov' }),
    ...many(50, 1_000_000, { product: 'Pro', segment: 'Enterprise' }, 800), // won long ago: outside the year
  ];

  it('takes the most specific pool with enough won deals of the past year', () => {
    const deals = [
      open(1, { product: 'Pro', segment: 'Enterprise' }),
      open(2, { product: 'Basic', segment: 'SMB' }), // 19 such deals: falls back to product Basic (39)
      open(3, { product: 'Rare', segment: 'Gov' }), // 3 won: to segment Gov (3) → all of the past year
      open(4, { product: '(none)', segment: '(none)' }),
      open(5, { product: 'Pro', segment: 'Enterprise' }, 7000), // has an amount: no pool
    ];
    const r = imputeAmounts(history, asOf, deals);
    const poolOf = (id: number) => r.pools[r.poolOf.get(id)!];
    expect(poolOf(1)).toMatchObject({ level: 'product+segment', key: 'product=Pro, segment=Enterprise' });
    expect(poolOf(1).values).toHaveLength(MIN_POOL);
    expect(poolOf(1).values.every((v) => v < 10_000)).toBe(true); // the old wins stay out
    expect(poolOf(2)).toMatchObject({ level: 'product', key: 'product=Basic' });
    expect(poolOf(2).values).toHaveLength(2 * MIN_POOL - 1);
    expect(poolOf(3)).toMatchObject({ level: 'all, past year' });
    expect(poolOf(4)).toMatchObject({ level: 'all, past year' });
    expect(poolOf(3)).toBe(poolOf(4)); // one pool, shared
    expect(r.poolOf.has(5)).toBe(false);
    expect(r.unvalued).toEqual([]);
  });

  it('falls back to every won deal before as-of, and leaves a deal unvalued when nothing was ever won', () => {
    const old = many(2, 4000, { product: 'Pro', segment: 'SMB' }, 900);
    const r = imputeAmounts(old, asOf, [open(1, { product: 'Pro', segment: 'SMB' })]);
    expect(r.pools[r.poolOf.get(1)!]).toMatchObject({ level: 'all', values: [4000, 4001] });
    expect(imputeAmounts([], asOf, [open(2, { product: 'Pro' })]).unvalued).toEqual([2]);
  });

  it('ignores wins after as-of and lost deals', () => {
    const later = many(MIN_POOL, 3000, { product: 'Pro', segment: 'SMB' }, -5);
    const lost = { ...won(0, { product: 'Pro', segment: 'SMB' }), outcome: 'lost' as const };
    const r = imputeAmounts([...later, lost], asOf, [open(1, { product: 'Pro', segment: 'SMB' })]);
    expect(r.unvalued).toEqual([1]);
  });
});
