// Seeded random numbers for the demo generator. Everything synthetic in Salescast draws from here so
// that one seed reproduces one dataset exactly (tests, bug reports, `npm start` on a fresh clone).
// mulberry32 (Tommy Ettinger, public domain) is tiny, fast and statistically adequate for synthetic
// data; it is not for cryptography.
import { mulberry32Advance, mulberry32Output } from '../../random';

/** A 32-bit seed derived from a base seed and labels, so independent parts (one account's story)
 * get their own stream and do not shift when another part draws one number more or less. */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  // FNV-1a over the labels, then a murmur3-style finaliser to spread the bits.
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (const part of parts) {
    const s = String(part);
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

export class Rng {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A child stream for a labelled sub-task (see deriveSeed). */
  fork(...parts: (string | number)[]): Rng {
    return new Rng(deriveSeed(this.state, ...parts));
  }

  /** Uniform on [0, 1). */
  next(): number {
    return mulberry32Output((this.state = mulberry32Advance(this.state)));
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer uniform on [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks an item with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let u = this.next() * total;
    for (const [item, w] of items) {
      u -= w;
      if (u < 0) return item;
    }
    return items[items.length - 1][0];
  }

  /** Normal by the Box-Muller transform (both variates used). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and log-scale sd. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  /** Gamma(shape, scale) by Marsaglia & Tsang (2000), "A simple method for generating gamma
   * variables", ACM TOMS 26(3); shape < 1 through the boost Gamma(a) = Gamma(a+1)·U^(1/a). */
  gamma(shape: number, scale = 1): number {
    if (shape < 1) {
      const u = 1 - this.next();
      return this.gamma(shape + 1, scale) * u ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Gamma parameterised by its mean and shape (smaller shape = more spread). */
  gammaMean(mean: number, shape: number): number {
    return this.gamma(shape, mean / shape);
  }

  /** Poisson: Knuth's multiplication method for small means, a rounded normal for large ones
   * (error negligible for synthetic counts above 30). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
export const logit = (p: number) => Math.log(p / (1 - p));
