import { describe, expect, it } from 'vitest';
import { formatMetric, metricOf } from './metrics';

describe('model metrics', () => {
  it('names the payment matcher error and accuracy as top-1 figures, the cash-flow model by its own names', () => {
    expect(metricOf('payment_matcher', 'mae')).toBe('top1Error');
    expect(metricOf('payment_matcher', 'accuracy')).toBe('top1Accuracy');
    expect(metricOf('cash_flow', 'mae')).toBe('mae');
  });

  it('shows a top-1 error rate as a percentage and the cash-flow MAE in days', () => {
    expect(formatMetric(metricOf('payment_matcher', 'mae'), 0.024, 'en')).toBe('2.4%');
    expect(formatMetric(metricOf('payment_matcher', 'mae'), 0.024, 'it')).toBe('2,4%');
    expect(formatMetric(metricOf('cash_flow', 'mae'), 5.049, 'it')).toBe('5,05');
    expect(formatMetric('mae', null, 'en')).toBe('—');
  });
});
