// Special functions in double precision: log-gamma (Lanczos), gamma with sign for negative
// arguments (reflection), log-beta, the regularized incomplete beta function (Student t), digamma,
// and the Gauss hypergeometric function 2F1 (power series with convergence checks, plus the
// standard linear transformations for arguments that are negative or close to 1) that the
// likelihood-based customer models need.

// Lanczos approximation, g = 7, n = 9 (coefficients as in Numerical Recipes 3rd ed., §6.1 / Boost);
// relative error around 1e-15 for x > 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) {
    if (x === 0) return Infinity;
    return logAbsGamma(x).value;
  }
  if (x < 0.5) {
    // Reflection Γ(x)Γ(1-x) = π / sin(πx) keeps the Lanczos sum on its accurate range.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < LANCZOS_G + 2; i++) s += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln|Γ(x)| and the sign of Γ(x) for any real x that is not a non-positive integer. */
export function logAbsGamma(x: number): { value: number; sign: 1 | -1 } {
  if (x > 0) return { value: logGamma(x), sign: 1 };
  if (Number.isInteger(x)) return { value: Infinity, sign: 1 };
  // Γ(x) = π / (sin(πx) Γ(1-x)); 1 - x > 1 here.
  const s = Math.sin(Math.PI * x);
  return { value: Math.log(Math.PI / Math.abs(s)) - logGamma(1 - x), sign: s > 0 ? 1 : -1 };
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a+b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

export class HypergeometricError extends Error {}

/**
 * Power series of 2F1(a, b; c; z) = Σ (a)_k (b)_k / ((c)_k k!) z^k for |z| < 1 (Abramowitz & Stegun
 * 15.1.1). Stops when a term is below 1e-16 of the running sum for two consecutive terms; throws if
 * it has not converged after maxTerms, rather than returning a wrong number silently.
 */
export function hyp2f1Series(a: number, b: number, c: number, z: number, maxTerms = 200000): number {
  if (Math.abs(z) >= 1) throw new HypergeometricError(`2F1 series needs |z| < 1 (z = ${z})`);
  let term = 1;
  let sum = 1;
  let small = 0;
  for (let k = 0; k < maxTerms; k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    if (term === 0) return sum; // a or b a non-positive integer: a polynomial
    sum += term;
    if (!Number.isFinite(sum)) throw new HypergeometricError(`2F1(${a}, ${b}; ${c}; ${z}) overflowed`);
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) {
      if (++small >= 2) return sum;
    } else small = 0;
  }
  throw new HypergeometricError(`2F1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms`);
}

/**
 * 2F1 near z = 1 through the transformation to 1 - z (A&S 15.3.6), valid when c - a - b is not an
 * integer:
 *   2F1(a,b;c;z) = Γ(c)Γ(c-a-b)/(Γ(c-a)Γ(c-b)) 2F1(a,b;a+b-c+1;1-z)
 *                + (1-z)^(c-a-b) Γ(c)Γ(a+b-c)/(Γ(a)Γ(b)) 2F1(c-a,c-b;c-a-b+1;1-z).
 * When c - a - b is (nearly) an integer the two terms have poles that cancel; we then take the
 * mean of the formula at c ± h (the function is smooth in c, so the error is O(h²)).
 */
function hyp2f1NearOne(a: number, b: number, c: number, z: number): number {
  const m = c - a - b;
  const nearInteger = Math.abs(m - Math.round(m)) < 1e-5;
  if (nearInteger) {
    const h = 2e-5;
    return 0.5 * (hyp2f1NearOne(a, b, c + h, z) + hyp2f1NearOne(a, b, c - h, z));
  }
  const w = 1 - z;
  const term = (p: number[], q: number[]) => {
    // Π Γ(p_i) / Π Γ(q_i) with signs; a Γ of a non-positive integer in the denominator gives 0.
    let logv = 0;
    let sign = 1;
    for (const v of p) {
      const g = logAbsGamma(v);
      logv += g.value;
      sign *= g.sign;
    }
    for (const v of q) {
      if (v <= 0 && Number.isInteger(v)) return 0;
      const g = logAbsGamma(v);
      logv -= g.value;
      sign *= g.sign;
    }
    return sign * Math.exp(logv);
  };
  const t1 = term([c, m], [c - a, c - b]);
  const t2 = term([c, -m], [a, b]);
  const s1 = t1 === 0 ? 0 : t1 * hyp2f1Series(a, b, 1 - m, w);
  const s2 = t2 === 0 ? 0 : t2 * w ** m * hyp2f1Series(c - a, c - b, m + 1, w);
  return s1 + s2;
}

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1.
 * - z < 0: Pfaff transformation 2F1(a,b;c;z) = (1-z)^(-a) 2F1(a, c-b; c; z/(z-1)) (A&S 15.3.4),
 *   which maps z into (0, 1).
 * - 0 <= z <= 0.9: the power series directly.
 * - 0.9 < z < 1: the 1 - z transformation (A&S 15.3.6), whose series converge fast there.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1)) throw new HypergeometricError(`2F1 is only implemented for z < 1 (z = ${z})`);
  if (c <= 0 && Number.isInteger(c)) throw new HypergeometricError(`2F1 undefined for c = ${c}`);
  if (z === 0) return 1;
  if (z < 0) return (1 - z) ** -a * hyp2f1(a, c - b, c, z / (z - 1));
  if (z <= 0.9) return hyp2f1Series(a, b, c, z);
  return hyp2f1NearOne(a, b, c, z);
}

/** log(exp(x) + exp(y)) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
}

/**
 * Digamma ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x+1) - 1/x up to x >= 6, then the
 * asymptotic series ψ(x) ≈ ln x - 1/(2x) - Σ B_2k / (2k x^2k) (A&S 6.3.18), accurate to ~1e-13.
 */
export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma is implemented for x > 0 (got ${x})`);
  let acc = 0;
  while (x < 6) {
    acc -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  const series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))));
  return acc + Math.log(x) - 0.5 / x - series;
}

/** Regularized incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes §6.4). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  const cf = (x: number, a: number, b: number) => {
    const tiny = 1e-300;
    let c = 1;
    let d = 1 - ((a + b) * x) / (a + 1);
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    let h = d;
    for (let m = 1; m <= 300; m++) {
      const m2 = 2 * m;
      let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
      aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      const del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 3e-14) break;
    }
    return h;
  };
  return x < (a + 1) / (a + b + 2) ? (bt * cf(x, a, b)) / a : 1 - (bt * cf(1 - x, b, a)) / b;
}
