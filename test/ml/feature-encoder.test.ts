import fc from 'fast-check';
import { FeatureEncoder, inferFeatureSpec, NOT_PROVIDED, type RawValue, schemaSignature, toCategory } from '../../src/ml/feature-encoder';

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

describe('transformRow reads each field as given', () => {
  // transformRow reads a row through a function compiled with the field names as literals (the
  // encoder's read plan). Names come from the data (custom attributes): any text must be read as
  // that field, and nothing in a name may run.
  const hostile = [
    'plain',
    'attr.with dot',
    "quote'single",
    'quote"double',
    'back\\slash',
    'line\nbreak',
    'sep\u2028arator',
    ['`$', '{globalThis.__pwned = 1}`'].join(''), // a template literal's substitution, were names pasted in one
    '"]; globalThis.__pwned = 1; //',
    '__proto__x',
    '',
  ];

  test('names with quotes, backslashes, line breaks and code in them', () => {
    const numeric = hostile.slice(0, 6);
    const categorical = hostile.slice(6);
    const rows = Array.from({ length: 12 }, (_, i) =>
      Object.fromEntries([
        ...numeric.map((n, j): [string, number] => [n, i * (j + 1)]),
        ...categorical.map((n): [string, string] => [n, `v${i % 3}`]),
      ]),
    );
    const enc = new FeatureEncoder({ numeric, categorical, minCategoryCount: 1 }).fit(rows);
    const x = enc.transformRow(rows[5]);
    const cols = enc.columns;
    for (const [j, n] of numeric.entries()) {
      const s = enc.toArtifact().numeric[j];
      expect([n, x[cols.findIndex((c) => c.name === n)]]).toEqual([n, (5 * (j + 1) - s.mean) / s.sd]);
    }
    for (const n of categorical) expect([n, x[cols.findIndex((c) => c.name === `${n}=v2`)]]).toEqual([n, 1]);
    expect((globalThis as Record<string, unknown>).__pwned).toBeUndefined();
  });

  /** transformRow as a plain loop over the state, reading each field by key: what the read plan must equal. */
  function reference(enc: FeatureEncoder, row: Record<string, unknown>): number[] {
    const s = enc.toArtifact();
    const x: number[] = new Array(enc.width).fill(0);
    const provided = (v: unknown) => typeof v !== 'symbol';
    const group =
      s.spec.imputeBy && s.imputation && provided(row[s.spec.imputeBy])
        ? s.imputation[toCategory(row[s.spec.imputeBy] as string)]
        : undefined;
    let k = 0;
    s.numeric.forEach((n, j) => {
      const raw = row[n.from ?? n.name];
      if (!provided(raw)) {
        x[k++] = n.constant ? 0 : (group?.numeric[j] ?? 0);
        if (n.hasMissingColumn) x[k++] = group?.missingRate[j] ?? n.missingRate ?? 0;
        return;
      }
      let v = raw === null || raw === undefined || raw === '' ? null : typeof raw === 'boolean' ? (raw ? 1 : 0) : Number(raw);
      if (v !== null && !Number.isFinite(v)) v = null;
      if (v !== null && n.log) v = Math.log1p(Math.max(0, v));
      x[k++] = v === null || n.constant ? 0 : (v - n.mean) / n.sd;
      if (n.hasMissingColumn) x[k++] = v === null ? 1 : 0;
    });
    const cols = enc.columns;
    s.categorical.forEach((c, i) => {
      const raw = row[c.name];
      const cat = provided(raw) ? toCategory(raw as string) : null;
      const at = cat === null ? -1 : cols.findIndex((col) => col.source === c.name && col.kind === 'category' && col.category === cat);
      const other = cols.findIndex((col) => col.source === c.name && col.kind === 'other');
      if (at >= 0) x[at] = 1;
      else if (cat === null || (c.shares && c.otherCount < (s.spec.minCategoryCount ?? 5))) {
        const shares = group?.shares[i] ?? c.shares;
        c.categories.forEach((name, j) => {
          x[cols.findIndex((col) => col.source === c.name && col.category === name)] = shares?.[j] ?? 0;
        });
        x[other] = group?.otherShare[i] ?? c.otherShare ?? 0;
      } else if (c.otherCount > 0) x[other] = 1;
    });
    return x;
  }

  test('equals a plain loop over the state for any row: numbers, text, gaps, not provided, unseen values', () => {
    const value = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.integer({ min: -3, max: 40 }),
      fc.constantFrom(null, undefined, '', NOT_PROVIDED, true, false, 'Gold', 'gold ', 'SILVER', 'rare', 'never seen', '12', 'NaN'),
    );
    const names = ['amount', 'tenure', 'plan', 'tier', 'stage'];
    const rowOf = fc.record(Object.fromEntries(names.map((n) => [n, value])) as Record<string, typeof value>, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(rowOf, { minLength: 8, maxLength: 40 }), fc.array(rowOf, { minLength: 1, maxLength: 10 }), (train, rows) => {
        const enc = new FeatureEncoder({
          numeric: ['amount', 'tenure'],
          categorical: ['plan', 'tier', 'stage'],
          log: ['amount'],
          logCompanion: ['tenure'],
          minCategoryCount: 2,
          imputeBy: 'stage',
        }).fit(train as Record<string, RawValue>[]);
        for (const r of rows) expect(enc.transformRow(r as Record<string, RawValue>)).toEqual(reference(enc, r));
      }),
      { numRuns: 300 },
    );
  });
});
