// Custom numeric attributes of unknown scale (a tenure in months, monthly charges) get a log1p
// companion column in the churn model's encoder (build-churn-model.ts, feature-encoder.ts), so a
// linear model can follow an effect that is steep at first and flat later, as churn against tenure
// is on the IBM telco table. Signed and 0/1 columns do not. The companion is explained together
// with its feature (one factor, never two that could contradict each other).
import { createRng } from '../../../src/math/random';
import type { CustomerHistory } from '../../../src/domain/features/customer-features';
import { FeatureEncoder } from '../../../src/ml/feature-encoder';
import { LogisticRegression } from '../../../src/ml/logistic-regression';
import { logLoss } from '../../../src/ml/metrics';
import { buildChurnModel } from '../../../src/services/customers/build-churn-model';

const SEED = 1717;
const AS_OF = new Date('2025-01-01T00:00:00Z');

/** Most subscribers are recent; churn falls steeply over the first months of tenure, then hardly at all. */
function subscribers(n: number): CustomerHistory[] {
  const rng = createRng(SEED, 'mulberry32');
  const out: CustomerHistory[] = [];
  for (let i = 0; i < n; i++) {
    const tenure = Math.floor(73 * rng.next() ** 2);
    const charges = Math.round((20 + rng.next() * 100) * 100) / 100;
    const senior = rng.next() < 0.2 ? 1 : 0;
    const balance = Math.round(rng.normal() * 50) / 10;
    const z = 2.6 - 1.6 * Math.log1p(tenure) + 0.015 * charges + 0.4 * senior;
    const churned = rng.next() < 1 / (1 + Math.exp(-z));
    out.push({
      accountId: i + 1,
      externalId: `S${i}`,
      status: churned ? 'churned' : 'active',
      churnedAt: null,
      attributes: { tenure, charges, senior, balance },
    });
  }
  return out;
}

test(`non-negative attributes of unknown scale get a log companion that the held-out rows reward (seed ${SEED})`, async () => {
  console.log(`seed ${SEED}`);
  const built = await buildChurnModel(subscribers(3000), { asOf: AS_OF, seed: SEED });
  const spec = built.artifact.encoder.spec;
  expect(spec.logCompanion).toEqual(['attr.tenure', 'attr.charges']);
  const enc = FeatureEncoder.fromArtifact(built.artifact.encoder);
  expect(enc.columns.filter((c) => c.name.endsWith(':log1p')).map((c) => c.source)).toEqual(['attr.tenure', 'attr.charges']);

  // The same split, rows and penalty without the companions: worse on the held-out rows.
  const plainSpec = { ...spec, logCompanion: [] };
  const plain = new FeatureEncoder(plainSpec).fit(built.trainSet.map((e) => e.row));
  const l2 = Number(built.artifact.model.classifier.params?.l2);
  const lr = await new LogisticRegression({ l2 }).fit(
    plain.transform(built.trainSet.map((e) => e.row)),
    built.trainSet.map((e) => e.y),
  );
  const yTest = built.testSet.map((e) => e.y);
  const plainLoss = logLoss(lr.predictProba(plain.transform(built.testSet.map((e) => e.row))), yTest);
  expect(built.metrics.test.logLoss).toBeLessThan(plainLoss - 0.005);

  // One factor per feature: the companion is part of the tenure factor, not a factor of its own.
  const newcomer = built.scorer.score({ 'attr.tenure': 1, 'attr.charges': 90, 'attr.senior': 0, 'attr.balance': 0 });
  const veteran = built.scorer.score({ 'attr.tenure': 60, 'attr.charges': 90, 'attr.senior': 0, 'attr.balance': 0 });
  expect(newcomer.churnProbability).toBeGreaterThan(veteran.churnProbability);
  const features = [...newcomer.factors, ...veteran.factors].map((f) => f.feature);
  expect(features).toContain('attr.tenure');
  expect(features.some((f) => f.includes(':log1p'))).toBe(false);
});
