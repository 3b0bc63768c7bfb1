import { describe, expect, it } from 'vitest';
import { baselinePredictions, f1Score, regressionMetrics, rocAuc } from './metrics';

describe('metrics', () => {
  it('computes MAE, RMSE, median AE and the share within tolerance', () => {
    const m = regressionMetrics(
      [
        { actual: 30, predicted: 32, termsDays: 30 },
        { actual: 40, predicted: 30, termsDays: 30 },
        { actual: 60, predicted: 54, termsDays: 60 },
        { actual: 10, predicted: 10, termsDays: 30 },
      ],
      5,
    );
    expect(m.n).toBe(4);
    expect(m.mae).toBe(4.5); // 2, 10, 6, 0
    expect(m.rmse).toBeCloseTo(Math.sqrt((4 + 100 + 36 + 0) / 4), 12);
    expect(m.medianAe).toBe(4);
    expect(m.withinTolerance).toBe(0.5);
  });

  it('scores late payments: AUC by ranks (ties averaged), F1 of predicted-after-due', () => {
    expect(rocAuc([true, true, false, false], [0.9, 0.8, 0.2, 0.1])).toBe(1);
    expect(rocAuc([true, true, false, false], [0.1, 0.2, 0.8, 0.9])).toBe(0);
    expect(rocAuc([true, false, true, false], [1, 1, 0, 0])).toBe(0.5);
    expect(rocAuc([true, false, false], [0.5, 0.7, 0.2])).toBe(0.5);
    expect(rocAuc([true, true], [1, 2])).toBeNull();
    expect(f1Score([true, true, false, false], [true, false, true, false])).toBe(0.5);
    expect(f1Score([true, false], [false, false])).toBe(0);
    const m = regressionMetrics(
      [
        { actual: 40, predicted: 35, termsDays: 30 }, // late, predicted late
        { actual: 25, predicted: 28, termsDays: 30 }, // on time, predicted on time
        { actual: 45, predicted: 29, termsDays: 30 }, // late, predicted on time
      ],
      7,
    );
    expect(m.lateAuc).toBe(1);
    expect(m.lateF1).toBeCloseTo(2 / 3, 12);
  });

  it('builds the three baselines', () => {
    const b = baselinePredictions([{ termsDays: 30, clientMeanDays: 41 }, { termsDays: 60, clientMeanDays: 55 }], 47);
    expect(b).toEqual({ due_date: [30, 60], client_mean: [41, 55], global_mean: [47, 47] });
  });
});
