// Invoice numbers as FatturaPA has them (`Numero`: text of up to 20 characters, "FPR 12/2025",
// "2025/A/0007"), imported history kept with its source, and received invoices kept apart:
// - invoices.number becomes TEXT; `series` + `seq` hold the per-year, per-series sequence of invoices
//   created here (existing rows: series '' and seq = their old number, so numbering continues);
//   uniqueness is (year, number, document type), the natural key of an issued document.
// - invoices.source ('app' | 'csv' | 'fatturapa'), source_hash (content fingerprint of the imported
//   record, so a re-import skips it and a changed file is reported) and source_name (the file).
// - invoice_lines: `natura` (the VAT nature code N1…N7 of a 0% line) and negative unit prices
//   (discount lines in real invoices).
// - clients.external_ref: another system's client id ("6627-ELFBK") from a CSV import.
// - received_invoices: documents where the user is the CessionarioCommittente; never used by the
//   cash-flow model or the clients' figures.
// Both invoice tables are rebuilt (SQLite cannot change a column's type): see Migration.rebuildsTables.
import type { Migration } from './types';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

/** The outbox triggers of migration 0001 for one table (dropped with the old table, so recreated). */
function captureTriggers(table: string, entity: string, idNew: string, idOld: string, deleteOp: 'delete' | 'upsert'): string {
  return `
CREATE TRIGGER ${table}_rag_ai AFTER INSERT ON ${table} BEGIN
  INSERT INTO rag_changes(entity_type, entity_id, op) VALUES ('${entity}', ${idNew}, 'upsert');
END;
CREATE TRIGGER ${table}_rag_au AFTER UPDATE ON ${table} BEGIN
  INSERT INTO rag_changes(entity_type, entity_id, op) VALUES ('${entity}', ${idNew}, 'upsert');
END;
CREATE TRIGGER ${table}_rag_ad AFTER DELETE ON ${table} BEGIN
  INSERT INTO rag_changes(entity_type, entity_id, op) VALUES ('${entity}', ${idOld}, '${deleteOp}');
END;`;
}

export const migration0007: Migration = {
  id: 7,
  name: '0007-invoice-number-text',
  rebuildsTables: true,
  up(db) {
    db.exec(`
CREATE TABLE invoices_new (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL CHECK (length(number) BETWEEN 1 AND 20 AND number = trim(number)),
  year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2999),
  series TEXT NOT NULL DEFAULT '' CHECK (length(series) <= 10),
  seq INTEGER CHECK (seq IS NULL OR seq > 0),
  client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE RESTRICT,
  document_type TEXT NOT NULL DEFAULT 'TD01',
  issue_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  payment_terms_days INTEGER NOT NULL DEFAULT 30,
  payment_terms_eom INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'EUR',
  net_cents INTEGER NOT NULL DEFAULT 0,
  vat_cents INTEGER NOT NULL DEFAULT 0,
  total_cents INTEGER NOT NULL DEFAULT 0,
  ritenuta_cents INTEGER NOT NULL DEFAULT 0,
  bollo_cents INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'issued'
    CHECK (status IN ('draft','issued','sent','partially_paid','paid','cancelled')),
  disputed INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0,1)),
  notes TEXT,
  source TEXT NOT NULL DEFAULT 'app' CHECK (source IN ('app','csv','fatturapa')),
  source_hash TEXT,
  source_name TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  updated_at TEXT NOT NULL DEFAULT (${NOW}),
  UNIQUE (year, number, document_type)
);
INSERT INTO invoices_new (id, number, year, series, seq, client_id, document_type, issue_date, due_date, payment_terms_days,
  payment_terms_eom, currency, net_cents, vat_cents, total_cents, ritenuta_cents, bollo_cents, status, disputed, notes, created_at, updated_at)
SELECT id, CAST(number AS TEXT), year, '', number, client_id, document_type, issue_date, due_date, payment_terms_days,
  payment_terms_eom, currency, net_cents, vat_cents, total_cents, ritenuta_cents, bollo_cents, status, disputed, notes, created_at, updated_at
FROM invoices;
DROP TABLE invoices;
ALTER TABLE invoices_new RENAME TO invoices;
CREATE INDEX invoices_client ON invoices(client_id, issue_date);
CREATE INDEX invoices_issue ON invoices(issue_date);
CREATE INDEX invoices_created ON invoices(created_at);
CREATE INDEX invoices_year_series_seq ON invoices(year, series, seq);
CREATE INDEX invoices_number ON invoices(number COLLATE NOCASE);
${captureTriggers('invoices', 'invoice', 'new.id', 'old.id', 'delete')}

CREATE TABLE invoice_lines_new (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  description TEXT NOT NULL,
  product_id INTEGER REFERENCES products(id) ON DELETE SET NULL,
  quantity REAL NOT NULL CHECK (quantity > 0),
  unit_price_cents INTEGER NOT NULL,
  vat_rate REAL NOT NULL CHECK (vat_rate >= 0 AND vat_rate <= 100),
  natura TEXT,
  net_cents INTEGER NOT NULL,
  vat_cents INTEGER NOT NULL,
  total_cents INTEGER NOT NULL
);
INSERT INTO invoice_lines_new (id, invoice_id, line_no, description, product_id, quantity, unit_price_cents, vat_rate, net_cents, vat_cents, total_cents)
SELECT id, invoice_id, line_no, description, product_id, quantity, unit_price_cents, vat_rate, net_cents, vat_cents, total_cents FROM invoice_lines;
DROP TABLE invoice_lines;
ALTER TABLE invoice_lines_new RENAME TO invoice_lines;
CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id);
${captureTriggers('invoice_lines', 'invoice', 'new.invoice_id', 'old.invoice_id', 'upsert')}

ALTER TABLE clients ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX clients_external_ref ON clients(external_ref) WHERE external_ref IS NOT NULL;

CREATE TABLE received_invoices (
  id INTEGER PRIMARY KEY,
  supplier_name TEXT NOT NULL,
  supplier_vat TEXT,
  supplier_cf TEXT,
  -- the issuer's identifier in the natural key: its VAT id, else its codice fiscale
  supplier_key TEXT NOT NULL,
  document_type TEXT NOT NULL,
  number TEXT NOT NULL CHECK (length(number) BETWEEN 1 AND 20),
  issue_date TEXT NOT NULL,
  year INTEGER NOT NULL,
  currency TEXT NOT NULL DEFAULT 'EUR',
  net_cents INTEGER NOT NULL DEFAULT 0,
  vat_cents INTEGER NOT NULL DEFAULT 0,
  total_cents INTEGER NOT NULL DEFAULT 0,
  ritenuta_cents INTEGER NOT NULL DEFAULT 0,
  bollo_cents INTEGER NOT NULL DEFAULT 0,
  due_date TEXT,
  lines TEXT NOT NULL DEFAULT '[]',
  instalments TEXT NOT NULL DEFAULT '[]',
  notes TEXT,
  source_hash TEXT NOT NULL,
  source_name TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  UNIQUE (supplier_key, document_type, number, issue_date)
);
CREATE INDEX received_invoices_issue ON received_invoices(issue_date);
`);
  },
};
