// Honest fallbacks on a lead funnel that records wins only (the Olist shape): no baseline is served
// from wins alone (it would say 100%), training with --lost-after-days labels idle leads as lost for
// the model and the baseline alike, and the baseline then served is that version's, saying why.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { loadDemoData } from '../../../src/services/demo-service';
import { WinScoring } from '../../../src/services/win/score-deals';
import { trainWinModel } from '../../../src/services/win/train-win-model';

const SEED = 17;
const AS_OF = new Date('2026-10-01T00:00:00Z');

describe(`a funnel that never records a loss (demo seed ${SEED}, losses erased)`, () => {
  let t: TestDatabase;
  let modelsDir: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-funnel-'));
    await loadDemoData(t.db, { seed: SEED, accounts: 120, months: 24, asOf: AS_OF });
    // The CRM never marks a lead lost: lost deals stay open, forever in their last stage.
    await t.db.sql.run("UPDATE opportunity SET outcome = 'open', closed_at = NULL WHERE outcome = 'lost'");
  });
  afterAll(async () => {
    await t.cleanup();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  test('with wins only and no trained version, scores are refused with the way out', async () => {
    const scoring = new WinScoring(t.db, { modelsDir });
    await scoring.refresh();
    expect(() => scoring.scorer()).toThrow(/closed deals are won: a win rate needs both outcomes.*--lost-after-days/);
  });

  test('--lost-after-days labels idle leads as lost for the model and its baseline; that baseline serves, never 1', async () => {
    const trained = await trainWinModel(t.db, {
      asOf: AS_OF,
      modelsDir,
      seed: SEED,
      algorithm: 'logistic',
      lostAfterDays: 60,
      promote: 'never',
    });
    expect(trained.data.staleCountedAsLost).toBeGreaterThan(50);
    expect(trained.data.lostAfterDays).toBe(60);
    expect(trained.baseline.baseRate).toBeGreaterThan(0);
    expect(trained.baseline.baseRate).toBeLessThan(1);
    const scoring = new WinScoring(t.db, { modelsDir });
    await scoring.refresh();
    const [s] = scoring.scoreInline([{ stage: 'Prospecting', amount: 5000, createdAt: '2026-09-20' }], AS_OF);
    expect(s.fallback).toBe(true);
    expect(s.fallbackReason).toMatch(new RegExp(`win v${trained.version} was not promoted \\(not promoted \\(--promote never\\)`));
    expect(s.winProbability).toBeLessThan(0.95);
    expect(s.winProbability).toBeGreaterThan(0.01);
    // It is the baseline training reported, and it is the labelling training used.
    const rates = (trained.scorer.artifact.baseline.rates as Record<string, { rate: number }>).Prospecting;
    expect(s.winProbability).toBeCloseTo(rates.rate, 12);
    expect(trained.scorer.artifact.lostAfterDays).toBe(60);
  });
});
