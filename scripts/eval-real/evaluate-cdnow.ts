// BG/NBD and Gamma-Gamma on CDNOW through the product: the 1/10 sample imported by the example
// mappings, `salescast train clv --calibration-end 1997-09-30 --time-unit week` (the papers' 39-week
// calibration), the fitted parameters next to the published ones. test/customers/cdnow-cli.test.ts
// asserts the same figures in npm test (the tolerances here are its toBeCloseTo digits); this prints them.
import { trainClvModel } from '../../src/services/customers/train-clv-model';
import { importDataset } from './import-dataset';
import type { RunOptions } from './options';
import type { CdnowEvaluation, Gate } from './result';

export const CDNOW = {
  folder: 'cdnow',
  file: 'CDNOW_sample.txt',
  imports: [
    { kind: 'accounts' as const, file: 'CDNOW_sample.txt', map: 'sample-accounts.map.json' },
    { kind: 'orders' as const, file: 'CDNOW_sample.txt', map: 'sample-orders.map.json' },
  ],
  keyed: {},
};

/** toBeCloseTo(x, digits) passes when |fitted - x| < 10^-digits / 2. */
const within = (digits: number) => 10 ** -digits / 2;

/**
 * Fader, Hardie & Lee (2005), "Counting your customers the easy way", Table 1 (BG/NBD on the CDNOW
 * sample, 39-week calibration); Fader & Hardie (2013), "The Gamma-Gamma model of monetary value", p. 3.
 */
const PUBLISHED = [
  { name: 'BG/NBD r', published: 0.243, digits: 3, get: (r: Fit) => r.bgNbd.params.r },
  { name: 'BG/NBD alpha', published: 4.414, digits: 2, get: (r: Fit) => r.bgNbd.params.alpha },
  { name: 'BG/NBD a', published: 0.793, digits: 3, get: (r: Fit) => r.bgNbd.params.a },
  { name: 'BG/NBD b', published: 2.426, digits: 2, get: (r: Fit) => r.bgNbd.params.b },
  { name: 'BG/NBD log-likelihood', published: -9582.4, digits: 1, get: (r: Fit) => r.bgNbd.logLikelihood },
  { name: 'Gamma-Gamma p', published: 6.25, digits: 1, get: (r: Fit) => r.gammaGamma?.params.p ?? Number.NaN },
  { name: 'Gamma-Gamma q', published: 3.74, digits: 1, get: (r: Fit) => r.gammaGamma?.params.q ?? Number.NaN },
  { name: 'Gamma-Gamma gamma', published: 15.44, digits: 0, get: (r: Fit) => r.gammaGamma?.params.gamma ?? Number.NaN },
];

type Fit = Awaited<ReturnType<typeof trainClvModel>>;

export async function evaluateCdnow(dir: string, o: RunOptions): Promise<CdnowEvaluation> {
  const started = Date.now();
  const { db, modelsDir } = await o.scratch.database('cdnow');
  await importDataset(db, CDNOW, dir, o.scratch, 'cdnow');
  o.log('cdnow: salescast train clv --calibration-end 1997-09-30 --time-unit week');
  const r = await trainClvModel(db, { calibrationEnd: new Date('1997-09-30T00:00:00Z'), timeUnit: 'week', modelsDir });
  const figures = PUBLISHED.map((f) => ({ name: f.name, published: f.published, fitted: f.get(r), tolerance: within(f.digits) }));
  const gates: Gate[] = figures.map((f) => ({
    id: `cdnow:${f.name.toLowerCase().replace(/[^a-z]+/g, '-')}`,
    target: `${f.name} = ${f.published} (within ${f.tolerance})`,
    measured: f.fitted.toFixed(4),
    pass: Math.abs(f.fitted - f.published) < f.tolerance,
  }));
  const h = r.holdout;
  return {
    dataset: 'cdnow',
    title: 'CDNOW sample (BG/NBD, Gamma-Gamma)',
    figures,
    holdout: h
      ? { weeks: h.lengthInUnits, actualRepeatPurchases: h.actualRepeatPurchases, predictedRepeatPurchases: h.predictedRepeatPurchases }
      : null,
    gates,
    seconds: (Date.now() - started) / 1000,
  };
}
