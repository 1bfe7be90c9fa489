// npm run bench:customers [-- --customers N --seed S --skip-sklearn]
// Customer models at scale, in one run:
//   1. BG/NBD maximum-likelihood fit (BFGS, analytic gradient) on the CDNOW sample (2,357 customers, 39 weeks; published
//      r=0.243, alpha=4.414, a=0.793, b=2.426, LL=-9582.4) and on N (default 100,000) customers
//      simulated from the BG/NBD process with the CDNOW parameters; Gamma-Gamma on the CDNOW sample.
//   2. Churn on the IBM telco table (7,043 customers, no dates: the last 20% in customer-id order
//      held out, as `salescast train churn` does on it): Salescast's pipeline (features, encoder,
//      logistic regression with L2 and calibration chosen by id-ordered cross-validation, refitted
//      on the whole training window, scored through the serving path) and its logistic fit alone,
//      next to scikit-learn's LogisticRegression and HistGradientBoostingClassifier fitted on exactly
//      the same encoded training matrix and scored on the same test rows (Debian python3-sklearn,
//      one thread each): AUC, log loss, ECE (10 bins), and how many test customers sit at the clip
//      walls of the served probabilities.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { BgNbdModel, simulateBgNbd } from '../src/ml/bg-nbd';
import { GammaGammaModel } from '../src/ml/gamma-gamma';
import { createRng } from '../src/math/random';
import { FeatureEncoder } from '../src/ml/feature-encoder';
import { LogisticRegression } from '../src/ml/logistic-regression';
import { evaluateClassifier } from '../src/ml/metrics';
import { PROBABILITY_EPSILON } from '../src/ml/probability';
import { buildChurnModel } from '../src/services/customers/build-churn-model';
import type { CustomerHistory } from '../src/domain/features/customer-features';
import { positiveIntArg as arg } from './args';

const N = arg('customers', 100_000);
const SEED = arg('seed', 42);
const SKIP_SKLEARN = process.argv.includes('--skip-sklearn');
const DATA = path.resolve(__dirname, '..', '..', 'shared', 'data');
const secs = (t0: number) => (performance.now() - t0) / 1000;
const fmt = (v: number, d = 3) => v.toFixed(d);

function table(rows: Record<string, string | number>[]) {
  const cols = Object.keys(rows[0]);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  console.log(cols.map((c, i) => c.padEnd(w[i])).join('  '));
  console.log(w.map((x) => '-'.repeat(x)).join('  '));
  for (const r of rows) console.log(cols.map((c, i) => String(r[c]).padEnd(w[i])).join('  '));
}

