// Automatic outcomes (DESIGN §4): when a payment fully settles an invoice that has a served
// forecast in prediction_log, the prediction is resolved into one model_prediction_feedback row
// (source 'auto-outcome'). Runs inside the caller's payment transaction, so the outcome commits or
// rolls back with the payment, whichever process records it.
import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from '../db/database';
import { daysBetween, isIsoDate } from '../dates';

export interface PaymentSettlement {
  fullyPaid: boolean;
  /** Date of the payment that settled the invoice (YYYY-MM-DD). */
  paidDate: string;
}

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

interface LogRow {
  id: number;
  model_name: string;
  model_version: string;
  predicted_days: number;
  predicted_date: string;
  p10_date: string | null;
  p90_date: string | null;
  amount_cents: number;
  created_at: string;
  resolved_at: string | null;
}

/**
 * Resolves the latest served prediction for a fully paid invoice. Idempotent: an invoice whose
 * prediction was already resolved gets no second row; partial payments resolve nothing.
 * Returns the new outcome, or null when there was nothing to resolve.
 */
export function resolvePredictionOutcome(
  sqlite: BetterSqlite3.Database,
  invoiceId: number,
  info: PaymentSettlement,
  toleranceDays: number,
): ResolvedOutcome | null {
  if (!info.fullyPaid) return null;
  if (!isIsoDate(info.paidDate)) throw new Error(`paidDate: expected YYYY-MM-DD, got "${info.paidDate}"`);
  const log = sqlite
    .prepare(
      `SELECT id, model_name, model_version, predicted_days, predicted_date, p10_date, p90_date, amount_cents, created_at, resolved_at
       FROM prediction_log WHERE invoice_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
    )
    .get(invoiceId) as LogRow | undefined;
  // A resolved log means this invoice was already settled once: re-recording adds nothing.
  if (!log || log.resolved_at !== null) return null;

  const issue = sqlite.prepare('SELECT issue_date FROM invoices WHERE id = ?').get(invoiceId) as { issue_date: string } | undefined;
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
    ...(issue ? { days_to_payment: daysBetween(issue.issue_date, info.paidDate) } : {}),
  };
  const now = nowIso();
  const inserted = sqlite
    .prepare(
      `INSERT INTO model_prediction_feedback(model_name, model_version, entity_type, entity_id, prediction, actual_outcome,
         was_accurate, error_days, source, prediction_log_id, created_at)
       VALUES (?, ?, 'invoice', ?, ?, ?, ?, ?, 'auto-outcome', ?, ?)
       ON CONFLICT(prediction_log_id) DO NOTHING`,
    )
    .run(log.model_name, log.model_version, invoiceId, JSON.stringify(prediction), JSON.stringify(actual), wasAccurate ? 1 : 0, errorDays, log.id, now);
  // Every forecast served for this invoice is now settled; only the latest one is scored.
  sqlite.prepare('UPDATE prediction_log SET resolved_at = ? WHERE invoice_id = ? AND resolved_at IS NULL').run(now, invoiceId);
  if (inserted.changes === 0) return null;
  return {
    feedbackId: Number(inserted.lastInsertRowid),
    predictionLogId: log.id,
    modelName: log.model_name,
    modelVersion: log.model_version,
    predictedDate: log.predicted_date,
    actualDate: info.paidDate,
    errorDays,
    wasAccurate,
  };
}

/** The hook shape the payment service calls inside its transaction. */
export type PaymentSettledHook = (sqlite: BetterSqlite3.Database, invoiceId: number, info: PaymentSettlement) => void;

export function predictionOutcomeHook(toleranceDays: () => number): PaymentSettledHook {
  return (sqlite, invoiceId, info) => {
    resolvePredictionOutcome(sqlite, invoiceId, info, toleranceDays());
  };
}
