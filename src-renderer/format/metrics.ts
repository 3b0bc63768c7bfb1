// How the Models page names and shows a model's stored metrics.
import { formatNumber } from './money';

const PERCENT_METRICS = /accuracy|within|share|auc|f1|improvement|coverage|top1Error/i;

/**
 * What a stored metric means for a model: the registry ranks every model by an error called `mae`,
 * which for the payment matcher is its top-1 error rate (and its `accuracy` is top-1 accuracy).
 */
const MODEL_METRICS: Record<string, Record<string, string>> = {
  payment_matcher: { mae: 'top1Error', accuracy: 'top1Accuracy' },
};

export function metricOf(model: string, metric: string): string {
  return MODEL_METRICS[model]?.[metric] ?? metric;
}

export function formatMetric(name: string, v: number | null, lang: 'it' | 'en'): string {
  if (v === null || v === undefined) return '—';
  if (PERCENT_METRICS.test(name) && Math.abs(v) <= 1) return `${formatNumber(v * 100, lang, 1)}%`;
  return formatNumber(v, lang, 2);
}
