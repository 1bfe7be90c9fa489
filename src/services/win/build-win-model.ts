// Training the deal-win model from deals in memory (no I/O): point-in-time snapshots, a time split
// (train on deals closed first, calibrate on the next slice, test on the latest), baseline +
// logistic regression + MLP, selection and calibration on the calibration slice, evaluation on the
// test slice. services/win/train-win-model.ts adds the database, the registry and promotion.
import { AppError } from '../../errors';
import { GroupRateBaseline } from '../../ml/baseline';
import { fitCalibrator, type Calibrator } from '../../ml/calibration';
import type { BinaryClassifier } from '../../ml/estimator';
import { FeatureEncoder, type RawRow } from '../../ml/feature-encoder';
import { LogisticRegression } from '../../ml/logistic-regression';
import { evaluateClassifier, liftOver, logLoss, topDecileLift, type ClassifierMetrics } from '../../ml/metrics';
import { MlpClassifier } from '../../ml/mlp';
import { createRng } from '../../math/random';
import { dealAsOf } from '../../domain/deal-timeline/as-of';
import type { Deal } from '../../domain/deal-timeline/deal';
import { discoverAttributes } from '../../domain/features/deal-attributes';
import { dealBaseSchema, dealFeatures, dealFeatureSpec, DEAL_NUMERIC_FEATURES } from '../../domain/features/deal-features';
import { snapshotMoments, type DealSnapshotMoment } from '../../domain/features/deal-examples';
import { DealHistory, historyKeys } from '../../domain/features/deal-history';
import type { ExplanationContext } from '../../domain/features/deal-explanations';
import { CloseTimingModel } from '../../domain/timing/close-timing';
import { WIN_ARTIFACT_FORMAT, WinScorer, type WinModelArtifact } from './win-scorer';
import { DAY_MS } from '../../math/time';

export type WinAlgorithm = 'logistic' | 'mlp';

export interface BuildWinModelOptions {
  asOf: Date;
  seed: number;
  minWon: number;
  minLost: number;
  /** Train only these algorithms (default both); the best on the calibration slice wins. */
  algorithms?: WinAlgorithm[];
  onProgress?: (stage: string, fraction: number, message?: string) => void;
  mlp?: ConstructorParameters<typeof MlpClassifier>[0];
  logistic?: ConstructorParameters<typeof LogisticRegression>[0];
  maxSnapshotsPerDeal?: number;
  /**
   * Lead funnels often never mark a lead as lost: with this, a deal still open `lostAfterDays`
   * after its last recorded change (stage change, activity or creation) counts as lost on that
   * day, for training only.
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
}

export interface BuiltWinModel {
  artifact: WinModelArtifact;
  scorer: WinScorer;
  algorithm: string;
  metrics: {
    test: SliceMetrics;
    calibration: SliceMetrics;
    baselineTest: SliceMetrics;
    liftOverBaseline: ReturnType<typeof liftOver>;
    candidates: Record<
      string,
      { calibration: SliceMetrics; test: SliceMetrics; fitSeconds: number; params: Record<string, unknown>; calibrationMethod: string }
    >;
    timing: { testWonDeals: number; medianAbsErrorDays: number | null; slipRate: number | null; meanSlipProbability: number | null };
  };
  data: {
    closedDeals: number;
    won: number;
    lost: number;
    examples: { train: number; calibration: number; test: number };
    window: { from: string; to: string; calibrationFrom: string; testFrom: string };
    features: number;
    encodedColumns: number;
    /** Custom attributes left out by the leak guard, with the reason. */
    excludedAttributes: { key: string; reason: string }[];
    /** Open deals counted as lost because they were idle (lostAfterDays). */
    staleCountedAsLost: number;
  };
  /** Closed-deal history as of each moment (for scoring other models on the same snapshots). */
  history: DealHistory;
  /** Test-slice rows and labels, so the active model can be evaluated on exactly the same window. */
  testSet: { deals: Deal[]; moments: DealSnapshotMoment[]; y: number[] };
}

function sliceMetrics(p: ArrayLike<number>, y: number[]): SliceMetrics {
  return { ...evaluateClassifier(p, y), topDecileLift: topDecileLift(p, y) };
}

const quantileTime = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))];

