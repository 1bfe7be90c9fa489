// Training the deal-win model from deals in memory (no I/O), in named steps:
// 1. label: closed deals (and, with lostAfterDays, idle open deals counted as lost);
// 2. examples: point-in-time snapshots and their feature rows;
// 3. hold out the latest snapshots (by the time each snapshot is split by, one deal on one side);
// 4. on the training window only: encoder, leakage screen, stage baseline, and model selection by
//    time-ordered cross-validation with cross-fitted calibration, refitted on the whole window
//    (ml/model-selection.ts, shared with churn);
// 5. evaluate on the held-out snapshots THROUGH THE SERVING PATH (WinScorer.score, what the HTTP
//    API answers), for the model and for its baseline.
// services/win/train-win-model.ts adds the database, the registry and the promotion rule.
import { AppError } from '../../errors';
import { GroupRateBaseline } from '../../ml/baseline';
import { timeHoldout, timeOrderedFolds } from '../../ml/cross-validation';
import { FeatureEncoder, type RawRow, toCategory } from '../../ml/feature-encoder';
import { leakageVerdict, screenFeatures, type LeakageReport } from '../../ml/leakage';
import { evaluateClassifier, liftOver, topDecileLift, type ClassifierMetrics } from '../../ml/metrics';
import { L2_GRID, selectModel, type CandidateConfig, type SelectionReport } from '../../ml/model-selection';
import type { MlpParams } from '../../ml/mlp';
import type { LogisticRegressionParams } from '../../ml/logistic-regression';
import { PROBABILITY_EPSILON } from '../../ml/probability';
import { createRng } from '../../math/random';
import type { Deal } from '../../domain/deal-timeline/deal';
import { discoverAttributes } from '../../domain/features/deal-attributes';
import { dealBaseSchema, dealFeatures, dealFeatureSpec } from '../../domain/features/deal-features';
import { snapshotMoments, type DealSnapshotMoment } from '../../domain/features/deal-examples';
import { DealHistory, historyKeys } from '../../domain/features/deal-history';
import { DAY_MS } from '../../math/time';
import { explanationContext, fitTiming, timingMetrics, type TimingMetrics } from './win-model-context';
import { WIN_ARTIFACT_FORMAT, WIN_ARTIFACT_KIND, WinScorer, type WinModelArtifact } from './win-scorer';

export { buildBaselineScorer } from './win-model-context';

export type WinAlgorithm = 'logistic' | 'mlp';

export interface BuildWinModelOptions {
  asOf: Date;
  seed: number;
  minWon: number;
  minLost: number;
  /** Candidate algorithms (default both); time-ordered cross-validation picks one. */
  algorithms?: WinAlgorithm[];
  onProgress?: (stage: string, fraction: number, message?: string) => void;
  mlp?: MlpParams;
  /** `l2` fixes the penalty; otherwise it is chosen from L2_GRID by cross-validation. */
  logistic?: LogisticRegressionParams;
  maxSnapshotsPerDeal?: number;
  /** Validation blocks of the time-ordered cross-validation (default 4). */
  folds?: number;
  /**
   * Lead funnels often never mark a lead as lost: with this, a deal still open `lostAfterDays`
   * after its last recorded change (stage change, activity or creation) counts as lost on that
   * day, for training (model and baseline alike).
   */
  lostAfterDays?: number;
}

/** Open deals idle for more than `days` before asOf are treated as lost at last change + days. */
export function treatStaleAsLost(deals: Deal[], asOf: number, days?: number): Deal[] {
  if (!days) return deals;
  return deals.map((d) => {
    if ((d.outcome ?? 'open') !== 'open') return d;
    let last = d.createdAt;
    for (const c of d.stageChanges ?? []) if (c.at > last && c.at <= asOf) last = c.at;
    for (const a of d.activities ?? []) if (a.at > last && a.at <= asOf) last = a.at;
    const lostAt = last + days * DAY_MS;
    return lostAt <= asOf ? { ...d, outcome: 'lost' as const, closedAt: lostAt } : d;
  });
}

export interface SliceMetrics extends ClassifierMetrics {
  topDecileLift: number | null;
  /** Served probabilities at the clip walls [eps, 1 - eps] (ml/probability.ts). */
  atClipWalls: number;
}

