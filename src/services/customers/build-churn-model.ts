// Builds a churn model from customer histories (no database access; train-churn-model.ts does the
// I/O), in named steps:
// 1. labelled examples, each with an order key: its observation date when the data has dates, else
//    a fixed id order (external ids, numeric-aware), e.g. the telco table;
// 2. the latest part held out (the last observation dates / the last 20% of ids), untouched until
//    the end;
// 3. on the training window only: the generic encoder over whatever columns the data has, the
//    leakage screen, and model selection by ordered cross-validation with cross-fitted calibration,
//    refitted on the whole window (ml/model-selection.ts, shared with the deal-win model);
// 4. evaluation on the held-out rows THROUGH THE SERVING PATH (ChurnScorer.score, what the API
//    answers), next to a recency-only baseline.
import { unprocessable } from '../../errors';
import { timeHoldout, timeOrderedFolds, type Fold } from '../../ml/cross-validation';
import type { CalibratedClassifier } from '../../ml/calibrated-classifier';
import { FeatureEncoder, inferFeatureSpec, type RawRow } from '../../ml/feature-encoder';
import { leakageVerdict, screenFeatures, type LeakageReport } from '../../ml/leakage';
import { LogisticRegression } from '../../ml/logistic-regression';
import { evaluateClassifier, liftOver, topDecileLift, type ClassifierMetrics } from '../../ml/metrics';
import { L2_GRID, selectModel, type CandidateConfig, type SelectionReport } from '../../ml/model-selection';
import { clipProbability, PROBABILITY_EPSILON } from '../../ml/probability';
import {
  CUSTOMER_FEATURE_VERSION,
  LOG_FEATURES,
  churnLabel,
  customerFeatures,
  type ChurnLabelMode,
  type CustomerHistory,
} from '../../domain/features/customer-features';
import { DAY_MS } from '../../math/time';
import { CHURN_ARTIFACT_FORMAT, CHURN_ARTIFACT_KIND, ChurnScorer, type ChurnModelArtifact } from './churn-scorer';

export type ChurnAlgorithm = 'logistic' | 'mlp';

export interface BuildChurnOptions {
  asOf: Date;
  /** 'auto': status labels when any account is churned, else "no purchase within the window". */
  label?: ChurnLabelMode | 'auto';
  windowDays?: number;
  /** Days between observation dates (time-aware mode, default 30). */
  stepDays?: number;
  /** Observation dates in the held-out test slice (default 3). */
  sliceDates?: number;
  /** Most training observation dates (default 15). */
  trainingDates?: number;
  algorithm?: ChurnAlgorithm;
  seed: number;
  /** Fewest churned and fewest retained training examples (default 20 each). */
  minPerClass?: number;
  /** Fixes the L2 penalty; otherwise it is chosen from L2_GRID by cross-validation. */
  l2?: number;
  /** Validation blocks of the ordered cross-validation (default 4). */
  folds?: number;
  onProgress?: (stage: string, fraction: number, message?: string) => void;
}

export interface Example {
  accountId: number;
  asOf: number;
  row: RawRow;
  y: 0 | 1;
  /** Order key: observation date, or the rank in external-id order (undated labels). */
  key: number;
  /** When the label became known (end of the churn window); undated: the key. */
  knownAt: number;
}

type ChurnMetrics = ClassifierMetrics & { topDecileLift: number | null; atClipWalls: number };

