import { createClassifier, loadClassifier } from '../../src/ml/algorithms';
import { GroupRateBaseline } from '../../src/ml/baseline';
import { LogisticRegression } from '../../src/ml/logistic-regression';
import { MlpClassifier } from '../../src/ml/mlp';
import { rocAuc } from '../../src/ml/metrics';
import { sigmoid } from '../../src/math/link';
import { interactionData, logisticData, TEST_SEED } from './synthetic';
import { createRng } from '../../src/math/random';

const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe(`estimators (seed ${TEST_SEED})`, () => {
  test('an unfitted model refuses to predict with a clear message', () => {
    expect(() => new LogisticRegression().predictProba([[1]])).toThrow(/not fitted/);
    expect(() => new MlpClassifier().predictProba([[1]])).toThrow(/not fitted/);
    expect(() => new GroupRateBaseline().predictOne('x')).toThrow(/not fitted/);
  });

  test('fit refuses a single class and mismatched lengths', async () => {
    await expect(new LogisticRegression().fit([[1], [2]], [1, 1])).rejects.toThrow(/both classes/);
    await expect(new LogisticRegression().fit([[1], [2]], [1])).rejects.toThrow(/rows/);
  });

  test('logistic regression recovers the generating coefficients and round-trips exactly', async () => {
    const { X, y } = logisticData(20000, [1.5, -1, 0], -0.5);
    const unfitted = new LogisticRegression({ l2: 1e-6 });
    expect(unfitted.isFitted).toBe(false);
    const lr = await unfitted.fit(X, y);
    expect(lr).toBe(unfitted);
    expect(lr.isFitted).toBe(true);
    const { intercept, weights } = lr.coefficients;
    expect(intercept).toBeCloseTo(-0.5, 1);
    expect(weights[0]).toBeCloseTo(1.5, 1);
    expect(weights[1]).toBeCloseTo(-1, 1);
    expect(Math.abs(weights[2])).toBeLessThan(0.06);
    const back = loadClassifier(roundTrip(lr.toArtifact()));
    expect(back.algorithm).toBe('logistic');
    const a = lr.predictProba(X.slice(0, 50));
    const b = back.predictProba(X.slice(0, 50));
    for (let i = 0; i < 50; i++) expect(b[i]).toBe(a[i]);
    // Contributions are exact for a linear model: they sum to logit(x) - logit(reference).
    const x = X[0];
    const c = lr.contributions(x);
    const ref = lr.logit(X.reduce((m, r) => m.map((v, j) => v + r[j] / X.length), [0, 0, 0]));
    expect(c.reduce((s, v) => s + v, 0)).toBeCloseTo(lr.logit(x) - ref, 8);
    expect(lr.contributions(x, [[0, 1], [2]])[0]).toBeCloseTo(c[0] + c[1], 12);
  });

  test('the L2 penalty shrinks coefficients', async () => {
    const { X, y } = logisticData(500, [2, -2], 0);
    const loose = await new LogisticRegression({ l2: 1e-6 }).fit(X, y);
    const tight = await new LogisticRegression({ l2: 500 }).fit(X, y);
    expect(Math.abs(tight.coefficients.weights[0])).toBeLessThan(Math.abs(loose.coefficients.weights[0]) / 2);
  });

  test('the MLP learns an interaction a linear model cannot, and its plain-TS forward pass round-trips', async () => {
    const train = interactionData(4000);
    const test = interactionData(2000, TEST_SEED + 7);
    const mlp = await new MlpClassifier({ hidden: [16, 8], maxEpochs: 40, learningRate: 0.01, batchSize: 128, seed: TEST_SEED }).fit(
      train.X,
      train.y,
    );
    const lr = await new LogisticRegression().fit(train.X, train.y);
    const aucMlp = rocAuc(mlp.predictProba(test.X), test.y)!;
    const aucLr = rocAuc(lr.predictProba(test.X), test.y)!;
    expect(aucLr).toBeLessThan(0.6);
    expect(aucMlp).toBeGreaterThan(0.75);
    const back = loadClassifier(roundTrip(mlp.toArtifact()));
    expect(back.algorithm).toBe('mlp');
    const a = mlp.predictProba(test.X.slice(0, 20));
    const b = back.predictProba(test.X.slice(0, 20));
    for (let i = 0; i < 20; i++) expect(b[i]).toBeCloseTo(a[i], 12);
    expect(sigmoid(back.logit(test.X[0]))).toBeCloseTo(a[0], 12);
    expect(back.contributions(test.X[0])).toHaveLength(2);
  });

  test('the same seed gives the same MLP', async () => {
    const d = interactionData(600);
    const opts = { hidden: [8], maxEpochs: 3, seed: 7 };
    const a = await new MlpClassifier(opts).fit(d.X, d.y);
    const b = await new MlpClassifier(opts).fit(d.X, d.y);
    expect(Array.from(b.predictProba(d.X.slice(0, 5)))).toEqual(Array.from(a.predictProba(d.X.slice(0, 5))));
  });

  test('the stage baseline shrinks small groups towards the overall rate and round-trips', () => {
    const groups = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c'];
    const y = [1, 1, 1, 0, 0, 0, 0, 1, 1, 1];
    const base = new GroupRateBaseline(2).fit(groups, y);
    // overall 0.6; a: (3 + 2*0.6) / (4 + 2) = 0.7
    expect(base.predictOne('a')).toBeCloseTo(0.7, 12);
    expect(base.predictOne('never-seen')).toBeCloseTo(0.6, 12);
    const back = GroupRateBaseline.fromArtifact(roundTrip(base.toArtifact()));
    expect(back.predictOne('c')).toBeCloseTo(base.predictOne('c'), 12);
    // Weighted: a won deal seen in three snapshots counts once, like the lost deal seen once.
    const weighted = new GroupRateBaseline(0).fit(['a', 'a', 'a', 'a'], [1, 1, 1, 0], [1 / 3, 1 / 3, 1 / 3, 1]);
    expect(weighted.predictOne('a')).toBeCloseTo(0.5, 12);
    // Wins only (a funnel that never records a loss): no rate can be estimated honestly.
    expect(() => new GroupRateBaseline().fit(['a', 'b'], [1, 1])).toThrow(/both outcomes/);
  });

  test('the static registry creates every algorithm by name and refuses unknown ones', () => {
    expect(createClassifier('logistic', { l2: 3 }).params).toMatchObject({ l2: 3 });
    expect(createClassifier('mlp', { hidden: [4] }).params).toMatchObject({ hidden: [4] });
    expect(() => createClassifier('forest')).toThrow(/unknown classifier algorithm "forest"/);
  });

  test('loading refuses foreign, old and future artifacts with SCHEMA_MISMATCH', () => {
    expect(() => loadClassifier({ kind: 'x' } as never)).toThrow(expect.objectContaining({ code: 'SCHEMA_MISMATCH' }));
    // v1 artifacts (kind "salescast-classifier") were written before the common header.
    expect(() => loadClassifier({ kind: 'salescast-classifier', formatVersion: 1 } as never)).toThrow(/salescast-classifier format v1/);
    expect(() => loadClassifier({ kind: 'salescast.classifier', formatVersion: 99 } as never)).toThrow(/format v99/);
    expect(() => loadClassifier({ kind: 'salescast.classifier', formatVersion: 2, algorithm: 'forest' } as never)).toThrow(
      /unknown classifier/,
    );
  });
});

