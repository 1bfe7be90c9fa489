// The serving-path helpers of deal explanations: the top-factor selection and number formatting
// must give exactly what the plain definitions give (a sort; toLocaleString).
import { dealFactors, dealFactorUnits, groupThousands, topFactorIndices } from '../../../src/domain/features/deal-explanations';
import { NOT_PROVIDED } from '../../../src/domain/features/feature-row';
import { createRng } from '../../../src/math/random';

function bySort(effects: number[], perSide: number, minEffect: number): number[] {
  const idx = effects.map((e, i) => ({ e, i }));
  const pos = idx
    .filter((f) => f.e >= minEffect)
    .sort((a, b) => b.e - a.e)
    .slice(0, perSide);
  const neg = idx
    .filter((f) => f.e <= -minEffect)
    .sort((a, b) => a.e - b.e)
    .slice(0, perSide);
  return [...pos, ...neg].map((f) => f.i);
}

test('top factor selection equals a stable sort on each side, ties and thresholds included', () => {
  const rnd = createRng(7, 'mulberry32');
  for (let trial = 0; trial < 500; trial++) {
    const n = Math.floor(rnd.next() * 45);
    // Rounded effects make ties common; some fall under the threshold.
    const effects = Array.from({ length: n }, () => Math.round((rnd.next() - 0.5) * 40) / 100);
    const perSide = 1 + Math.floor(rnd.next() * 4);
    expect(topFactorIndices(effects, perSide, 0.02)).toEqual(bySort(effects, perSide, 0.02));
  }
  expect(topFactorIndices([0.5, -0.5, 0.5, 0.01, -0.019, 0.3], 2)).toEqual([0, 2, 1]);
  expect(topFactorIndices([0.1, -0.2, 0], 3)).toEqual([0, 1]);
});

test('thousands grouping prints what toLocaleString("en-US") prints', () => {
  const rnd = createRng(11, 'mulberry32');
  const samples = [0, 1, -1, 12, 999, 1000, -1000, 12919, 999_999, 1_000_000, -123_456_789, Number.MAX_SAFE_INTEGER, 1e21];
  for (let i = 0; i < 2000; i++) samples.push(Math.round((rnd.next() - 0.3) * 10 ** Math.floor(rnd.next() * 13)));
  for (const n of samples) expect(groupThousands(n)).toBe((n === 0 ? 0 : n).toLocaleString('en-US'));
  expect(groupThousands(-0)).toBe('0'); // Intl prints "-0", which no reason should say
});

test('what was not provided: one note, cached or worded afresh the same, and its effects go to the stage', () => {
  // The note is worded once per combination of units left out (a cache keyed by the set): calls
  // alternate between sets, so a stale or shared entry would show. Models with more units than the
  // key can hold exactly (53) word it every time, and must say the same.
  const ctx = { stages: {}, wonMedians: {} };
  const rnd = createRng(5, 'mulberry32');
  const small = dealFactorUnits(['stage', 'amount', 'activities30d', 'activitiesTotal', 'rep', 'repWinRate', 'segment', 'region', 'size']);
  const wide = dealFactorUnits(['stage', ...Array.from({ length: 60 }, (_, i) => `field${i}`)]); // each named in the note
  for (const units of [small, wide]) {
    const features = units.flatMap((u) => u.features);
    for (let trial = 0; trial < 300; trial++) {
      const row: Record<string, unknown> = { stage: 'Proposal' };
      // Every other trial of the wide model leaves out only units past the 53rd: sets that differ there alone.
      const tailOnly = units === wide && trial % 2 === 0;
      for (const [i, f] of features.entries())
        if (f !== 'stage') row[f] = (!tailOnly || i > 53) && rnd.next() < 0.4 ? NOT_PROVIDED : Math.round(rnd.next() * 10);
      const effects = units.map(() => Math.round((rnd.next() - 0.5) * 200) / 100);
      const missing = units.filter((u) => u.features.every((f) => row[f] === NOT_PROVIDED));
      const factors = dealFactors(units, effects, row, ctx);
      // A new array of the same units has no cached sentences: worded afresh, it must read the same.
      const fresh = dealFactors([...units], effects, row, ctx).find((f) => f.feature === 'notProvided');
      const note = factors.find((f) => f.feature === 'notProvided');
      expect(note).toEqual(fresh);
      if (missing.length === 0) expect(note).toBeUndefined();
      else expect(note?.text).toMatch(/^Not provided, so counted as for a typical deal in its stage: /);
      const s = units.findIndex((u) => u.name === 'stage');
      const stageEffect = Math.round((effects[s] + missing.reduce((a, u) => a + effects[units.indexOf(u)], 0)) * 1000) / 1000;
      const shown = factors.find((f) => f.feature === 'stage');
      if (shown) expect(shown.effect).toBe(stageEffect);
      for (const f of factors) expect(missing.some((u) => u.name === f.feature)).toBe(false);
    }
  }
});
