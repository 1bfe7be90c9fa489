// The serving-path helpers of deal explanations: the top-factor selection and number formatting
// must give exactly what the plain definitions give (a sort; toLocaleString).
import { groupThousands, topFactorIndices } from '../../../src/domain/features/deal-explanations';
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