export interface BuiltWinModel {
  artifact: WinModelArtifact;
  scorer: WinScorer;
  algorithm: string;
  metrics: {
    /** The candidate on the held-out snapshots, scored through WinScorer.score (the API's path). */
    test: SliceMetrics;
    /** The stage baseline trained with it, on the same snapshots and the same path. */
    baselineTest: SliceMetrics;
    liftOverBaseline: ReturnType<typeof liftOver>;
    /**
     * The same held-out snapshots split by kind: at the deal's creation (what a CRM frontend asks
     * about a new deal) and later in its life. Null when a kind has one outcome only.
     */
    testByKind: {
      creation: { model: SliceMetrics; baseline: SliceMetrics } | null;
      open: { model: SliceMetrics; baseline: SliceMetrics } | null;
    };
    selection: SelectionReport;
    leakage: LeakageReport;
    timing: TimingMetrics;
    servedThrough: string;
  };
  data: {
    closedDeals: number;
    won: number;
    lost: number;
    examples: { train: number; test: number };
    window: { from: string; to: string; testFrom: string };
    features: number;
    encodedColumns: number;
    /** Custom attributes left out by the attribute leak check, with the reason. */
    excludedAttributes: { key: string; reason: string }[];
    /**
     * Categorical features with more distinct values in the training window than columns (the
     * rarer ones share the "other" column): how a high-cardinality field (landing page, campaign,
     * lead source) was encoded, so a user can see what the model could tell apart.
     */
    lumpedCategoricals: LumpedCategorical[];
    /** Open deals counted as lost because they were idle (lostAfterDays). */
    staleCountedAsLost: number;
    lostAfterDays: number | null;
  };
  /** Closed-deal history as of each moment (for scoring other models on the same snapshots). */
  history: DealHistory;
  /** Held-out snapshots, labels, served probabilities, and the deal of each (bootstrap clusters). */
  testSet: { deals: Deal[]; moments: DealSnapshotMoment[]; y: number[]; p: Float64Array; pBaseline: Float64Array; groups: number[] };
}

export interface LumpedCategorical {
  feature: string;
  /** Distinct values among the training snapshots that carried one. */
  values: number;
  /** Values with a column of their own (seen at least minCategoryCount times, the most frequent maxCategories). */
  columns: number;
  /** Share of those snapshots whose value went to "other". */
  otherShare: number;
}

/** The categorical features whose rarer values the encoder put together in "other". */
export function lumpedCategoricals(encoder: FeatureEncoder, rows: RawRow[]): LumpedCategorical[] {
  const out: LumpedCategorical[] = [];
  for (const c of encoder.toArtifact().categorical) {
    if (!c.otherCount) continue;
    const values = new Set<string>();
    for (const r of rows) {
      const v = r[c.name];
      if (typeof v !== 'symbol') values.add(toCategory(v));
    }
    out.push({ feature: c.name, values: values.size, columns: c.categories.length, otherShare: c.otherShare ?? 0 });
  }
  return out;
}

/** Metrics of served probabilities p against labels y. */
export function sliceMetrics(p: ArrayLike<number>, y: ArrayLike<number>): SliceMetrics {
  let atClipWalls = 0;
  for (let i = 0; i < p.length; i++) if (p[i] <= PROBABILITY_EPSILON || p[i] >= 1 - PROBABILITY_EPSILON) atClipWalls++;
  return { ...evaluateClassifier(p, y), topDecileLift: topDecileLift(p, y), atClipWalls };
}

/** The time a snapshot is ordered and split by (deal-examples.ts: its deal's creation). */
export function splitTimeOf(m: DealSnapshotMoment): number {
  return m.splitAt;
}

function notEnoughDeals(won: number, lost: number, options: BuildWinModelOptions): AppError {
  const day = options.asOf.toISOString().slice(0, 10);
  const details = [];
  if (won < options.minWon)
    details.push({
      path: ['won'],
      value: won,
      problem: `needs at least ${options.minWon} won deals closed by ${day}, found ${won} (${options.minWon - won} more)`,
    });
  if (lost < options.minLost)
    details.push({
      path: ['lost'],
      value: lost,
      problem: `needs at least ${options.minLost} lost deals closed by ${day}, found ${lost} (${options.minLost - lost} more)`,
    });
  return new AppError(
    'UNPROCESSABLE',
    `Not enough closed deals to train the deal-win model: ${won} won and ${lost} lost, at least ${options.minWon} won and ${options.minLost} lost are needed (MIN_WON_DEALS / MIN_LOST_DEALS). Scores fall back to the stage baseline until then.`,
    details,
  );
}

