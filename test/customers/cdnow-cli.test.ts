// The published CDNOW figures through the whole product: the raw 1/10 sample transactions imported
// with the example mappings, then `salescast train clv` with the paper's 39-week calibration period
// (first purchases in Q1 1997, calibration through 1997-09-30), in weeks.
// Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = -9582.4;
// Fader & Hardie's Gamma-Gamma note: p = 6.25, q = 3.74, γ = 15.44.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { describeWithData, realDataPath } from '../helpers/real-data';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'salescast.js');
const SAMPLE = realDataPath('cdnow', 'CDNOW_sample.txt');

describeWithData([['cdnow', 'CDNOW_sample.txt']], 'the CDNOW sample through the CLI', () => {
  test('train clv on the imported CDNOW sample reproduces the published BG/NBD and Gamma-Gamma fits', async () => {
    const t: TestDatabase = await createTestDatabase();
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-models-'));
    const env = { ...process.env, DATABASE_URL: t.url, SALESCAST_MODELS_DIR: modelsDir };
    const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', stdio: 'pipe' });
    try {
      cli('import', 'accounts', SAMPLE, '--map', path.join(ROOT, 'examples', 'cdnow', 'sample-accounts.map.json'));
      cli('import', 'orders', SAMPLE, '--map', path.join(ROOT, 'examples', 'cdnow', 'sample-orders.map.json'));
      const r = JSON.parse(cli('train', 'clv', '--calibration-end', '1997-09-30', '--time-unit', 'week', '--json'));
      expect(r.customers).toBe(2357);
      expect(r.repeatCustomers).toBe(946);
      const p = r.bgNbd.params;
      expect(p.r).toBeCloseTo(0.243, 3);
      expect(p.alpha).toBeCloseTo(4.414, 2);
      expect(p.a).toBeCloseTo(0.793, 3);
      expect(p.b).toBeCloseTo(2.426, 2);
      expect(r.bgNbd.logLikelihood).toBeCloseTo(-9582.4, 1);
      expect(r.gammaGamma.params.p).toBeCloseTo(6.25, 1);
      expect(r.gammaGamma.params.q).toBeCloseTo(3.74, 1);
      expect(r.gammaGamma.params.gamma).toBeCloseTo(15.44, 0);
      // Weeks 40-78 are the holdout.
      expect(r.holdout.lengthInUnits).toBeCloseTo(39, 0);
    } finally {
      await t.cleanup();
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });
});
