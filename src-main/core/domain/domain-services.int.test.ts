import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database';
import { InputError } from '../errors';
import { ClientService } from './client-service';
import { InvoiceService } from './invoice-service';
import { PaymentService } from './payment-service';
import { ProductService } from './product-service';

let dir: string;
let database: Database;
let clients: ClientService;
let products: ProductService;
let invoices: InvoiceService;
let payments: PaymentService;

const counts = () =>
  Object.fromEntries(
    ['clients', 'products', 'invoices', 'invoice_lines', 'payments', 'rag_changes'].map((t) => [t, (database.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]),
  );

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-domain-'));
  database = openDatabase(path.join(dir, 'openfatture.db'));
  clients = new ClientService(database.sqlite);
  products = new ProductService(database.sqlite);
  invoices = new InvoiceService(database.sqlite, clients);
  payments = new PaymentService(database.sqlite, invoices);
});
afterEach(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function expectInputError(fn: () => unknown, field: string, text: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  expect((caught as InputError).field).toBe(field);
  expect((caught as InputError).message).toMatch(text);
}

describe('clients', () => {
  it('creates, finds by id/P.IVA/name, and updates', () => {
    const c = clients.create({ denominazione: 'Rossi Impianti Srl', partitaIva: 'IT 00159560366', city: 'Milano', province: 'mi', cap: '20121', paymentTermsDays: 60, paymentTermsEom: true });
    expect(c.partita_iva).toBe('00159560366');
    expect(c.province).toBe('MI');
    expect(c.payment_terms_eom).toBe(1);
    expect(clients.find('00159560366').id).toBe(c.id);
    expect(clients.find('rossi impianti srl').id).toBe(c.id);
    expect(clients.find('Impianti').id).toBe(c.id);
    expect(clients.find(String(c.id)).id).toBe(c.id);
    const u = clients.update(c.id, { email: 'info@rossi.it', paymentTermsDays: 30 });
    expect(u.email).toBe('info@rossi.it');
    expect(u.payment_terms_days).toBe(30);
  });

  it('rejects each bad field by name and writes nothing', () => {
    const before = counts();
    expectInputError(() => clients.create({ denominazione: 'X', partitaIva: '00159560367' }), 'partitaIva', /check digit/);
    expectInputError(() => clients.create({ denominazione: '  ' }), 'denominazione', /empty/);
    expectInputError(() => clients.create({ denominazione: 'X', email: 'nope' }), 'email', /e-mail/);
    expectInputError(() => clients.create({ denominazione: 'X', cap: '201' }), 'cap', /5 digits/);
    expectInputError(() => clients.create({ denominazione: 'X', province: 'Milano' }), 'province', /2-letter/);
    expectInputError(() => clients.create({ denominazione: 'X', codiceDestinatario: 'ABC' }), 'codiceDestinatario', /7/);
    expectInputError(() => clients.create({ denominazione: 'X', paymentTermsDays: 400 }), 'paymentTermsDays', /0 and 365/);
    expectInputError(() => clients.create({ denominazione: 'X', codiceFiscale: 'RSSMRA85T10A562T' }), 'codiceFiscale', /check character/);
    expectInputError(() => clients.create({ denominazione: 'X', colour: 'red' }), 'client', /Unrecognized/);
    expect(counts()).toEqual(before);
  });

  it('refuses a duplicate P.IVA naming the existing client', () => {
    clients.create({ denominazione: 'Ferrari', partitaIva: '00159560366' });
    expectInputError(() => clients.create({ denominazione: 'Other', partitaIva: '00159560366' }), 'partitaIva', /already exists \(Ferrari/);
  });

  it('reports ambiguous and unknown names', () => {
    clients.create({ denominazione: 'Bianchi Srl' });
    clients.create({ denominazione: 'Bianchi SpA' });
    expectInputError(() => clients.find('Bianchi'), 'client', /matches several clients/);
    expectInputError(() => clients.find('Verdi'), 'client', /no client matches/);
  });
});

describe('products', () => {
  it('creates with a unique code, cents and an Italian VAT rate', () => {
    const p = products.create({ code: 'CONS-H', description: 'Consulenza', unitPriceCents: 8500, vatRate: 22, unit: 'ora', isService: true });
    expect(p.is_service).toBe(1);
    expect(products.find('cons-h').id).toBe(p.id);
    expectInputError(() => products.create({ code: 'CONS-H', description: 'x', unitPriceCents: 1 }), 'code', /already exists/);
    expectInputError(() => products.create({ code: 'A', description: 'x', unitPriceCents: -1 }), 'unitPriceCents', /negative/);
    expectInputError(() => products.create({ code: 'A', description: 'x', unitPriceCents: 1, vatRate: 21 }), 'vatRate', /one of 0, 4, 5, 10, 22/);
    expect(products.list()).toHaveLength(1);
  });
});

describe('invoices and payments', () => {
  const makeClient = () => clients.create({ denominazione: 'Verdi Snc', partitaIva: '01234567897', paymentTermsDays: 30, paymentTermsEom: true });

  it('numbers per year, computes totals and the due date, and creates the instalment', () => {
    const c = makeClient();
    const a = invoices.create({ clientId: c.id, issueDate: '2025-01-15', lines: [{ description: 'Sviluppo', quantity: 2, unitPriceCents: 45000, vatRate: 22 }, { description: 'Formazione', quantity: 1, unitPriceCents: 70000, vatRate: 0 }] });
    expect(a.invoice.number).toBe('1');
    expect(a.invoice.year).toBe(2025);
    expect(a.invoice.net_cents).toBe(160000);
    expect(a.invoice.vat_cents).toBe(19800);
    expect(a.invoice.bollo_cents).toBe(200);
    expect(a.invoice.total_cents).toBe(180000);
    expect(a.invoice.due_date).toBe('2025-02-28'); // 30 days fine mese
    expect(a.payments).toHaveLength(1);
    expect(a.payments[0]!.amount_cents).toBe(180000);
    expect(a.lines.map((l) => l.total_cents)).toEqual([109800, 70000]);
    const b = invoices.create({ clientId: c.id, issueDate: '2025-02-01', lines: [{ description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 22 }] });
    expect(b.invoice.number).toBe('2');
    const n = invoices.create({ clientId: c.id, issueDate: '2026-01-02', lines: [{ description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 22 }] });
    expect(n.invoice.number).toBe('1');
    expect(invoices.show('2/2025').invoice.id).toBe(b.invoice.id);
    // A named series numbers on its own: "2025/A/0001", then "2025/A/0002"; the plain sequence goes on.
    const line = { description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 22 };
    expect(invoices.create({ clientId: c.id, issueDate: '2025-03-01', series: 'A', lines: [line] }).invoice.number).toBe('2025/A/0001');
    expect(invoices.create({ clientId: c.id, issueDate: '2025-03-02', series: 'A', lines: [line] }).invoice.number).toBe('2025/A/0002');
    expect(invoices.create({ clientId: c.id, issueDate: '2025-03-03', lines: [line] }).invoice.number).toBe('3');
    expect(invoices.show('2025/A/0002').invoice.issue_date).toBe('2025-03-02');
  });

  it('a bare number that is one invoice\'s number and another\'s id is refused; id:N and NUMBER/YEAR are not', () => {
    const c = makeClient();
    const line = [{ description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 22 }];
    const first = invoices.create({ clientId: c.id, issueDate: '2024-05-02', lines: line }).invoice;
    const second = invoices.create({ clientId: c.id, issueDate: '2025-05-02', lines: line }).invoice;
    const third = invoices.create({ clientId: c.id, issueDate: '2025-05-03', lines: line }).invoice;
    // "2" is the number of the third (2/2025) and the id of the second.
    expect(third.number).toBe('2');
    expect([first.id, second.id, third.id]).toEqual([1, 2, 3]);
    expectInputError(() => invoices.resolve('2'), 'invoice', /"2" is the number of invoice 2\/2025 and the id of invoice 1\/2025; write 2\/2025 for the first or id:2 for the second/);
    expect(invoices.resolve(`id:${second.id}`)).toBe(second.id);
    expect(invoices.resolve('2/2025')).toBe(third.id);
    // A number that is nobody's id, and an id that is nobody's number, stay unambiguous.
    expect(invoices.resolve(String(third.id))).toBe(third.id);
    expect(() => invoices.resolve('id:99999')).toThrow(/no invoice with id 99999/);
    expect(() => invoices.resolve('99999')).toThrow(/no invoice with id or number 99999/);
  });

  it('rejects bad input by field and writes nothing', () => {
    const c = makeClient();
    invoices.create({ clientId: c.id, issueDate: '2025-01-15', number: 7, lines: [{ description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 22 }] });
    const before = counts();
    const line = { description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 22 };
    expectInputError(() => invoices.create({ clientId: c.id, issueDate: '2025-01-20', number: 7, lines: [line] }), 'number', /7\/2025 already exists/);
    expectInputError(() => invoices.create({ clientId: c.id, lines: [{ ...line, quantity: -1 }] }), 'lines.0.quantity', /greater than 0/);
    expectInputError(() => invoices.create({ clientId: c.id, issueDate: '2025-02-30', lines: [line] }), 'issueDate', /YYYY-MM-DD/);
    expectInputError(() => invoices.create({ clientId: 999, lines: [line] }), 'clientId', /no client with id 999/);
    expectInputError(() => invoices.create({ clientId: c.id, lines: [] }), 'lines', /at least one line/);
    expectInputError(() => invoices.create({ clientId: c.id, lines: [{ ...line, vatRate: 23 }] }), 'lines.0.vatRate', /one of/);
    expectInputError(() => invoices.create({ clientId: c.id, issueDate: '2025-03-01', dueDate: '2025-02-01', lines: [line] }), 'dueDate', /before the issue date/);
    expect(counts()).toEqual(before);
  });

  it('records partial then full payment, updating status in the same transaction as the hooks', () => {
    const c = makeClient();
    const inv = invoices.create({ clientId: c.id, issueDate: '2025-01-15', lines: [{ description: 'x', quantity: 1, unitPriceCents: 100000, vatRate: 22 }] });
    const seen: { fullyPaid: boolean; paidDate: string; status: string }[] = [];
    payments.afterPaymentHooks.push((sqlite, id, info) => {
      const status = (sqlite.prepare('SELECT status FROM invoices WHERE id = ?').get(id) as { status: string }).status;
      seen.push({ ...info, status });
    });
    const p1 = payments.record({ invoiceId: inv.invoice.id, amountCents: 50000, date: '2025-03-01' });
    expect(p1.invoice.status).toBe('partially_paid');
    expect(p1.invoice.outstanding_cents).toBe(72000);
    expectInputError(() => payments.record({ invoiceId: inv.invoice.id, amountCents: 72001, date: '2025-03-05' }), 'amount', /exceeds the 720,00\s€ still open/);
    const p2 = payments.record({ invoiceId: inv.invoice.id, date: '2025-03-10' });
    expect(p2.invoice.status).toBe('paid');
    expect(p2.invoice.last_paid_date).toBe('2025-03-10');
    expect(seen).toEqual([
      { fullyPaid: false, paidDate: '2025-03-01', status: 'partially_paid' },
      { fullyPaid: true, paidDate: '2025-03-10', status: 'paid' },
    ]);
    const rows = invoices.show(inv.invoice.id).payments;
    expect(rows.map((r) => [r.amount_cents, r.paid_amount_cents, r.paid_date])).toEqual([
      [50000, 50000, '2025-03-01'],
      [72000, 72000, '2025-03-10'],
    ]);
    expectInputError(() => payments.record({ invoiceId: inv.invoice.id }), 'invoice', /already fully paid/);
  });

  it('refuses a payment dated after today, whoever records it, and leaves the invoice open', () => {
    const c = makeClient();
    const inv = invoices.create({ clientId: c.id, issueDate: '2025-01-15', lines: [{ description: 'x', quantity: 1, unitPriceCents: 1000, vatRate: 22 }] }).invoice;
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    expectInputError(() => payments.record({ invoiceId: inv.id, date: tomorrow }), 'date', new RegExp(`${tomorrow} is after today`));
    expect(invoices.get(inv.id).status).toBe('issued');
    expect(invoices.get(inv.id).outstanding_cents).toBe(inv.total_cents);
  });

  it('a failing hook rolls the payment back', () => {
    const c = makeClient();
    const inv = invoices.create({ clientId: c.id, issueDate: '2025-01-15', lines: [{ description: 'x', quantity: 1, unitPriceCents: 1000, vatRate: 22 }] });
    payments.afterPaymentHooks.push(() => {
      throw new Error('hook failed');
    });
    const before = counts();
    expect(() => payments.record({ invoiceId: inv.invoice.id, date: '2025-02-01' })).toThrow('hook failed');
    expect(counts()).toEqual(before);
    expect(invoices.get(inv.invoice.id).status).toBe('issued');
  });

  it('lists with filters: unpaid, overdue, year, client', () => {
    const c = makeClient();
    const other = clients.create({ denominazione: 'Neri SpA' });
    const line = [{ description: 'x', quantity: 1, unitPriceCents: 1000, vatRate: 22 }];
    const old = invoices.create({ clientId: c.id, issueDate: '2024-11-02', lines: line });
    invoices.create({ clientId: c.id, issueDate: '2025-06-02', lines: line });
    invoices.create({ clientId: other.id, issueDate: '2025-06-03', lines: line });
    const paid = invoices.create({ clientId: other.id, issueDate: '2024-05-03', lines: line });
    payments.record({ invoiceId: paid.invoice.id, date: '2024-06-01' });
    expect(invoices.list({ year: 2025 })).toHaveLength(2);
    expect(invoices.list({ clientId: other.id })).toHaveLength(2);
    expect(invoices.list({ unpaid: true })).toHaveLength(3);
    expect(invoices.list({ overdue: true, today: '2025-06-10' }).map((i) => i.id)).toEqual([old.invoice.id]);
    expect(invoices.list({ status: 'paid' }).map((i) => i.id)).toEqual([paid.invoice.id]);
  });

  it('deletes unpaid invoices; paid ones need force', () => {
    const c = makeClient();
    const line = [{ description: 'x', quantity: 1, unitPriceCents: 1000, vatRate: 22 }];
    const a = invoices.create({ clientId: c.id, issueDate: '2025-01-02', lines: line });
    const b = invoices.create({ clientId: c.id, issueDate: '2025-01-03', lines: line });
    payments.record({ invoiceId: b.invoice.id, amountCents: 100, date: '2025-01-05' });
    invoices.delete(a.invoice.id);
    expectInputError(() => invoices.delete(b.invoice.id), 'invoice', /--force/);
    invoices.delete('2/2025', { force: true });
    expect(invoices.count()).toBe(0);
    expect((database.sqlite.prepare('SELECT COUNT(*) AS n FROM payments').get() as { n: number }).n).toBe(0);
  });

  it('a draft takes no payments until it is issued', () => {
    const c = makeClient();
    const d = invoices.create({ clientId: c.id, issueDate: '2025-01-10', status: 'draft', lines: [{ description: 'x', quantity: 1, unitPriceCents: 1000, vatRate: 22 }] });
    expectInputError(() => payments.record({ invoiceId: d.invoice.id, date: '2025-01-20' }), 'invoice', /is a draft/);
    expect(invoices.issue('1/2025').status).toBe('issued');
    expectInputError(() => invoices.issue(d.invoice.id), 'invoice', /is not a draft/);
    expect(payments.record({ invoiceId: d.invoice.id, date: '2025-01-20' }).invoice.status).toBe('paid');
  });

  it('fills a line from a product and splits instalments', () => {
    const c = makeClient();
    const p = products.create({ code: 'SVIL', description: 'Sviluppo software', unitPriceCents: 45000, vatRate: 22 });
    const inv = invoices.create({ clientId: c.id, issueDate: '2025-01-10', paymentTermsDays: 30, paymentTermsEom: false, instalments: 3, lines: [{ productId: p.id, quantity: 1 }] });
    expect(inv.lines[0]!.description).toBe('Sviluppo software');
    expect(inv.payments.map((r) => [r.due_date, r.amount_cents])).toEqual([
      ['2025-02-09', 18300],
      ['2025-03-11', 18300],
      ['2025-04-10', 18300],
    ]);
  });
});
