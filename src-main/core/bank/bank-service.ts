// Bank reconciliation: statement files in (CAMT.053 or CSV, idempotent by entry key), a ranked
// suggestion for every incoming credit, payments recorded through the PaymentService (so a payment
// from the bank resolves the invoice's forecast exactly as one typed in by hand), automatic matches
// above the confidence threshold marked as such and undoable, and every confirmation, correction,
// rejection and undo written as feedback for the payment matcher (model_prediction_feedback, model
// payment_matcher, so its retraining triggers count them; and a user_feedback row of agent type
// payment_matcher, so the feedback analytics and exports show them). Synchronous like every service:
// each action is one IMMEDIATE transaction — an import, a confirmation with its payments and its
// feedback, an undo — so a kill never leaves half of one.
import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from '../db/database';
import { AppError, InputError, NotFoundError } from '../errors';
import { formatEuro } from '../money';
import { invoiceLabel } from '../domain/invoice-number';
import type { PaymentService, ReceiptRecord } from '../domain/payment-service';
import type { FeedbackService } from '../feedback/feedback-service';
import { PredictionRepository } from '../feedback/prediction-repository';
import { BankRepository, type BankCounts, type BankEntryRow, type OpenInvoiceRow } from './bank-repository';
import { MATCHER_AGENT_TYPE, MATCHER_ENTITY_TYPE, matchPredictionSchema, predictionOf, wasAccurate, type MatchAction, type MatchPrediction } from './matcher-feedback';
import { foldText } from './remittance-text';
import { CodedInputError } from '../import/import-message';
import type { StatementCsvMap, StatementCsvReject } from './parse-statement-csv';
import { PaymentMatcher, sameInvoices, type Allocation, type CandidateScorer, type Credit, type CreditMatch } from './payment-matcher';
import { STATEMENT_LIMITS, StatementFileError, type BankEntry, type ParsedStatement } from './statement-types';

export const MATCHER_MODEL_NAME = 'payment_matcher';

export interface BankSettings {
  BANK_AUTO_ACCEPT_THRESHOLD: number;
  BANK_FEE_TOLERANCE_CENTS: number;
}

/** The scorer in use: the payment matcher's active version, or the rule-based version 0. */
export interface ActiveScorer {
  scorer: CandidateScorer;
  version: string;
}

export interface StatementImportInput {
  /** File name, for messages and the statement record. */
  name: string;
  bytes: Uint8Array;
  /** The account (IBAN) of a CSV export; CAMT.053 names its own. */
  account?: string;
  map?: StatementCsvMap;
  /** `map` is complete: no other column is guessed from the header. */
  exactMap?: boolean;
  dateFormat?: string;
  dryRun?: boolean;
  /** Match and auto-accept right after importing (default true). */
  reconcile?: boolean;
}

export interface StatementImportResult {
  file: string;
  format: string;
  account: string;
  entries: number;
  credits: number;
  debits: number;
  added: number;
  /** Entries already imported (same bank reference or hash). */
  skipped: number;
  rejects: StatementCsvReject[];
  notes: string[];
  dryRun: boolean;
  /** First and last booking date of the file's entries (null: no entries). */
  period: { from: string; to: string } | null;
  /** Of the entries added (or, in a dry run, that would be added): credits and debits. */
  newCredits: number;
  newDebits: number;
  /** Matching of every credit waiting (older ones included); null when not asked for. */
  reconcile: ReconcileResult | null;
  /** Credits in "To reconcile" after the import (all statements), or null without matching. */
  openAfter: number | null;
}

export interface ReconcileOutcome {
  /** Credits recorded as payments automatically. */
  autoAccepted: number;
  /** Payments those credits recorded (a credit paying several invoices records one each). */
  payments: number;
  /** Credits left waiting in "To reconcile" (with or without a suggestion). */
  suggested: number;
  withoutCandidates: number;
}

export interface ReconcileResult extends ReconcileOutcome {
  credits: number;
  modelVersion: string;
  threshold: number;
  /** The same counts for the credits this import added. */
  added: ReconcileOutcome;
}

export type StatementProgress = (p: { step: 'reading' | 'matching'; current: number; total: number }) => void;

