// The fitted state of one feature of a FeatureEncoder (feature-encoder.ts), saved with every model
// and read by the encoder's plan (encoding-plan.ts).

export interface NumericState {
  /** The feature, or for a log companion `<feature>:log1p`. */
  name: string;
  /** A log companion: the feature whose value it reads. */
  from?: string;
  mean: number;
  sd: number;
  log: boolean;
  hasMissingColumn: boolean;
  /** Never observed, or one value only, in training: always encoded as 0 (nothing was learned for it). */
  constant: boolean;
  /** Share of provided training rows that were missing: the indicator's value for NOT_PROVIDED. */
  missingRate?: number;
}

export interface CategoricalState {
  name: string;
  categories: string[];
  /** Training rows that fell in the "other" bucket; when 0, unseen values encode as all zeros. */
  otherCount: number;
  /** Share of provided training rows in each category and in "other" (NOT_PROVIDED encodes as these). */
  shares?: number[];
  otherShare?: number;
}
