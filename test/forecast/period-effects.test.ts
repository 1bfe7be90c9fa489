// How much whole periods move together, estimated from past periods: the DerSimonian-Laird
// variance worked by hand, then synthetic CRMs whose monthly win rate does or does not vary, with
// and without an end-of-quarter push, and a history too short to say.
import { sigmoid } from '../../src/math/link';
import { createRng } from '../../src/math/random';
import type { Deal } from '../../src/domain/deal-timeline/deal';
import { dersimonianLaird, estimatePeriodEffects } from '../../src/domain/forecast/period-effects';
import { monthPeriod } from '../../src/domain/forecast/period';

const SEED = 4242;
console.log(`period-effects tests: seed ${SEED}`);

describe('DerSimonian-Laird between-period variance', () => {
  it('is (Q − df) / (Σw − Σw²/Σw), floored at zero (worked by hand)', () => {
    // y = 0, 2, 4 with unit variances: Q = 4 + 0 + 4 = 8, df = 2, C = 3 − 3/3 = 2 → τ² = 3.
    expect(dersimonianLaird([0, 2, 4], [1, 1, 1]).tau2).toBeCloseTo(3, 12);
    // Spread no larger than the noise: Q = 2 = df → τ² = 0, I² = 0.
    const none = dersimonianLaird([0, 1, 2], [1, 1, 1]);
    expect(none.tau2).toBe(0);
    expect(none.i2).toBe(0);
    // Pooled within strata: each pair's own mean is removed first.
    expect(dersimonianLaird([0, 2, 10, 12], [1, 1, 1, 1], [0, 0, 1, 1]).tau2).toBeCloseTo((4 - 2) / 2, 12);
  });
});

/**
 * A CRM with `perMonth` deals created on each month's first day and closed within the month, won
 * with probability expit(μ + σ·Z_m + push·[last month of a quarter]).
 */
function crm(opts: { months: number; perMonth: number; sd: number; push?: number; seed: number }): Deal[] {
  const rng = createRng(opts.seed, 'xoshiro128');
  const out: Deal[] = [];
  let id = 1;
  for (let m = 0; m < opts.months; m++) {
    const y = 2023 + Math.floor(m / 12);
    const mo = m % 12;
    const shift = opts.sd * rng.normalUnpaired() + (mo % 3 === 2 ? (opts.push ?? 0) : 0);
    const p = sigmoid(-0.4 + shift);
    for (let k = 0; k < opts.perMonth; k++) {
      const createdAt = Date.UTC(y, mo, 1, 1);
      const closedAt = Date.UTC(y, mo, 2 + Math.floor(rng.next() * 25));
      const won = rng.next() < p;
      out.push({
        id,
        externalId: `D${id++}`,
        amount: won ? 1000 : 0,
        stage: won ? 'Won' : 'Lost',
        outcome: won ? 'won' : 'lost',
        createdAt,
        expectedCloseAt: null,
        closedAt,
        forecastCategory: null,
        rep: `r${k % 4}`,
        account: null,
        stageChanges: [],
      });
    }
  }
  return out;
}

const asOf = Date.UTC(2025, 0, 1);
const period = monthPeriod(2025, 0);

describe('period effects from past months', () => {
  it('finds the month-to-month spread of the win rate beyond binomial noise', () => {
    const e = estimatePeriodEffects(crm({ months: 24, perMonth: 300, sd: 0.5, seed: SEED }), asOf, period);
    expect(e.windows).toBe(24);
    expect(e.win.sd).toBeGreaterThan(0.3);
    expect(e.win.sd).toBeLessThan(0.75);
    expect(e.win.i2).toBeGreaterThan(0.5);
    expect(e.note).toBeNull();
  });

  it('finds next to none when months differ by binomial noise alone', () => {
    const e = estimatePeriodEffects(crm({ months: 24, perMonth: 300, sd: 0, seed: SEED }), asOf, period);
    expect(e.win.sd).toBeLessThan(0.12);
  });

  it('shifts the last month of a quarter up when past quarter ends converted more, and an early month down', () => {
    const history = crm({ months: 24, perMonth: 300, sd: 0.1, push: 1, seed: SEED });
    const march = estimatePeriodEffects(history, Date.UTC(2025, 2, 1), monthPeriod(2025, 2));
    expect(march.position).toMatchObject({ kind: 'month of quarter', position: 2, used: true });
    expect(march.win.shift).toBeGreaterThan(0.4);
    const jan = estimatePeriodEffects(history, asOf, period);
    expect(jan.win.shift).toBeLessThan(-0.2);
    // The spread the position explains is not counted again as random variation.
    expect(jan.win.sd).toBeLessThan(0.3);
    const flat = estimatePeriodEffects(crm({ months: 24, perMonth: 300, sd: 0.1, seed: SEED }), asOf, period);
    expect(flat.position?.used).toBe(false);
    expect(flat.win.shift).toBe(0);
  });

  it('says so, and simulates independent outcomes, with fewer than three past periods', () => {
    const e = estimatePeriodEffects(crm({ months: 2, perMonth: 300, sd: 0.5, seed: SEED }), Date.UTC(2023, 2, 1), monthPeriod(2023, 2));
    expect(e.windows).toBe(2);
    expect(e.win.sd).toBe(0);
    expect(e.note).toMatch(/2 past months of history \(3 needed/);
  });

  it('uses only deals closed before as-of: later months change nothing', () => {
    const history = crm({ months: 24, perMonth: 200, sd: 0.5, seed: SEED });
    const cut = Date.UTC(2024, 6, 1);
    const a = estimatePeriodEffects(history, cut, monthPeriod(2024, 6));
    const rewritten = history.map((d) => (d.closedAt != null && d.closedAt >= cut ? { ...d, outcome: 'won' as const, amount: 1 } : d));
    expect(estimatePeriodEffects(rewritten, cut, monthPeriod(2024, 6))).toEqual(a);
  });
});
