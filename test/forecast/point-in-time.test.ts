import type { Deal } from '../../src/domain/deal-timeline/deal';
import { forecastDealAsOf as dealAsOf } from '../../src/domain/forecast/deal-state';
import { runBacktest } from '../../src/domain/forecast/backtest';
import { monthPeriod, parsePeriod, periodsBetween } from '../../src/domain/forecast/period';
import { forecastPipelineFromHistory } from '../../src/domain/forecast/pipeline-forecast';
import { fitStageModel } from '../../src/domain/forecast/stage-model';
import { createRng } from '../../src/math/random';
import { pipelineWaterfall } from '../../src/domain/forecast/pipeline-changes';
import { estimateNewBusiness } from '../../src/domain/forecast/new-business';
import { DAY_MS } from '../../src/math/time';

const SEED = 777;
console.log(`point-in-time tests: seed ${SEED}`);
const T0 = Date.UTC(2024, 0, 1);
const STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation'];

/** A small synthetic CRM: deals move through stages at a known pace and win with a known chance per gate. */
function syntheticHistory(n: number, seed: number, end = Date.UTC(2025, 11, 31)): Deal[] {
  const rng = createRng(seed, 'xoshiro128');
  const reps = ['Ann', 'Bob', 'Cid'];
  const out: Deal[] = [];
  for (let i = 0; i < n; i++) {
    const createdAt = T0 + Math.floor(rng.next() * (end - T0 - 30 * DAY_MS));
    const amount = 1000 * (1 + Math.floor(rng.next() * 20));
    const rep = reps[i % 3];
    let t = createdAt;
    let expected = t + 60 * DAY_MS;
    const events: NonNullable<Deal['stageChanges']> = [{ at: t, fromStage: null, toStage: STAGES[0], amount, expectedCloseAt: expected }];
    let outcome: 'open' | 'won' | 'lost' = 'open';
    let stage = STAGES[0];
    let closedAt: number | null = null;
    for (let k = 0; k < 4; k++) {
      const next = t + Math.floor((5 + rng.next() * 25) * DAY_MS);
      if (next >= end) break;
      if (rng.next() < 0.25) {
        outcome = 'lost';
        closedAt = next;
        events.push({ at: next, fromStage: stage, toStage: 'Closed Lost', amount, expectedCloseAt: expected });
        stage = 'Closed Lost';
        break;
      }
      const to = k < 3 ? STAGES[k + 1] : 'Closed Won';
      if (next > expected) expected = next + 20 * DAY_MS;
      events.push({ at: next, fromStage: stage, toStage: to, amount, expectedCloseAt: expected });
      stage = to;
      t = next;
      if (k === 3) {
        outcome = 'won';
        closedAt = next;
      }
    }
    out.push({
      id: i + 1,
      externalId: `D${i + 1}`,
      amount,
      stage,
      outcome,
      createdAt,
      expectedCloseAt: expected,
      closedAt,
      forecastCategory: outcome === 'won' ? 'closed' : stage === 'Negotiation' ? 'commit' : 'pipeline',
      rep,
      team: 'T',
      repRegion: 'R',
      product: 'P',
      account: { segment: 'S' },
      stageChanges: events,
    });
  }
  return out;
}

describe('deals as of a past date', () => {
  const deal: Deal = {
    id: 1,
    externalId: 'X',
    amount: 900,
    stage: 'Closed Won',
    outcome: 'won',
    createdAt: T0,
    expectedCloseAt: T0 + 90 * DAY_MS,
    closedAt: T0 + 80 * DAY_MS,
    forecastCategory: 'closed',
    stageChanges: [
      { at: T0, fromStage: null, toStage: 'Prospecting', amount: 500, expectedCloseAt: T0 + 30 * DAY_MS },
      { at: T0 + 20 * DAY_MS, fromStage: 'Prospecting', toStage: 'Proposal', amount: 700, expectedCloseAt: T0 + 40 * DAY_MS },
      { at: T0 + 50 * DAY_MS, fromStage: 'Proposal', toStage: 'Proposal', amount: 700, expectedCloseAt: T0 + 90 * DAY_MS },
      { at: T0 + 80 * DAY_MS, fromStage: 'Proposal', toStage: 'Closed Won', amount: 900, expectedCloseAt: T0 + 90 * DAY_MS },
    ],
  };

  it('shows the stage, amount and expected close recorded before the date, and no outcome yet', () => {
    const s = dealAsOf(deal, T0 + 30 * DAY_MS)!;
    expect(s).toMatchObject({
      stage: 'Proposal',
      amount: 700,
      expectedCloseAt: T0 + 40 * DAY_MS,
      outcome: 'open',
      closedAt: null,
      stageEnteredAt: T0 + 20 * DAY_MS,
    });
    // A push of the close date is not a new stage: time in stage still counts from day 20.
    expect(dealAsOf(deal, T0 + 60 * DAY_MS)!.stageEnteredAt).toBe(T0 + 20 * DAY_MS);
    expect(dealAsOf(deal, T0 + 81 * DAY_MS)).toMatchObject({ outcome: 'won', amount: 900 });
    expect(dealAsOf(deal, T0)).toBeNull();
  });

  it('ignores everything at or after the date: later stage changes do not alter an earlier view', () => {
    const before = dealAsOf(deal, T0 + 30 * DAY_MS);
    const rewritten: Deal = {
      ...deal,
      outcome: 'lost',
      stage: 'Closed Lost',
      amount: 1,
      closedAt: T0 + 31 * DAY_MS,
      stageChanges: [
        ...deal.stageChanges!.slice(0, 2),
        { at: T0 + 30 * DAY_MS, fromStage: 'Proposal', toStage: 'Closed Lost', amount: 1, expectedCloseAt: null },
      ],
    };
    expect(dealAsOf(rewritten, T0 + 30 * DAY_MS)).toEqual(before);
  });
});