export async function buildWinModel(allDeals: Deal[], options: BuildWinModelOptions): Promise<BuiltWinModel> {
  const asOf = options.asOf.getTime();
  const progress = options.onProgress ?? (() => undefined);
  const original = new Set(allDeals);
  const closed = treatStaleAsLost(allDeals, asOf, options.lostAfterDays).filter(
    (d) => d.closedAt != null && d.closedAt <= asOf && (d.outcome === 'won' || d.outcome === 'lost'),
  );
  const won = closed.filter((d) => d.outcome === 'won').length;
  const lost = closed.length - won;
  if (won < options.minWon || lost < options.minLost) {
    const details = [];
    if (won < options.minWon)
      details.push({
        path: ['won'],
        value: won,
        problem: `needs at least ${options.minWon} won deals closed by ${options.asOf.toISOString().slice(0, 10)}, found ${won} (${options.minWon - won} more)`,
      });
    if (lost < options.minLost)
      details.push({
        path: ['lost'],
        value: lost,
        problem: `needs at least ${options.minLost} lost deals closed by ${options.asOf.toISOString().slice(0, 10)}, found ${lost} (${options.minLost - lost} more)`,
      });
    throw new AppError(
      'UNPROCESSABLE',
      `Not enough closed deals to train the deal-win model: ${won} won and ${lost} lost, at least ${options.minWon} won and ${options.minLost} lost are needed (MIN_WON_DEALS / MIN_LOST_DEALS). Scores fall back to the stage baseline until then.`,
      details,
    );
  }
  progress('features', 0, 'building point-in-time snapshots');
  const rng = createRng(options.seed, 'mulberry32');
  const history = new DealHistory(closed.map((d) => ({ closedAt: d.closedAt!, won: d.outcome === 'won', keys: historyKeys(d) })));
  const attributes = discoverAttributes(closed);
  const moments = snapshotMoments(closed, rng, { perDeal: options.maxSnapshotsPerDeal, asOf });

  // Time split on the snapshots' split time (the deal's creation: deal-examples.ts): 70/15/15
  // (60/20/20 on small histories so that the later slices still hold enough deals of each outcome).
  const closeTimes = [...new Set(moments.map((m) => m.splitAt))].sort((a, b) => a - b);
  const [qa, qb] = closed.length < 2000 ? [0.6, 0.8] : [0.7, 0.85];
  const cut1 = quantileTime(closeTimes, qa);
  const cut2 = quantileTime(closeTimes, qb);
  const slice = (m: DealSnapshotMoment) => (m.splitAt < cut1 ? 0 : m.splitAt < cut2 ? 1 : 2);
  const parts: DealSnapshotMoment[][] = [[], [], []];
  for (const m of moments) parts[slice(m)].push(m);
  const [trainM, calM, testM] = parts;
  for (const [name, part] of [
    ['training', trainM],
    ['calibration', calM],
    ['test', testM],
  ] as const) {
    const pos = part.reduce((s, m) => s + m.won, 0);
    if (pos === 0 || pos === part.length)
      throw new AppError(
        'UNPROCESSABLE',
        `The ${name} time slice has deals of only one outcome (${part.length} snapshots, ${pos} won); more closed deals of both outcomes are needed over time`,
      );
  }
  const rowsOf = (ms: DealSnapshotMoment[]) => ms.map((m) => dealFeatures(m.deal, m.at, history, attributes));
  const trainRows = rowsOf(trainM);
  const calRows = rowsOf(calM);
  const testRows = rowsOf(testM);
  const yTrain = trainM.map((m) => m.won);
  const yCal = calM.map((m) => m.won);
  const yTest = testM.map((m) => m.won);
  progress('features', 1, `${moments.length.toLocaleString('en-US')} snapshots of ${closed.length.toLocaleString('en-US')} closed deals`);

  const spec = dealFeatureSpec(attributes);
  const encoder = new FeatureEncoder(spec).fit(trainRows);
  const Xtrain = encoder.transform(trainRows);
  const Xcal = encoder.transform(calRows);
  const Xtest = encoder.transform(testRows);

  const stageOf = (r: RawRow) => (r.stage == null ? '(unknown)' : String(r.stage));
  const baseline = new GroupRateBaseline().fit(trainRows.map(stageOf), yTrain);
  const baselineTest = sliceMetrics(baseline.predictProba(testRows.map(stageOf)), yTest);

  const algorithms = options.algorithms ?? ['logistic', 'mlp'];
  const candidates: BuiltWinModel['metrics']['candidates'] = {};
  let best: { algorithm: string; model: BinaryClassifier; calibrator: Calibrator; calLoss: number } | null = null;
  for (const algorithm of algorithms) {
    const started = Date.now();
    let model: BinaryClassifier;
    if (algorithm === 'logistic') {
      // The L2 strength is chosen on the calibration slice from a small grid (strong penalties
      // also keep correlated one-hot columns from producing large offsetting explanations).
      const grid = options.logistic?.l2 !== undefined ? [options.logistic.l2] : [1, 10, 100];
      let chosen: { m: LogisticRegression; loss: number } | null = null;
      for (const l2 of grid) {
        const m = await new LogisticRegression({ ...options.logistic, l2 }).fit(Xtrain, yTrain, {
          onProgress: (f, msg) => progress(algorithm, f, `l2=${l2}: ${msg}`),
        });
        const loss = logLoss(m.predictProba(Xcal), yCal);
        if (!chosen || loss < chosen.loss) chosen = { m, loss };
      }
      model = chosen!.m;
    } else {
      model = await new MlpClassifier({ seed: options.seed, ...options.mlp }).fit(Xtrain, yTrain, {
        onProgress: (f, msg) => progress(algorithm, f, msg),
      });
    }
    const fitSeconds = (Date.now() - started) / 1000;
    const rawCal = model.predictProba(Xcal);
    const calibrator = fitCalibrator(rawCal, yCal, 'auto');
    const pCal = Float64Array.from(rawCal, (p) => calibrator.transform(p));
    const pTest = Float64Array.from(model.predictProba(Xtest), (p) => calibrator.transform(p));
    candidates[algorithm] = {
      calibration: sliceMetrics(pCal, yCal),
      test: sliceMetrics(pTest, yTest),
      fitSeconds,
      params: model.toArtifact().params,
      calibrationMethod: calibrator.method,
    };
    progress(algorithm, 1, `fitted in ${fitSeconds.toFixed(1)} s`);
    // Selection on the calibration slice keeps the test slice an honest estimate of the winner.
    const calLoss = candidates[algorithm].calibration.logLoss;
    if (!best || calLoss < best.calLoss) best = { algorithm, model, calibrator, calLoss };
  }
  if (!best) throw new AppError('INVALID_INPUT', 'no algorithm to train');

  // Close timing, learned from won deals of the training and calibration slices, checked on the test slice.
  const timingExample = (m: DealSnapshotMoment) => {
    const s = dealAsOf(m.deal, m.at);
    return { stage: s.stage, segment: m.deal.account?.segment ?? null, at: m.at, closedAt: m.closedAt, expectedCloseAt: s.expectedCloseAt };
  };
  const timing = CloseTimingModel.fit([...trainM, ...calM].filter((m) => m.won).map(timingExample));
  const wonTest = testM.filter((m) => m.won);
  const errs: number[] = [];
  let slipped = 0;
  let withDate = 0;
  let slipSum = 0;
  for (const m of wonTest) {
    const e = timingExample(m);
    const o = timing.outlook(e, m.at);
    if (o.expectedCloseAt != null) errs.push(Math.abs(o.expectedCloseAt - m.closedAt) / DAY_MS);
    if (e.expectedCloseAt != null && o.slipProbability != null) {
      withDate++;
      slipSum += o.slipProbability;
      const d = new Date(Math.max(e.expectedCloseAt, m.at));
      if (m.closedAt >= Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) slipped++;
    }
  }
  errs.sort((a, b) => a - b);

  // What the explanations compare against: stage durations and typical values of won deals.
  const explain = explanationContext(
    closed.filter((d) => d.createdAt < cut2),
    trainRows,
    yTrain,
    baseline,
  );

  const artifact: WinModelArtifact = {
    kind: 'salescast-win-model',
    formatVersion: WIN_ARTIFACT_FORMAT,
    baseSchema: dealBaseSchema(),
    attributes,
    encoder: encoder.toJSON(),
    classifier: best.model.toArtifact(),
    calibrator: best.calibrator.toJSON(),
    baseline: baseline.toJSON(),
    timing: timing.toJSON(),
    history: history.freeze(asOf + 1),
    explain,
    asOf: options.asOf.toISOString(),
    seed: options.seed,
    ...(options.lostAfterDays ? { lostAfterDays: options.lostAfterDays } : {}),
  };
  const scorer = new WinScorer(artifact, { history });
  const first = closeTimes[0];
  return {
    artifact,
    scorer,
    algorithm: best.algorithm,
    metrics: {
      test: candidates[best.algorithm].test,
      calibration: candidates[best.algorithm].calibration,
      baselineTest,
      liftOverBaseline: liftOver(candidates[best.algorithm].test, baselineTest),
      candidates,
      timing: {
        testWonDeals: wonTest.length,
        medianAbsErrorDays: errs.length ? errs[Math.floor(errs.length / 2)] : null,
        slipRate: withDate ? slipped / withDate : null,
        meanSlipProbability: withDate ? slipSum / withDate : null,
      },
    },
    data: {
      closedDeals: closed.length,
      won,
      lost,
      examples: { train: trainM.length, calibration: calM.length, test: testM.length },
      window: {
        from: new Date(first).toISOString(),
        to: options.asOf.toISOString(),
        calibrationFrom: new Date(cut1).toISOString(),
        testFrom: new Date(cut2).toISOString(),
      },
      features: spec.numeric.length + spec.categorical.length,
      encodedColumns: encoder.width,
      excludedAttributes: attributes.excluded ?? [],
      staleCountedAsLost: options.lostAfterDays ? closed.filter((d) => !original.has(d)).length : 0,
    },
    history,
    testSet: { deals: closed, moments: testM, y: yTest },
  };
}

