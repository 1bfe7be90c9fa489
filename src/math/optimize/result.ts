/** What every minimiser in src/math/optimize returns. */
export interface MinimizeResult {
  /** The best point found. */
  x: number[];
  /** f at x. */
  fx: number;
  iterations: number;
  /** Calls of the objective (with its gradient, for BFGS). */
  evaluations: number;
  /** Whether the stopping test was met (false: stopped by the iteration limit or a failed line search). */
  converged: boolean;
}
