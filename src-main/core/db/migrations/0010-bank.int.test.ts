import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { MIGRATIONS } from './index';

describe('migration 0010-bank', () => {
  it('migrates a database holding data: invoices and payments untouched, bank tables empty, entries unique by key and checked', () => {
    const db = new BetterSqlite3(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-m10-')), 'x.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.filter((m) => m.id < 10));
    const clientId = Number(db.prepare("INSERT INTO clients(denominazione, partita_iva) VALUES ('Rossi Srl', '01234567897')").run().lastInsertRowid);
    const invoiceId = Number(db.prepare("INSERT INTO invoices(number, year, client_id, issue_date, due_date, net_cents, vat_cents, total_cents) VALUES ('1', 2026, ?, '2026-03-01', '2026-03-31', 100000, 22000, 122000)").run(clientId).lastInsertRowid);
    db.prepare("INSERT INTO payments(invoice_id, due_date, amount_cents) VALUES (?, '2026-03-31', 122000)").run(invoiceId);
    const before = db.prepare('SELECT * FROM payments').all();

    expect(migrate(db, MIGRATIONS.filter((m) => m.id <= 10)).applied).toEqual(['0010-bank']);
    expect(db.prepare('SELECT * FROM payments').all()).toEqual(before);
    expect(db.prepare('SELECT COUNT(*) AS n FROM bank_entries').get()).toEqual({ n: 0 });

    const stmt = Number(db.prepare("INSERT INTO bank_statements(source, format, account, entries, added) VALUES ('a.xml', 'camt.053.001.08', 'IT60X0542811101000000123456', 1, 1)").run().lastInsertRowid);
    const entry = db.prepare("INSERT INTO bank_entries(statement_id, entry_key, account, direction, amount_cents, booking_date, status) VALUES (?, ?, 'IT60X0542811101000000123456', ?, ?, '2026-04-02', ?)");
    const entryId = Number(entry.run(stmt, 'ref:A:1', 'credit', 122000, 'open').lastInsertRowid);
    expect(() => entry.run(stmt, 'ref:A:1', 'credit', 122000, 'open')).toThrow(/UNIQUE/);
    expect(() => entry.run(stmt, 'ref:A:2', 'credit', 0, 'open')).toThrow(/CHECK/);
    expect(() => entry.run(stmt, 'ref:A:3', 'sideways', 100, 'open')).toThrow(/CHECK/);
    expect(() => entry.run(stmt, 'ref:A:4', 'credit', 100, 'maybe')).toThrow(/CHECK/);
    db.prepare("INSERT INTO bank_matches(entry_id, invoice_id, client_id, amount_cents, automatic, receipt) VALUES (?, ?, ?, 122000, 1, '{}')").run(entryId, invoiceId, clientId);
    expect(() => db.prepare("INSERT INTO bank_matches(entry_id, invoice_id, client_id, amount_cents, automatic, receipt) VALUES (?, 999, ?, 1, 0, '{}')").run(entryId, clientId)).toThrow(/FOREIGN KEY/);
    const row = db.prepare('SELECT created_at, currency, structured_refs FROM bank_entries WHERE id = ?').get(entryId) as { created_at: string; currency: string; structured_refs: string };
    expect(row).toMatchObject({ currency: 'EUR', structured_refs: '[]' });
    expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    db.close();
  });
});