describe('stored fields as of a past moment', () => {
  const deal = (over: Partial<Deal>): Deal => ({
    id: 1,
    externalId: 'D',
    amount: 10,
    stage: 'Proposal',
    outcome: 'open',
    createdAt: T0,
    expectedCloseAt: null,
    closedAt: null,
    forecastCategory: null,
    stageChanges: [],
    ...over,
  });

  it('a deal closed later is open in the stage it was in; once closed, its stored state holds', () => {
    const d = deal({
      outcome: 'won',
      stage: 'Closed Won',
      amount: 900,
      closedAt: T0 + 10 * DAY_MS,
      stageChanges: [{ at: T0 + 10 * DAY_MS, fromStage: 'Proposal', toStage: 'Closed Won', amount: null, expectedCloseAt: null }],
    });
    // Before the close only the stored fields could tell the stage and amount, and they carry the outcome.
    expect(dealAsOf(d, T0 + 10 * DAY_MS)).toMatchObject({ outcome: 'open', stage: '(unknown)', amount: null });
    expect(dealAsOf(d, T0 + 10 * DAY_MS + 1)).toMatchObject({ outcome: 'won', stage: 'Closed Won', amount: 900 });
  });

  it('a deal open now without history is in its stored stage since creation', () => {
    expect(dealAsOf(deal({}), T0 + 5 * DAY_MS)).toMatchObject({ outcome: 'open', stage: 'Proposal', amount: 10, stageEnteredAt: T0 });
  });
});

