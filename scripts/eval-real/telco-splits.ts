// npm run eval:telco-splits [-- --splits N] [--seed S]
// How much of the telco churn ECE is the model and how much is the measurement. The table has no
// dates, so `eval:real` holds out one fixed id split (the 20% of customers whose SHA-256(id) sorts
// first, holdout.ts); this script repeats the same pipeline on N id-hash splits (split 0 is that
// one, split k > 0 hashes "alt<k>:" + id), in-process and without HTTP: the customers are imported
// once through the example mapping, each split's training customers go through buildChurnModel
// (what `salescast train churn` runs) and the held-out ones through its ChurnScorer (what the
// customer scores API answers; split 0 reproduces eval:real's served figures).
// For each split it prints AUC, log loss and ECE (the product's definition, src/ml/metrics.ts),
// the held-out churn rate against the training rate, and the ECE a perfectly calibrated model
// would show on those rows: the same probabilities scored against outcomes drawn from them
// (mean, share at or under the target, 95th percentile). Then every customer is scored once out
// of sample (5 disjoint id-hash folds) and the pooled reliability table printed, with a z-score per
// bin: on 7,043 rows systematic miscalibration shows where 1,409 rows cannot separate it from noise.
import crypto from 'node:crypto';
import path from 'node:path';
import { positiveIntArg } from '../../bench/args';
import { type CustomerHistory, customerFeatures } from '../../src/domain/features/customer-features';
import { createRng } from '../../src/math/random';
import { evaluateClassifier, type ReliabilityBin } from '../../src/ml/metrics';
import { buildChurnModel } from '../../src/services/customers/build-churn-model';
import { loadCustomerHistories } from '../../src/services/customers/load-customers';
import { TELCO } from './evaluate-churn';
import { TELCO_MAX_ECE } from './gates';
import { importDataset } from './import-dataset';
import { HOLDOUT_FRACTION } from './options';
import { datasetDir } from './paths';
import { Scratch } from './scratch';

const SPLITS = positiveIntArg('splits', 11);
const SEED = positiveIntArg('seed', 42);
/** Outcome draws per split for the perfectly calibrated reference. */
const DRAWS = 1000;
/** The table has no dates: any observation date gives the same features. */
const AS_OF = new Date('2026-01-01T00:00:00Z');

const rank = (salt: string, id: string) =>
  crypto
    .createHash('sha256')
    .update(salt + id)
    .digest('hex');
const churned = (h: CustomerHistory) => (h.status === 'churned' ? 1 : 0);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const f = (v: number | null, d = 4) => (v === null ? 'n/a' : v.toFixed(d));

