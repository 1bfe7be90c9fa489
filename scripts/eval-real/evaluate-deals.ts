// The deal-win evaluation of one dataset: import it whole (the "truth"), hold out the latest deals
// by creation time, import the rest into a fresh database, train as `salescast train win --promote
// auto` does, serve that database over HTTP, score every labelled held-out deal inline at the
// moment a CRM would ask (its creation), and compare with what the training run reported.
import { InlineDeal } from '../../src/contracts/deals';
import { trainWinModel } from '../../src/services/win/train-win-model';
import type { DealDatasetSpec } from './deal-datasets';
import { gatesOf } from './gates';
import { timeSplit } from './holdout';
import { importDataset } from './import-dataset';
import { baseRateOf, metricsOf, pickMetrics, summarize } from './metrics';
import { type RunOptions, HOLDOUT_FRACTION, QUICK_SNAPSHOTS_PER_DEAL } from './options';
import type { ClassifierEvaluation, ServedSummary, TrainingSummary } from './result';
import { chunked, type Served, serveDatabase } from './serve';
import { inlineDealAt, readDeals, type TruthDeal } from './truth-deals';

/** Deals per request: well under the default 1 MB body limit. */
const CHUNK = 500;

interface WireScore {
  externalId: string | null;
  winProbability: number;
  modelVersion: number | null;
  fallback: boolean;
  fallbackReason?: string;
}

/** Whether inline deals accept their own `asOf` (added by #11 item 3); else one request per moment. */
export const perDealAsOf = (): boolean => 'asOf' in InlineDeal.shape;

async function trainWin(spec: DealDatasetSpec, o: RunOptions, db: Parameters<typeof trainWinModel>[0], modelsDir: string) {
  const algorithm = o.quick ? 'logistic' : 'both';
  const command = `salescast train win --promote auto --algorithm ${algorithm}${spec.lostAfterDays ? ` --lost-after-days ${spec.lostAfterDays}` : ''}`;
  o.log(`${spec.key}: ${command}${o.quick ? ` (at most ${QUICK_SNAPSHOTS_PER_DEAL} snapshots per deal)` : ''}`);
  const r = await trainWinModel(db, {
    promote: 'auto',
    algorithm,
    lostAfterDays: spec.lostAfterDays,
    modelsDir,
    maxSnapshotsPerDeal: o.quick ? QUICK_SNAPSHOTS_PER_DEAL : undefined,
  });
  const atCreation = r.metrics.testByKind.creation;
  const training: TrainingSummary = {
    command,
    algorithm: r.algorithm,
    version: r.version,
    promoted: r.promoted,
    decision: r.decision,
    seconds: r.durationSeconds,
    // The held-out deals are scored at their creation (scoreAtCreation), so what the training run
    // reported for that same question is compared: its held-out snapshots taken at creation.
    reported: atCreation
      ? { candidate: pickMetrics(atCreation.model), baseline: pickMetrics(atCreation.baseline) }
      : { candidate: pickMetrics(r.candidate), baseline: pickMetrics(r.baseline) },
  };
  return training;
}

/** Scores `deals` inline at their creation moments; returns the scores in the same order. */
async function scoreAtCreation(served: Served, deals: TruthDeal[], spec: DealDatasetSpec, dir: string): Promise<WireScore[]> {
  const perDeal = perDealAsOf();
  const options = { stageBeforeHistory: spec.stageBeforeHistory, attributesKnown: spec.attributesKnown(dir), perDealAsOf: perDeal };
  // Without a per-deal asOf, deals created at the same moment go together, each group as of its moment.
  const groups = new Map<number, number[]>();
  deals.forEach((d, i) => {
    const t = perDeal ? 0 : d.createdAt;
    const group = groups.get(t);
    if (group) group.push(i);
    else groups.set(t, [i]);
  });
  const out = new Array<WireScore>(deals.length);
  for (const [t, idx] of groups)
    for (const part of chunked(idx, CHUNK)) {
      const body = {
        deals: part.map((i) => inlineDealAt(deals[i], deals[i].createdAt, options)),
        explain: false,
        ...(perDeal ? {} : { asOf: new Date(t).toISOString() }),
      };
      const res = await served.post<{ scores: WireScore[] }>('/v1/deals/score', body);
      res.scores.forEach((s, k) => {
        out[part[k]] = s;
      });
    }
  return out;
}

function servedSummary(scores: WireScore[], y: number[], served: Served, training: TrainingSummary): ServedSummary {
  const p = scores.map((s) => s.winProbability);
  const fallback = scores.every((s) => s.fallback);
  const versions = [...new Set(scores.map((s) => s.modelVersion))];
  if (!fallback && (versions.length !== 1 || scores.some((s) => s.fallback)))
    throw new Error(`the held-out deals were scored by different models: ${JSON.stringify(versions)}`);
  const modelVersion = fallback ? null : versions[0];
  return {
    what: fallback ? 'fallback' : `model v${modelVersion}`,
    modelVersion,
    fallback,
    fallbackReason: fallback ? scores[0]?.fallbackReason : undefined,
    ready: served.models,
    metrics: metricsOf(p, y),
    probabilities: summarize(p),
    reported: fallback ? training.reported.baseline : modelVersion === training.version ? training.reported.candidate : null,
  };
}

export async function evaluateDeals(spec: DealDatasetSpec, dir: string, o: RunOptions): Promise<ClassifierEvaluation> {
  const started = Date.now();
  const truth = await o.scratch.database(`${spec.key}-all`);
  await importDataset(truth.db, spec, dir, o.scratch, `${spec.key}-all`);
  const deals = await readDeals(truth.db);
  const split = timeSplit(
    deals,
    (d) => d.createdAt,
    (d) => spec.label(d.outcome) !== null,
    HOLDOUT_FRACTION,
  );
  const scored = split.holdout.filter((d) => spec.label(d.outcome) !== null);
  o.log(
    `${spec.key}: ${split.train.length} deals created before ${split.cutoff.toISOString().slice(0, 10)} train; ${scored.length} labelled of ${split.holdout.length} held out`,
  );

  const train = await o.scratch.database(`${spec.key}-train`);
  await importDataset(train.db, spec, dir, o.scratch, `${spec.key}-train`, new Set(split.holdout.map((d) => d.externalId)));
  const training = await trainWin(spec, o, train.db, train.modelsDir);
  o.log(`${spec.key}: ${training.decision}`);

  const served = await serveDatabase(train.db, train.url, train.modelsDir);
  try {
    const scores = await scoreAtCreation(served, scored, spec, dir);
    const y = scored.map((d) => spec.label(d.outcome)!);
    const trainLabels = split.train.map((d) => spec.label(d.outcome)).filter((v): v is 0 | 1 => v !== null);
    const e: ClassifierEvaluation = {
      dataset: spec.key,
      title: spec.title,
      split: {
        method: `time: the latest ${HOLDOUT_FRACTION * 100}% of labelled deals by creation, and everything created from then on`,
        cutoff: split.cutoff.toISOString(),
        trainRows: split.train.length,
        heldOutRows: split.holdout.length,
        scoredRows: scored.length,
        positives: y.reduce<number>((s, v) => s + v, 0),
        scoredAs: spec.scoredAs,
      },
      training,
      served: servedSummary(scores, y, served, training),
      baseRate: baseRateOf(trainLabels, y),
      gates: [],
      seconds: 0,
    };
    e.gates = gatesOf(e);
    e.seconds = (Date.now() - started) / 1000;
    return e;
  } finally {
    await served.close();
  }
}