/** Thrown inside a dry run's trial payment to roll it back. */
class DryRunRollback extends Error {}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Matching work between yields to the event loop, so the app stays responsive on a large statement. */
const SLICE_MS = 8;

export interface SuggestionView {
  kind: 'single' | 'combined' | 'partial';
  score: number;
  invoices: { id: number; label: string; clientName: string; outstandingCents: number | null }[];
  clientName: string;
}

export interface BankEntryView {
  id: number;
  bookingDate: string;
  valueDate: string | null;
  direction: 'credit' | 'debit';
  amountCents: number;
  remittance: string;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  bankRef: string | null;
  status: BankEntryRow['status'];
  confidence: number | null;
  modelVersion: string | null;
  suggestions: SuggestionView[];
  matches: { invoiceId: number; label: string; clientName: string; amountCents: number; feeCents: number; automatic: boolean }[];
}

export interface ConfirmInput {
  entryId: number;
  /** The invoices the credit pays; omitted = the first suggestion. */
  invoiceIds?: number[];
}

export interface ConfirmResult {
  entry: BankEntryView;
  payments: number;
  action: MatchAction;
  feedbackId: number;
}

/** Detects the format from the content: XML is CAMT.053, anything else a CSV export. */
export function isXmlStatement(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return true;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x3c;
}

/** The payment a credit records on one invoice. The payer's IBAN is kept when the payment service accepts it (some banks send other account ids). */
const paymentOf = (entry: BankEntryRow, a: Allocation) => ({
  invoiceId: a.invoiceId,
  amountCents: a.amountCents,
  date: entry.booking_date,
  method: 'bonifico' as const,
  reference: entry.bank_ref?.slice(0, 200) ?? null,
  iban: entry.counterparty_iban && /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(entry.counterparty_iban) ? entry.counterparty_iban : null,
});

/** A new entry as the import would insert it, before it has a row: ids -1, -2, … in file order. */
function pendingRow(e: BankEntry, index: number): BankEntryRow {
  return {
    id: -(index + 1),
    statement_id: 0,
    entry_key: e.key,
    account: e.account,
    bank_ref: e.bankRef,
    direction: e.direction,
    amount_cents: e.amountCents,
    currency: e.currency,
    booking_date: e.bookingDate,
    value_date: e.valueDate,
    remittance: e.remittance,
    structured_refs: JSON.stringify(e.structuredRefs),
    counterparty_name: e.counterpartyName,
    counterparty_iban: e.counterpartyIban,
    status: 'open',
    suggestion: null,
    confidence: null,
    model_version: null,
    reconciled_at: null,
    created_at: '',
    updated_at: '',
  };
}

/** Order of entries with one booking date: existing ones by id, then the new ones in file order. */
const rank = (e: BankEntryRow) => (e.id > 0 ? e.id : Number.MAX_SAFE_INTEGER / 2 - e.id);

const creditOf = (e: BankEntryRow): Credit => ({
  key: e.entry_key,
  amountCents: e.amount_cents,
  bookingDate: e.booking_date,
  remittance: e.remittance,
  structuredRefs: safeList(e.structured_refs),
  counterpartyName: e.counterparty_name,
  counterpartyIban: e.counterparty_iban,
});