describe('MLP explanations', () => {
  test('occlusion from the first layer equals replacing the columns and running the whole network', () => {
    const rnd = createRng(5, 'mulberry32');
    const sizes = [12, 8, 5, 1];
    const layers = sizes.slice(0, -1).map((inSize, l) => ({
      inSize,
      outSize: sizes[l + 1],
      W: Array.from({ length: inSize * sizes[l + 1] }, () => rnd.next() * 2 - 1),
      b: Array.from({ length: sizes[l + 1] }, () => rnd.next() - 0.5),
    }));
    const reference = Array.from({ length: 12 }, () => rnd.next());
    const mlp = MlpClassifier.fromArtifact({
      kind: 'salescast.classifier',
      formatVersion: 2,
      algorithm: 'mlp',
      params: {},
      inputSize: 12,
      state: { layers, reference },
      libraries: {},
    } as unknown as Parameters<typeof MlpClassifier.fromArtifact>[0]);
    const groups = [[0], [1, 2, 3], [4], [5, 6], [7, 8, 9, 10, 11]];
    for (let trial = 0; trial < 50; trial++) {
      // Mostly one-hot-like sparse rows, some dense.
      const x = Array.from({ length: 12 }, (_, j) => (j < 4 || rnd.next() < 0.3 ? rnd.next() * 4 - 2 : 0));
      const naive = groups.map((cols) => {
        const y = [...x];
        for (const c of cols) y[c] = reference[c];
        return mlp.logit(x) - mlp.logit(y);
      });
      const fast = mlp.contributions(x, groups);
      for (let j = 0; j < groups.length; j++) expect(fast[j]).toBeCloseTo(naive[j], 9);
      expect(mlp.contributions(x)).toHaveLength(12);
    }
  });
});
