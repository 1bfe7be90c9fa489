// Seeds for independent sub-streams derived from one base seed, so that one part of a
// computation (one account's story, one deal's draws, one backtest period) gets its own stream
// and does not shift when another part draws one number more or less. Two derivations, named
// for what they take; they give different seeds for the same numbers, so they are not
// interchangeable once figures have been produced with one of them.

/** splitmix32: a Weyl sequence through the murmur3 32-bit finaliser (used to spread seeds). */
export function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Seed of the numbered sub-stream `stream` of `seed` (a deal id, a backtest period): splitmix32
 * seeded with seed XOR stream·0x27d4eb2d. The Monte Carlo forecasts and backtests use it.
 */
export function seedForStream(seed: number, stream: number): number {
  return splitmix32((seed ^ Math.imul(stream + 1, 0x27d4eb2d)) >>> 0)();
}

/**
 * Seed of the sub-stream named by `labels` (strings or numbers, e.g. 'account', 17): FNV-1a over
 * the labels' text, then the murmur3 finaliser to spread the bits. The demo generator uses it.
 */
export function seedFromLabels(seed: number, ...labels: (string | number)[]): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (const label of labels) {
    const s = String(label);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ 0x2f, 0x01000193) >>> 0; // separator so ("ab","c") differs from ("a","bc")
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
