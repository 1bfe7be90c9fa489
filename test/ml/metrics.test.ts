import {
  brierScore,
  evaluateClassifier,
  expectedCalibrationError,
  liftOver,
  logLoss,
  reliabilityTable,
  rocAuc,
  topDecileLift,
} from '../../src/ml/metrics';

describe('classifier metrics agree with values computed by hand', () => {
  const p = [0.1, 0.4, 0.35, 0.8];
  const y = [0, 0, 1, 1];

  test('ROC AUC counts correctly ordered positive/negative pairs (3 of 4 here)', () => {
    expect(rocAuc(p, y)).toBeCloseTo(0.75, 12);
  });

  test('ties count one half', () => {
    expect(rocAuc([0.5, 0.5], [0, 1])).toBeCloseTo(0.5, 12);
    expect(rocAuc([0.2, 0.5, 0.5, 0.9], [0, 0, 1, 1])).toBeCloseTo((1 + 1 + 0.5 + 1) / 4, 12);
  });

  test('AUC is undefined with a single class', () => {
    expect(rocAuc([0.2, 0.3], [1, 1])).toBeNull();
  });

  test('log loss is the mean negative log-likelihood', () => {
    const expected = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4;
    expect(logLoss(p, y)).toBeCloseTo(expected, 12);
  });

  test('Brier score is the mean squared error', () => {
    expect(brierScore(p, y)).toBeCloseTo((0.01 + 0.16 + 0.4225 + 0.04) / 4, 12);
  });

  test('reliability table bins by predicted probability and ECE weights the gaps by bin share', () => {
    const q = [0.1, 0.42, 0.46, 0.8];
    const table = reliabilityTable(q, y);
    expect(table).toHaveLength(10);
    expect(table[1]).toMatchObject({ count: 1, meanPredicted: 0.1, observedRate: 0 });
    expect(table[4]).toMatchObject({ count: 2, observedRate: 0.5 });
    expect(table[4].meanPredicted).toBeCloseTo(0.44, 12);
    expect(table[8]).toMatchObject({ count: 1, observedRate: 1 });
    // gaps: 0.1 (one row), |0.44 - 0.5| = 0.06 (two rows), |0.8 - 1| = 0.2 (one row)
    expect(expectedCalibrationError(q, y)).toBeCloseTo(0.25 * 0.1 + 0.5 * 0.06 + 0.25 * 0.2, 12);
  });

  test('evaluateClassifier and lift over a baseline', () => {
    const m = evaluateClassifier(p, y);
    expect(m).toMatchObject({ n: 4, positives: 2, baseRate: 0.5 });
    const base = evaluateClassifier([0.5, 0.5, 0.5, 0.5], y);
    expect(base.auc).toBeCloseTo(0.5, 12);
    expect(base.logLoss).toBeCloseTo(Math.log(2), 12);
    const lift = liftOver(m, base);
    expect(lift.aucGain).toBeCloseTo(0.25, 12);
    expect(lift.logLossReduction).toBeCloseTo(1 - m.logLoss / Math.log(2), 12);
    expect(topDecileLift(p, y)).toBeCloseTo(2, 12);
  });
});
