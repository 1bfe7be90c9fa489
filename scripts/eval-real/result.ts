// What one dataset's evaluation produces (printed as a table, or as JSON with --json).
import type { BaseRate, Metrics, ProbabilitySummary } from './metrics';
import type { ReadyModel } from './serve';

export type ClassifierDatasetKey = 'maven' | 'olist' | 'telco';
export type DatasetKey = ClassifierDatasetKey | 'cdnow';
export const DATASET_KEYS: readonly DatasetKey[] = ['maven', 'olist', 'telco', 'cdnow'];

export interface Gate {
  /** Stable id, e.g. "olist:auc-parity" (the Jest test names its known failures by it). */
  id: string;
  target: string;
  measured: string;
  pass: boolean;
}

export interface TrainingSummary {
  /** The equivalent command line. */
  command: string;
  algorithm: string;
  version: number | null;
  promoted: boolean;
  decision: string;
  seconds: number;
  /** The training run's own test-slice metrics: the candidate's and the baseline's. */
  reported: { candidate: Metrics | null; baseline: Metrics | null };
}

export interface ServedSummary {
  /** "model v1", "fallback" or "nothing" (no probability served). */
  what: string;
  modelVersion: number | null;
  fallback: boolean;
  fallbackReason?: string;
  /** GET /ready of the server that scored. */
  ready: ReadyModel[];
  metrics: Metrics | null;
  probabilities: ProbabilitySummary | null;
  /** The reported test-slice metrics of what is served (the candidate's if it serves, else the baseline's). */
  reported: Metrics | null;
}

export interface ClassifierEvaluation {
  dataset: ClassifierDatasetKey;
  title: string;
  split: {
    method: string;
    cutoff: string | null;
    trainRows: number;
    heldOutRows: number;
    scoredRows: number;
    positives: number;
    scoredAs: string;
  };
  training: TrainingSummary;
  served: ServedSummary;
  baseRate: BaseRate;
  /** scikit-learn's LogisticRegression on the same split (telco, for comparison only). */
  sklearn?:
    | { auc: number; logLoss: number; brier: number; ece: number; servedCheck: { auc: number; logLoss: number; brier: number } }
    | string;
  gates: Gate[];
  seconds: number;
}

export interface CdnowEvaluation {
  dataset: 'cdnow';
  title: string;
  figures: { name: string; published: number; fitted: number; tolerance: number }[];
  /** Repeat purchases in the weeks after the calibration period: observed and predicted by BG/NBD. */
  holdout: { weeks: number; actualRepeatPurchases: number; predictedRepeatPurchases: number } | null;
  gates: Gate[];
  seconds: number;
}

export type Evaluation = ClassifierEvaluation | CdnowEvaluation;

export interface Skipped {
  dataset: DatasetKey;
  skipped: string;
}
