// Growth cross-tab: date order, shares, growth on the previous period and on the year before, and
// periods cut by the start of the history or the end of the report never compared as if whole.
import { growthTable, periodIndexOf, periodLabel, periodStart } from '../../src/domain/analytics/growth';

const q = (label: string) => {
  const [y, n] = label.split('-Q').map(Number);
  return y * 4 + n - 1;
};

describe('period numbering', () => {
  it('numbers years, quarters and months as the SQL index does and labels them', () => {
    const d = new Date('2025-08-15T12:00:00Z');
    expect(periodLabel(periodIndexOf(d, 'year'), 'year')).toBe('2025');
    expect(periodLabel(periodIndexOf(d, 'quarter'), 'quarter')).toBe('2025-Q3');
    expect(periodLabel(periodIndexOf(d, 'month'), 'month')).toBe('2025-08');
    expect(periodStart(periodIndexOf(d, 'quarter'), 'quarter').toISOString()).toBe('2025-07-01T00:00:00.000Z');
    expect(periodStart(periodIndexOf(d, 'quarter') + 2, 'quarter').toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('growthTable', () => {
  // History from 2024-12-10 (inside 2024-Q4) to 2026-02-15 (inside 2026-Q1).
  const observed = { from: new Date('2024-12-10T00:00:00Z'), to: new Date('2026-02-15T00:00:00Z') };
  const cells = [
    { group: 'GTX', period: q('2024-Q4'), value: 10 },
    { group: 'GTX', period: q('2025-Q1'), value: 100 },
    { group: 'GTX', period: q('2025-Q2'), value: 120 },
    { group: 'GTX', period: q('2025-Q3'), value: 90 },
    { group: 'GTX', period: q('2025-Q4'), value: 150 },
    { group: 'GTX', period: q('2026-Q1'), value: 80 },
    { group: 'MG', period: q('2025-Q2'), value: 30 },
    { group: 'MG', period: q('2025-Q4'), value: 50 },
    { group: null, period: q('2025-Q1'), value: 5 },
  ];

  it('lists every period of the observed span in date order, and which are cut and where', () => {
    const t = growthTable({ period: 'quarter', observed, cells });
    expect(t.periods.map((p) => p.period)).toEqual(['2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1']);
    expect(t.periods.map((p) => p.partial)).toEqual(['start', null, null, null, null, 'end']);
    expect(t.periods[0]).toMatchObject({ observedFrom: '2024-12-10', observedTo: '2025-01-01', complete: false });
    expect(t.periods[5]).toMatchObject({ observedFrom: '2026-01-01', observedTo: '2026-02-15', likeForLike: false });
  });

  it('gives shares of each period and growth on the previous complete period', () => {
    const t = growthTable({ period: 'quarter', observed, cells });
    expect(t.rows.map((r) => r.group)).toEqual(['GTX', 'MG', null]);
    const gtx = t.rows[0].cells;
    expect(gtx[1]).toMatchObject({ value: 100, share: 100 / 105, previous: null, growth: null }); // 2024-Q4 holds 3 weeks
    expect(gtx[2]).toMatchObject({ value: 120, previous: 100, share: 0.8 });
    expect(gtx[2].growth).toBeCloseTo(0.2, 12);
    expect(gtx[3].growth).toBeCloseTo(-0.25, 12);
    const mg = t.rows[1].cells;
    expect(mg[2].growth).toBeNull(); // new in 2025-Q2: nothing to grow from
    expect(mg[3]).toMatchObject({ value: 0, previous: 30, growth: -1 });
    expect(t.total.cells[4]).toMatchObject({ value: 200, previous: 90 });
    expect(t.total.total).toBe(635);
    expect(t.rows[0].share).toBeCloseTo(550 / 635, 12);
  });

  it('compares the same period a year before only when both are whole', () => {
    const t = growthTable({ period: 'quarter', observed, cells });
    expect(t.rows[0].cells[4]).toMatchObject({ yearBefore: null, yearOverYear: null }); // 2024-Q4 was cut
    const monthly = growthTable({
      period: 'month',
      observed: { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2025-03-01T00:00:00Z') },
      cells: [
        { group: 'a', period: 2024 * 12 + 1, value: 40 },
        { group: 'a', period: 2025 * 12 + 1, value: 50 },
      ],
    });
    const feb = monthly.rows[0].cells.find((c) => c.period === '2025-02')!;
    expect(feb).toMatchObject({ yearBefore: 40, previous: 0, growth: null });
    expect(feb.yearOverYear).toBeCloseTo(0.25, 12);
  });

  it('compares a period to date like for like when the same days of the earlier periods are given', () => {
    const plain = growthTable({ period: 'quarter', observed, cells });
    expect(plain.rows[0].cells[5]).toMatchObject({ growth: null, yearOverYear: null });
    const t = growthTable({
      period: 'quarter',
      observed,
      cells,
      likeForLike: [
        { group: 'GTX', previous: 64, yearBefore: 40 },
        { group: 'MG', previous: 20, yearBefore: 0 },
      ],
    });
    expect(t.periods[5].likeForLike).toBe(true);
    expect(t.rows[0].cells[5]).toMatchObject({ previous: 64, yearBefore: 40 });
    expect(t.rows[0].cells[5].growth).toBeCloseTo(80 / 64 - 1, 12);
    expect(t.rows[0].cells[5].yearOverYear).toBeCloseTo(1, 12);
    expect(t.rows[1].cells[5]).toMatchObject({ value: 0, previous: 20, growth: -1, yearOverYear: null });
    expect(t.total.cells[5]).toMatchObject({ value: 80, previous: 84, yearBefore: 40 });
  });

  it('combines the groups past the limit into one row so the rows still add up to the total', () => {
    const t = growthTable({ period: 'quarter', observed, cells, limit: 1 });
    expect(t.rows.map((r) => [r.group, r.groups])).toEqual([
      ['GTX', 1],
      ['(2 other groups)', 2],
    ]);
    expect(t.rows[1].cells[1].value).toBe(5);
    for (let i = 0; i < t.periods.length; i++) expect(t.rows[0].cells[i].value + t.rows[1].cells[i].value).toBe(t.total.cells[i].value);
  });

  it('is empty when nothing was observed', () => {
    expect(growthTable({ period: 'year', observed: { from: observed.to, to: observed.to }, cells })).toMatchObject({
      periods: [],
      rows: [],
    });
  });
});
