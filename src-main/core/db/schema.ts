// Kysely table types for the whole data model (DESIGN §3). Mirrors migrations/0001-initial.ts.
// JSON columns are stored as TEXT; booleans as 0/1 integers; money in integer cents.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { InvoiceStatus } from '../../../src-shared/invoice';

export type Bool = 0 | 1;

export interface ClientsTable {
  id: Generated<number>;
  denominazione: string;
  partita_iva: string | null;
  codice_fiscale: string | null;
  email: string | null;
  pec: string | null;
  codice_destinatario: string | null;
  address: string | null;
  city: string | null;
  province: string | null;
  cap: string | null;
  country: Generated<string>;
  payment_terms_days: Generated<number>;
  payment_terms_eom: Generated<Bool>;
  notes: string | null;
  /** Another system's id for this client (a CSV import's `client` column), migration 0007. */
  external_ref: string | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export interface ProductsTable {
  id: Generated<number>;
  code: string;
  description: string;
  unit_price_cents: number;
  vat_rate: Generated<number>;
  unit: Generated<string>;
  category: string | null;
  is_service: Generated<Bool>;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export type { InvoiceStatus } from '../../../src-shared/invoice';

export type InvoiceSource = 'app' | 'csv' | 'fatturapa';

export interface InvoicesTable {
  id: Generated<number>;
  /** The number as printed, up to 20 characters (migration 0007). */
  number: string;
  year: number;
  /** Numbering series of invoices numbered here ('' = the plain yearly sequence). */
  series: Generated<string>;
  /** Position in the (year, series) sequence; null for a number in another format. */
  seq: number | null;
  client_id: number;
  document_type: Generated<string>;
  issue_date: string;
  due_date: string;
  payment_terms_days: Generated<number>;
  payment_terms_eom: Generated<Bool>;
  currency: Generated<string>;
  net_cents: Generated<number>;
  vat_cents: Generated<number>;
  total_cents: Generated<number>;
  ritenuta_cents: Generated<number>;
  bollo_cents: Generated<number>;
  status: Generated<InvoiceStatus>;
  disputed: Generated<Bool>;
  notes: string | null;
  source: Generated<InvoiceSource>;
  /** Fingerprint of the imported record (a re-import skips it when unchanged). */
  source_hash: string | null;
  /** The file it was imported from. */
  source_name: string | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

/** Invoices where the user is the CessionarioCommittente (migration 0007): kept apart, never used by the cash-flow model. */
export interface ReceivedInvoicesTable {
  id: Generated<number>;
  supplier_name: string;
  supplier_vat: string | null;
  supplier_cf: string | null;
  supplier_key: string;
  document_type: string;
  number: string;
  issue_date: string;
  year: number;
  currency: Generated<string>;
  net_cents: Generated<number>;
  vat_cents: Generated<number>;
  total_cents: Generated<number>;
  ritenuta_cents: Generated<number>;
  bollo_cents: Generated<number>;
  due_date: string | null;
  /** JSON lines as in the file. */
  lines: Generated<string>;
  /** JSON instalments as in the file. */
  instalments: Generated<string>;
  notes: string | null;
  source_hash: string;
  source_name: string | null;
  created_at: Generated<string>;
}

export interface InvoiceLinesTable {
  id: Generated<number>;
  invoice_id: number;
  line_no: number;
  description: string;
  product_id: number | null;
  quantity: number;
  unit_price_cents: number;
  vat_rate: number;
  /** VAT nature code (N1…N7) of a 0% line, as in FatturaPA (migration 0007). */
  natura: string | null;
  net_cents: number;
  vat_cents: number;
  total_cents: number;
}

export interface PaymentsTable {
  id: Generated<number>;
  invoice_id: number;
  due_date: string;
  amount_cents: number;
  paid_date: string | null;
  paid_amount_cents: Generated<number>;
  method: string | null;
  reference: string | null;
  iban: string | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export interface UserFeedbackTable {
  id: Generated<number>;
  agent_type: string;
  session_id: string | null;
  message_id: string | null;
  user_input: string;
  ai_response: string;
  user_correction: string | null;
  rating: number | null;
  thumb: 'up' | 'down' | null;
  comment: string | null;
  /** JSON: retrieved sources, provider, model. */
  context: string | null;
  consumed_by_version: string | null;
  created_at: Generated<string>;
  /** Normalised user_input / ai_response for grouping (migration 0002). */
  question_norm: string | null;
  response_norm: string | null;
}

/** Per-day, per-agent rollup of user_feedback kept by triggers (migration 0002). */
export interface FeedbackDailyTable {
  day: string;
  agent_type: string;
  total: number;
  rating_sum: number;
  rating_count: number;
  thumbs_up: number;
  thumbs_down: number;
  corrections: number;
}

export interface PredictionLogTable {
  id: Generated<number>;
  model_name: string;
  model_version: string;
  invoice_id: number;
  predicted_days: number;
  predicted_date: string;
  p10_date: string | null;
  p90_date: string | null;
  amount_cents: Generated<number>;
  resolved_at: string | null;
  created_at: Generated<string>;
}

export interface ModelPredictionFeedbackTable {
  id: Generated<number>;
  model_name: string;
  model_version: string | null;
  entity_type: string | null;
  entity_id: number | null;
  /** JSON */
  prediction: string;
  /** JSON */
  actual_outcome: string | null;
  was_accurate: Bool | null;
  error_days: number | null;
  source: Generated<'user' | 'auto-outcome'>;
  prediction_log_id: number | null;
  consumed_by_version: string | null;
  created_at: Generated<string>;
}

export type ModelVersionStatus = 'active' | 'candidate' | 'retired' | 'rejected';

export interface ModelVersionsTable {
  id: Generated<number>;
  model_name: string;
  version: string;
  status: ModelVersionStatus;
  /** JSON string[] */
  trigger_reasons: Generated<string>;
  training_rows: Generated<number>;
  training_cutoff: string | null;
  /** JSON */
  metrics: Generated<string>;
  baseline_accuracy: number | null;
  artifact_path: string | null;
  artifact_sha256: string | null;
  created_at: Generated<string>;
  deployed_at: string | null;
  parent_version: string | null;
  dry_run: Generated<Bool>;
  notes: string | null;
  /** JSON RetrainingMessage[]: `notes` in structured form (NULL on rows older than migration 0006). */
  notes_messages: string | null;
  /** Set when a rollback pinned this version: automatic deploys wait until the user unpins (0007). */
  pinned_at: string | null;
  /** Holdout predictions behind baseline_accuracy (0007). */
  baseline_sample: number | null;
}

export type RetrainOutcome =
  | 'deployed'
  | 'kept-current'
  | 'rejected'
  | 'failed'
  | 'dry-run'
  | 'not-triggered'
  | 'rolled-back'
  | 'running';

export interface RetrainingRunsTable {
  id: Generated<number>;
  model_name: string;
  kind: 'check' | 'retrain' | 'rollback';
  started_at: Generated<string>;
  finished_at: string | null;
  fired: Generated<Bool>;
  /** JSON string[] */
  reasons: Generated<string>;
  /** JSON */
  trigger_values: Generated<string>;
  outcome: RetrainOutcome | null;
  active_version: string | null;
  candidate_version: string | null;
  active_metrics: string | null;
  candidate_metrics: string | null;
  improvement: number | null;
  error: string | null;
  notes: string | null;
  /** JSON RetrainingMessage[]: `notes` in structured form (NULL on rows older than migration 0006). */
  notes_messages: string | null;
  /** JSON RetrainingMessage[]: `error` in structured form, when the error has one. */
  error_messages: string | null;
  /** Highest model_prediction_feedback id the run had seen when it evaluated a candidate (0007). */
  outcomes_through_id: number | null;
  /** Outcomes new since the previous evaluation when the run started (0007). */
  new_outcomes: number | null;
}

export interface RetrainLocksTable {
  model_name: string;
  owner: string;
  pid: number;
  acquired_at: Generated<string>;
  expires_at: string;
}

export type RagEntityType = 'invoice' | 'client' | 'product';

export interface RagChangesTable {
  id: Generated<number>;
  entity_type: RagEntityType;
  entity_id: number;
  op: 'upsert' | 'delete';
  changed_at: Generated<string>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: string | null;
}

export interface RagDocumentsTable {
  id: Generated<number>;
  entity_type: RagEntityType;
  entity_id: number;
  label: number;
  content_hash: string;
  text: string;
  embedding: Buffer | null;
  /** Content hash of the embed text the vector was computed from (migration 0005). */
  embedding_hash: string | null;
  model_id: string | null;
  indexed_at: Generated<string>;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface EmbeddingCacheTable {
  content_hash: string;
  model_id: string;
  embedding: Buffer;
  created_at: Generated<string>;
}

export interface ReindexBatchesTable {
  id: Generated<number>;
  started_at: string;
  finished_at: string;
  entities: number;
  added: Generated<number>;
  updated: Generated<number>;
  skipped: Generated<number>;
  deleted: Generated<number>;
  failed: Generated<number>;
  duration_ms: number;
  error: string | null;
}

export interface AppStateTable {
  key: string;
  value: string;
  updated_at: Generated<string>;
}

export interface ConversationsTable {
  id: string;
  title: string;
  language: 'it' | 'en' | null;
  turn_count: Generated<number>;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export interface ConversationTurnsTable {
  id: Generated<number>;
  conversation_id: string;
  message_id: string;
  question: string;
  answer_json: string;
  reading_json: string | null;
  created_at: Generated<string>;
}

export interface BankStatementsTable {
  id: Generated<number>;
  source: string;
  format: string;
  account: string;
  /** JSON list. */
  statement_ids: Generated<string>;
  entries: number;
  added: number;
  imported_at: Generated<string>;
}

/** open: a credit waiting in "To reconcile"; matched: confirmed by the user; auto: recorded by auto-accept; ignored: no invoice; debit: never matched. */
export type BankEntryStatus = 'open' | 'matched' | 'auto' | 'ignored' | 'debit';

export interface BankEntriesTable {
  id: Generated<number>;
  statement_id: number;
  entry_key: string;
  account: string;
  bank_ref: string | null;
  direction: 'credit' | 'debit';
  amount_cents: number;
  currency: Generated<string>;
  booking_date: string;
  value_date: string | null;
  remittance: Generated<string>;
  /** JSON list. */
  structured_refs: Generated<string>;
  counterparty_name: string | null;
  counterparty_iban: string | null;
  status: BankEntryStatus;
  /** JSON: the matcher's prediction (candidates with features) when it was last suggested. */
  suggestion: string | null;
  confidence: number | null;
  model_version: string | null;
  reconciled_at: string | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export interface BankMatchesTable {
  id: Generated<number>;
  entry_id: number;
  invoice_id: number;
  client_id: number;
  amount_cents: number;
  fee_cents: Generated<number>;
  automatic: Bool;
  /** JSON: the payment service's ReceiptRecord, to undo it. */
  receipt: string;
  created_at: Generated<string>;
  undone_at: string | null;
}

/** A page request's key and what it made (migration 0011). */
export interface RequestKeysTable {
  key: string;
  kind: string;
  args_hash: string;
  entity_id: number;
  applied_cents: number | null;
  created_at: string;
}

export interface DB {
  clients: ClientsTable;
  products: ProductsTable;
  invoices: InvoicesTable;
  received_invoices: ReceivedInvoicesTable;
  invoice_lines: InvoiceLinesTable;
  payments: PaymentsTable;
  user_feedback: UserFeedbackTable;
  feedback_daily: FeedbackDailyTable;
  prediction_log: PredictionLogTable;
  model_prediction_feedback: ModelPredictionFeedbackTable;
  model_versions: ModelVersionsTable;
  retraining_runs: RetrainingRunsTable;
  retrain_locks: RetrainLocksTable;
  rag_changes: RagChangesTable;
  rag_documents: RagDocumentsTable;
  embedding_cache: EmbeddingCacheTable;
  reindex_batches: ReindexBatchesTable;
  app_state: AppStateTable;
  conversations: ConversationsTable;
  conversation_turns: ConversationTurnsTable;
  bank_statements: BankStatementsTable;
  bank_entries: BankEntriesTable;
  bank_matches: BankMatchesTable;
  request_keys: RequestKeysTable;
}

export type Client = Selectable<ClientsTable>;
export type NewClient = Insertable<ClientsTable>;
export type ClientUpdate = Updateable<ClientsTable>;
export type Product = Selectable<ProductsTable>;
export type Invoice = Selectable<InvoicesTable>;
export type InvoiceLine = Selectable<InvoiceLinesTable>;
export type Payment = Selectable<PaymentsTable>;
export type UserFeedback = Selectable<UserFeedbackTable>;
export type PredictionLog = Selectable<PredictionLogTable>;
export type ModelPredictionFeedback = Selectable<ModelPredictionFeedbackTable>;
export type ModelVersion = Selectable<ModelVersionsTable>;
export type RetrainingRun = Selectable<RetrainingRunsTable>;
export type RagChange = Selectable<RagChangesTable>;
export type RagDocument = Selectable<RagDocumentsTable>;
