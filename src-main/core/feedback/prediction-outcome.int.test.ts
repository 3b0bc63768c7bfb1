import { describe, expect, it } from 'vitest';
import { resolvePredictionOutcome } from './prediction-outcome';
import { tempDatabases } from '../../../tests/support/temp-database';

const openTemp = tempDatabases('of-outcome-');

function setup() {
  const d = openTemp();
  const s = d.sqlite;
  s.prepare("INSERT INTO clients(id, denominazione) VALUES (1, 'Rossi Srl')").run();
  s.prepare("INSERT INTO invoices(id, number, year, client_id, issue_date, due_date, total_cents) VALUES (10, 1, 2025, 1, '2025-01-10', '2025-02-09', 122000)").run();
  const log = (version: string, predicted: string, createdAt: string) =>
    Number(
      s.prepare(
        `INSERT INTO prediction_log(model_name, model_version, invoice_id, predicted_days, predicted_date, amount_cents, created_at)
         VALUES ('cash_flow', ?, 10, 0, ?, 122000, ?)`,
      ).run(version, predicted, createdAt).lastInsertRowid,
    );
  const outcomes = () => s.prepare("SELECT * FROM model_prediction_feedback WHERE source = 'auto-outcome'").all() as Record<string, unknown>[];
  return { d, s, log, outcomes };
}

describe('resolvePredictionOutcome', () => {
  it('resolves the latest served prediction once, with the error in days, and only when fully paid', () => {
    const { s, log, outcomes } = setup();
    log('1.0.0', '2025-02-01', '2025-01-11T09:00:00.000Z');
    const latest = log('1.1.0', '2025-02-12', '2025-01-20T09:00:00.000Z');

    expect(resolvePredictionOutcome(s, 10, { fullyPaid: false, paidDate: '2025-02-01' }, 7)).toBeNull();
    expect(outcomes()).toHaveLength(0);

    const r = resolvePredictionOutcome(s, 10, { fullyPaid: true, paidDate: '2025-02-22' }, 7);
    expect(r).toMatchObject({ predictionLogId: latest, modelVersion: '1.1.0', errorDays: 10, wasAccurate: false });
    const rows = outcomes();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ model_name: 'cash_flow', model_version: '1.1.0', entity_type: 'invoice', entity_id: 10, error_days: 10, was_accurate: 0, prediction_log_id: latest });
    expect(JSON.parse(rows[0]!.actual_outcome as string)).toEqual({ paid_date: '2025-02-22', days_to_payment: 43 });
    expect(JSON.parse(rows[0]!.prediction as string)).toMatchObject({ predicted_date: '2025-02-12' });
    expect(s.prepare('SELECT count(*) AS n FROM prediction_log WHERE resolved_at IS NULL').get()).toEqual({ n: 0 });

    expect(resolvePredictionOutcome(s, 10, { fullyPaid: true, paidDate: '2025-02-23' }, 7)).toBeNull();
    expect(outcomes()).toHaveLength(1);
  });

  it('is accurate within the tolerance, early or late', () => {
    const { s, log } = setup();
    log('1.0.0', '2025-02-12', '2025-01-20T09:00:00.000Z');
    expect(resolvePredictionOutcome(s, 10, { fullyPaid: true, paidDate: '2025-02-05' }, 7)).toMatchObject({ errorDays: -7, wasAccurate: true });
  });

  it('does nothing for an invoice without a served prediction', () => {
    const { s, outcomes } = setup();
    expect(resolvePredictionOutcome(s, 10, { fullyPaid: true, paidDate: '2025-02-05' }, 7)).toBeNull();
    expect(outcomes()).toHaveLength(0);
  });

  it('rolls back with the payment transaction that called it', () => {
    const { s, log, outcomes } = setup();
    log('1.0.0', '2025-02-12', '2025-01-20T09:00:00.000Z');
    expect(() =>
      s.transaction(() => {
        resolvePredictionOutcome(s, 10, { fullyPaid: true, paidDate: '2025-02-12' }, 7);
        throw new Error('payment failed');
      })(),
    ).toThrow('payment failed');
    expect(outcomes()).toHaveLength(0);
    expect(s.prepare('SELECT count(*) AS n FROM prediction_log WHERE resolved_at IS NULL').get()).toEqual({ n: 1 });
  });
});
