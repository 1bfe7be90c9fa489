// The one seeded random-number type. Every reproducible draw in Salescast (demo data, training
// splits and initialisation, snapshot sampling, bootstraps, Monte Carlo forecasts) goes through an
// Rng, so that the same seed gives the same figures on every machine (Math.random cannot be
// seeded). Not for cryptography.
//
// An Rng is one of two generator kinds (see generators.ts): both give 32-bit words, and every
// distribution below is built on them the same way. The kinds stay separate because stored seeds
// must keep reproducing the figures they produced: the demo company, training and bootstraps were
// drawn from mulberry32, the forecasts from xoshiro128**.

export type RngKind = 'mulberry32' | 'xoshiro128';

const TWO_TO_32 = 4294967296;

export abstract class Rng {
  abstract readonly kind: RngKind;
  /** The second Box-Muller variate of the last pair, served by the next normal() call. */
  private spareNormal: number | undefined = undefined;

  /** @param seed the seed the stream was created from (printed with every forecast). */
  constructor(readonly seed: number) {}

  /** Uniform 32-bit unsigned integer. */
  abstract nextUint32(): number;

  /** Uniform on [0, 1): a 32-bit word over 2^32. */
  next(): number {
    return this.nextUint32() / TWO_TO_32;
  }

  /** Uniform on [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer uniform on [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** true with probability p. */
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

  /** A random permutation of 0..n-1 (Fisher-Yates shuffle, Knuth TAOCP vol. 2, algorithm 3.4.2P). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * Normal with the given mean and sd by the Box-Muller transform (Box & Muller 1958): one pair of
   * uniforms gives two independent variates; the second is kept for the next call.
   */
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

  /**
   * Standard normal from a fresh pair of uniforms: the Box-Muller cosine variate only (the sine
   * variate is dropped, and no state is kept). Two uniforms per draw, so a stream of these is
   * fixed by the number of draws alone; the forecasts' simulated intervals are drawn this way.
   */
  normalUnpaired(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal with the given median and log-scale sd. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  /** Exponential with the given rate (mean 1/rate), by inversion. */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  /**
   * Gamma with the given shape k and SCALE θ (mean kθ), by Marsaglia & Tsang (2000), "A simple
   * method for generating gamma variables", ACM TOMS 26(3); shape < 1 through the boost
   * Gamma(k) = Gamma(k+1)·U^(1/k).
   */
  gammaWithScale(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma: shape and scale must be positive (got ${shape}, ${scale})`);
    if (shape < 1) {
      const u = 1 - this.next();
      return this.gammaWithScale(shape + 1, scale) * u ** (1 / shape);
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

  /** Gamma with the given shape k and RATE β = 1/scale (mean k/β), as in BG/NBD's λ ~ Gamma(r, α). */
  gammaWithRate(shape: number, rate = 1): number {
    if (!(rate > 0)) throw new RangeError(`gamma: rate must be positive (got ${rate})`);
    return this.gammaWithScale(shape, 1 / rate);
  }

  /** Gamma with the given shape k and MEAN (scale mean/k): a smaller shape spreads it more. */
  gammaWithMean(shape: number, mean: number): number {
    return this.gammaWithScale(shape, mean / shape);
  }

  /** Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b) of unit scale. */
  beta(a: number, b: number): number {
    const x = this.gammaWithScale(a);
    const y = this.gammaWithScale(b);
    return x / (x + y);
  }

  /**
   * Poisson with the given mean, exactly: Knuth's multiplication method (TAOCP vol. 2, §3.4.1F),
   * a large mean split into chunks of at most 30 (a sum of independent Poissons is Poisson with
   * the summed mean), so e^(-mean) never underflows.
   */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    let n = 0;
    let remaining = mean;
    while (remaining > 0) {
      const m = Math.min(remaining, 30);
      remaining -= m;
      const limit = Math.exp(-m);
      let p = this.next();
      while (p > limit) {
        n++;
        p *= this.next();
      }
    }
    return n;
  }

  /**
   * Poisson, approximately: Knuth's method up to a mean of 30 (then equal to poisson()), above it
   * the normal approximation N(mean, mean) rounded and floored at 0 (error negligible for
   * synthetic counts). The demo company is drawn with it; use poisson() for anything else.
   */
  poissonApprox(mean: number): number {
    if (mean > 30) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    return this.poisson(mean);
  }
}
