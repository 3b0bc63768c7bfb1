import { describe, expect, it } from 'vitest';
import { ruleScorer } from './match-scorers';
import { F } from './match-features';
import { PaymentMatcher, confidenceOf, type Credit, type OpenInvoice } from './payment-matcher';

const inv = (id: number, clientId: number, number: string, outstandingCents: number, dueDate = '2025-03-31', issueDate = '2025-02-01'): OpenInvoice => ({ id, clientId, number, year: 2025, issueDate, dueDate, outstandingCents, predictedDate: null });
const clients = [
  { id: 1, name: 'Rossi Impianti Srl' },
  { id: 2, name: 'Ferri Logistica SpA' },
  { id: 3, name: 'Studio Tecnico Galli' },
];
const invoices = [
  inv(10, 1, '101', 122_000),
  inv(11, 1, '102', 50_000, '2025-04-30'),
  inv(12, 1, '103', 30_000, '2025-05-31'),
  inv(20, 2, '201', 305_50),
  inv(21, 2, '202', 80_000),
  inv(30, 3, '301', 45_000),
  inv(31, 3, '302', 45_000, '2025-04-15'),
];
const credit = (amountCents: number, remittance: string, counterpartyName: string | null = null, extra: Partial<Credit> = {}): Credit => ({ key: `k${amountCents}${remittance}`, amountCents, bookingDate: '2025-04-02', remittance, structuredRefs: [], counterpartyName, counterpartyIban: null, ...extra });
const matcher = new PaymentMatcher({ invoices, clients, knownIbans: new Map([['IT02L1234512345123456789012', [3]]]) });
const top = (c: Credit) => matcher.match(c, ruleScorer());

describe('PaymentMatcher', () => {
  it('ranks the named invoice of the right amount first, with high confidence', () => {
    const m = top(credit(122_000, 'Saldo fattura 101/2025', 'ROSSI IMPIANTI SRL'));
    expect(m.candidates[0]).toMatchObject({ kind: 'single', invoiceIds: [10], feeCents: 0 });
    expect(m.confidence).toBeGreaterThan(0.9);
  });

  it('takes a shortfall within the fee tolerance as a bank fee and settles the invoice in full', () => {
    const m = top(credit(121_750, 'FT 101/2025', 'Rossi Impianti'));
    expect(m.candidates[0]).toMatchObject({ kind: 'single', invoiceIds: [10], feeCents: 250 });
    expect(m.candidates[0]!.allocations).toEqual([{ invoiceId: 10, amountCents: 122_000 }]);
  });

  it('matches a partial payment of a named invoice, recording only what was paid', () => {
    const m = top(credit(40_000, 'Acconto fattura 202/2025', 'Ferri Logistica'));
    expect(m.candidates[0]).toMatchObject({ kind: 'partial', invoiceIds: [21] });
    expect(m.candidates[0]!.allocations).toEqual([{ invoiceId: 21, amountCents: 40_000 }]);
  });

  it('matches one transfer paying several invoices of a client', () => {
    const m = top(credit(80_000, 'Saldo fatture 102 e 103', 'Rossi Impianti Srl'));
    expect(m.candidates[0]).toMatchObject({ kind: 'combined', invoiceIds: [11, 12], clientId: 1 });
    expect(m.candidates[0]!.allocations.reduce((s, a) => s + a.amountCents, 0)).toBe(80_000);
  });

  it('is not confident between two invoices of one client for the same amount and no number', () => {
    const m = top(credit(45_000, 'Pagamento servizi', 'Studio Tecnico Galli'));
    expect(m.candidates.slice(0, 2).map((c) => c.invoiceIds[0]).sort()).toEqual([30, 31]);
    expect(m.confidence).toBeLessThan(0.5);
    // The invoice number decides it.
    const named = top(credit(45_000, 'Pagamento fattura 302/2025', 'Studio Tecnico Galli'));
    expect(named.candidates[0]!.invoiceIds).toEqual([31]);
    expect(named.confidence).toBeGreaterThan(m.confidence);
  });

  it('knows a payer by an IBAN seen before even when the name differs', () => {
    const m = top(credit(45_000, 'bonifico', 'Mario Galli', { counterpartyIban: 'IT02L1234512345123456789012' }));
    expect(m.candidates[0]!.clientId).toBe(3);
    expect(m.candidates[0]!.features[F.iban_known]).toBe(1);
  });

  it('offers nothing certain for an unrelated credit', () => {
    const m = top(credit(999_99, 'RIMBORSO ASSICURAZIONE', 'Assicurazioni Generali'));
    expect(m.confidence).toBeLessThan(0.5);
  });

  it('discounts the best score by the runner-up', () => {
    expect(confidenceOf([{ score: 0.99 }, { score: 0.9 }])).toBeCloseTo(0.099, 5);
    expect(confidenceOf([{ score: 0.99 }])).toBe(0.99);
    expect(confidenceOf([])).toBe(0);
  });
});
