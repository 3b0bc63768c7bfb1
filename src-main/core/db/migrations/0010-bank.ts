// Bank statements and their reconciliation: every imported statement file, every booked entry (once:
// entry_key is the bank's reference or a hash of account, date, amount and text, so a re-import adds
// nothing), the matcher's current suggestion for a credit, and the payments a credit was matched to
// (with what each receipt changed, so an automatic match can be undone). Debits are kept, never matched.
import type { Migration } from './types';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

export const migration0010: Migration = {
  id: 10,
  name: '0010-bank',
  up(db) {
    db.exec(`
CREATE TABLE bank_statements (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  format TEXT NOT NULL,
  account TEXT NOT NULL,
  statement_ids TEXT NOT NULL DEFAULT '[]',
  entries INTEGER NOT NULL,
  added INTEGER NOT NULL,
  imported_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE TABLE bank_entries (
  id INTEGER PRIMARY KEY,
  statement_id INTEGER NOT NULL REFERENCES bank_statements(id),
  entry_key TEXT NOT NULL UNIQUE,
  account TEXT NOT NULL,
  bank_ref TEXT,
  direction TEXT NOT NULL CHECK (direction IN ('credit', 'debit')),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  currency TEXT NOT NULL DEFAULT 'EUR',
  booking_date TEXT NOT NULL,
  value_date TEXT,
  remittance TEXT NOT NULL DEFAULT '',
  structured_refs TEXT NOT NULL DEFAULT '[]',
  counterparty_name TEXT,
  counterparty_iban TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'matched', 'auto', 'ignored', 'debit')),
  suggestion TEXT,
  confidence REAL,
  model_version TEXT,
  reconciled_at TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  updated_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE INDEX bank_entries_status ON bank_entries(status, booking_date, id);
CREATE INDEX bank_entries_iban ON bank_entries(counterparty_iban) WHERE counterparty_iban IS NOT NULL;
CREATE TABLE bank_matches (
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES bank_entries(id),
  invoice_id INTEGER NOT NULL REFERENCES invoices(id),
  client_id INTEGER NOT NULL REFERENCES clients(id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  fee_cents INTEGER NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
  automatic INTEGER NOT NULL CHECK (automatic IN (0, 1)),
  receipt TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  undone_at TEXT
);
CREATE INDEX bank_matches_entry ON bank_matches(entry_id);
CREATE INDEX bank_matches_client ON bank_matches(client_id) WHERE undone_at IS NULL;
`);
  },
};
