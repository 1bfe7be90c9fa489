// The churn evaluation on the IBM telco table: it has no dates, so the hold-out is a fixed id split
// (holdout.ts). The training database gets the other customers through the example mapping, the
// model is trained as `salescast train churn --promote auto` does, the training database is served
// over HTTP and every held-out customer is scored inline (POST /v1/customers/score) with what the
// CRM holds about it: its segment and custom attributes (never its status).
import path from 'node:path';
import type { Database } from '../../src/db/database';
import { trainChurnModel } from '../../src/services/customers/train-churn-model';
import { gatesOf } from './gates';
import { idSplit } from './holdout';
import { importDataset } from './import-dataset';
import { baseRateOf, metricsOf, pickMetrics, summarize } from './metrics';
import { type RunOptions, HOLDOUT_FRACTION } from './options';
import type { ClassifierEvaluation, ServedSummary, TrainingSummary } from './result';
import { chunked, type Served, serveDatabase } from './serve';
import { sklearnTelco } from './sklearn-telco';

export const TELCO = {
  key: 'telco' as const,
  title: 'IBM Telco (churn)',
  folder: 'telco_churn',
  file: 'Telco-Customer-Churn.csv',
  imports: [{ kind: 'accounts' as const, file: 'Telco-Customer-Churn.csv', map: 'accounts.map.json' }],
  keyed: { 'Telco-Customer-Churn.csv': 'customerID' },
};

/** Customers per request (the route takes at most 1,000). */
const CHUNK = 500;

type Json = string | number | boolean | null;

interface TruthCustomer {
  externalId: string;
  churned: boolean;
  body: Record<string, unknown>;
}

async function readCustomers(db: Database): Promise<TruthCustomer[]> {
  const rows = await db.prisma.account.findMany({ orderBy: { id: 'asc' } });
  return rows.map((a) => {
    const attributes = (typeof a.attributes === 'string' ? JSON.parse(a.attributes) : (a.attributes ?? {})) as Record<string, Json>;
    const profile = {
      segment: a.segment,
      industry: a.industry,
      region: a.region,
      country: a.country,
      size: a.size,
      employees: a.employees,
      annualRevenue: a.annualRevenue,
      acquiredAt: a.acquiredAt?.toISOString() ?? null,
    };
    const body: Record<string, unknown> = Object.fromEntries(
      Object.entries({ externalId: a.externalId, ...profile }).filter(([, v]) => v !== null),
    );
    if (Object.keys(attributes).length) body.attributes = attributes;
    return { externalId: a.externalId, churned: a.status === 'churned', body };
  });
}

async function trainChurn(o: RunOptions, db: Database, modelsDir: string) {
  const command = 'salescast train churn --promote auto';
  o.log(`telco: ${command}`);
  const r = await trainChurnModel(db, { promote: 'auto', modelsDir });
  const training: TrainingSummary = {
    command,
    algorithm: r.algorithm,
    version: r.version,
    promoted: r.promoted,
    decision: r.decision,
    seconds: r.durationSeconds,
    reported: { candidate: pickMetrics(r.metrics.test), baseline: pickMetrics(r.metrics.baseline) },
  };
  return { training, asOf: r.asOf };
}

interface WireCustomerScores {
  churnModel: { version: number } | null;
  scores: { externalId: string | null; churnProbability: number | null; notes: string[] }[];
}

async function scoreInline(served: Served, customers: TruthCustomer[], asOf: Date) {
  const p: (number | null)[] = [];
  let version: number | null = null;
  let note: string | undefined;
  for (const part of chunked(customers, CHUNK)) {
    const res = await served.post<WireCustomerScores>('/v1/customers/score', {
      customers: part.map((c) => c.body),
      asOf: asOf.toISOString(),
    });
    version = res.churnModel?.version ?? null;
    note ??= res.scores.find((s) => s.churnProbability === null)?.notes.join('; ');
    p.push(...res.scores.map((s) => s.churnProbability));
  }
  return { p, version, note };
}

function servedSummary(s: Awaited<ReturnType<typeof scoreInline>>, y: number[], served: Served, t: TrainingSummary): ServedSummary {
  const complete = s.p.every((v) => v !== null);
  const p = s.p as number[];
  return {
    what: complete ? `model v${s.version}` : 'nothing',
    modelVersion: s.version,
    fallback: false,
    fallbackReason: complete ? undefined : s.note,
    ready: served.models,
    metrics: complete ? metricsOf(p, y) : null,
    probabilities: complete ? summarize(p) : null,
    reported: complete && s.version === t.version ? t.reported.candidate : null,
  };
}

export async function evaluateChurn(dir: string, o: RunOptions): Promise<ClassifierEvaluation> {
  const started = Date.now();
  const truth = await o.scratch.database('telco-all');
  await importDataset(truth.db, TELCO, dir, o.scratch, 'telco-all');
  const customers = await readCustomers(truth.db);
  const split = idSplit(customers, (c) => c.externalId, HOLDOUT_FRACTION);
  o.log(`telco: ${split.train.length} customers train, ${split.holdout.length} held out (fixed id split)`);

  const train = await o.scratch.database('telco-train');
  await importDataset(train.db, TELCO, dir, o.scratch, 'telco-train', new Set(split.holdout.map((c) => c.externalId)));
  const { training, asOf } = await trainChurn(o, train.db, train.modelsDir);
  o.log(`telco: ${training.decision}`);

  const served = await serveDatabase(train.db, train.url, train.modelsDir);
  try {
    const scores = await scoreInline(served, split.holdout, asOf);
    const y = split.holdout.map((c) => (c.churned ? 1 : 0));
    const e: ClassifierEvaluation = {
      dataset: 'telco',
      title: TELCO.title,
      split: {
        method: `fixed id split: the ${HOLDOUT_FRACTION * 100}% of customers whose SHA-256(customerID) sorts first`,
        cutoff: null,
        trainRows: split.train.length,
        heldOutRows: split.holdout.length,
        scoredRows: split.holdout.length,
        positives: y.reduce<number>((s, v) => s + v, 0),
        scoredAs: `as of the training run's observation date (${asOf.toISOString().slice(0, 10)}; the table has no dates)`,
      },
      training,
      served: servedSummary(scores, y, served, training),
      baseRate: baseRateOf(
        split.train.map((c) => (c.churned ? 1 : 0)),
        y,
      ),
      gates: [],
      seconds: 0,
    };
    e.gates = gatesOf(e);
    if (o.sklearn)
      e.sklearn = sklearnTelco(
        path.join(dir, TELCO.file),
        new Set(split.holdout.map((c) => c.externalId)),
        split.holdout.map((c, i) => ({ id: c.externalId, p: scores.p[i] })),
        o.scratch,
      );
    e.seconds = (Date.now() - started) / 1000;
    return e;
  } finally {
    await served.close();
  }
}
