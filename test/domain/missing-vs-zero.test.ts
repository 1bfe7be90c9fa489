// Missing is not zero: a field the caller did not send is "not provided" — encoded as a typical row
// (of the same stage for deals) and never cited as a reason — while "none" (null, []) is a value.
import type { Deal } from '../../src/domain/deal-timeline/deal';
import { customerFactors, customerFactorUnits } from '../../src/domain/features/customer-explanations';
import { customerFeatures } from '../../src/domain/features/customer-features';
import { dealFactors, dealFactorUnits, type ExplanationContext } from '../../src/domain/features/deal-explanations';
import { dealFeatureSpec, dealFeatures } from '../../src/domain/features/deal-features';
import { DealHistory } from '../../src/domain/features/deal-history';
import { NOT_PROVIDED } from '../../src/domain/features/feature-row';
import { FeatureEncoder, NOT_PROVIDED as ENCODER_NOT_PROVIDED } from '../../src/ml/feature-encoder';
import { LogisticRegression } from '../../src/ml/logistic-regression';
import { inlineDealToInput } from '../../src/services/win/inline-deal';

const D = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const T = D('2026-11-01');
const ACTIVITY = ['activities7d', 'activities30d', 'activities90d', 'meetings30d', 'activitiesTotal', 'daysSinceLastActivity'];

const base: Deal = { stage: 'Proposal', amount: 12_000, createdAt: D('2026-10-01'), outcome: 'open', source: 'web' };

describe('deal features: not provided, none and zero are three things', () => {
  const history = new DealHistory([{ closedAt: D('2026-01-01'), won: true, keys: ['rep:Ana'] }]);

  test('activities left out are not provided; an empty list is zero activities', () => {
    const omitted = dealFeatures(base, T, history);
    const none = dealFeatures({ ...base, activities: [] }, T, history);
    for (const f of ACTIVITY) expect(omitted[f]).toBe(NOT_PROVIDED);
    expect(none).toMatchObject({ activities7d: 0, activities30d: 0, activities90d: 0, meetings30d: 0, activitiesTotal: 0 });
    expect(none.daysSinceLastActivity).toBeNull(); // "no activity yet": a value of its own
  });

  test('an owner left out is not provided; an owner of null is "no owner"; both differ from an owner with no closed deals', () => {
    expect(dealFeatures(base, T, history)).toMatchObject({ rep: NOT_PROVIDED, repWinRate: NOT_PROVIDED, repClosedDeals: NOT_PROVIDED });
    expect(dealFeatures({ ...base, rep: null }, T, history)).toMatchObject({ rep: null, repWinRate: null, repClosedDeals: null });
    expect(dealFeatures({ ...base, rep: 'Newcomer' }, T, history)).toMatchObject({ rep: 'Newcomer', repClosedDeals: 0 });
    expect(dealFeatures({ ...base, rep: 'Ana' }, T, history)).toMatchObject({ repClosedDeals: 1 });
  });

  test('an account left out is not provided, field by field; null is "no account"', () => {
    const omitted = dealFeatures(base, T, history);
    for (const f of [
      'segment',
      'industry',
      'region',
      'size',
      'employees',
      'annualRevenue',
      'accountWinRate',
      'accountClosedDeals',
      'segmentWinRate',
    ])
      expect([f, omitted[f]]).toEqual([f, NOT_PROVIDED]);
    const partial = dealFeatures({ ...base, account: { externalId: 'ACC-1', segment: 'SMB' } }, T, history);
    expect(partial).toMatchObject({ segment: 'SMB', accountClosedDeals: 0, industry: NOT_PROVIDED, employees: NOT_PROVIDED });
    expect(dealFeatures({ ...base, account: null }, T, history)).toMatchObject({
      segment: null,
      employees: null,
      accountClosedDeals: null,
    });
  });

  test('stage history left out is not provided; an empty history says the deal never moved', () => {
    expect(dealFeatures(base, T, history)).toMatchObject({
      daysInStage: NOT_PROVIDED,
      stageChanges: NOT_PROVIDED,
      hasStageHistory: NOT_PROVIDED,
    });
    expect(dealFeatures({ ...base, stageChanges: [] }, T, history)).toMatchObject({
      daysInStage: 31,
      stageChanges: 0,
      stagesVisited: 1,
      hasStageHistory: 0,
    });
  });

  test('an inline deal keeps omitted apart from null, and an omitted amount is none, not 0', () => {
    const d = inlineDealToInput({ stage: 'Proposal', createdAt: '2026-10-01', rep: null, activities: [] });
    expect(d.amount).toBeNull();
    expect('rep' in d && d.rep).toBeNull();
    expect(d.activities).toEqual([]);
    expect(d.account).toBeUndefined();
    expect(d.stageChanges).toBeUndefined();
    expect(inlineDealToInput({ stage: 'Proposal', createdAt: '2026-10-01', stageChanges: [] }).stageChanges).toEqual([]);
  });
});

