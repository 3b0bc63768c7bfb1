import { describe, expect, it } from 'vitest';
import { formatMetric, metricOf, primaryMetricName } from './metrics';

describe('model metrics', () => {
  it('names a top-1 model’s error and accuracy as top-1 figures and hides figures that mean nothing for it; a MAE model keeps its names', () => {
    expect(metricOf('top1Error', 'mae')).toBe('top1Error');
    expect(metricOf('top1Error', 'accuracy')).toBe('top1Accuracy');
    expect(metricOf('top1Error', 'rmse')).toBeNull();
    expect(metricOf('top1Error', 'n')).toBe('n');
    expect(metricOf('mae', 'mae')).toBe('mae');
    expect(metricOf('mae', 'rmse')).toBe('rmse');
    expect([primaryMetricName('top1Error'), primaryMetricName('mae')]).toEqual(['top1Error', 'mae']);
  });

  it('shows a top-1 error rate as a percentage and the cash-flow MAE in days', () => {
    expect(formatMetric(primaryMetricName('top1Error'), 0.024, 'en')).toBe('2.4%');
    expect(formatMetric(primaryMetricName('top1Error'), 0.024, 'it')).toBe('2,4%');
    expect(formatMetric(primaryMetricName('mae'), 5.049, 'it')).toBe('5,05');
    expect(formatMetric('mae', null, 'en')).toBe('—');
  });
});