/** Customers ordered by SHA-256(salt + id): split 0 (salt "") is eval:real's order. */
function hashOrder(hs: CustomerHistory[], salt: string): CustomerHistory[] {
  return hs
    .map((h) => ({ h, k: rank(salt, h.externalId) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.h);
}

async function fitAndScore(train: CustomerHistory[], held: CustomerHistory[]) {
  const built = await buildChurnModel(train, { asOf: AS_OF, seed: SEED });
  const p = held.map((h) => built.scorer.score(customerFeatures(h, AS_OF.getTime())).churnProbability);
  return { p, y: held.map(churned), chosen: built.metrics.selection.chosen };
}

/** ECE of these probabilities against outcomes drawn from them: what perfect calibration shows. */
function calibratedReference(p: number[], seed: number) {
  const rng = createRng(seed, 'mulberry32');
  const eces: number[] = [];
  for (let k = 0; k < DRAWS; k++)
    eces.push(
      evaluateClassifier(
        p,
        p.map((q) => (rng.next() < q ? 1 : 0)),
      ).ece,
    );
  eces.sort((a, b) => a - b);
  return { mean: mean(eces), atMostTarget: eces.filter((e) => e <= TELCO_MAX_ECE).length / DRAWS, p95: eces[Math.floor(DRAWS * 0.95)] };
}

async function splitsTable(hs: CustomerHistory[]) {
  console.log(`Telco churn on ${SPLITS} id-hash splits (${HOLDOUT_FRACTION * 100}% held out; split 0 is eval:real's)`);
  console.log(
    'split  chosen                     AUC     log loss  ECE     train rate  held-out rate  mean p  | calibrated: mean ECE  P(<=target)  95th pct',
  );
  const rows: { auc: number; logLoss: number; ece: number; ref: ReturnType<typeof calibratedReference> }[] = [];
  for (let s = 0; s < SPLITS; s++) {
    const order = hashOrder(hs, s === 0 ? '' : `alt${s}:`);
    const n = Math.round(order.length * HOLDOUT_FRACTION);
    const train = order.slice(n);
    const { p, y, chosen } = await fitAndScore(train, order.slice(0, n));
    const m = evaluateClassifier(p, y);
    const ref = calibratedReference(p, SEED + s);
    rows.push({ auc: m.auc ?? Number.NaN, logLoss: m.logLoss, ece: m.ece, ref });
    const label = `${chosen.algorithm} l2=${String(chosen.params?.l2 ?? '-')} ${chosen.calibration}`;
    console.log(
      `${String(s).padEnd(5)}  ${label.padEnd(25)}  ${f(m.auc)}  ${f(m.logLoss)}    ${f(m.ece)}  ${f(mean(train.map(churned)), 3).padEnd(10)}  ${f(m.baseRate, 3).padEnd(13)}  ${f(mean(p), 3)}   | ${f(ref.mean).padEnd(19)}  ${f(ref.atMostTarget, 2).padEnd(11)}  ${f(ref.p95)}`,
    );
  }
  const met = rows.filter((r) => r.ece <= TELCO_MAX_ECE).length;
  console.log(
    `mean   ${''.padEnd(25)}  ${f(mean(rows.map((r) => r.auc)))}  ${f(mean(rows.map((r) => r.logLoss)))}    ${f(mean(rows.map((r) => r.ece)))}  (ECE <= ${TELCO_MAX_ECE} on ${met} of ${rows.length})        | ${f(mean(rows.map((r) => r.ref.mean))).padEnd(19)}  ${f(mean(rows.map((r) => r.ref.atMostTarget)), 2)}`,
  );
}

function printReliability(bins: ReliabilityBin[], p: number[], y: number[]) {
  const m = evaluateClassifier(p, y);
  console.log(
    `\nEvery customer scored once out of sample (5 disjoint id-hash folds): n ${m.n}, AUC ${f(m.auc)}, log loss ${f(m.logLoss)}, ECE ${f(m.ece)}`,
  );
  console.log(`calibrated reference on these ${m.n} rows: mean ECE ${f(calibratedReference(p, SEED).mean)}`);
  console.log('bin        rows   mean p  observed  z');
  for (const b of bins) {
    if (!b.count || b.meanPredicted === null || b.observedRate === null) continue;
    const inBin = p.filter((q) => Math.min(bins.length - 1, Math.floor(q * bins.length)) === b.bin - 1);
    const sd = Math.sqrt(inBin.reduce((a, q) => a + q * (1 - q), 0)) / b.count;
    console.log(
      `${`${b.from.toFixed(1)}-${b.to.toFixed(1)}`.padEnd(9)}  ${String(b.count).padStart(5)}  ${f(b.meanPredicted, 3)}   ${f(b.observedRate, 3)}     ${((b.observedRate - b.meanPredicted) / sd).toFixed(1)}`,
    );
  }
}

async function pooled(hs: CustomerHistory[]) {
  const order = hashOrder(hs, 'pooled:');
  const p: number[] = [];
  const y: number[] = [];
  for (let k = 0; k < 5; k++) {
    const r = await fitAndScore(
      order.filter((_, i) => i % 5 !== k),
      order.filter((_, i) => i % 5 === k),
    );
    p.push(...r.p);
    y.push(...r.y);
  }
  printReliability(evaluateClassifier(p, y).reliability, p, y);
}

async function main() {
  const dir = datasetDir(TELCO.folder, [TELCO.file]);
  if (!dir) throw new Error(`${TELCO.file} not found (set SALESCAST_REAL_DATA_DIR)`);
  const scratch = Scratch.create();
  try {
    const { db } = await scratch.database('telco-all');
    await importDataset(db, TELCO, path.resolve(dir), scratch, 'telco-all');
    const hs = (await loadCustomerHistories(db)).filter((h) => h.status === 'churned' || h.status === 'active');
    await splitsTable(hs);
    await pooled(hs);
  } finally {
    await scratch.cleanup();
  }
}

main().catch((e) => {
  process.stderr.write(`eval:telco-splits failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
