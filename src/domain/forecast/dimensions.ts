// The breakdowns a pipeline forecast is grouped by. A leaf module (no imports): the CLI describes
// `salescast forecast --by` without loading the forecasting code.
export const DIMENSIONS = ['rep', 'team', 'region', 'product', 'segment', 'category'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
