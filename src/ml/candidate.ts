// A model-selection candidate: an algorithm of the static registry (algorithms.ts) and its
// hyper-parameters. Kept apart from model-selection.ts so reports can name candidates without
// loading the estimators.

export interface CandidateConfig {
  algorithm: string;
  params: Record<string, unknown>;
}

/** "logistic (l2=10)", "mlp (hidden=64x32)": the hyper-parameters a grid varies. */
export function candidateLabel(c: CandidateConfig): string {
  const params = Object.entries(c.params)
    .filter(([k]) => k === 'l2' || k === 'hidden')
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('x') : String(v)}`);
  return params.length ? `${c.algorithm} (${params.join(', ')})` : c.algorithm;
}
