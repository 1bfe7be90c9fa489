// A small seeded random source for simulations and tests (reproducible across runs and machines).
// mulberry32 for uniforms; Marsaglia & Tsang (2000) for gamma variates; beta from two gammas.

import { mulberry32 } from '../../random';

export interface Random {
  /** Uniform on [0, 1). */
  next(): number;
  normal(): number;
  /** Gamma with shape k and rate (not scale) `rate`. */
  gamma(shape: number, rate?: number): number;
  beta(a: number, b: number): number;
  exponential(rate: number): number;
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  let spare: number | null = null;
  const normal = () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    let u = 0;
    let v = 0;
    let r = 0;
    do {
      u = 2 * next() - 1;
      v = 2 * next() - 1;
      r = u * u + v * v;
    } while (r >= 1 || r === 0);
    const m = Math.sqrt((-2 * Math.log(r)) / r);
    spare = v * m;
    return u * m;
  };
  const gamma = (shape: number, rate = 1): number => {
    if (!(shape > 0) || !(rate > 0)) throw new Error(`gamma(${shape}, ${rate}): shape and rate must be positive`);
    if (shape < 1) {
      // Boost: Γ(k) = Γ(k+1) · U^(1/k).
      const u = next();
      return gamma(shape + 1, rate) * (u === 0 ? Number.MIN_VALUE : u) ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = next();
      if (u < 1 - 0.0331 * x * x * x * x) return (d * v) / rate;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
    }
  };
  return {
    next,
    normal,
    gamma,
    beta(a: number, b: number) {
      const x = gamma(a);
      const y = gamma(b);
      return x / (x + y);
    },
    exponential(rate: number) {
      return -Math.log(1 - next()) / rate;
    },
  };
}
