// Seeded pseudo-random numbers so that training runs, splits and simulations are reproducible.
// mulberry32: a 32-bit state generator by Tommy Ettinger (public domain), good enough for shuffling
// and initialisation, not for cryptography.

import { mulberry32 } from '../random';

export type Rng = () => number;

export function seededRandom(seed: number): Rng {
  return mulberry32(seed);
}

/** Fisher-Yates shuffle of 0..n-1 with the given generator. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Standard normal draw (Box-Muller). */
export function normal(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
export const logit = (p: number, eps = 1e-7) => {
  const q = Math.min(1 - eps, Math.max(eps, p));
  return Math.log(q / (1 - q));
};
