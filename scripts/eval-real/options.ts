// Settings shared by the dataset evaluations of one run.
import type { Scratch } from './scratch';

export interface RunOptions {
  scratch: Scratch;
  /**
   * The CI subset (`--quick`): the logistic algorithm only and at most QUICK_SNAPSHOTS_PER_DEAL
   * training snapshots per deal, so the whole check stays within a few minutes on 2 cores. The
   * split, the serving path and the metrics are the same as in a full run.
   */
  quick: boolean;
  /** Run the scikit-learn comparison (telco) when /usr/bin/python3 has it. */
  sklearn: boolean;
  log(message: string): void;
}

export const QUICK_SNAPSHOTS_PER_DEAL = 2;
/** Share of the labelled rows held out. */
export const HOLDOUT_FRACTION = 0.2;
