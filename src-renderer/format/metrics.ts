// How the Models page names and shows a model's stored metrics.
import type { ErrorMetric } from '../../src-shared/retraining-message';
import { formatNumber } from './money';

const PERCENT_METRICS = /accuracy|within|share|auc|f1|improvement|coverage|top1Error/i;

/** The stored key of every model's primary error: the registry ranks all models by it. */
export const PRIMARY_ERROR_KEY = 'mae';

/**
 * What a stored metric is called for a model whose primary error is `primary` (the spec's
 * primaryMetric, carried by its card): for a top-1 error rate the ranked `mae` is that rate and
 * `accuracy` is top-1 accuracy, while RMSE and the median of 0/1 errors mean nothing (null: not
 * shown). A MAE model keeps the stored names.
 */
const NAMES: Record<ErrorMetric, Record<string, string | null>> = {
  mae: {},
  top1Error: { mae: 'top1Error', accuracy: 'top1Accuracy', rmse: null, medianAe: null },
};

export function metricOf(primary: ErrorMetric, metric: string): string | null {
  const named = NAMES[primary][metric];
  return named === undefined ? metric : named;
}

/** The primary error's display name for a model. */
export function primaryMetricName(primary: ErrorMetric): string {
  return metricOf(primary, PRIMARY_ERROR_KEY) ?? PRIMARY_ERROR_KEY;
}

export function formatMetric(name: string, v: number | null, lang: 'it' | 'en'): string {
  if (v === null || v === undefined) return '—';
  if (PERCENT_METRICS.test(name) && Math.abs(v) <= 1) return `${formatNumber(v * 100, lang, 1)}%`;
  return formatNumber(v, lang, 2);
}
