import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { ClientService } from '../../domain/client-service';
import { InvoiceService } from '../../domain/invoice-service';
import { MIGRATIONS } from './index';

describe('migration 0007-invoice-number-text', () => {
  it('turns numbers into text on a database holding invoices, keeps their lines, payments and predictions, and numbering continues', () => {
    const db = new BetterSqlite3(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-m7-')), 'x.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.filter((m) => m.id < 7));
    db.prepare("INSERT INTO clients(id, denominazione) VALUES (1, 'Rossi Srl')").run();
    const ins = db.prepare("INSERT INTO invoices(number, year, client_id, issue_date, due_date, total_cents) VALUES (?, ?, 1, ?, ?, ?)");
    for (let i = 1; i <= 12; i++) ins.run(i, 2025, `2025-01-${String(i).padStart(2, '0')}`, '2025-03-01', 1000 * i);
    ins.run(1, 2024, '2024-05-01', '2024-06-01', 500);
    db.prepare("INSERT INTO invoice_lines(invoice_id, line_no, description, quantity, unit_price_cents, vat_rate, net_cents, vat_cents, total_cents) VALUES (3, 1, 'Consulenza', 1, 3000, 0, 3000, 0, 3000)").run();
    db.prepare("INSERT INTO payments(invoice_id, due_date, amount_cents, paid_date, paid_amount_cents) VALUES (3, '2025-03-01', 3000, '2025-03-05', 3000)").run();
    db.prepare("INSERT INTO prediction_log(model_name, model_version, invoice_id, predicted_days, predicted_date) VALUES ('cash_flow', '1.0.0', 3, 30, '2025-02-02')").run();
    db.prepare('DELETE FROM rag_changes').run();

    migrate(db, MIGRATIONS);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT number, typeof(number) AS t, year, series, seq, source FROM invoices WHERE id IN (3, 13) ORDER BY id').all()).toEqual([
      { number: '3', t: 'text', year: 2025, series: '', seq: 3, source: 'app' },
      { number: '1', t: 'text', year: 2024, series: '', seq: 1, source: 'app' },
    ]);
    // The rebuild must not cascade: lines, payments and the served prediction are still there.
    expect(db.prepare('SELECT COUNT(*) AS n FROM invoice_lines WHERE invoice_id = 3').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT paid_amount_cents FROM payments WHERE invoice_id = 3').get()).toEqual({ paid_amount_cents: 3000 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM prediction_log').get()).toEqual({ n: 1 });
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    // Foreign keys still point at the rebuilt tables.
    expect(() => db.prepare("INSERT INTO invoice_lines(invoice_id, line_no, description, quantity, unit_price_cents, vat_rate, net_cents, vat_cents, total_cents) VALUES (999, 1, 'x', 1, 1, 0, 1, 0, 1)").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM invoices WHERE id = 3').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM invoice_lines WHERE invoice_id = 3').get()).toEqual({ n: 0 });

    // Change capture still works on both rebuilt tables.
    expect(db.prepare("SELECT entity_type, entity_id, op FROM rag_changes ORDER BY id").all()).toEqual([
      { entity_type: 'invoice', entity_id: 3, op: 'upsert' },
      { entity_type: 'invoice', entity_id: 3, op: 'upsert' },
      { entity_type: 'invoice', entity_id: 3, op: 'delete' },
    ]);

    // Numbering continues after the migrated sequence; text numbers and series work.
    const clients = new ClientService(db);
    const invoices = new InvoiceService(db, clients);
    const line = [{ description: 'Sviluppo', quantity: 1, unitPriceCents: 10_000, vatRate: 22 }];
    expect(invoices.create({ clientId: 1, issueDate: '2025-06-01', lines: line }).invoice.number).toBe('13');
    expect(invoices.create({ clientId: 1, issueDate: '2025-06-02', series: 'A', lines: line }).invoice.number).toBe('2025/A/0001');
    expect(invoices.create({ clientId: 1, issueDate: '2025-06-03', number: 'FPR 99/2025', lines: line }).invoice).toMatchObject({ number: 'FPR 99/2025', seq: null });
    expect(invoices.create({ clientId: 1, issueDate: '2025-06-04', number: '1234567890', lines: line }).invoice.number).toBe('1234567890');
    expect(() => invoices.create({ clientId: 1, issueDate: '2025-06-05', number: '12', lines: line })).toThrow(/12\/2025 already exists/);
    expect(() => invoices.create({ clientId: 1, issueDate: '2025-06-05', number: 'X'.repeat(21), lines: line })).toThrow(/at most 20 characters/);
    expect(invoices.show('fpr 99/2025').invoice.number).toBe('FPR 99/2025');
    expect(invoices.show('2025/A/0001').invoice.issue_date).toBe('2025-06-02');
    expect(invoices.show('1/2024').invoice.year).toBe(2024);
    db.close();
  });
});
