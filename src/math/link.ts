// Link functions between probabilities and the real line.

/** Logistic function 1/(1 + e^(-z)), written so that e^(±z) never overflows for large |z|. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Log-odds ln(p/(1-p)), the inverse of sigmoid; p is clamped to [eps, 1-eps] so 0 and 1 stay finite. */
export function logit(p: number, eps = 1e-7): number {
  const q = Math.min(1 - eps, Math.max(eps, p));
  return Math.log(q / (1 - q));
}
