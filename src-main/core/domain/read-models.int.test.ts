// The Data page's read models: invoice search and paging done by SQL, clients with their totals
// from one aggregate query — the same figures the page showed when they were computed in JavaScript.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database';
import { ClientService } from './client-service';
import { InvoiceService } from './invoice-service';
import { PaymentService } from './payment-service';
import { ProductService } from './product-service';

let dir: string;
let database: Database;
let clients: ClientService;
let invoices: InvoiceService;
let payments: PaymentService;
let products: ProductService;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-read-models-'));
  database = openDatabase(path.join(dir, 'openfatture.db'));
  clients = new ClientService(database.sqlite);
  invoices = new InvoiceService(database.sqlite, clients);
  payments = new PaymentService(database.sqlite, invoices);
  products = new ProductService(database.sqlite);
});
afterEach(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const line = (euro: number, description = 'Consulenza') => ({ description, quantity: 1, unitPriceCents: euro * 100, vatRate: 22 });

describe('InvoiceService.search', () => {
  it('matches every word, ignoring case and accents, across number, client, P.IVA, notes and type; pages with the full total', () => {
    const societa = clients.create({ denominazione: 'Società Agricola Perù', partitaIva: '00159560366' });
    const bianchi = clients.create({ denominazione: 'Bianchi Srl' });
    for (let i = 0; i < 5; i++) invoices.create({ clientId: societa.id, issueDate: `2025-03-0${i + 1}`, lines: [line(100 + i)], notes: i === 2 ? 'Fornitura caffè' : null });
    const other = invoices.create({ clientId: bianchi.id, issueDate: '2025-04-01', lines: [line(50)] });

    const all = invoices.search({ search: 'SOCIETA peru', limit: 2, offset: 0 });
    expect(all.total).toBe(5);
    expect(all.items.map((i) => i.issue_date)).toEqual(['2025-03-05', '2025-03-04']);
    expect(invoices.search({ search: 'societa peru', limit: 2, offset: 4 }).items.map((i) => i.issue_date)).toEqual(['2025-03-01']);

    expect(invoices.search({ search: 'caffe', limit: 10, offset: 0 }).items.map((i) => i.notes)).toEqual(['Fornitura caffè']);
    expect(invoices.search({ search: '00159560366 caffè', limit: 10, offset: 0 }).total).toBe(1);
    // The number as printed ("6/2025"), with filters combined.
    expect(invoices.search({ search: `${other.invoice.number}/2025`, limit: 10, offset: 0 }).items.map((i) => i.id)).toEqual([other.invoice.id]);
    expect(invoices.search({ search: 'td01', clientId: bianchi.id, limit: 10, offset: 0 }).total).toBe(1);
    expect(invoices.search({ search: 'societa bianchi', limit: 10, offset: 0 }).total).toBe(0);
    // Without text: the filters alone, the total counted beyond the page.
    expect(invoices.search({ from: '2025-03-02', to: '2025-03-31', limit: 2, offset: 0 })).toMatchObject({ total: 4, items: [{ issue_date: '2025-03-05' }, { issue_date: '2025-03-04' }] });
  });
});

describe('ClientService.listWithStats', () => {
  it('gives each client its invoice count and what is open on issued invoices, drafts and paid amounts excluded', () => {
    const a = clients.create({ denominazione: 'Alfa Srl' });
    const b = clients.create({ denominazione: 'Beta Srl' });
    clients.create({ denominazione: 'Gamma Srl' });
    const paid = invoices.create({ clientId: a.id, issueDate: '2025-01-10', lines: [line(100)] });
    invoices.create({ clientId: a.id, issueDate: '2025-02-10', lines: [line(200)] });
    invoices.create({ clientId: a.id, issueDate: '2025-03-10', lines: [line(300)], status: 'draft' });
    const partly = invoices.create({ clientId: b.id, issueDate: '2025-01-15', lines: [line(1000)] });
    payments.record({ invoiceId: paid.invoice.id, date: '2025-02-01' });
    payments.record({ invoiceId: partly.invoice.id, amountCents: 20_000, date: '2025-02-01' });

    const page = clients.listWithStats({ limit: 2, offset: 0 });
    expect(page.total).toBe(3);
    expect(page.items.map((c) => [c.denominazione, c.invoice_count, c.outstanding_cents])).toEqual([
      ['Alfa Srl', 3, 24_400],
      ['Beta Srl', 1, 122_000 - 20_000],
    ]);
    expect(clients.listWithStats({ search: 'gamma', limit: 10, offset: 0 })).toMatchObject({ total: 1, items: [{ denominazione: 'Gamma Srl', invoice_count: 0, outstanding_cents: 0 }] });
    expect(invoices.clientTotals(a.id)).toEqual({ invoices: 3, totalCents: 12_200 + 24_400 + 36_600, outstandingCents: 24_400 + 36_600 });
  });
});

describe('ProductService.page', () => {
  it('pages the catalogue by code and counts every match', () => {
    for (const code of ['C-3', 'A-1', 'B-2']) products.create({ code, description: `Servizio ${code}`, unitPriceCents: 1000 });
    expect(products.page({ limit: 2, offset: 0 })).toMatchObject({ total: 3, items: [{ code: 'A-1' }, { code: 'B-2' }] });
    expect(products.page({ search: 'servizio c', limit: 2, offset: 0 })).toMatchObject({ total: 1, items: [{ code: 'C-3' }] });
  });
});