/** Step 1: the closed deals training learns from, with idle open deals counted as lost if asked. */
function labelDeals(allDeals: Deal[], options: BuildWinModelOptions) {
  const asOf = options.asOf.getTime();
  const original = new Set(allDeals);
  const closed = treatStaleAsLost(allDeals, asOf, options.lostAfterDays).filter(
    (d) => d.closedAt != null && d.closedAt <= asOf && (d.outcome === 'won' || d.outcome === 'lost'),
  );
  const won = closed.filter((d) => d.outcome === 'won').length;
  const lost = closed.length - won;
  if (won < options.minWon || lost < options.minLost) throw notEnoughDeals(won, lost, options);
  const stale = options.lostAfterDays ? closed.filter((d) => !original.has(d)).length : 0;
  return { closed, won, lost, stale };
}

interface Slice {
  moments: DealSnapshotMoment[];
  rows: RawRow[];
  y: number[];
}

/** Steps 2-3: snapshots, feature rows, and the held-out latest part. */
function examplesAndHoldout(closed: Deal[], history: DealHistory, options: BuildWinModelOptions) {
  const attributes = discoverAttributes(closed);
  const moments = snapshotMoments(closed, createRng(options.seed, 'mulberry32'), {
    perDeal: options.maxSnapshotsPerDeal,
    asOf: options.asOf.getTime(),
  });
  // 15% held out (20% under 2,000 closed deals, so the test slice still holds both outcomes).
  const testFraction = closed.length < 2000 ? 0.2 : 0.15;
  const split = timeHoldout(
    moments.map(splitTimeOf),
    testFraction,
    moments.map((m) => m.dealIndex),
  );
  const slice = (idx: Uint32Array, name: string): Slice => {
    const ms = Array.from(idx, (i) => moments[i]);
    const y = ms.map((m) => m.won as number);
    const pos = y.reduce((s, v) => s + v, 0);
    if (pos === 0 || pos === y.length)
      throw new AppError(
        'UNPROCESSABLE',
        `The ${name} slice has deals of only one outcome (${y.length} snapshots, ${pos} won); more closed deals of both outcomes are needed over time`,
      );
    return { moments: ms, rows: ms.map((m) => dealFeatures(m.deal, m.at, history, attributes)), y };
  };
  return { attributes, moments, train: slice(split.train, 'training'), test: slice(split.test, 'test'), testFrom: split.testFrom };
}

function candidatesOf(options: BuildWinModelOptions): CandidateConfig[] {
  const out: CandidateConfig[] = [];
  for (const algorithm of options.algorithms ?? ['logistic', 'mlp']) {
    if (algorithm === 'logistic') {
      const grid = options.logistic?.l2 !== undefined ? [options.logistic.l2] : L2_GRID;
      for (const l2 of grid) out.push({ algorithm, params: { ...options.logistic, l2 } });
    } else out.push({ algorithm, params: { seed: options.seed, ...options.mlp } });
  }
  if (out.length === 0) throw new AppError('INVALID_INPUT', 'no algorithm to train');
  return out;
}

/** Model and baseline metrics on the held-out snapshots of one kind (null without both outcomes). */
function kindMetrics(test: Slice, p: Float64Array, pBaseline: Float64Array, kind: 'creation' | 'open') {
  const idx = test.moments.flatMap((m, i) => (m.kind === kind ? [i] : []));
  const y = idx.map((i) => test.y[i]);
  const pos = y.reduce((a, b) => a + b, 0);
  if (pos === 0 || pos === y.length) return null;
  const pick = (v: Float64Array) => Float64Array.from(idx, (i) => v[i]);
  return { model: sliceMetrics(pick(p), y), baseline: sliceMetrics(pick(pBaseline), y) };
}

/** 1 / (snapshots of its deal) for each snapshot: every deal weighs one in the stage baseline. */
export function perDealWeights(moments: DealSnapshotMoment[]): Float64Array {
  const count = new Map<number, number>();
  for (const m of moments) count.set(m.dealIndex, (count.get(m.dealIndex) ?? 0) + 1);
  return Float64Array.from(moments, (m) => 1 / count.get(m.dealIndex)!);
}

/** Step 5: the held-out snapshots scored as the API scores them. */
function served(scorer: WinScorer, moments: DealSnapshotMoment[]): Float64Array {
  return Float64Array.from(moments, (m) => scorer.servedProbability(m.deal, m.at));
}