export interface BuiltChurnModel {
  artifact: ChurnModelArtifact;
  scorer: ChurnScorer;
  metrics: {
    evaluation: 'time-split' | 'id-split';
    evaluationNote: string;
    labelMode: ChurnLabelMode;
    windowDays: number;
    /** The candidate on the held-out rows, scored through ChurnScorer.score (the API's path). */
    test: ChurnMetrics;
    baseline: ChurnMetrics & { kind: string };
    liftOverBaseline: ReturnType<typeof liftOver>;
    selection: SelectionReport;
    leakage: LeakageReport;
    features: { numeric: number; categorical: number; encodedColumns: number; names: string[] };
  };
  data: {
    train: number;
    test: number;
    trainChurned: number;
    snapshots: string[];
    dataFrom: Date | null;
    dataTo: Date;
  };
  /** Held-out rows with the candidate's and the baseline's served probabilities. */
  testSet: Example[];
  testP: Float64Array;
  baselineP: Float64Array;
  /** Training rows (benchmarks fit other libraries on exactly the same split). */
  trainSet: Example[];
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

interface Split {
  train: Example[];
  test: Example[];
  snapshots: string[];
  note: string;
  folds: (train: Example[]) => Fold[];
}

const ID_ORDER = new Intl.Collator('en', { numeric: true });

/** Undated labels: one example per account; the last 20% in external-id order are held out. */
function idOrderedSplit(histories: CustomerHistory[], asOf: number, nFolds: number): Split {
  const labelled = histories
    .filter((h) => h.status === 'churned' || h.status === 'active')
    .sort((a, b) => ID_ORDER.compare(a.externalId ?? '', b.externalId ?? '') || a.accountId - b.accountId);
  const all: Example[] = labelled.map((h, rank) => ({
    accountId: h.accountId,
    asOf,
    row: customerFeatures(h, asOf),
    y: h.status === 'churned' ? 1 : 0,
    key: rank,
    knownAt: rank,
  }));
  const { train, test } = timeHoldout(
    all.map((e) => e.key),
    0.2,
  );
  return {
    train: Array.from(train, (i) => all[i]),
    test: Array.from(test, (i) => all[i]),
    snapshots: [new Date(asOf).toISOString()],
    note: 'fixed id split: the accounts carry no churn dates, so the last 20% of accounts in external-id order are held out and cross-validation folds follow the same order; metrics describe customers like these, not future periods',
    folds: (tr) =>
      timeOrderedFolds(
        tr.map((e) => e.key),
        { folds: nFolds },
      ),
  };
}

/**
 * Dated labels, observation dates every `stepDays`: the test slice is the latest `sliceDates`
 * dates (their label windows end at asOf at the latest); training uses earlier dates whose label
 * windows end before the first test date. Folds train only on labels known when they validate.
 */
function timeOrderedSplit(histories: CustomerHistory[], asOf: number, W: number, mode: ChurnLabelMode, o: BuildChurnOptions): Split {
  const step = (o.stepDays ?? 30) * DAY_MS;
  const n = o.sliceDates ?? 3;
  const make = (t: number): Example[] =>
    histories.flatMap((h) => {
      const y = churnLabel(h, t, W, mode);
      return y === null ? [] : [{ accountId: h.accountId, asOf: t, row: customerFeatures(h, t), y, key: t, knownAt: t + W * DAY_MS }];
    });
  const testDates = Array.from({ length: n }, (_, k) => asOf - W * DAY_MS - (n - 1 - k) * step);
  const chunks: Example[][] = [];
  const trainDates: number[] = [];
  for (let k = 0, t = testDates[0] - W * DAY_MS; k < (o.trainingDates ?? 15); k++, t -= step) {
    const ex = make(t);
    if (ex.length === 0) break;
    chunks.unshift(ex);
    trainDates.unshift(t);
  }
  const train = chunks.flat();
  const test = testDates.flatMap(make);
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  const range = (ts: number[]) => (ts.length ? `${iso(ts[0])}..${iso(ts[ts.length - 1])}` : '(none)');
  return {
    train,
    test,
    snapshots: [...trainDates, ...testDates].map((t) => new Date(t).toISOString()),
    note: `time split with ${W}-day churn windows: trained and cross-validated on observation dates ${range(trainDates)}, tested on ${range(testDates)} (labels up to ${iso(asOf)})`,
    folds: (tr) =>
      timeOrderedFolds(
        tr.map((e) => e.key),
        { folds: o.folds ?? 4, knownAt: tr.map((e) => e.knownAt) },
      ),
  };
}

function checkEnough(split: Split, minPerClass: number, mode: ChurnLabelMode, staticLabels: boolean, W: number): number {
  const churned = split.train.filter((e) => e.y === 1).length;
  const retained = split.train.length - churned;
  if (churned < minPerClass || retained < minPerClass)
    throw unprocessable(
      `too little history to train a churn model: ${churned} churned and ${retained} retained training examples (need ${minPerClass} of each)`,
      [
        { problem: `churned training examples: ${churned} (need ${minPerClass})`, value: churned },
        { problem: `retained training examples: ${retained} (need ${minPerClass})`, value: retained },
        { problem: `label: ${mode}${staticLabels ? ' (status, no dates)' : ''}, window ${W} days` },
      ],
    );
  const testChurned = split.test.filter((e) => e.y === 1).length;
  if (split.test.length === 0 || testChurned === 0 || testChurned === split.test.length)
    throw unprocessable(`too little history to evaluate a churn model: ${split.test.length} test examples, ${testChurned} churned`);
  return churned;
}

/**
 * Numeric columns whose scale the code does not know (custom attributes such as a tenure in months
 * or monthly charges): non-negative, more than two distinct values, not logged already. Each also
 * gets a log1p column (feature-encoder.ts, "log companions"), so the linear model can bend. Chosen
 * by the ordered cross-validation of model selection on the telco table: out-of-fold log loss
 * 0.426 -> 0.415 on each of 11 id-hash splits of its training window (docs/customers.md).
 */
function logCompanions(rows: RawRow[], numeric: string[], logged: Set<string>): string[] {
  return numeric.filter((n) => {
    if (logged.has(n)) return false;
    const seen = new Set<number>();
    for (const r of rows) {
      const v = r[n];
      if (typeof v !== 'number' && typeof v !== 'string') continue;
      if (v === '') continue;
      const x = Number(v);
      if (!Number.isFinite(x)) continue;
      if (x < 0) return false;
      if (seen.size < 3) seen.add(x);
    }
    return seen.size > 2;
  });
}

function fitEncoder(trainRows: RawRow[]): { encoder: FeatureEncoder; numeric: string[]; categorical: string[] } {
  const spec = inferFeatureSpec(trainRows);
  const numeric = informative(trainRows, spec.numeric);
  const categorical = informative(trainRows, spec.categorical);
  const logSet = new Set<string>(LOG_FEATURES);
  const encoder = new FeatureEncoder({
    numeric,
    categorical,
    log: numeric.filter((n) => logSet.has(n)),
    logCompanion: logCompanions(trainRows, numeric, logSet),
    minCategoryCount: Math.max(3, Math.min(10, Math.floor(trainRows.length / 200))),
    maxCategories: 30,
  }).fit(trainRows);
  return { encoder, numeric, categorical };
}

function churnMetrics(p: ArrayLike<number>, y: ArrayLike<number>): ChurnMetrics {
  let atClipWalls = 0;
  for (let i = 0; i < p.length; i++) if (p[i] <= PROBABILITY_EPSILON || p[i] >= 1 - PROBABILITY_EPSILON) atClipWalls++;
  return { ...evaluateClassifier(p, y), topDecileLift: topDecileLift(p, y), atClipWalls };
}

/**
 * Recency-only baseline: logistic regression on log(1 + days since the last order) when orders
 * exist, else the training churn rate for everyone (clipped like every served probability).
 */
async function recencyBaseline(train: Example[], test: Example[], numeric: string[]): Promise<{ kind: string; p: Float64Array }> {
  const y = train.map((e) => e.y);
  if (numeric.includes('daysSinceLastOrder')) {
    const rows = train.map((e) => e.row);
    const enc = new FeatureEncoder({ numeric: ['daysSinceLastOrder'], categorical: [], log: ['daysSinceLastOrder'] }).fit(rows);
    const b = await new LogisticRegression({ l2: 1 }).fit(enc.transform(rows), y);
    const p = b.predictProba(enc.transform(test.map((e) => e.row))).map(clipProbability);
    return { kind: 'recency only (logistic on log days since last order)', p };
  }
  const rate = y.reduce((s: number, v) => s + v, 0) / y.length;
  return {
    kind: 'training churn rate for everyone (no order history for a recency baseline)',
    p: new Float64Array(test.length).fill(clipProbability(rate)),
  };
}

function candidatesOf(options: BuildChurnOptions): CandidateConfig[] {
  if (options.algorithm === 'mlp') return [{ algorithm: 'mlp', params: { seed: options.seed } }];
  return (options.l2 !== undefined ? [options.l2] : L2_GRID).map((l2) => ({ algorithm: 'logistic', params: { l2 } }));
}

interface LabelInfo {
  mode: ChurnLabelMode;
  staticLabels: boolean;
  W: number;
  asOf: number;
}

function churnArtifact(
  l: LabelInfo,
  encoder: FeatureEncoder,
  model: CalibratedClassifier,
  train: Example[],
  numeric: string[],
): ChurnModelArtifact {
  return {
    kind: CHURN_ARTIFACT_KIND,
    formatVersion: CHURN_ARTIFACT_FORMAT,
    featureVersion: CUSTOMER_FEATURE_VERSION,
    labelMode: l.mode,
    staticLabels: l.staticLabels,
    windowDays: l.W,
    evaluation: l.staticLabels ? 'id-split' : 'time-split',
    asOf: new Date(l.asOf).toISOString(),
    encoder: encoder.toArtifact(),
    model: model.toArtifact(),
    explanation: {
      retainedMedians: medians(
        train.filter((e) => e.y === 0).map((e) => e.row),
        numeric,
      ),
    },
  };
}

export async function buildChurnModel(histories: CustomerHistory[], options: BuildChurnOptions): Promise<BuiltChurnModel> {
  const W = options.windowDays ?? 90;
  if (!(W >= 1)) throw unprocessable('the churn window must be at least one day');
  const asOf = options.asOf.getTime();
  const { mode, staticLabels } = chooseMode(histories, options.label ?? 'auto');
  const progress = options.onProgress ?? (() => undefined);
  const split = staticLabels ? idOrderedSplit(histories, asOf, options.folds ?? 4) : timeOrderedSplit(histories, asOf, W, mode, options);
  const trainChurned = checkEnough(split, options.minPerClass ?? 20, mode, staticLabels, W);
  const { train, test } = split;

  progress('features', 0.2, `${train.length} training examples`);
  const trainRows = train.map((e) => e.row);
  const y = train.map((e) => e.y);
  const { encoder, numeric, categorical } = fitEncoder(trainRows);
  const screen = screenFeatures(
    trainRows,
    y,
    train.map((e) => e.key),
    { numeric, categorical },
  );
  const { model, report: selection } = await selectModel(encoder.transform(trainRows), y, {
    candidates: candidatesOf(options),
    folds: split.folds(train),
    onProgress: (stage, f, m) => progress(stage, 0.3 + 0.5 * f, m),
  });

  const artifact = churnArtifact({ mode, staticLabels, W, asOf }, encoder, model, train, numeric);
  const scorer = new ChurnScorer(artifact);

  progress('evaluate', 0.85, `scoring ${test.length} held-out rows through the serving path`);
  const yTest = test.map((e) => e.y);
  const testP = Float64Array.from(test, (e) => scorer.score(e.row).churnProbability);
  const testMetrics = churnMetrics(testP, yTest);
  const base = await recencyBaseline(train, test, numeric);
  const baseline = { kind: base.kind, ...churnMetrics(base.p, yTest) };
  const allDates = histories.flatMap((h) => [h.acquiredAt ?? Infinity, h.orders?.[0]?.at ?? Infinity]).filter(Number.isFinite);
  return {
    artifact,
    scorer,
    metrics: {
      evaluation: artifact.evaluation,
      evaluationNote: split.note,
      labelMode: mode,
      windowDays: W,
      test: testMetrics,
      baseline,
      liftOverBaseline: liftOver(testMetrics, baseline),
      selection,
      leakage: leakageVerdict(screen, testMetrics.auc),
      features: {
        numeric: numeric.length,
        categorical: categorical.length,
        encodedColumns: encoder.width,
        names: [...numeric, ...categorical],
      },
    },
    data: {
      train: train.length,
      test: test.length,
      trainChurned,
      snapshots: split.snapshots,
      dataFrom: allDates.length ? new Date(allDates.reduce((a, b) => Math.min(a, b), Infinity)) : null,
      dataTo: new Date(asOf),
    },
    testSet: test,
    testP,
    baselineP: base.p,
    trainSet: train,
  };
}