function explanationContext(closed: Deal[], rows: RawRow[], y: number[], baseline: GroupRateBaseline): ExplanationContext {
  const durations = new Map<string, number[]>();
  for (const d of closed) {
    if (d.outcome !== 'won' || !d.stageChanges?.length) continue;
    const ch = [...d.stageChanges].sort((a, b) => a.at - b.at);
    let stage: string | null = ch[0].fromStage ?? null;
    let since = d.createdAt;
    for (const c of ch) {
      if (c.toStage === stage) continue;
      if (stage) {
        const list = durations.get(stage) ?? [];
        list.push((c.at - since) / DAY_MS);
        durations.set(stage, list);
      }
      stage = c.toStage;
      since = c.at;
    }
  }
  const stages: ExplanationContext['stages'] = {};
  const rates = baseline.rates;
  for (const s of new Set([...durations.keys(), ...Object.keys(rates)])) {
    const list = (durations.get(s) ?? []).sort((a, b) => a - b);
    stages[s] = {
      wonDaysP75: list.length >= 5 ? Math.round(list[Math.floor(0.75 * (list.length - 1))]) : null,
      winRate: rates[s]?.rate ?? null,
    };
  }
  const wonMedians: Record<string, number> = {};
  for (const f of DEAL_NUMERIC_FEATURES) {
    const vals = rows
      .filter((_, i) => y[i] === 1)
      .map((r) => r[f])
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    if (vals.length) wonMedians[f] = vals[Math.floor(vals.length / 2)];
  }
  return { stages, wonMedians };
}

