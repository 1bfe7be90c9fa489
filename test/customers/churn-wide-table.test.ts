// A customer table exported from "any CRM": dozens of numeric and categorical custom attributes,
// gaps, no dates. It must train with no code written for it, and score rows with unseen categories
// and missing values.
import { decidePromotion } from '../../src/ml/promotion';
import { buildChurnModel } from '../../src/services/customers/build-churn-model';
import { createRng } from '../../src/math/random';
import type { CustomerHistory } from '../../src/domain/features/customer-features';

const SEED = 4242;

function wideTable(n: number): CustomerHistory[] {
  const rng = createRng(SEED, 'mulberry32');
  const out: CustomerHistory[] = [];
  for (let i = 0; i < n; i++) {
    const attributes: Record<string, string | number | null> = {};
    for (let k = 0; k < 25; k++) attributes[`metric_${k}`] = rng.next() < 0.1 ? null : Math.round(rng.normal() * 100) / 10;
    for (let k = 0; k < 20; k++) attributes[`field_${k}`] = rng.next() < 0.05 ? null : `v${Math.floor(rng.next() * (3 + k))}`;
    attributes.contract = ['monthly', 'annual', 'two-year'][Math.floor(rng.next() * 3)];
    attributes.Churn = 'leak';
    // The truth: contract, metric_0 and field_1 drive churn; the other 43 columns are noise.
    const z =
      -1.2 +
      (attributes.contract === 'monthly' ? 1.5 : attributes.contract === 'annual' ? 0 : -1) +
      0.8 * (Number(attributes.metric_0 ?? 0) / 10) +
      (attributes.field_1 === 'v0' ? 0.9 : 0);
    const churned = rng.next() < 1 / (1 + Math.exp(-z));
    out.push({ accountId: i + 1, externalId: `C${i}`, status: churned ? 'churned' : 'active', churnedAt: null, attributes });
  }
  return out;
}

test('a wide attribute table with gaps trains, is evaluated on a fixed id split (said so), and scores unseen values', async () => {
  console.log(`seed ${SEED}`);
  const histories = wideTable(2500);
  const built = await buildChurnModel(histories, { asOf: new Date('2025-01-01T00:00:00Z'), seed: SEED });
  expect(built.artifact.evaluation).toBe('id-split');
  expect(built.metrics.evaluationNote).toMatch(/no churn dates/);
  // The held-out customers are the last 20% in external-id order (C2000..C2499, numeric-aware).
  const testIds = built.testSet.map((e) => e.accountId).sort((a, b) => a - b);
  expect(testIds).toEqual(Array.from({ length: 500 }, (_, i) => 2001 + i));
  expect(built.metrics.selection.refit.rows).toBe(2000);
  expect(built.metrics.leakage.passed).toBe(true);
  // The reported test metrics are those of the scorer that serves, row by row.
  built.testSet.forEach((e, i) => {
    expect(built.scorer.score(e.row).churnProbability).toBe(built.testP[i]);
  });
  expect(built.metrics.features.names).toEqual(expect.arrayContaining(['attr.contract', 'attr.metric_0', 'attr.field_1', 'attr.field_19']));
  expect(built.metrics.features.names).not.toContain('attr.Churn');
  expect(built.metrics.test.auc!).toBeGreaterThan(0.7);
  expect(built.metrics.test.auc! - (built.metrics.baseline.auc ?? 0.5)).toBeGreaterThan(0.15);
  expect(built.metrics.test.ece).toBeLessThan(0.08);

  const unseen = built.scorer.score({ 'attr.contract': 'lifetime', 'attr.field_1': 'never-seen', 'attr.metric_0': null });
  expect(unseen.churnProbability).toBeGreaterThan(0);
  expect(unseen.churnProbability).toBeLessThan(1);
  const risky = built.scorer.score({ 'attr.contract': 'monthly', 'attr.metric_0': 25, 'attr.field_1': 'v0' });
  const safe = built.scorer.score({ 'attr.contract': 'two-year', 'attr.metric_0': -25, 'attr.field_1': 'v2' });
  expect(risky.churnProbability).toBeGreaterThan(safe.churnProbability);
  expect(risky.factors[0].effect).toBeGreaterThan(0);
  expect(risky.factors.map((f) => f.feature)).toContain('attr.contract');
  expect(risky.factors.every((f) => typeof f.text === 'string' && f.text.length > 0)).toBe(true);
});

test('a churn artifact built by another feature version is refused with SCHEMA_MISMATCH', async () => {
  const built = await buildChurnModel(wideTable(800), { asOf: new Date('2025-01-01T00:00:00Z'), seed: SEED, l2: 3 });
  const { ChurnScorer } = await import('../../src/services/customers/churn-scorer');
  expect(() => new ChurnScorer({ ...built.artifact, featureVersion: built.artifact.featureVersion + 1 })).toThrow(
    expect.objectContaining({ code: 'SCHEMA_MISMATCH' }),
  );
  expect(() => new ChurnScorer(JSON.parse(JSON.stringify(built.artifact)))).not.toThrow();
});

test('too few churned customers is refused with a message saying what is missing', async () => {
  const histories = wideTable(60);
  await expect(buildChurnModel(histories, { asOf: new Date('2025-01-01T00:00:00Z'), seed: SEED })).rejects.toMatchObject({
    code: 'UNPROCESSABLE',
    message: expect.stringMatching(/churned .* training examples \(need 20 of each\)/),
  });
});

test('a planted leak (an attribute that is the label in disguise) is named and blocks promotion', async () => {
  const histories = wideTable(1500).map((h) => ({
    ...h,
    attributes: { ...h.attributes, exitSurvey: h.status === 'churned' ? 'unhappy' : 'fine' },
  }));
  const built = await buildChurnModel(histories, { asOf: new Date('2025-01-01T00:00:00Z'), seed: SEED, l2: 3 });
  expect(built.metrics.leakage.passed).toBe(false);
  expect(built.metrics.leakage.strongestFeatures[0]).toMatchObject({ feature: 'attr.exitSurvey' });
  expect(built.metrics.leakage.reasons.join(' ')).toMatch(/"attr.exitSurvey" alone separates the outcomes with AUC 1\.000/);
  const decision = decidePromotion({
    mode: 'always',
    y: built.testSet.map((e) => e.y),
    candidate: built.testP,
    baseline: built.baselineP,
    active: null,
    leakage: built.metrics.leakage,
    seed: SEED,
  });
  expect(decision.promote).toBe(false);
  expect(decision.decision).toMatch(/^not promoted: leakage guard .*attr\.exitSurvey/);
});
