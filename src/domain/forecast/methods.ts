// The forecasting methods a backtest scores, by the keys of its `metrics`. A leaf module (no
// imports): the CLI prints method names without loading the forecasting code.
export const BLENDED_METHODS = ['monteCarlo', 'runRate', 'driverRegression', 'stageWeighted'] as const;
export type BlendedMethod = (typeof BLENDED_METHODS)[number];
/** The blended methods, the reps' calls (reported, not blended: they are the reps' view) and the blend. */
export type MethodKey = BlendedMethod | 'commitCall' | 'bestCaseCall' | 'blend';

export const METHOD_LABELS: Record<MethodKey, string> = {
  monteCarlo: 'Monte Carlo',
  stageWeighted: 'stage-weighted pipeline',
  commitCall: "reps' commit call",
  bestCaseCall: "reps' best case call",
  runRate: 'run-rate',
  driverRegression: 'driver regression',
  blend: 'blend',
};