describe('the encoder: not provided is an average row of the same stage, never zero', () => {
  // Two stages; activity counts differ by stage and by outcome within a stage.
  const rows: Record<string, unknown>[] = [];
  const y: number[] = [];
  // Negotiation deals win 75% of the time, Prospecting ones 25%.
  for (let i = 0; i < 400; i++) {
    const late = i % 2 === 0;
    const won = late ? (i % 8 !== 0 ? 1 : 0) : i % 8 === 1 ? 1 : 0;
    rows.push({
      stage: late ? 'Negotiation' : 'Prospecting',
      activities30d: (late ? 6 : 1) + won + ((i * 7) % 5),
      rep: i % 5 === 0 ? null : `r${i % 3}`,
    });
    y.push(won);
  }
  const spec = { numeric: ['activities30d'], categorical: ['stage', 'rep'], imputeBy: 'stage', minCategoryCount: 5 };
  const encoder = new FeatureEncoder(spec).fit(rows as never);

  test('the domain and the encoder share one NOT_PROVIDED', () => {
    expect(NOT_PROVIDED).toBe(ENCODER_NOT_PROVIDED);
  });

  test('a value not provided takes the average of its stage; zero is a value', () => {
    const cols = encoder.columns.map((c) => c.name);
    const at = (x: number[], name: string) => x[cols.indexOf(name)];
    const notProvided = encoder.transformRow({ stage: 'Negotiation', activities30d: NOT_PROVIDED, rep: NOT_PROVIDED });
    const zero = encoder.transformRow({ stage: 'Negotiation', activities30d: 0, rep: null });
    const negotiation = rows.filter((r) => r.stage === 'Negotiation');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const z = (v: number) => encoder.transformRow({ stage: 'Negotiation', activities30d: v, rep: 'r0' })[cols.indexOf('activities30d')];
    expect(at(notProvided, 'activities30d')).toBeCloseTo(mean(negotiation.map((r) => z(r.activities30d as number))), 12);
    expect(at(zero, 'activities30d')).toBeLessThan(at(notProvided, 'activities30d'));
    // Categories: each at its share among the stage's rows (here 20% without an owner).
    expect(at(notProvided, 'rep=(missing)')).toBeCloseTo(negotiation.filter((r) => r.rep === null).length / negotiation.length, 12);
    expect(at(zero, 'rep=(missing)')).toBe(1);
  });

  test('with a linear model, a deal known only by its stage scores near its stage win rate; zero is evidence', async () => {
    const X = encoder.transform(rows as never);
    const model = await new LogisticRegression({ l2: 1 }).fit(X, y);
    const groups = encoder.groups().map((g) => g.columns);
    const typical = encoder.transformRow({ stage: 'Negotiation', activities30d: NOT_PROVIDED, rep: NOT_PROVIDED });
    const withZero = encoder.transformRow({ stage: 'Negotiation', activities30d: 0, rep: NOT_PROVIDED });
    const p = (x: number[]) => 1 / (1 + Math.exp(-model.logit(x)));
    // Zero activities is evidence (fewer than typical: lower odds); not provided is not.
    expect(p(withZero)).toBeLessThan(p(typical));
    expect(Math.abs(p(typical) - 0.75)).toBeLessThan(0.1);
    const prospecting = encoder.transformRow({ stage: 'Prospecting', activities30d: NOT_PROVIDED, rep: NOT_PROVIDED });
    expect(Math.abs(p(prospecting) - 0.25)).toBeLessThan(0.1);
    // Imputed by the overall average instead, both stages would look alike on activity.
    const overall = new FeatureEncoder({ ...spec, imputeBy: undefined }).fit(rows as never);
    const m2 = await new LogisticRegression({ l2: 1 }).fit(overall.transform(rows as never), y);
    const q = (stage: string) =>
      1 / (1 + Math.exp(-m2.logit(overall.transformRow({ stage, activities30d: NOT_PROVIDED, rep: NOT_PROVIDED }))));
    expect(q('Negotiation') - q('Prospecting')).toBeLessThan(p(typical) - p(prospecting));
    expect(model.contributions(typical, groups).length).toBe(groups.length);
  });
});

