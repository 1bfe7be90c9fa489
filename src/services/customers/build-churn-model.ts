// Builds a churn model from customer histories: labelled examples (time-aware when churn dates or
// orders exist, a stratified split otherwise), the generic feature encoder over whatever columns
// the data has, logistic regression (or the MLP), calibration on a held-out slice, and evaluation
// against a recency-only baseline on the latest window. No database access (train-churn-model.ts
// does the I/O), so tests can build models from plain objects.
import { unprocessable } from '../../errors';
import { fitCalibrator } from '../../ml/calibration';
import type { BinaryClassifier } from '../../ml/estimator';
import { FeatureEncoder, inferFeatureSpec, type RawRow } from '../../ml/feature-encoder';
import { LogisticRegression } from '../../ml/logistic-regression';
import { evaluateClassifier, liftOver, topDecileLift, type ClassifierMetrics } from '../../ml/metrics';
import { createRng } from '../../math/random';
import {
  CUSTOMER_FEATURE_VERSION,
  LOG_FEATURES,
  churnLabel,
  customerFeatures,
  type ChurnLabelMode,
  type CustomerHistory,
} from '../../domain/features/customer-features';
import { CHURN_ARTIFACT_FORMAT, ChurnScorer, type ChurnModelArtifact } from './churn-scorer';
import { DAY_MS } from '../../math/time';

export type ChurnAlgorithm = 'logistic' | 'mlp';

export interface BuildChurnOptions {
  asOf: Date;
  /** 'auto': status labels when any account is churned, else "no purchase within the window". */
  label?: ChurnLabelMode | 'auto';
  windowDays?: number;
  /** Days between observation dates (time-aware mode, default 30). */
  stepDays?: number;
  /** Observation dates in each of the test and calibration slices (default 3). */
  sliceDates?: number;
  /** Most training observation dates (default 12). */
  trainingDates?: number;
  algorithm?: ChurnAlgorithm;
  seed: number;
  /** Fewest churned and fewest retained training examples (default 20 each). */
  minPerClass?: number;
  l2?: number;
  onProgress?: (stage: string, fraction: number, message?: string) => void;
}

export interface Example {
  accountId: number;
  asOf: number;
  row: RawRow;
  y: 0 | 1;
}

export interface BuiltChurnModel {
  artifact: ChurnModelArtifact;
  scorer: ChurnScorer;
  metrics: {
    evaluation: 'time-split' | 'stratified-split';
    evaluationNote: string;
    labelMode: ChurnLabelMode;
    windowDays: number;
    test: ClassifierMetrics & { topDecileLift: number | null };
    baseline: ClassifierMetrics & { kind: string };
    liftOverBaseline: ReturnType<typeof liftOver>;
    calibration: { method: string; rows: number };
    l2: number | null;
    features: { numeric: number; categorical: number; encodedColumns: number; names: string[] };
  };
  data: {
    train: number;
    calibration: number;
    test: number;
    trainChurned: number;
    snapshots: string[];
    dataFrom: Date | null;
    dataTo: Date;
  };
  /** Test rows (features + labels), to compare another model on the same window. */
  testSet: Example[];
  /** Training and calibration rows (benchmarks fit other libraries on exactly the same split). */
  trainSet: Example[];
  calibrationSet: Example[];
}

function chooseMode(hs: CustomerHistory[], label: BuildChurnOptions['label']): { mode: ChurnLabelMode; staticLabels: boolean } {
  const churned = hs.filter((h) => h.status === 'churned');
  const dated = churned.filter((h) => h.churnedAt != null).length;
  if (label === 'no-purchase') return { mode: 'no-purchase', staticLabels: false };
  if (label === 'status' || churned.length > 0) {
    if (churned.length === 0)
      throw unprocessable(
        'cannot train a churn model on status labels: no account has status "churned" (use --label no-purchase to label by missing orders)',
      );
    // Mostly undated churn (a static export such as the telco table): the status is the label.
    return { mode: 'status', staticLabels: dated < churned.length / 2 };
  }
  if (hs.some((h) => (h.orders?.length ?? 0) > 0)) return { mode: 'no-purchase', staticLabels: false };
  throw unprocessable(
    'cannot train a churn model: no account is churned and there are no orders to label customers by "no purchase within the window"',
  );
}

function medians(rows: RawRow[], names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) {
    const v = rows
      .map((r) => r[n])
      .filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
      .sort((a, b) => a - b);
    if (v.length) out[n] = v[Math.floor(v.length / 2)];
  }
  return out;
}

/** Columns that carry information: not all missing, not a single value. */
function informative(rows: RawRow[], names: string[]): string[] {
  return names.filter((n) => {
    let first: unknown;
    for (const r of rows) {
      const v = r[n];
      if (v === null || v === undefined || v === '') continue;
      if (first === undefined) first = v;
      else if (v !== first) return true;
    }
    return false;
  });
}

