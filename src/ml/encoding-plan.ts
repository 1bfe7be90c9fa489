// The fitted state of a FeatureEncoder as its transformRow reads it, worked out once when the state
// is set: one array per field (the states come from JSON and from fit() in several shapes, and
// transformRow runs for every row trained on and every deal scored) and a compiled reader of rows.
import type { CategoricalState, NumericState } from './encoder-state';

export interface EncodingPlan {
  /**
   * Copies the fields transformRow reads from a row into `values`, in this order: a function
   * compiled with the field names as literals, so each read is a plain property load rather than a
   * lookup by key (a deal-win row: 0.7 µs instead of 1.2 µs per transformRow, in one process).
   */
  read: (row: Record<string, unknown>, values: unknown[]) => void;
  /** Per numeric state: the row field read, 1/0 flags, standardisation, NOT_PROVIDED's missing indicator. */
  source: string[];
  constant: Uint8Array;
  log: Uint8Array;
  missingColumn: Uint8Array;
  mean: Float64Array;
  sd: Float64Array;
  missingRate: Float64Array;
  /** Per categorical state: the row field, whether an unseen value takes the training average, whether "other" was seen. */
  category: string[];
  unseenAsAverage: Uint8Array;
  hasOther: Uint8Array;
  shares: (number[] | undefined)[];
  otherShare: Float64Array;
}

/** The plan of an encoder not fitted yet (it reads nothing; transformRow refuses before using it). */
export const EMPTY_PLAN: EncodingPlan = encodingPlan([], [], 5);

/** The plan of a fitted state; `minCategoryCount` is its spec's. */
export function encodingPlan(
  numeric: readonly NumericState[],
  categorical: readonly CategoricalState[],
  minCategoryCount: number,
): EncodingPlan {
  const flag = (b: unknown) => (b ? 1 : 0);
  const fields = [...numeric.map((n) => n.from ?? n.name), ...categorical.map((c) => c.name)];
  // JSON.stringify writes each name as a string literal (quotes and backslashes escaped).
  const read = new Function(
    'row',
    'values',
    fields.map((f, i) => `values[${i}] = row[${JSON.stringify(f)}];`).join('\n'),
  ) as EncodingPlan['read'];
  return {
    read,
    source: numeric.map((n) => n.from ?? n.name),
    constant: Uint8Array.from(numeric, (n) => flag(n.constant)),
    log: Uint8Array.from(numeric, (n) => flag(n.log)),
    missingColumn: Uint8Array.from(numeric, (n) => flag(n.hasMissingColumn)),
    mean: Float64Array.from(numeric, (n) => n.mean),
    sd: Float64Array.from(numeric, (n) => n.sd),
    missingRate: Float64Array.from(numeric, (n) => n.missingRate ?? 0),
    category: categorical.map((c) => c.name),
    unseenAsAverage: Uint8Array.from(categorical, (c) => flag(c.shares && c.otherCount < minCategoryCount)),
    hasOther: Uint8Array.from(categorical, (c) => flag(c.otherCount > 0)),
    shares: categorical.map((c) => c.shares),
    otherShare: Float64Array.from(categorical, (c) => c.otherShare ?? 0),
  };
}
