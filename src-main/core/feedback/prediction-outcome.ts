// Automatic outcomes (DESIGN §4): when a payment fully settles an invoice that has a served
// forecast in prediction_log, the prediction is resolved into one model_prediction_feedback row
// (source 'auto-outcome'). Runs inside the caller's payment transaction, so the outcome commits or
// rolls back with the payment, whichever process records it.
import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from '../db/database';
import { daysBetween, isIsoDate } from '../dates';
import type { AfterPaymentHook, AfterReversalHook, PaymentOutcome } from '../domain/payment-service';
import { PredictionRepository } from './prediction-repository';

export interface ResolvedOutcome {
  feedbackId: number;
  predictionLogId: number;
  modelName: string;
  modelVersion: string;
  predictedDate: string;
  actualDate: string;
  errorDays: number;
  wasAccurate: boolean;
}

/**
 * Resolves the latest served prediction for a fully paid invoice. Idempotent: an invoice whose
 * prediction was already resolved gets no second row; partial payments resolve nothing.
 * Returns the new outcome, or null when there was nothing to resolve.
 */
export function resolvePredictionOutcome(
  sqlite: BetterSqlite3.Database,
  invoiceId: number,
  info: PaymentOutcome,
  toleranceDays: number,
): ResolvedOutcome | null {
  if (!info.fullyPaid) return null;
  if (!isIsoDate(info.paidDate)) throw new Error(`paidDate: expected YYYY-MM-DD, got "${info.paidDate}"`);
  const predictions = new PredictionRepository(sqlite);
  const log = predictions.latestServed(invoiceId);
  // A resolved log means this invoice was already settled once: re-recording adds nothing.
  if (!log || log.resolved_at !== null) return null;

  const errorDays = daysBetween(log.predicted_date, info.paidDate);
  const wasAccurate = Math.abs(errorDays) <= toleranceDays;
  const prediction = {
    predicted_date: log.predicted_date,
    predicted_days: log.predicted_days,
    p10_date: log.p10_date,
    p90_date: log.p90_date,
    amount_cents: log.amount_cents,
    served_at: log.created_at,
  };
  const actual = {
    paid_date: info.paidDate,
    ...(log.issue_date !== null ? { days_to_payment: daysBetween(log.issue_date, info.paidDate) } : {}),
  };
  const now = nowIso();
  const feedbackId = predictions.insertOutcome({
    model_name: log.model_name,
    model_version: log.model_version,
    entity_type: 'invoice',
    entity_id: invoiceId,
    prediction: JSON.stringify(prediction),
    actual_outcome: JSON.stringify(actual),
    was_accurate: wasAccurate ? 1 : 0,
    error_days: errorDays,
    source: 'auto-outcome',
    prediction_log_id: log.id,
    consumed_by_version: null,
    created_at: now,
  });
  // Every forecast served for this invoice is now settled; only the latest one is scored.
  predictions.resolveServed(invoiceId, now);
  if (feedbackId === null) return null;
  return {
    feedbackId,
    predictionLogId: log.id,
    modelName: log.model_name,
    modelVersion: log.model_version,
    predictedDate: log.predicted_date,
    actualDate: info.paidDate,
    errorDays,
    wasAccurate,
  };
}

/** The payment service's after-payment hook that resolves the served prediction of a settled invoice. */
export function predictionOutcomeHook(toleranceDays: () => number): AfterPaymentHook {
  return (sqlite, invoiceId, info) => {
    resolvePredictionOutcome(sqlite, invoiceId, info, toleranceDays());
  };
}

/** The payment service's after-reversal hook: a receipt that had settled the invoice and is taken
 * back reopens the invoice's forecast (its automatic outcome is removed unless a model already trained on it). */
export function predictionReopenHook(): AfterReversalHook {
  return (sqlite, record) => {
    if (record.fullyPaid) new PredictionRepository(sqlite).reopenOutcome(record.invoiceId);
  };
}