export async function buildWinModel(allDeals: Deal[], options: BuildWinModelOptions): Promise<BuiltWinModel> {
  const asOf = options.asOf.getTime();
  const progress = options.onProgress ?? (() => undefined);
  const { closed, won, lost, stale } = labelDeals(allDeals, options);
  progress('features', 0, 'building point-in-time snapshots');
  const history = new DealHistory(closed.map((d) => ({ closedAt: d.closedAt!, won: d.outcome === 'won', keys: historyKeys(d) })));
  const { attributes, moments, train, test, testFrom } = examplesAndHoldout(closed, history, options);
  progress('features', 1, `${moments.length.toLocaleString('en-US')} snapshots of ${closed.length.toLocaleString('en-US')} closed deals`);

  const spec = dealFeatureSpec(attributes);
  const encoder = new FeatureEncoder(spec).fit(train.rows);
  const trainKeys = train.moments.map(splitTimeOf);
  const screen = screenFeatures(train.rows, train.y, trainKeys, spec);
  const stageOf = (r: RawRow) => (r.stage == null ? '(unknown)' : String(r.stage));
  const baseline = new GroupRateBaseline().fit(train.rows.map(stageOf), train.y, perDealWeights(train.moments));
  const folds = timeOrderedFolds(trainKeys, { folds: options.folds ?? 4, groups: train.moments.map((m) => m.dealIndex) });
  const { model, report: selection } = await selectModel(encoder.transform(train.rows), train.y, {
    candidates: candidatesOf(options),
    folds,
    onProgress: progress,
  });

  const timing = fitTiming(train.moments);
  const trainDeals = new Set(train.moments.map((m) => m.deal));
  const artifact: WinModelArtifact = {
    kind: WIN_ARTIFACT_KIND,
    formatVersion: WIN_ARTIFACT_FORMAT,
    baseSchema: dealBaseSchema(),
    attributes,
    encoder: encoder.toArtifact(),
    model: model.toArtifact(),
    baseline: baseline.toArtifact(),
    ...(options.lostAfterDays ? { lostAfterDays: options.lostAfterDays } : {}),
    timing: timing.toJSON(),
    history: history.freeze(asOf + 1),
    explain: explanationContext([...trainDeals], train.rows, train.y, baseline),
    asOf: options.asOf.toISOString(),
    seed: options.seed,
  };
  const scorer = new WinScorer(artifact, { history });
  progress('evaluate', 0, `scoring ${test.moments.length} held-out snapshots through the serving path`);
  const p = served(scorer, test.moments);
  const pBaseline = served(scorer.baselineScorer('baseline of this training run'), test.moments);
  const testMetrics = sliceMetrics(p, test.y);
  const baselineTest = sliceMetrics(pBaseline, test.y);
  return {
    artifact,
    scorer,
    algorithm: model.algorithm,
    metrics: {
      test: testMetrics,
      baselineTest,
      liftOverBaseline: liftOver(testMetrics, baselineTest),
      testByKind: { creation: kindMetrics(test, p, pBaseline, 'creation'), open: kindMetrics(test, p, pBaseline, 'open') },
      selection,
      leakage: leakageVerdict(screen, testMetrics.auc),
      timing: timingMetrics(timing, test.moments),
      servedThrough: 'WinScorer.score: the feature row, encoding, classifier, calibrator and clip of POST /v1/deals/score',
    },
    data: {
      closedDeals: closed.length,
      won,
      lost,
      examples: { train: train.moments.length, test: test.moments.length },
      window: {
        from: new Date(trainKeys.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY)).toISOString(),
        to: options.asOf.toISOString(),
        testFrom: new Date(testFrom).toISOString(),
      },
      features: spec.numeric.length + spec.categorical.length,
      encodedColumns: encoder.width,
      excludedAttributes: attributes.excluded ?? [],
      lumpedCategoricals: lumpedCategoricals(encoder, train.rows),
      staleCountedAsLost: stale,
      lostAfterDays: options.lostAfterDays ?? null,
    },
    history,
    testSet: { deals: closed, moments: test.moments, y: test.y, p, pBaseline, groups: test.moments.map((m) => m.dealIndex) },
  };
}

/** Served probabilities of another scorer (e.g. the active model) on the same snapshots. */
export function scoreMoments(scorer: WinScorer, moments: DealSnapshotMoment[]): Float64Array {
  return served(scorer, moments);
}
