// End to end with the real payment service: a served forecast, then payments recorded as a user
// would record them.
import { describe, expect, it } from 'vitest';
import { ClientService } from '../domain/client-service';
import { InvoiceService } from '../domain/invoice-service';
import { PaymentService } from '../domain/payment-service';
import { InputError } from '../errors';
import { predictionOutcomeHook } from './prediction-outcome';
import { tempDatabases } from '../../../tests/support/temp-database';

const openTemp = tempDatabases('of-payout-');

describe('payment of an invoice with a served forecast', () => {
  it('creates exactly one auto-outcome with the right error: partial → none, full → one, repeated → still one', () => {
    const d = openTemp();
    const clients = new ClientService(d.sqlite);
    const invoices = new InvoiceService(d.sqlite, clients);
    const payments = new PaymentService(d.sqlite, invoices);
    let tolerance = 7;
    payments.afterPaymentHooks.push(predictionOutcomeHook(() => tolerance));

    const client = clients.create({ denominazione: 'Bianchi Snc' });
    const inv = invoices.create({ clientId: client.id, issueDate: '2025-03-01', paymentTermsDays: 30, lines: [{ description: 'Consulenza', quantity: 1, unitPriceCents: 100000, vatRate: 22 }] });
    const invoiceId = inv.invoice.id;
    d.sqlite
      .prepare(
        `INSERT INTO prediction_log(model_name, model_version, invoice_id, predicted_days, predicted_date, created_at)
         VALUES ('cash_flow', '1.0.0', ?, 35, '2025-04-05', '2025-03-02T08:00:00.000Z')`,
      )
      .run(invoiceId);
    const outcomes = () => d.sqlite.prepare("SELECT * FROM model_prediction_feedback WHERE source = 'auto-outcome'").all() as Record<string, unknown>[];

    payments.record({ invoiceId, amountCents: 50_000, date: '2025-04-01' });
    expect(outcomes()).toHaveLength(0);

    payments.record({ invoiceId, date: '2025-04-15' });
    const rows = outcomes();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ model_version: '1.0.0', entity_id: invoiceId, error_days: 10, was_accurate: 0 });

    tolerance = 30;
    expect(() => payments.record({ invoiceId, date: '2025-04-20' })).toThrow(InputError);
    // Re-running the hook for the same settlement (another process, a retried payment) adds nothing.
    predictionOutcomeHook(() => tolerance)(d.sqlite, invoiceId, { fullyPaid: true, paidDate: '2025-04-20' });
    expect(outcomes()).toHaveLength(1);
    expect(outcomes()[0]).toMatchObject({ error_days: 10, was_accurate: 0 });
  });
});
