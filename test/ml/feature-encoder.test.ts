import { FeatureEncoder, inferFeatureSpec, NOT_PROVIDED, schemaSignature } from '../../src/ml/feature-encoder';

describe('the tabular feature encoder', () => {
  const rows = [
    { amount: 100, tenure: 1, plan: 'Gold', paperless: true },
    { amount: 300, tenure: null, plan: 'gold', paperless: false },
    { amount: 200, tenure: 3, plan: 'Silver', paperless: true },
    { amount: 400, tenure: 5, plan: 'Rare', paperless: false },
  ];
  const spec = { numeric: ['amount', 'tenure', 'paperless'], categorical: ['plan'], minCategoryCount: 1 };

  test('standardises numbers, flags missing values and one-hots categories with an other bucket', () => {
    const enc = new FeatureEncoder({ ...spec, maxCategories: 2 }).fit(rows);
    expect(enc.columns.map((c) => c.name)).toEqual([
      'amount',
      'tenure',
      'tenure:missing',
      'paperless',
      'plan=gold',
      'plan=rare',
      'plan=(other)',
    ]);
    const x = enc.transformRow({ amount: 250, tenure: undefined, plan: 'Platinum', paperless: 1 });
    expect(x[0]).toBeCloseTo(0, 12); // mean amount is 250
    expect(x[1]).toBe(0); // missing -> mean
    expect(x[2]).toBe(1);
    expect(x.slice(4)).toEqual([0, 0, 1]); // unseen category -> other
    expect(enc.knowsCategory('plan', 'GOLD ')).toBe(true);
    expect(enc.groups().find((g) => g.feature === 'plan')!.columns).toEqual([4, 5, 6]);
  });

  test('round-trips through JSON and refuses a different schema', () => {
    const enc = new FeatureEncoder(spec).fit(rows);
    const back = FeatureEncoder.fromArtifact(JSON.parse(JSON.stringify(enc.toArtifact())), spec);
    expect(back.transformRow(rows[1])).toEqual(enc.transformRow(rows[1]));
    expect(() => FeatureEncoder.fromArtifact(enc.toArtifact(), { ...spec, numeric: ['amount', 'tenure', 'paperless', 'age'] })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_MISMATCH', message: expect.stringMatching(/model lacks age/) }),
    );
    expect(schemaSignature(spec)).toBe(enc.signature);
  });

  test('columns the model never saw vary (constant or empty, unseen with no "other" in training) encode as zero', () => {
    const enc = new FeatureEncoder({ numeric: ['never', 'same', 'amount'], categorical: ['stage'], minCategoryCount: 1 }).fit([
      { never: null, same: 3, amount: 1, stage: null },
      { never: null, same: 3, amount: 2, stage: null },
    ]);
    // A category column that was 1 on every training row is constant too: no column for it (a
    // different value at scoring would otherwise move the score by a weight never identified).
    expect(enc.columns.map((c) => c.name)).toEqual(['never', 'same', 'amount', 'stage=(other)']);
    expect(enc.transformRow({ never: 1000, same: 9, amount: 2, stage: 'Negotiation' })).toEqual([0, 0, 1, 0]);
    expect(enc.transformRow({ never: 1000, same: 9, amount: 2, stage: null })).toEqual([0, 0, 1, 0]);
  });

  test('infers a spec from a wide table', () => {
    const inferred = inferFeatureSpec(
      [
        { id: 'a', x: '1.5', y: 'red', z: null },
        { id: 'b', x: 2, y: 'blue', z: null },
      ],
      { exclude: ['id'] },
    );
    expect(inferred).toEqual({ numeric: ['x'], categorical: ['y'] });
  });
  describe('log companions', () => {
    const months = [
      { tenure: 1, charges: 20 },
      { tenure: 3, charges: null },
      { tenure: 12, charges: 80 },
      { tenure: 60, charges: 100 },
    ];
    const companionSpec = { numeric: ['tenure', 'charges'], categorical: [], logCompanion: ['tenure', 'charges'] };

    test('a numeric column also gets a standardised log1p column, explained with its feature', () => {
      const enc = new FeatureEncoder(companionSpec).fit(months);
      expect(enc.columns.map((c) => c.name)).toEqual(['tenure', 'charges', 'charges:missing', 'tenure:log1p', 'charges:log1p']);
      expect(enc.groups()).toEqual([
        { feature: 'tenure', columns: [0, 3] },
        { feature: 'charges', columns: [1, 2, 4] },
      ]);
      const logs = months.map((r) => Math.log1p(r.tenure));
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
      const x = enc.transformRow({ tenure: 6, charges: null });
      expect(x[3]).toBeCloseTo((Math.log1p(6) - mean) / sd, 12);
      // A missing value: the column's own indicator says so; the companion sits at its mean.
      expect(x[2]).toBe(1);
      expect(x[4]).toBe(0);
      // Not provided: the training average in every column of the feature, the companion included.
      const avg = enc.transformRow({ tenure: NOT_PROVIDED, charges: NOT_PROVIDED });
      expect(avg[0]).toBe(0);
      expect(avg[3]).toBe(0);
      expect(avg[2]).toBeCloseTo(0.25, 12);
    });

    test('round-trip through JSON; no companions is the same schema as before the option', () => {
      const enc = new FeatureEncoder(companionSpec).fit(months);
      const back = FeatureEncoder.fromArtifact(JSON.parse(JSON.stringify(enc.toArtifact())), companionSpec);
      expect(back.transformRow({ tenure: 7, charges: 55 })).toEqual(enc.transformRow({ tenure: 7, charges: 55 }));
      const plain = { numeric: ['tenure', 'charges'], categorical: [] };
      expect(schemaSignature({ ...plain, logCompanion: [] })).toBe(schemaSignature(plain));
      expect(schemaSignature(companionSpec)).not.toBe(schemaSignature(plain));
      expect(() => FeatureEncoder.fromArtifact(enc.toArtifact(), plain)).toThrow(expect.objectContaining({ code: 'SCHEMA_MISMATCH' }));
    });

    test('refuses a companion that is not a numeric feature or is logged already', () => {
      expect(() => new FeatureEncoder({ numeric: ['tenure'], categorical: ['plan'], logCompanion: ['plan'] })).toThrow(
        /log companion "plan"/,
      );
      expect(() => new FeatureEncoder({ numeric: ['tenure'], categorical: [], log: ['tenure'], logCompanion: ['tenure'] })).toThrow(
        /log companion "tenure"/,
      );
    });
  });
});