/** Calibrated probabilities of an already-built scorer on snapshot moments (for comparing models). */
export function scoreMoments(scorer: WinScorer, moments: DealSnapshotMoment[]): Float64Array {
  return Float64Array.from(moments, (m) => scorer.probabilityOfRow(scorer.features(m.deal, m.at)));
}

/**
 * The fallback used when no model is trained: historical win rate by stage, timing from history.
 * Needs at least one closed deal.
 */
export function buildBaselineScorer(allDeals: Deal[], asOf: Date, seed: number, reason: string): WinScorer {
  const t = asOf.getTime();
  const closed = allDeals.filter((d) => d.closedAt != null && d.closedAt <= t && (d.outcome === 'won' || d.outcome === 'lost'));
  if (closed.length === 0)
    throw new AppError(
      'UNPROCESSABLE',
      'No closed deals yet: there is no history to score open deals from (import won and lost deals first)',
    );
  const history = new DealHistory(closed.map((d) => ({ closedAt: d.closedAt!, won: d.outcome === 'won', keys: historyKeys(d) })));
  const moments = snapshotMoments(closed, createRng(seed, 'mulberry32'));
  const stages = moments.map((m) => dealAsOf(m.deal, m.at).stage ?? '(unknown)');
  const y = moments.map((m) => m.won);
  const baseline = moments.length
    ? new GroupRateBaseline().fit(stages, y)
    : new GroupRateBaseline().fit(['(unknown)'], [closed.filter((d) => d.outcome === 'won').length / closed.length >= 0.5 ? 1 : 0]);
  const timing = CloseTimingModel.fit(
    moments
      .filter((m) => m.won)
      .map((m) => {
        const s = dealAsOf(m.deal, m.at);
        return {
          stage: s.stage,
          segment: m.deal.account?.segment ?? null,
          at: m.at,
          closedAt: m.closedAt,
          expectedCloseAt: s.expectedCloseAt,
        };
      }),
  );
  const artifact: WinModelArtifact = {
    kind: 'salescast-win-model',
    formatVersion: WIN_ARTIFACT_FORMAT,
    baseSchema: dealBaseSchema(),
    attributes: { numeric: [], categorical: [] },
    encoder: null,
    classifier: null,
    calibrator: null,
    baseline: baseline.toJSON(),
    timing: timing.toJSON(),
    history: history.freeze(t + 1),
    explain: { stages: {}, wonMedians: {} },
    asOf: asOf.toISOString(),
    seed,
  };
  return new WinScorer(artifact, { history, fallbackReason: reason });
}