function safeList(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export class BankService {
  readonly repo: BankRepository;
  private readonly predictions: PredictionRepository;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly payments: PaymentService,
    private readonly feedback: FeedbackService,
    private readonly settings: () => BankSettings,
    private readonly activeScorer: () => ActiveScorer,
    /** Reads a CAMT.053 file off the main thread (the app passes the worker); default: here. */
    private readonly readCamt: (bytes: Uint8Array) => Promise<ParsedStatement> = async (bytes) => (await import('./parse-camt053')).parseCamt053(bytes),
  ) {
    this.repo = new BankRepository(sqlite);
    this.predictions = new PredictionRepository(sqlite);
  }

  /** Reads a statement file; nothing is written. The readers (XML and CSV parsers) load on first use, so commands that never read a statement do not. */
  async parse(input: StatementImportInput): Promise<ParsedStatement & { rejects: StatementCsvReject[] }> {
    if (input.bytes.byteLength > STATEMENT_LIMITS.maxFileBytes) throw new InputError(`${input.name}: ${input.bytes.byteLength} bytes; a statement file may have at most ${STATEMENT_LIMITS.maxFileBytes}`, 'file');
    try {
      if (isXmlStatement(input.bytes)) return { ...(await this.readCamt(input.bytes)), rejects: [] };
      if (!input.account) throw new CodedInputError(`--account: ${input.name} is a CSV export; give the account (IBAN) it is for`, '--account', { code: 'statement-account-required', params: {} });
      const text = new TextDecoder('utf-8').decode(input.bytes);
      const { parseStatementCsv } = await import('./parse-statement-csv');
      return parseStatementCsv(text, { account: input.account, map: input.map, exactMap: input.exactMap, dateFormat: input.dateFormat, source: input.name });
    } catch (e) {
      if (e instanceof StatementFileError) throw new CodedInputError(`${input.name}: ${e.message}`, 'file', e.coded);
      throw e;
    }
  }

  /**
   * Imports a statement and matches its credits. A dry run writes nothing and takes no lasting lock:
   * the entries not yet known are matched in memory, after the open credits, in the order the import
   * would take them, and each payment the import would record automatically is tried in a short
   * transaction rolled back at once (so a payment the app would refuse is counted as waiting, as the
   * import counts it). Its figures are what the import would do on the data as it is.
   */
  async importStatement(input: StatementImportInput, onProgress?: StatementProgress): Promise<StatementImportResult> {
    onProgress?.({ step: 'reading', current: 0, total: input.bytes.byteLength });
    const parsed = await this.parse(input);
    onProgress?.({ step: 'reading', current: input.bytes.byteLength, total: input.bytes.byteLength });
    const credits = parsed.entries.filter((e) => e.direction === 'credit').length;
    const dates = parsed.entries.map((e) => e.bookingDate).sort();
    const base = {
      file: input.name,
      format: parsed.format,
      account: parsed.account,
      entries: parsed.entries.length,
      credits,
      debits: parsed.entries.length - credits,
      rejects: parsed.rejects,
      notes: parsed.notes,
      dryRun: input.dryRun ?? false,
      period: dates.length ? { from: dates[0]!, to: dates[dates.length - 1]! } : null,
    };
    const match = input.reconcile !== false;
    const insert = () => this.repo.insertStatement(input.name, parsed.format, parsed.account, parsed.statementIds, parsed.entries).addedIds;
    const added = (ids: readonly number[]) => {
      const newCredits = this.repo.creditsAmong(ids);
      return { added: ids.length, skipped: parsed.entries.length - ids.length, newCredits, newDebits: ids.length - newCredits };
    };
    if (input.dryRun) {
      const known = this.repo.knownKeys(parsed.entries.map((e) => e.key));
      const fresh = new Map<string, BankEntry>();
      for (const e of parsed.entries) if (!known.has(e.key) && !fresh.has(e.key)) fresh.set(e.key, e);
      const newCredits = [...fresh.values()].filter((e) => e.direction === 'credit');
      const counts = { added: fresh.size, skipped: parsed.entries.length - fresh.size, newCredits: newCredits.length, newDebits: fresh.size - newCredits.length };
      if (!match) return { ...base, ...counts, reconcile: null, openAfter: null };
      const openBefore = this.repo.counts().open;
      const reconcile = await this.reconcileSteps(newCredits.map(pendingRow), { dryRun: true }).runInSlices(onProgress);
      return { ...base, ...counts, reconcile, openAfter: openBefore + newCredits.length - reconcile.autoAccepted };
    }
    const ids = this.repo.transaction(insert);
    const counts = added(ids);
    const reconcile = match ? await this.reconcileSteps(this.repo.entries(ids).filter((e) => e.status === 'open')).runInSlices(onProgress) : null;
    return { ...base, ...counts, reconcile, openAfter: match ? this.repo.counts().open : null };
  }

  /** A matcher over the current open invoices, clients and known payer IBANs. */
  private matcher(): { matcher: PaymentMatcher; invoices: Map<number, OpenInvoiceRow>; clients: Map<number, string> } {
    const rows = this.repo.openInvoices();
    const clients = this.repo.clients();
    const matcher = new PaymentMatcher(
      {
        invoices: rows.map((r) => ({ id: r.id, clientId: r.client_id, number: r.number, year: r.year, issueDate: r.issue_date, dueDate: r.due_date, outstandingCents: r.outstanding_cents, predictedDate: r.predicted_date })),
        clients,
        knownIbans: this.repo.knownIbans(),
      },
      { feeToleranceCents: this.settings().BANK_FEE_TOLERANCE_CENTS },
    );
    return { matcher, invoices: new Map(rows.map((r) => [r.id, r])), clients: new Map(clients.map((c) => [c.id, c.name])) };
  }

  /**
   * Suggests matches for every credit still to reconcile and records automatically those above the
   * threshold (oldest first; an invoice taken by one automatic match is not offered to the next).
   */
  reconcile(): ReconcileResult {
    return this.reconcileSteps([]).runAll();
  }

  /**
   * The reconciliation of the open credits one at a time, oldest first: all at once or in slices with
   * progress. `added` are the credits this import brought (counted apart); in a dry run they are not
   * in the database yet (see pendingRow) and nothing is written.
   */
  private reconcileSteps(added: readonly BankEntryRow[], options: { dryRun?: boolean } = {}): { runAll: () => ReconcileResult; runInSlices: (onProgress?: StatementProgress) => Promise<ReconcileResult> } {
    const { scorer, version } = this.activeScorer();
    const threshold = this.settings().BANK_AUTO_ACCEPT_THRESHOLD;
    const addedIds = new Set(added.map((e) => e.id));
    // The import inserts the new entries after every existing one: by booking date, then in that order.
    const open = options.dryRun ? [...this.repo.openCredits(), ...added].sort((a, b) => (a.booking_date < b.booking_date ? -1 : a.booking_date > b.booking_date ? 1 : rank(a) - rank(b))) : this.repo.openCredits();
    const { matcher } = this.matcher();
    const taken = new Set<number>();
    const zero = (): ReconcileOutcome => ({ autoAccepted: 0, payments: 0, suggested: 0, withoutCandidates: 0 });
    const all = zero();
    const mine = zero();
    const step = (listed: BankEntryRow) => {
      // Matching yields between slices: a credit confirmed meanwhile (another window, the CLI) is left alone.
      const entry = listed.id < 0 ? listed : this.repo.entry(listed.id);
      if (!entry || entry.status !== 'open') return;
      const counters = addedIds.has(entry.id) ? [all, mine] : [all];
      const m = matcher.match(creditOf(entry), scorer);
      const usable = { ...m, candidates: m.candidates.filter((c) => c.invoiceIds.every((id) => !taken.has(id))) };
      const confidence = usable.candidates.length === m.candidates.length ? m.confidence : usable.candidates.length ? usable.candidates[0]!.score * (1 - (usable.candidates[1]?.score ?? 0)) : 0;
      const prediction = predictionOf({ ...usable, confidence }, version);
      const now = nowIso();
      if (!usable.candidates.length) for (const c of counters) c.withoutCandidates++;
      if (usable.candidates.length && confidence >= threshold) {
        const top = usable.candidates[0]!;
        const ok = options.dryRun ? this.wouldRecord(entry, top.allocations) : this.repo.transaction(() => {
          this.repo.setSuggestion(entry.id, JSON.stringify(prediction), confidence, version, now);
          try {
            this.recordMatch(entry, top.allocations, top.feeCents, true);
          } catch (e) {
            if (e instanceof InputError) return false;
            throw e;
          }
          this.repo.setStatus(entry.id, 'auto', now, now);
          return true;
        });
        if (ok) {
          for (const id of top.invoiceIds) taken.add(id);
          for (const c of counters) {
            c.autoAccepted++;
            c.payments += top.allocations.length;
          }
          return;
        }
      }
      if (!options.dryRun) this.repo.setSuggestion(entry.id, JSON.stringify(prediction), confidence, version, now);
      for (const c of counters) c.suggested++;
    };
    const result = (): ReconcileResult => ({ credits: open.length, ...all, modelVersion: version, threshold, added: mine });
    return {
      runAll: () => {
        for (const entry of open) step(entry);
        return result();
      },
      runInSlices: async (onProgress) => {
        let since = performance.now();
        onProgress?.({ step: 'matching', current: 0, total: open.length });
        for (let i = 0; i < open.length; i++) {
          step(open[i]!);
          if (performance.now() - since >= SLICE_MS) {
            onProgress?.({ step: 'matching', current: i + 1, total: open.length });
            await tick();
            since = performance.now();
          }
        }
        onProgress?.({ step: 'matching', current: open.length, total: open.length });
        return result();
      },
    };
  }

  /** Whether the payment service would accept the payments of a match now: tried in a transaction rolled back at once. */
  private wouldRecord(entry: BankEntryRow, allocations: readonly Allocation[]): boolean {
    try {
      this.repo.transaction(() => {
        for (const a of allocations) this.payments.record(paymentOf(entry, a));
        throw new DryRunRollback();
      });
    } catch (e) {
      if (e instanceof DryRunRollback) return true;
      if (e instanceof InputError) return false;
      throw e;
    }
    return true;
  }

  /** Records the payments of one match inside the caller's transaction. */
  private recordMatch(entry: BankEntryRow, allocations: readonly Allocation[], feeCents: number, automatic: boolean): number {
    const last = allocations.length - 1;
    allocations.forEach((a, i) => {
      // The fee is borne by the last invoice: it is settled in full, the bank kept the difference.
      const r = this.payments.record(paymentOf(entry, a));
      this.repo.insertMatch({ entryId: entry.id, invoiceId: a.invoiceId, clientId: r.invoice.client_id, amountCents: a.amountCents, feeCents: i === last ? feeCents : 0, automatic, receipt: JSON.stringify(r.receipt) });
    });
    return allocations.length;
  }

  private entryOrThrow(id: number): BankEntryRow {
    const e = this.repo.entry(id);
    if (!e) throw new NotFoundError(`entry: no bank entry ${id}`, 'entry');
    return e;
  }

  private storedPrediction(e: BankEntryRow): MatchPrediction {
    if (e.suggestion) {
      const r = matchPredictionSchema.safeParse(JSON.parse(e.suggestion));
      if (r.success) return r.data;
    }
    return { modelVersion: e.model_version ?? '0.0.0', confidence: 0, candidates: [] };
  }

  /** How the credit pays the chosen invoices: in full in due order, the last in part; a shortfall within the fee tolerance is a fee. */
  private allocate(entry: BankEntryRow, invoiceIds: readonly number[], open: Map<number, OpenInvoiceRow>): { allocations: Allocation[]; feeCents: number } {
    const invs = invoiceIds.map((id) => {
      const inv = open.get(id);
      if (!inv) throw new InputError(`invoiceIds: invoice ${id} is not open (paid, cancelled, a draft, or unknown)`, 'invoiceIds');
      return inv;
    });
    invs.sort((a, b) => (a.due_date < b.due_date ? -1 : a.due_date > b.due_date ? 1 : a.id - b.id));
    const total = invs.reduce((s, i) => s + i.outstanding_cents, 0);
    const amount = entry.amount_cents;
    if (amount > total) {
      throw new InputError(`invoiceIds: the credit of ${formatEuro(amount)} is more than the ${formatEuro(total)} still open on ${invs.map((i) => invoiceLabel(i.number, i.year)).join(', ')}`, 'invoiceIds');
    }
    const shortfall = total - amount;
    if (shortfall <= this.settings().BANK_FEE_TOLERANCE_CENTS) return { allocations: invs.map((i) => ({ invoiceId: i.id, amountCents: i.outstanding_cents })), feeCents: shortfall };
    const allocations: Allocation[] = [];
    let left = amount;
    for (const i of invs) {
      if (left <= 0) throw new InputError(`invoiceIds: the credit of ${formatEuro(amount)} is used up before invoice ${invoiceLabel(i.number, i.year)}`, 'invoiceIds');
      const pay = Math.min(left, i.outstanding_cents);
      allocations.push({ invoiceId: i.id, amountCents: pay });
      left -= pay;
    }
    return { allocations, feeCents: 0 };
  }

  /** Confirms the first suggestion, or corrects it with the invoices given: payments recorded, feedback written. */
  confirm(input: ConfirmInput): ConfirmResult {
    const entry = this.entryOrThrow(input.entryId);
    if (entry.direction !== 'credit') throw new InputError(`entry: ${entry.id} is a debit; only credits are matched to invoices`, 'entry');
    if (entry.status !== 'open') throw new InputError(`entry: ${entry.id} is already ${entry.status === 'ignored' ? 'marked as paying no invoice' : 'reconciled'}`, 'entry');
    const prediction = this.storedPrediction(entry);
    const chosen = input.invoiceIds ?? prediction.candidates[0]?.invoiceIds;
    if (!chosen || chosen.length === 0) throw new InputError('invoiceIds: there is no suggestion to confirm; choose the invoices this credit pays', 'invoiceIds');
    if (new Set(chosen).size !== chosen.length) throw new InputError('invoiceIds: an invoice is listed twice', 'invoiceIds');
    const action: MatchAction = prediction.candidates[0] && sameInvoices(prediction.candidates[0].invoiceIds, chosen) ? 'confirmed' : 'corrected';
    const { invoices } = this.matcher();
    const { allocations, feeCents } = this.allocate(entry, chosen, invoices);
    return this.repo.transaction(() => {
      const now = nowIso();
      const payments = this.recordMatch(entry, allocations, feeCents, false);
      this.repo.setStatus(entry.id, 'matched', now, now);
      const feedbackId = this.writeFeedback(entry, prediction, action, [...chosen], now);
      return { entry: this.view(this.entryOrThrow(entry.id)), payments, action, feedbackId };
    });
  }

  /** The credit pays none of the invoices (a refund, a transfer between own accounts…). */
  reject(entryId: number): ConfirmResult {
    const entry = this.entryOrThrow(entryId);
    if (entry.direction !== 'credit' || entry.status !== 'open') throw new InputError(`entry: ${entry.id} is not a credit waiting to be reconciled`, 'entry');
    const prediction = this.storedPrediction(entry);
    return this.repo.transaction(() => {
      const now = nowIso();
      this.repo.setStatus(entry.id, 'ignored', now, now);
      const feedbackId = this.writeFeedback(entry, prediction, 'rejected', [], now);
      return { entry: this.view(this.entryOrThrow(entry.id)), payments: 0, action: 'rejected', feedbackId };
    });
  }

  /** Takes back an automatic match: its payments are reversed, the credit waits in "To reconcile" again. */
  undo(entryId: number): ConfirmResult {
    const entry = this.entryOrThrow(entryId);
    if (entry.status !== 'auto') throw new InputError(`entry: ${entry.id} was not matched automatically; only automatic matches can be undone`, 'entry');
    const matches = this.repo.matchesOf(entry.id);
    const prediction = this.storedPrediction(entry);
    return this.repo.transaction(() => {
      const now = nowIso();
      for (const m of [...matches].reverse()) {
        const receipt = JSON.parse(m.receipt) as ReceiptRecord;
        this.payments.reverse(receipt);
      }
      this.repo.markUndone(entry.id, now);
      this.repo.setStatus(entry.id, 'open', null, now);
      const feedbackId = this.writeFeedback(entry, prediction, 'undone', matches.map((m) => m.invoice_id), now);
      return { entry: this.view(this.entryOrThrow(entry.id)), payments: -matches.length, action: 'undone', feedbackId };
    });
  }

  private describe(entry: BankEntryRow): string {
    return [entry.booking_date, formatEuro(entry.amount_cents), entry.counterparty_name ?? '', entry.remittance].filter(Boolean).join(' · ').slice(0, 1_900);
  }

  private labels(ids: readonly number[]): string {
    if (!ids.length) return 'no invoice';
    const rows = this.repo.invoiceLabels(ids);
    return rows.map((r) => `${invoiceLabel(r.number, r.year)} (${r.client_name})`).join(', ').slice(0, 1_900);
  }

  private writeFeedback(entry: BankEntryRow, prediction: MatchPrediction, action: MatchAction, invoiceIds: number[], now: string): number {
    const outcome = { action, invoiceIds };
    const accurate = action === 'undone' ? false : wasAccurate(prediction, outcome);
    const id = this.predictions.insertFeedback({
      model_name: MATCHER_MODEL_NAME,
      model_version: prediction.modelVersion,
      entity_type: MATCHER_ENTITY_TYPE,
      entity_id: entry.id,
      prediction: JSON.stringify(prediction),
      actual_outcome: JSON.stringify(outcome),
      was_accurate: accurate ? 1 : 0,
      error_days: null,
      source: 'user',
      prediction_log_id: null,
      consumed_by_version: null,
      created_at: now,
    });
    const suggested = prediction.candidates[0]?.invoiceIds ?? [];
    this.feedback.recordChat({
      agentType: MATCHER_AGENT_TYPE,
      input: this.describe(entry),
      response: this.labels(suggested),
      ...(accurate ? {} : { correction: action === 'rejected' ? 'no invoice' : action === 'undone' ? `undone: not ${this.labels(invoiceIds)}` : this.labels(invoiceIds) }),
      thumb: accurate ? 'up' : 'down',
      context: { bankEntryId: entry.id, action, modelVersion: prediction.modelVersion, predictionFeedbackId: id },
    });
    return id;
  }

  /** Open invoices for the correction picker: those whose number or client contains `search` (folded), oldest due first, at most 50. */
  openInvoiceChoices(search: string): { id: number; label: string; clientName: string; outstandingCents: number; dueDate: string }[] {
    const clients = new Map(this.repo.clients().map((c) => [c.id, c.name]));
    const q = foldText(search);
    return this.repo
      .openInvoices()
      .map((r) => ({ id: r.id, label: invoiceLabel(r.number, r.year), clientName: clients.get(r.client_id) ?? '', outstandingCents: r.outstanding_cents, dueDate: r.due_date }))
      .filter((r) => !q || foldText(`${r.label} ${r.clientName}`).includes(q))
      .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.id - b.id))
      .slice(0, 50);
  }

  counts(): BankCounts {
    return this.repo.counts();
  }

  list(status: BankEntryRow['status'], limit = 50, offset = 0): { items: BankEntryView[]; counts: BankCounts } {
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InputError(`limit: expected 1 to 500, got ${limit}`, 'limit');
    return { items: this.repo.page(status, limit, offset).map((e) => this.view(e)), counts: this.repo.counts() };
  }

  entry(id: number): BankEntryView {
    return this.view(this.entryOrThrow(id));
  }

  /** An entry as the Bank page shows it: suggestions with invoice labels and client names, and its matches. */
  view(e: BankEntryRow): BankEntryView {
    const prediction = e.status === 'open' ? this.storedPrediction(e) : { candidates: [] as MatchPrediction['candidates'] };
    const ids = [...new Set(prediction.candidates.slice(0, 8).flatMap((c) => c.invoiceIds))];
    const matches = this.repo.matchesOf(e.id);
    const info = new Map(this.repo.invoiceLabels([...ids, ...matches.map((m) => m.invoice_id)]).map((r) => [r.id, r]));
    const labelOf = (id: number) => {
      const r = info.get(id);
      return r ? { label: invoiceLabel(r.number, r.year), clientName: r.client_name, outstandingCents: r.outstanding_cents } : { label: `#${id}`, clientName: '', outstandingCents: null };
    };
    return {
      id: e.id,
      bookingDate: e.booking_date,
      valueDate: e.value_date,
      direction: e.direction,
      amountCents: e.amount_cents,
      remittance: e.remittance,
      counterpartyName: e.counterparty_name,
      counterpartyIban: e.counterparty_iban,
      bankRef: e.bank_ref,
      status: e.status,
      confidence: e.confidence,
      modelVersion: e.model_version,
      suggestions: prediction.candidates.slice(0, 8).map((c) => {
        const invoices = c.invoiceIds.map((id) => ({ id, ...labelOf(id) }));
        return { kind: c.kind, score: c.score, invoices, clientName: invoices[0]?.clientName ?? '' };
      }),
      matches: matches.map((m) => ({ invoiceId: m.invoice_id, ...labelOf(m.invoice_id), amountCents: m.amount_cents, feeCents: m.fee_cents, automatic: m.automatic === 1 })),
    };
  }

  /** For tests and the CLI: a credit's ranked match without storing anything. */
  preview(entryId: number): CreditMatch {
    const entry = this.entryOrThrow(entryId);
    if (entry.direction !== 'credit') throw new AppError('NOT_A_CREDIT', `entry ${entryId} is a debit`);
    return this.matcher().matcher.match(creditOf(entry), this.activeScorer().scorer);
  }
}

export type { BankEntry };