describe('backtests use only what was known at each period start', () => {
  const history = syntheticHistory(600, SEED);
  const periods = periodsBetween(new Date(Date.UTC(2025, 6, 1)), new Date(Date.UTC(2025, 9, 1)), 'month');

  it('a forecast as of a date is unchanged when everything after that date is rewritten', async () => {
    const asOf = Date.UTC(2025, 7, 1);
    // Scramble the future: every event at or after asOf gets another stage and amount, and every
    // deal that closed later flips its outcome; deals created later are dropped or duplicated.
    const scrambled: Deal[] = history
      .filter((d) => d.createdAt < asOf)
      .map((d) => ({
        ...d,
        amount: d.closedAt != null && d.closedAt >= asOf ? d.amount! * 7 : d.amount,
        outcome: d.closedAt != null && d.closedAt >= asOf ? (d.outcome === 'won' ? 'lost' : 'won') : d.outcome,
        stageChanges: d.stageChanges!.map((e) =>
          e.at >= asOf ? { ...e, toStage: 'Negotiation', amount: 123, expectedCloseAt: asOf + DAY_MS } : e,
        ),
      }));
    const a = await runBacktest({ history, periods: [monthPeriod(2025, 7)], sims: 500, seed: SEED });
    const b = await runBacktest({ history: scrambled, periods: [monthPeriod(2025, 7)], sims: 500, seed: SEED });
    const strip = (p: (typeof a.periods)[number]) => ({ ...p, actual: 0 });
    // Only the actual (what happened afterwards) may differ.
    expect(strip(b.periods[0])).toEqual(strip(a.periods[0]));
  });

  it("the blend of each period (its weights, pick and band) is unchanged when everything from that period's start is rewritten", async () => {
    const warmUp = periodsBetween(new Date(Date.UTC(2025, 2, 1)), new Date(Date.UTC(2025, 6, 1)), 'month');
    const cut = Date.UTC(2025, 8, 1); // the start of the last reported period
    const scrambled: Deal[] = history
      .filter((d) => d.createdAt < cut)
      .map((d) => ({
        ...d,
        amount: d.closedAt != null && d.closedAt >= cut ? d.amount! * 7 : d.amount,
        outcome: d.closedAt != null && d.closedAt >= cut ? (d.outcome === 'won' ? 'lost' : 'won') : d.outcome,
        stageChanges: d.stageChanges!.map((e) => (e.at >= cut ? { ...e, toStage: 'Negotiation', amount: 123 } : e)),
      }));
    const opts = { periods, warmUp, sims: 300, seed: SEED };
    const a = await runBacktest({ history, ...opts });
    const b = await runBacktest({ history: scrambled, ...opts });
    expect(a.periods.every((p) => p.blend !== null)).toBe(true);
    expect(b.periods.map((p) => p.blend)).toEqual(a.periods.map((p) => p.blend));
    expect(b.periods[2].actual).not.toBe(a.periods[2].actual);
  });

  it('the stage model learns only from what was known at as-of', () => {
    const asOf = Date.UTC(2025, 3, 1);
    const m1 = fitStageModel(history, asOf);
    // Deals still open at as-of may count as not won on their old snapshots (censoring), so they
    // stay in; but whether and how they closed later, and anything created later, must not matter.
    const future = history
      .filter((d) => d.createdAt < asOf)
      .map((d) =>
        d.closedAt != null && d.closedAt >= asOf
          ? {
              ...d,
              outcome: (d.outcome === 'won' ? 'lost' : 'won') as Deal['outcome'],
              closedAt: d.closedAt + 9 * DAY_MS,
              stageChanges: d.stageChanges!.filter((e) => e.at < asOf),
            }
          : d,
      );
    const m2 = fitStageModel(future, asOf);
    expect(m2.stages).toEqual(m1.stages);
    expect(m2.winProbability('Proposal', 10)).toBe(m1.winProbability('Proposal', 10));
  });

  it('reports per-period forecasts and accuracy for every method', async () => {
    const r = await runBacktest({ history, periods, sims: 1000, seed: SEED });
    expect(r.periods.map((p) => p.period)).toEqual(['2025-07', '2025-08', '2025-09']);
    for (const p of r.periods) {
      expect(p.monteCarlo.p10!).toBeLessThanOrEqual(p.monteCarlo.p50!);
      expect(p.monteCarlo.p50!).toBeLessThanOrEqual(p.monteCarlo.p90!);
      expect(p.actual).toBeGreaterThan(0);
    }
    expect(r.metrics.monteCarlo.periods).toBe(3);
    expect(r.metrics.monteCarlo.coverage).toEqual(expect.any(Number));
  });
});

describe('roll-ups', () => {
  const history = syntheticHistory(400, SEED + 1);
  const f = forecastPipelineFromHistory({ history, asOf: Date.UTC(2025, 9, 15), period: parsePeriod('2025-Q4'), sims: 2000, seed: SEED });

  it('every breakdown adds up to won to date + open pipeline (expected and simulated)', () => {
    const s = f.simulation;
    for (const dim of ['rep', 'team', 'category']) {
      const groups = s.byDimension[dim];
      expect(groups.reduce((a, g) => a + g.forecast.expected, 0)).toBeCloseTo(s.wonToDate + s.open.expected, 4);
      expect(groups.reduce((a, g) => a + g.forecast.mean, 0)).toBeCloseTo(s.wonToDate + s.open.mean, 4);
      expect(groups.reduce((a, g) => a + g.openDeals, 0)).toBe(f.openDeals.length);
    }
    expect(s.total.expected).toBeCloseTo(s.wonToDate + s.open.expected + s.newBusiness.expected, 4);
    expect(f.openDeals.reduce((a, d) => a + d.expectedContribution, 0)).toBeCloseTo(s.open.expected, 4);
  });

  it('the categories roll-up per rep adds up to the overall call', () => {
    const reps = f.categories.byDimension.rep;
    const sum = (k: 'closed' | 'commit' | 'bestCase' | 'pipeline' | 'commitCall') => reps.reduce((a, r) => a + r[k], 0);
    expect(sum('closed')).toBeCloseTo(f.categories.overall.closed, 6);
    expect(sum('commitCall')).toBeCloseTo(f.categories.overall.commitCall, 6);
    expect(f.categories.overall.bestCaseCall).toBeCloseTo(f.categories.overall.commitCall + f.categories.overall.bestCase, 6);
    expect(f.categories.overall.closed).toBeCloseTo(
      f.wonInPeriod.reduce((a, w) => a + w.amount, 0),
      6,
    );
  });
});

