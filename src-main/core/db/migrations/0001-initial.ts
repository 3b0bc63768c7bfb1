// The whole data model of DESIGN §3: domain tables, self-learning tables, the RAG outbox and its
// capture triggers, and the FTS mirror. Money is integer cents; dates ISO YYYY-MM-DD; timestamps ISO UTC.
import type { Migration } from './types';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

export const migration0001: Migration = {
  id: 1,
  name: '0001-initial',
  up(db) {
    db.exec(`
CREATE TABLE clients (
  id INTEGER PRIMARY KEY,
  denominazione TEXT NOT NULL CHECK (length(trim(denominazione)) > 0),
  partita_iva TEXT UNIQUE,
  codice_fiscale TEXT,
  email TEXT,
  pec TEXT,
  codice_destinatario TEXT,
  address TEXT,
  city TEXT,
  province TEXT,
  cap TEXT,
  country TEXT NOT NULL DEFAULT 'IT',
  payment_terms_days INTEGER NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
  payment_terms_eom INTEGER NOT NULL DEFAULT 0 CHECK (payment_terms_eom IN (0,1)),
  notes TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  updated_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE INDEX clients_name ON clients(denominazione);

CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
  vat_rate REAL NOT NULL DEFAULT 22 CHECK (vat_rate >= 0 AND vat_rate <= 100),
  unit TEXT NOT NULL DEFAULT 'pz',
  category TEXT,
  is_service INTEGER NOT NULL DEFAULT 0 CHECK (is_service IN (0,1)),
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  updated_at TEXT NOT NULL DEFAULT (${NOW})
);

CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  number INTEGER NOT NULL CHECK (number > 0),
  year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2999),
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
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  updated_at TEXT NOT NULL DEFAULT (${NOW}),
  UNIQUE (number, year)
);
CREATE INDEX invoices_client ON invoices(client_id, issue_date);
CREATE INDEX invoices_issue ON invoices(issue_date);
CREATE INDEX invoices_created ON invoices(created_at);

CREATE TABLE invoice_lines (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  description TEXT NOT NULL,
  product_id INTEGER REFERENCES products(id) ON DELETE SET NULL,
  quantity REAL NOT NULL CHECK (quantity > 0),
  unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
  vat_rate REAL NOT NULL CHECK (vat_rate >= 0 AND vat_rate <= 100),
  net_cents INTEGER NOT NULL,
  vat_cents INTEGER NOT NULL,
  total_cents INTEGER NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id);

CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
  due_date TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  paid_date TEXT,
  paid_amount_cents INTEGER NOT NULL DEFAULT 0 CHECK (paid_amount_cents >= 0),
  method TEXT,
  reference TEXT,
  iban TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  updated_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE INDEX payments_invoice ON payments(invoice_id);

CREATE TABLE user_feedback (
  id INTEGER PRIMARY KEY,
  agent_type TEXT NOT NULL,
  session_id TEXT,
  message_id TEXT,
  user_input TEXT NOT NULL,
  ai_response TEXT NOT NULL,
  user_correction TEXT,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  thumb TEXT CHECK (thumb IN ('up','down')),
  comment TEXT,
  context TEXT,
  consumed_by_version TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE INDEX user_feedback_created ON user_feedback(created_at);
CREATE INDEX user_feedback_agent ON user_feedback(agent_type, created_at);

CREATE TABLE prediction_log (
  id INTEGER PRIMARY KEY,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
  predicted_days REAL NOT NULL,
  predicted_date TEXT NOT NULL,
  p10_date TEXT,
  p90_date TEXT,
  amount_cents INTEGER NOT NULL DEFAULT 0,
  resolved_at TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE INDEX prediction_log_invoice ON prediction_log(invoice_id, created_at);
CREATE INDEX prediction_log_unresolved ON prediction_log(resolved_at);

CREATE TABLE model_prediction_feedback (
  id INTEGER PRIMARY KEY,
  model_name TEXT NOT NULL,
  model_version TEXT,
  entity_type TEXT,
  entity_id INTEGER,
  prediction TEXT NOT NULL,
  actual_outcome TEXT,
  was_accurate INTEGER CHECK (was_accurate IN (0,1)),
  error_days REAL,
  source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user','auto-outcome')),
  prediction_log_id INTEGER UNIQUE REFERENCES prediction_log(id) ON DELETE SET NULL,
  consumed_by_version TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE INDEX mpf_model ON model_prediction_feedback(model_name, created_at);

CREATE TABLE model_versions (
  id INTEGER PRIMARY KEY,
  model_name TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active','candidate','retired','rejected')),
  trigger_reasons TEXT NOT NULL DEFAULT '[]',
  training_rows INTEGER NOT NULL DEFAULT 0,
  training_cutoff TEXT,
  metrics TEXT NOT NULL DEFAULT '{}',
  baseline_accuracy REAL,
  artifact_path TEXT,
  artifact_sha256 TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  deployed_at TEXT,
  parent_version TEXT,
  dry_run INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0,1)),
  notes TEXT,
  UNIQUE (model_name, version)
);
CREATE UNIQUE INDEX model_versions_one_active ON model_versions(model_name) WHERE status = 'active';

CREATE TABLE retraining_runs (
  id INTEGER PRIMARY KEY,
  model_name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('check','retrain','rollback')),
  started_at TEXT NOT NULL DEFAULT (${NOW}),
  finished_at TEXT,
  fired INTEGER NOT NULL DEFAULT 0 CHECK (fired IN (0,1)),
  reasons TEXT NOT NULL DEFAULT '[]',
  trigger_values TEXT NOT NULL DEFAULT '{}',
  outcome TEXT CHECK (outcome IN ('deployed','kept-current','rejected','failed','dry-run','not-triggered','rolled-back','running')),
  active_version TEXT,
  candidate_version TEXT,
  active_metrics TEXT,
  candidate_metrics TEXT,
  improvement REAL,
  error TEXT,
  notes TEXT
);
CREATE INDEX retraining_runs_model ON retraining_runs(model_name, started_at);

CREATE TABLE retrain_locks (
  model_name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  pid INTEGER NOT NULL,
  acquired_at TEXT NOT NULL DEFAULT (${NOW}),
  expires_at TEXT NOT NULL
);

CREATE TABLE rag_changes (
  id INTEGER PRIMARY KEY,
  entity_type TEXT NOT NULL CHECK (entity_type IN ('invoice','client','product')),
  entity_id INTEGER NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('upsert','delete')),
  changed_at TEXT NOT NULL DEFAULT (${NOW}),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at TEXT
);
CREATE INDEX rag_changes_entity ON rag_changes(entity_type, entity_id);

CREATE TABLE rag_documents (
  id INTEGER PRIMARY KEY,
  entity_type TEXT NOT NULL CHECK (entity_type IN ('invoice','client','product')),
  entity_id INTEGER NOT NULL,
  label INTEGER NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,
  text TEXT NOT NULL,
  embedding BLOB,
  model_id TEXT,
  indexed_at TEXT NOT NULL DEFAULT (${NOW}),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  UNIQUE (entity_type, entity_id)
);

CREATE VIRTUAL TABLE rag_fts USING fts5(
  text, content='rag_documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER rag_documents_ai AFTER INSERT ON rag_documents BEGIN
  INSERT INTO rag_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER rag_documents_ad AFTER DELETE ON rag_documents BEGIN
  INSERT INTO rag_fts(rag_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER rag_documents_au AFTER UPDATE OF text ON rag_documents BEGIN
  INSERT INTO rag_fts(rag_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO rag_fts(rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE embedding_cache (
  content_hash TEXT NOT NULL,
  model_id TEXT NOT NULL,
  embedding BLOB NOT NULL,
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  PRIMARY KEY (content_hash, model_id)
);

CREATE TABLE reindex_batches (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  entities INTEGER NOT NULL,
  added INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  duration_ms REAL NOT NULL,
  error TEXT
);

-- Small durable key/value state: queue paused flag, scheduler last check, index generation, settings store mirror.
CREATE TABLE app_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (${NOW})
);
`);
    // Change capture (DESIGN §5): triggers write the outbox inside the writer's own transaction,
    // so a rolled-back change never appears and changes from any process are captured.
    const capture = (table: string, entity: string, idExpr: { new: string; old: string }, withDelete: boolean) => {
      db.exec(`
CREATE TRIGGER ${table}_rag_ai AFTER INSERT ON ${table} BEGIN
  INSERT INTO rag_changes(entity_type, entity_id, op) VALUES ('${entity}', ${idExpr.new}, 'upsert');
END;
CREATE TRIGGER ${table}_rag_au AFTER UPDATE ON ${table} BEGIN
  INSERT INTO rag_changes(entity_type, entity_id, op) VALUES ('${entity}', ${idExpr.new}, 'upsert');
END;
CREATE TRIGGER ${table}_rag_ad AFTER DELETE ON ${table} BEGIN
  INSERT INTO rag_changes(entity_type, entity_id, op) VALUES ('${entity}', ${idExpr.old}, '${withDelete ? 'delete' : 'upsert'}');
END;`);
    };
    capture('clients', 'client', { new: 'new.id', old: 'old.id' }, true);
    capture('products', 'product', { new: 'new.id', old: 'old.id' }, true);
    capture('invoices', 'invoice', { new: 'new.id', old: 'old.id' }, true);
    capture('invoice_lines', 'invoice', { new: 'new.invoice_id', old: 'old.invoice_id' }, false);
    capture('payments', 'invoice', { new: 'new.invoice_id', old: 'old.invoice_id' }, false);
  },
};