describe('explanations never cite what was not provided, and explain count windows as one factor', () => {
  const ctx: ExplanationContext = {
    stages: { Proposal: { wonDaysP75: 20, winRate: 0.58 } },
    wonMedians: { activities30d: 4, amount: 23_400 },
  };
  const features = [...dealFeatureSpec().numeric, ...dealFeatureSpec().categorical];
  const units = dealFactorUnits(features);

  test('the activity windows are one unit, as are close date and pushes, owner, account and amount', () => {
    const unit = (n: string) => units.find((u) => u.name === n)?.features;
    expect(unit('activity')).toEqual(ACTIVITY);
    expect(unit('closeDate')).toEqual(['daysToExpectedClose', 'expectedCloseOverdue', 'closeDatePushes', 'closeDatePushDays']);
    expect(unit('owner')).toEqual(['rep', 'repWinRate', 'repClosedDeals']);
    expect(units.flatMap((u) => u.features).sort()).toEqual([...features].sort()); // every feature in exactly one unit
  });

  test('a deal sent without activities, owner or account: none of them is a reason; the note names them once', () => {
    const row = dealFeatures(base, T, new DealHistory());
    // Give every unit a large effect: those not provided must still not be cited.
    const effects: number[] = units.map((u) => (u.name === 'activity' || u.name === 'owner' || u.name === 'account' ? -2 : 0.1));
    const factors = dealFactors(units, effects, row, ctx);
    const cited = factors.filter((f) => f.feature !== 'notProvided');
    expect(cited.map((f) => f.feature)).not.toEqual(expect.arrayContaining(['activity']));
    for (const f of cited) expect(f.text).not.toMatch(/activit|owner|account/i);
    const note = factors.find((f) => f.feature === 'notProvided')!;
    expect(note.effect).toBe(0);
    expect(note.text).toMatch(/^Not provided, so counted as for a typical deal in its stage: activities, owner, account/);
    // Their effect (the stage's typical values) goes to the stage's factor.
    const stage = factors.find((f) => f.feature === 'stage')!;
    const notProvided = units.map((u, i) => (u.features.every((f) => row[f] === NOT_PROVIDED) ? effects[i] : 0));
    expect(stage.effect).toBeCloseTo(0.1 + notProvided.reduce((a, b) => a + b, 0), 3);
  });

  test('zero activities is a reason, worded once for all windows', () => {
    const row = dealFeatures({ ...base, activities: [] }, T, new DealHistory());
    const effects = units.map((u) => (u.name === 'activity' ? -0.8 : 0));
    const [f] = dealFactors(units, effects, row, ctx);
    expect(f).toMatchObject({ feature: 'activity', effect: -0.8, text: 'No activity logged on this deal yet' });
  });
});

describe('churn features and explanations: not provided is not zero', () => {
  const t = D('2026-06-01');
  test('orders, activities, service costs and deals left out are not provided; empty lists are zero', () => {
    const omitted = customerFeatures({ accountId: 1, externalId: 'C' }, t);
    for (const f of [
      'ordersTotal',
      'daysSinceLastOrder',
      'revenue90d',
      'activities90d',
      'serviceCost90d',
      'openDeals',
      'tenureDays',
      'segment',
    ])
      expect([f, omitted[f]]).toEqual([f, NOT_PROVIDED]);
    const none = customerFeatures(
      { accountId: 1, externalId: 'C', orders: [], activities: [], serviceCosts: [], deals: [], acquiredAt: null },
      t,
    );
    expect(none).toMatchObject({
      ordersTotal: 0,
      revenue90d: 0,
      daysSinceLastOrder: null,
      activities90d: 0,
      serviceCost90d: 0,
      openDeals: 0,
      tenureDays: null,
    });
  });

  test('the orders windows are one factor, and what was not provided is named, not cited', () => {
    const row = customerFeatures({ accountId: 1, externalId: 'C', orders: [{ at: D('2026-02-01'), revenue: 100 }] }, t);
    const units = customerFactorUnits(Object.keys(row));
    const effects = units.map((u) => (u.name === 'orders' ? 0.9 : u.name === 'activity' ? 3 : 0));
    const factors = customerFactors(units, effects, row, { retainedMedians: { daysSinceLastOrder: 21 } });
    expect(factors[0]).toMatchObject({ feature: 'orders', effect: 0.9 });
    expect(factors[0].text).toBe(
      // Both windows' counts, not a percentage of a smoothed ratio ("down 50%" from 0 + 1 over 1 + 1).
      'Last order 120 days ago; 0 orders in the last 90 days (1 in the 90 days before); 1 order so far (customers who stayed: last order typically 21 days ago)',
    );
    expect(factors.map((f) => f.feature)).not.toContain('activity');
    expect(factors.at(-1)!.text).toBe(
      'Not provided, so counted as for a typical customer: activities, service costs, open deals and company profile',
    );
  });
});
