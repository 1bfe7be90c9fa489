// The real-data evaluation in CI (issue #11 item 7): `npm run eval:real -- --quick` on Maven CRM,
// the Olist lead funnel and the IBM telco table. Each dataset is imported through examples/, its
// latest deals (telco: a fixed id split) held out, a model trained as `salescast train win|churn
// --promote auto` does, the training database served over HTTP and the held-out rows scored inline.
// One test per target of the issue (scripts/eval-real/gates.ts), so a failure names the target and
// the figures. CDNOW's published BG/NBD and Gamma-Gamma figures are asserted by
// test/customers/cdnow-cli.test.ts and test/ml/{bg-nbd,gamma-gamma}.test.ts, not repeated here.
//
// The datasets are not in the repository (../shared/data or SALESCAST_REAL_DATA_DIR): without them
// these tests are skipped with a warning, unless SALESCAST_REQUIRE_REAL_DATA=1 makes that a failure.
// The evaluation uses its own scratch SQLite databases, so the PostgreSQL rerun of this project
// (npm run test:pg) skips it rather than repeating the same figures.
import { GATE_IDS } from '../../scripts/eval-real/gates';
import { datasetDir } from '../../scripts/eval-real/paths';
import type { ClassifierDatasetKey, ClassifierEvaluation } from '../../scripts/eval-real/result';
import { DATASET_FILES, runEvaluation } from '../../scripts/eval-real/run';

/**
 * Targets that today's code does not meet, with the figures measured after the #11 fixes (quick
 * settings) and why they still fail. When a fix lands, its test.failing test fails with
 * "Failing test passed even though it was expected to fail": remove its id from this list then.
 * Never widen a target to make it pass.
 */
const KNOWN_FAILING: Record<string, string> = {
  'telco:ece':
    'served ECE 0.0204 vs the 0.02 target (AUC 0.859; scikit-learn 0.023 on the same rows). The same probabilities scored against outcomes drawn from them (perfect calibration) give ECE 0.023 on average, <= 0.02 in 31% of draws, 95th percentile 0.033; the held-out churn rate is 1.5 points below training. Over 30 id-hash splits the model averages 0.0233 (perfect calibration on the same rows: 0.0232) and every customer scored out of sample gives 0.009 on 7,043 rows: calibrated as far as 1,409 rows can tell (npm run eval:telco-splits, docs/customers.md)',
};

const DATASETS: ClassifierDatasetKey[] = ['maven', 'olist', 'telco'];
const onPostgres = process.env.SALESCAST_TEST_DIALECT === 'postgresql';
const requireData = process.env.SALESCAST_REQUIRE_REAL_DATA === '1';

const line = (g: { pass: boolean; id: string; target: string; measured: string }) =>
  `${g.pass ? 'PASS' : 'FAIL'} ${g.id}: ${g.target} -- ${g.measured}`;

for (const key of DATASETS) {
  const { folder, files } = DATASET_FILES[key];
  const present = datasetDir(folder, files) !== null;
  if (!present && !onPostgres) {
    if (requireData) test(`${key}: the dataset is present`, () => expect(`${folder}/${files.join(', ')}`).toBe('present'));
    else console.warn(`real-data evaluation: ${folder} not found, skipping ${key} (SALESCAST_REAL_DATA_DIR)`);
  }
  const maybe = present && !onPostgres ? describe : describe.skip;

  maybe(`${key}: held-out rows scored inline over HTTP (eval:real --quick)`, () => {
    let e: ClassifierEvaluation;
    beforeAll(async () => {
      const r = await runEvaluation({ datasets: [key], quick: true, sklearn: false });
      e = r.evaluations[0] as ClassifierEvaluation;
    }, 600_000);

    test('checks exactly the targets listed for the dataset', () => {
      expect(e.gates.map((g) => g.id)).toEqual(GATE_IDS[key]);
      expect(e.split.scoredRows).toBeGreaterThan(1000);
    });

    test('serves the promoted version, and no version of this run when nothing was promoted', () => {
      if (e.training.promoted) expect(e.served.what).toBe(`model v${e.training.version}`);
      else expect(e.served.modelVersion).not.toBe(e.training.version);
    });

    for (const id of GATE_IDS[key]) {
      const known = KNOWN_FAILING[id];
      (known ? test.failing : test)(`${id}${known ? ` (known failing: ${known})` : ''}`, () => {
        const g = e.gates.find((x) => x.id === id);
        expect(g && line(g)).toMatch(/^PASS /);
      });
    }
  });
}