export async function buildChurnModel(histories: CustomerHistory[], options: BuildChurnOptions): Promise<BuiltChurnModel> {
  const W = options.windowDays ?? 90;
  if (!(W >= 1)) throw unprocessable('the churn window must be at least one day');
  const asOf = options.asOf.getTime();
  const { mode, staticLabels } = chooseMode(histories, options.label ?? 'auto');
  const minPerClass = options.minPerClass ?? 20;
  const progress = options.onProgress ?? (() => undefined);

  const train: Example[] = [];
  const cal: Example[] = [];
  const test: Example[] = [];
  const snapshots: string[] = [];
  let evaluationNote: string;
  if (staticLabels) {
    // No dates to order examples in time: a stratified random split (60/20/20) with a fixed seed.
    const all: Example[] = histories
      .filter((h) => h.status === 'churned' || h.status === 'active')
      .map((h) => ({ accountId: h.accountId, asOf, row: customerFeatures(h, asOf), y: h.status === 'churned' ? 1 : 0 }));
    const rng = createRng(options.seed, 'mulberry32');
    for (const cls of [0, 1]) {
      const items = all.filter((e) => e.y === cls);
      const perm = rng.permutation(items.length);
      perm.forEach((j, k) => {
        const f = k / items.length;
        (f < 0.6 ? train : f < 0.8 ? cal : test).push(items[j]);
      });
    }
    snapshots.push(new Date(asOf).toISOString());
    evaluationNote =
      'stratified random split 60/20/20 (seeded): the accounts carry no churn dates, so no time-aware evaluation is possible; metrics describe customers like these, not future periods';
  } else {
    // Time-aware, with observation dates every `stepDays`: the test slice is the latest
    // `sliceDates` observation dates (their label windows end at asOf at the latest), the calibration
    // slice the dates before them whose label windows end before the first test date, and training
    // uses earlier dates whose label windows end before the first calibration date. No label a model
    // learned from overlaps a window it is judged or calibrated on.
    const step = (options.stepDays ?? 30) * DAY_MS;
    const n = options.sliceDates ?? 3;
    const make = (t: number) =>
      histories.flatMap((h) => {
        const y = churnLabel(h, t, W, mode);
        return y === null ? [] : [{ accountId: h.accountId, asOf: t, row: customerFeatures(h, t), y }];
      });
    const dates = (last: number, count: number) => Array.from({ length: count }, (_, k) => last - (count - 1 - k) * step);
    const testDates = dates(asOf - W * DAY_MS, n);
    const calDates = dates(testDates[0] - W * DAY_MS, n);
    const trainLast = calDates[0] - W * DAY_MS;
    const maxTrain = options.trainingDates ?? 12;
    const trainDates: number[] = [];
    for (let k = 0; k < maxTrain; k++) {
      const t = trainLast - k * step;
      const ex = make(t);
      if (ex.length === 0) break;
      train.push(...ex);
      trainDates.unshift(t);
    }
    for (const t of calDates) cal.push(...make(t));
    for (const t of testDates) test.push(...make(t));
    const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
    snapshots.push(...[...trainDates, ...calDates, ...testDates].map((t) => new Date(t).toISOString()));
    evaluationNote =
      `time split with ${W}-day churn windows: trained on observation dates ${trainDates.length ? `${iso(trainDates[0])}..${iso(trainDates[trainDates.length - 1])}` : '(none)'}, ` +
      `calibrated on ${iso(calDates[0])}..${iso(calDates[n - 1])}, tested on ${iso(testDates[0])}..${iso(testDates[n - 1])} (labels up to ${iso(asOf)})`;
  }
  const trainChurned = train.filter((e) => e.y === 1).length;
  if (trainChurned < minPerClass || train.length - trainChurned < minPerClass)
    throw unprocessable(
      `too little history to train a churn model: ${trainChurned} churned and ${train.length - trainChurned} retained training examples (need ${minPerClass} of each)`,
      [
        { problem: `churned training examples: ${trainChurned} (need ${minPerClass})`, value: trainChurned },
        { problem: `retained training examples: ${train.length - trainChurned} (need ${minPerClass})`, value: train.length - trainChurned },
        { problem: `label: ${mode}${staticLabels ? ' (status, no dates)' : ''}, window ${W} days` },
      ],
    );
  if (test.length === 0 || cal.length === 0)
    throw unprocessable(`too little history to evaluate a churn model: ${cal.length} calibration and ${test.length} test examples`);

  progress('features', 0.2, `${train.length} training examples`);
  const trainRows = train.map((e) => e.row);
  const spec = inferFeatureSpec(trainRows);
  const keepNumeric = informative(trainRows, spec.numeric);
  const keepCategorical = informative(trainRows, spec.categorical);
  const logSet = new Set(LOG_FEATURES);
  const encoder = new FeatureEncoder({
    numeric: keepNumeric,
    categorical: keepCategorical,
    log: keepNumeric.filter((n) => logSet.has(n)),
    minCategoryCount: Math.max(3, Math.min(10, Math.floor(train.length / 200))),
    maxCategories: 30,
  }).fit(trainRows);
  const X = encoder.transform(trainRows);
  const y = train.map((e) => e.y);

  progress('fit', 0.4, options.algorithm ?? 'logistic');
  const Xcal = encoder.transform(cal.map((e) => e.row));
  const yCal = cal.map((e) => e.y);
  let clf: BinaryClassifier;
  let rawCal: Float64Array;
  let chosenL2: number | null = null;
  if (options.algorithm === 'mlp') {
    // Required lazily: the MLP pulls in TensorFlow.js, which logistic-only runs never need.
    const { MlpClassifier } = require('../../ml/mlp') as typeof import('../../ml/mlp');
    clf = await new MlpClassifier({ seed: options.seed }).fit(X, y);
    rawCal = clf.predictProba(Xcal);
  } else {
    // The L2 strength is chosen on the calibration slice (lowest log loss) from a small grid, unless given:
    // a wide CRM table with few churners needs far more shrinkage than a narrow one with many.
    const grid = options.l2 !== undefined ? [options.l2] : [0.3, 1, 3, 10, 30, 100];
    let best: { m: LogisticRegression; p: Float64Array; ll: number; l2: number } | null = null;
    for (const l2 of grid) {
      const m = await new LogisticRegression({ l2 }).fit(X, y);
      const p = m.predictProba(Xcal);
      const ll = evaluateClassifier(p, yCal).logLoss;
      if (!best || ll < best.ll) best = { m, p, ll, l2 };
    }
    clf = best!.m;
    rawCal = best!.p;
    chosenL2 = best!.l2;
  }

  progress('calibrate', 0.7);
  const calibrator = fitCalibrator(
    rawCal,
    cal.map((e) => e.y),
    'auto',
  );

  const artifact: ChurnModelArtifact = {
    format: 'salescast.churn',
    formatVersion: CHURN_ARTIFACT_FORMAT,
    featureVersion: CUSTOMER_FEATURE_VERSION,
    labelMode: mode,
    staticLabels,
    windowDays: W,
    evaluation: staticLabels ? 'stratified-split' : 'time-split',
    asOf: new Date(asOf).toISOString(),
    classifier: clf.toArtifact(),
    encoder: encoder.toJSON(),
    calibrator: calibrator.toJSON(),
    explanation: {
      retainedMedians: medians(
        train.filter((e) => e.y === 0).map((e) => e.row),
        keepNumeric,
      ),
    },
  };
  const scorer = new ChurnScorer(artifact);

  progress('evaluate', 0.85);
  const yTest = test.map((e) => e.y);
  const pTest = test.map((e) => scorer.probability(e.row));
  const testMetrics = { ...evaluateClassifier(pTest, yTest), topDecileLift: topDecileLift(pTest, yTest) };
  // Recency-only baseline: logistic regression on log(1 + days since the last order), when orders
  // exist; otherwise the training churn rate for everyone.
  let baseline: ClassifierMetrics & { kind: string };
  if (keepNumeric.includes('daysSinceLastOrder')) {
    const benc = new FeatureEncoder({ numeric: ['daysSinceLastOrder'], categorical: [], log: ['daysSinceLastOrder'] }).fit(trainRows);
    const b = await new LogisticRegression({ l2: 1 }).fit(benc.transform(trainRows), y);
    baseline = {
      kind: 'recency only (logistic on log days since last order)',
      ...evaluateClassifier(b.predictProba(benc.transform(test.map((e) => e.row))), yTest),
    };
  } else {
    const rate = trainChurned / train.length;
    baseline = {
      kind: 'training churn rate for everyone (no order history for a recency baseline)',
      ...evaluateClassifier(new Float64Array(test.length).fill(rate), yTest),
    };
  }
  const allDates = histories.flatMap((h) => [h.acquiredAt ?? Infinity, h.orders?.[0]?.at ?? Infinity]).filter(Number.isFinite);
  return {
    artifact,
    scorer,
    metrics: {
      evaluation: artifact.evaluation,
      evaluationNote,
      labelMode: mode,
      windowDays: W,
      test: testMetrics,
      baseline,
      liftOverBaseline: liftOver(testMetrics, baseline),
      calibration: { method: calibrator.method, rows: cal.length },
      l2: chosenL2,
      features: {
        numeric: keepNumeric.length,
        categorical: keepCategorical.length,
        encodedColumns: encoder.width,
        names: [...keepNumeric, ...keepCategorical],
      },
    },
    data: {
      train: train.length,
      calibration: cal.length,
      test: test.length,
      trainChurned,
      snapshots,
      dataFrom: allDates.length ? new Date(Math.min(...allDates)) : null,
      dataTo: new Date(asOf),
    },
    testSet: test,
    trainSet: train,
    calibrationSet: cal,
  };
}