describe('pipeline change waterfall', () => {
  it('start + every step = end, each deal in one bucket', () => {
    const win = { start: Date.UTC(2025, 6, 1), end: Date.UTC(2025, 9, 1) };
    const inQ = Date.UTC(2025, 7, 1);
    const later = Date.UTC(2025, 11, 1);
    const d = (id: number, amount: number, close: number | null, outcome = 'open') => ({
      opportunityId: id,
      amount,
      expectedCloseAt: close,
      outcome,
      stage: 'Proposal',
    });
    const from = [d(1, 100, inQ), d(2, 200, inQ), d(3, 300, inQ), d(4, 400, later), d(5, 500, inQ), d(6, 600, inQ)];
    const to = [d(1, 150, inQ), d(2, 200, inQ, 'won'), d(3, 300, later), d(4, 400, inQ), d(7, 700, inQ), d(6, 600, inQ)];
    const w = pipelineWaterfall(from, to, win, () => 'lost');
    const step = Object.fromEntries(w.steps.map((s) => [s.kind, s.amount]));
    expect(w.start).toBe(100 + 200 + 300 + 500 + 600);
    expect(w.end).toBe(150 + 400 + 700 + 600);
    expect(step).toEqual({ new: 700, pulled_in: 400, pushed_out: -300, won: -200, lost: -500, amount_change: 50 });
    expect(w.start + w.steps.reduce((a, s) => a + s.amount, 0)).toBe(w.end);
  });
});

describe('periods', () => {
  it('parses months, quarters and years as half-open UTC ranges', () => {
    expect(parsePeriod('2025-07')).toMatchObject({
      label: '2025-07',
      start: new Date('2025-07-01T00:00:00Z'),
      end: new Date('2025-08-01T00:00:00Z'),
    });
    expect(parsePeriod('2025-Q3')).toMatchObject({ start: new Date('2025-07-01T00:00:00Z'), end: new Date('2025-10-01T00:00:00Z') });
    expect(parsePeriod('2025')).toMatchObject({ start: new Date('2025-01-01T00:00:00Z'), end: new Date('2026-01-01T00:00:00Z') });
    expect(() => parsePeriod('2025-13')).toThrow(/Unknown period/);
  });
});

describe('expected new business', () => {
  it('is λ · Σ_j d_j / N_exposed(L_j), deals still open counting as not won (worked by hand)', () => {
    const asOf = Date.UTC(2025, 5, 1);
    // One deal created per day over the past 365 days (λ = 1/day); three of them won with cycles
    // of 10, 10 and 40 days (amounts 100, 100, 1,000), one lost (w = 3/4), the rest still open.
    const cycles: Record<number, [number, number]> = { 100: [10, 100], 200: [10, 100], 300: [40, 1000] };
    const history: Deal[] = Array.from({ length: 365 }, (_, i) => {
      const k = i + 1;
      const createdAt = asOf - k * DAY_MS;
      const won = cycles[k];
      const lost = k === 50;
      return {
        id: k,
        externalId: `N${k}`,
        amount: won ? won[1] : 500,
        stage: won ? 'Closed Won' : lost ? 'Closed Lost' : 'Prospecting',
        outcome: won ? 'won' : lost ? 'lost' : 'open',
        createdAt,
        expectedCloseAt: null,
        closedAt: won ? createdAt + won[0] * DAY_MS : lost ? createdAt + 5 * DAY_MS : null,
        forecastCategory: null,
        stageChanges: [],
      } as Deal;
    });
    // Window = the 30 days after as-of: a 10-day deal lands in it if created in the first 20 days
    // (d = 20 each); a 40-day deal cannot (d = 0). A 10-day win could be seen on the 355 deals
    // created at least 10 days before as-of (the 361 still open count as not won by then):
    // E[count] = 1 · (20 + 20) / 355, all at 100. The share of deals won is 2/355 + 1/325.
    const nb = estimateNewBusiness(history, asOf, asOf, asOf + 30 * DAY_MS);
    expect(nb.creationRatePerDay).toBeCloseTo(1, 12);
    expect(nb.closedWinRate).toBeCloseTo(0.75, 12);
    expect(nb.winRate).toBeCloseTo(2 / 355 + 1 / 325, 12);
    expect(nb.expectedCount).toBeCloseTo(40 / 355, 12);
    expect(nb.meanWonAmount).toBeCloseTo(100, 9);
    expect(nb.expectedAmount).toBeCloseTo(4000 / 355, 9);
  });
});