async function main() {
  console.log(`Salescast customer-model benchmark (seed ${SEED}, node ${process.version})\n`);

  // 1. BG/NBD and Gamma-Gamma.
  const cd = fs
    .readFileSync(path.join(DATA, 'cdnow', 'cdnow_customers_summary_with_transactions.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',').map(Number));
  const sample = { frequency: cd.map((r) => r[1]), recency: cd.map((r) => r[2]), T: cd.map((r) => r[3]) };
  let t0 = performance.now();
  const bgSample = new BgNbdModel().fit(sample);
  const tSample = secs(t0);
  const truth = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const sim = simulateBgNbd(truth, N, (i) => 27 + (i % 13), createRng(SEED, 'mulberry32'));
  t0 = performance.now();
  const bgSim = new BgNbdModel().fit(sim);
  const tSim = secs(t0);
  t0 = performance.now();
  const gg = new GammaGammaModel().fit({ frequency: cd.map((r) => r[1]), monetaryValue: cd.map((r) => r[4]) });
  const tGg = secs(t0);
  const row = (name: string, n: number, m: BgNbdModel, t: number) => {
    const p = m.params;
    return {
      model: name,
      customers: n.toLocaleString('en-US'),
      'fit s': fmt(t, 2),
      r: fmt(p.r),
      alpha: fmt(p.alpha),
      a: fmt(p.a),
      b: fmt(p.b),
      'log-lik': m.logLikelihood.toFixed(1),
      iterations: m.toArtifact().iterations,
    };
  };
  console.log('BG/NBD (maximum likelihood: BFGS with the analytic gradient in log-parameters)');
  table([
    {
      model: 'published (FHL 2005, CDNOW)',
      customers: '2,357',
      'fit s': '',
      r: '0.243',
      alpha: '4.414',
      a: '0.793',
      b: '2.426',
      'log-lik': '-9582.4',
      iterations: '',
    },
    row('CDNOW sample', cd.length, bgSample, tSample),
    {
      model: `simulated truth`,
      customers: N.toLocaleString('en-US'),
      'fit s': '',
      r: fmt(truth.r),
      alpha: fmt(truth.alpha),
      a: fmt(truth.a),
      b: fmt(truth.b),
      'log-lik': '',
      iterations: '',
    },
    row('simulated from the truth', N, bgSim, tSim),
  ]);
  const g = gg.params;
  console.log(
    `\nGamma-Gamma on the CDNOW sample (946 repeat buyers): p=${fmt(g.p)} q=${fmt(g.q)} gamma=${fmt(g.gamma)} (published 6.25, 3.74, 15.44), fit ${fmt(tGg, 2)} s\n`,
  );

  // 2. Churn on the telco table.
  const records = parse(fs.readFileSync(path.join(DATA, 'telco_churn', 'Telco-Customer-Churn.csv')), {
    columns: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
  // As examples/telco_churn/accounts.map.json imports it: customerID the id, Contract the segment,
  // Churn the status, every other column a custom attribute (numbers as numbers, blanks as null).
  const histories: CustomerHistory[] = records.map((r, i) => {
    const attributes: Record<string, string | number | null> = {};
    for (const [k, v] of Object.entries(r)) {
      if (k === 'customerID' || k === 'Contract' || k === 'Churn') continue;
      const t = v.trim();
      attributes[k] = t === '' ? null : Number.isFinite(Number(t)) ? Number(t) : t;
    }
    return {
      accountId: i + 1,
      externalId: r.customerID,
      segment: r.Contract,
      status: r.Churn === 'Yes' ? 'churned' : 'active',
      churnedAt: null,
      attributes,
    };
  });
  t0 = performance.now();
  const built = await buildChurnModel(histories, { asOf: new Date('2026-01-01T00:00:00Z'), seed: SEED });
  const tPipeline = secs(t0);
  const enc = FeatureEncoder.fromArtifact(built.artifact.encoder);
  const Xtr = enc.transform(built.trainSet.map((e) => e.row));
  const ytr = built.trainSet.map((e) => e.y);
  const Xte = enc.transform(built.testSet.map((e) => e.row));
  const yte = built.testSet.map((e) => e.y);
  const l2 = Number(built.metrics.selection.chosen.params.l2 ?? 1);
  t0 = performance.now();
  const lr = await new LogisticRegression({ l2 }).fit(Xtr, ytr);
  const tLr = secs(t0);
  const walls = (p: ArrayLike<number>) => Array.from(p).filter((v) => v <= PROBABILITY_EPSILON || v >= 1 - PROBABILITY_EPSILON).length;
  const scoredRow = (model: string, fit: number, p: ArrayLike<number>) => {
    const m = evaluateClassifier(p, yte);
    return { model, fit, auc: m.auc!, logLoss: m.logLoss, ece: m.ece, walls: walls(p) };
  };
  const results: { model: string; fit: number; auc: number; logLoss: number; ece: number; walls: number }[] = [
    scoredRow(
      `salescast served (L2 ${l2}, ${built.metrics.selection.calibration.method} calibration, chosen by cross-validation)`,
      tPipeline,
      built.testP,
    ),
    scoredRow(`salescast logistic regression (L2 ${l2}), fit only, raw`, tLr, lr.predictProba(Xte)),
  ];
  if (!SKIP_SKLEARN) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-bench-customers-'));
    try {
      const csv = (X: number[][], y: number[]) => X.map((r, i) => [...r, y[i]].join(',')).join('\n');
      fs.writeFileSync(path.join(dir, 'train.csv'), csv(Xtr, ytr));
      fs.writeFileSync(path.join(dir, 'test.csv'), csv(Xte, yte));
      fs.writeFileSync(
        path.join(dir, 'bench.py'),
        `import json, sys, time
import numpy as np, sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score, log_loss
def ece(p, y, bins=10):
    idx = np.minimum(bins - 1, (p * bins).astype(int))
    return float(sum((idx == b).sum() / len(p) * abs(p[idx == b].mean() - y[idx == b].mean()) for b in range(bins) if (idx == b).any()))
d = sys.argv[1]
tr = np.loadtxt(d + '/train.csv', delimiter=','); te = np.loadtxt(d + '/test.csv', delimiter=',')
Xtr, ytr, Xte, yte = tr[:, :-1], tr[:, -1], te[:, :-1], te[:, -1]
out = {'sklearn': sklearn.__version__}
for name, m in [('scikit-learn LogisticRegression (C=1)', LogisticRegression(C=1.0, max_iter=1000)), ('scikit-learn HistGradientBoostingClassifier', HistGradientBoostingClassifier(random_state=${SEED}))]:
    t = time.perf_counter(); m.fit(Xtr, ytr); f = time.perf_counter() - t
    p = m.predict_proba(Xte)[:, 1]
    out[name] = {'fit': f, 'auc': roc_auc_score(yte, p), 'logLoss': log_loss(yte, p), 'ece': ece(p, yte), 'walls': int(((p <= 1e-4) | (p >= 1 - 1e-4)).sum())}
print(json.dumps(out))
`,
      );
      const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
      const py = spawnSync('/usr/bin/python3', [path.join(dir, 'bench.py'), dir], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
      if (py.status !== 0)
        console.log(`scikit-learn run failed (apt-get install -y python3-sklearn): ${py.stderr.trim().split('\n').slice(-3).join(' ')}`);
      else {
        const out = JSON.parse(py.stdout.trim().split('\n').at(-1)!);
        for (const [k, v] of Object.entries(out))
          if (k !== 'sklearn')
            results.push({ model: k, ...(v as { fit: number; auc: number; logLoss: number; ece: number; walls: number }) });
        console.log(`(scikit-learn ${out.sklearn})`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(
    `Churn on the telco table: ${built.data.train} training / ${built.data.test} held-out customers (${built.metrics.evaluation}), ${enc.width} encoded columns`,
  );
  table(
    results.map((r) => ({
      model: r.model,
      'training s': fmt(r.fit, 3),
      'test AUC': fmt(r.auc, 4),
      'log loss': fmt(r.logLoss, 4),
      ECE: fmt(r.ece, 4),
      'at clip walls': r.walls,
    })),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
