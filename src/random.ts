// mulberry32 (Tommy Ettinger, public domain): the one seeded 32-bit generator behind every
// reproducible draw in Salescast (demo data, training splits, bootstraps, simulations). Good for
// shuffling and sampling, not for cryptography. Shared by domain and ml code, so it lives here.

/** Advances a mulberry32 state by one step. */
export const mulberry32Advance = (state: number): number => (state + 0x6d2b79f5) >>> 0;

/** The uniform [0, 1) draw for an already-advanced state. */
export function mulberry32Output(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A generator of uniform [0, 1) draws, the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => mulberry32Output((s = mulberry32Advance(s)));
}
