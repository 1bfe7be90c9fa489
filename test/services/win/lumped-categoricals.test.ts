// A high-cardinality field (landing page, campaign) keeps a column for its frequent values only;
// the training report says how many values it had and how many rows went to "other".
import { FeatureEncoder, NOT_PROVIDED, type RawRow } from '../../../src/ml/feature-encoder';
import { lumpedCategoricals } from '../../../src/services/win/build-win-model';

describe('lumpedCategoricals', () => {
  test('reports a field whose rarer values share "other", with its value count and the share lumped', () => {
    const rows: RawRow[] = [];
    // 3 pages seen 10 times each, 20 pages seen once; the source has two frequent values only.
    for (let p = 0; p < 3; p++) for (let i = 0; i < 10; i++) rows.push({ page: `P${p}`, source: i % 2 ? 'web' : 'ads' });
    for (let p = 0; p < 20; p++) rows.push({ page: `rare-${p}`, source: 'web' });
    rows.push({ page: NOT_PROVIDED, source: 'web' });
    const encoder = new FeatureEncoder({ numeric: [], categorical: ['page', 'source'], minCategoryCount: 5, maxCategories: 2 }).fit(rows);
    const lumped = lumpedCategoricals(encoder, rows);
    expect(lumped).toEqual([{ feature: 'page', values: 23, columns: 2, otherShare: 30 / 50 }]);
  });
});
