// Seeded random numbers: the Rng type, its two generator kinds and sub-stream seeds.
export { createRng, Mulberry32, Xoshiro128 } from './generators';
export { Rng, type RngKind } from './rng';
export { seedForStream, seedFromLabels } from './seeds';
