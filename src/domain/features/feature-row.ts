// The raw feature row both models build (deal-win and churn), before encoding: a value per feature
// name, in the domain's own terms.
// - a number, string or boolean: the value as of the moment;
// - null: known to be none or unknown at that moment (no expected close date, an owner with no
//   closed deals yet… a model may learn what "none" means);
// - NOT_PROVIDED: the caller did not say (an inline deal without activities, rep or account). The
//   encoder imputes it as an average training row, so it moves a score nowhere, and explanations
//   never cite it as evidence.
// These are the types src/ml/feature-encoder.ts takes (RawValue / RawRow): the same sentinel
// (a registered symbol) on both sides, so the domain does not import the encoder.

/** "Not provided": a registered symbol, identical to the encoder's NOT_PROVIDED. */
export const NOT_PROVIDED: unique symbol = Symbol.for('salescast.feature.not-provided');
export type NotProvided = typeof NOT_PROVIDED;

export type FeatureValue = number | string | boolean | null | NotProvided;
export type FeatureRow = Record<string, FeatureValue>;

export const isNotProvided = (v: unknown): v is NotProvided => v === NOT_PROVIDED;

/** `undefined` (a field the caller omitted) becomes NOT_PROVIDED; anything else is kept. */
export const provided = <T>(v: T | undefined): T | NotProvided => (v === undefined ? NOT_PROVIDED : v);

/** The shape of a feature spec (the encoder's FeatureSpec, declared here so the domain stands alone). */
export interface FeatureSpecShape {
  numeric: string[];
  categorical: string[];
  log?: string[];
  minCategoryCount?: number;
  maxCategories?: number;
  /** The categorical feature NOT_PROVIDED values are imputed by (the average of rows sharing its value). */
  imputeBy?: string;
}
