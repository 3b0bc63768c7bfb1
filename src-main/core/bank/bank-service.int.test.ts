import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database';
import { ClientService } from '../domain/client-service';
import { InvoiceService } from '../domain/invoice-service';
import { PaymentService } from '../domain/payment-service';
import { partitaIvaCheckDigit } from '../domain/italian-ids';
import { FeedbackService } from '../feedback/feedback-service';
import { exportFeedback } from '../feedback/feedback-export';
import { predictionOutcomeHook, predictionReopenHook } from '../feedback/prediction-outcome';
import { PredictionRepository } from '../feedback/prediction-repository';
import { BankService, MATCHER_MODEL_NAME } from './bank-service';
import { ruleScorer } from './match-scorers';
import { MATCHER_AGENT_TYPE } from './matcher-feedback';
import { generateDemo } from '../demo/generate-demo';
import { writeDemoStatements } from './demo-statements';
import { parseCamt053 } from './parse-camt053';
import { writeCamt053, writeStatementCsv } from './write-statement';
import type { BankEntry } from './statement-types';

let dir: string;
let database: Database;
let invoices: InvoiceService;
let payments: PaymentService;
let bank: BankService;
let settings = { BANK_AUTO_ACCEPT_THRESHOLD: 0.98, BANK_FEE_TOLERANCE_CENTS: 1000, AI_FEEDBACK_ENABLED: true, ML_TOLERANCE_DAYS: 7 };
const ACCOUNT = 'IT60X0542811101000000123456';

const piva = (n: number) => {
  const first = String(1000000000 + n).slice(0, 10);
  return first + String(partitaIvaCheckDigit(first));
};
/** Every row of every table, to prove a dry run changed nothing. */
const fingerprint = () => {
  const tables = database.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' ORDER BY name").all() as { name: string }[];
  return Object.fromEntries(tables.map((t) => [t.name, JSON.stringify(database.sqlite.prepare(`SELECT * FROM "${t.name}"`).all())]));
};
const count = (sql: string) => (database.sqlite.prepare(sql).get() as { n: number }).n;

let ids: Record<string, number> = {};
/** Invoice totals as the service computed them (VAT, stamp duty). */
let totals: Record<string, number> = {};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-bank-'));
  database = openDatabase(path.join(dir, 'openfatture.db'));
  const clients = new ClientService(database.sqlite);
  invoices = new InvoiceService(database.sqlite, clients);
  payments = new PaymentService(database.sqlite, invoices);
  payments.afterPaymentHooks.push(predictionOutcomeHook(() => 7));
  payments.afterReversalHooks.push(predictionReopenHook());
  const feedback = new FeedbackService(database.sqlite, () => settings);
  settings = { ...settings, BANK_AUTO_ACCEPT_THRESHOLD: 0.98 };
  bank = new BankService(database.sqlite, payments, feedback, () => settings, () => ({ scorer: ruleScorer(), version: '0.0.0' }));
  const rossi = clients.create({ denominazione: 'Rossi Impianti Srl', partitaIva: piva(1) });
  const ferri = clients.create({ denominazione: 'Ferri Logistica SpA', partitaIva: piva(2) });
  const galli = clients.create({ denominazione: 'Studio Tecnico Galli', partitaIva: piva(3) });
  const inv = (clientId: number, issueDate: string, cents: number) => invoices.create({ clientId, issueDate, lines: [{ description: 'Consulenza', quantity: 1, unitPriceCents: cents, vatRate: 22 }] }).invoice;
  const a = inv(rossi.id, '2025-01-10', 122_000);
  const b = inv(rossi.id, '2025-01-20', 50_000);
  const c = inv(rossi.id, '2025-01-25', 30_000);
  const d = inv(ferri.id, '2025-01-12', 80_000);
  const e = inv(galli.id, '2025-01-15', 45_000);
  const f = inv(galli.id, '2025-01-16', 45_000);
  ids = { a: a.id, b: b.id, c: c.id, d: d.id, e: e.id, f: f.id, rossi: rossi.id, ferri: ferri.id, galli: galli.id };
  const labelOf = (x: { number: string }) => `${x.number}/2025`;
  invoiceLabels = { a: labelOf(a), b: labelOf(b), c: labelOf(c), d: labelOf(d), e: labelOf(e), f: labelOf(f) };
  totals = { a: a.total_cents, b: b.total_cents, c: c.total_cents, d: d.total_cents, e: e.total_cents };
});
afterEach(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let invoiceLabels: Record<string, string> = {};
const labels = () => invoiceLabels;
const credit = (ref: string, amountCents: number, remittance: string, counterpartyName: string, bookingDate = '2025-03-03', iban: string | null = null): BankEntry => ({
  account: ACCOUNT,
  key: `ref:${ACCOUNT}:${ref}`,
  bankRef: ref,
  direction: 'credit',
  amountCents,
  currency: 'EUR',
  bookingDate,
  valueDate: bookingDate,
  remittance,
  structuredRefs: [],
  counterpartyName,
  counterpartyIban: iban,
});
const camt = (entries: BankEntry[]) => new TextEncoder().encode(writeCamt053(entries, { version: '05', account: ACCOUNT, statementId: 'S1', createdAt: '2025-03-31T08:00:00' }));

function statement(): BankEntry[] {
  const l = labels();
  return [
    credit('R1', totals.a!, `Saldo fattura n. ${l.a}`, 'ROSSI IMPIANTI SRL', '2025-03-03', 'IT02L1234512345123456789012'),
    credit('R2', 40_000, `Acconto fattura ${l.d}`, 'Ferri Logistica'),
    credit('R3', totals.b! + totals.c!, `Saldo fatture ${l.b.split('/')[0]} e ${l.c.split('/')[0]}`, 'Rossi Impianti Srl'),
    credit('R4', totals.e!, 'Pagamento servizi', 'Studio Tecnico Galli'),
    credit('R5', 9_999, 'RIMBORSO ASSICURAZIONE', 'Generali'),
    { ...credit('D1', 250, 'COMMISSIONI', ''), direction: 'debit', counterpartyName: null },
  ];
}

describe('BankService', () => {
  it('imports a statement once: re-importing the same file adds 0 entries and records no second payment', async () => {
    const first = await bank.importStatement({ name: 'marzo.xml', bytes: camt(statement()) });
    expect(first).toMatchObject({ format: 'camt.053.001.05', entries: 6, credits: 5, debits: 1, added: 6, skipped: 0 });
    const paymentsAfterFirst = count('SELECT COUNT(*) AS n FROM payments WHERE paid_amount_cents > 0');
    const again = await bank.importStatement({ name: 'marzo.xml', bytes: camt(statement()) });
    expect(again).toMatchObject({ added: 0, skipped: 6 });
    expect(count('SELECT COUNT(*) AS n FROM bank_entries')).toBe(6);
    expect(count('SELECT COUNT(*) AS n FROM payments WHERE paid_amount_cents > 0')).toBe(paymentsAfterFirst);
    // The same movements as a CSV export: same keys (bank references), nothing added.
    const csv = await bank.importStatement({ name: 'marzo.csv', bytes: new TextEncoder().encode(writeStatementCsv(statement())), account: ACCOUNT, dateFormat: 'D/M/YYYY' });
    expect(csv).toMatchObject({ format: 'csv', added: 0, skipped: 6 });
  });

  it('auto-accepts the certain match, marks it automatic, and undoes it: payment reversed, invoice open, credit back to reconcile', async () => {
    const r = await bank.importStatement({ name: 'marzo.xml', bytes: camt(statement()) });
    expect(r.reconcile!.autoAccepted).toBeGreaterThanOrEqual(1);
    const auto = bank.list('auto').items;
    const named = auto.find((e) => e.bankRef === 'R1')!;
    expect(named.matches).toEqual([expect.objectContaining({ invoiceId: ids.a, amountCents: totals.a, feeCents: 0, automatic: true })]);
    expect(invoices.get(ids.a).status).toBe('paid');
    const undone = bank.undo(named.id);
    expect(undone.action).toBe('undone');
    expect(undone.entry.status).toBe('open');
    expect(invoices.get(ids.a).status).toBe('issued');
    expect(invoices.get(ids.a).outstanding_cents).toBe(totals.a);
    expect(count(`SELECT COUNT(*) AS n FROM bank_matches WHERE entry_id = ${named.id} AND undone_at IS NULL`)).toBe(0);
    // An undo is feedback that the suggestion was wrong.
    expect(count(`SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE model_name = '${MATCHER_MODEL_NAME}' AND was_accurate = 0`)).toBe(1);
    expect(() => bank.undo(named.id)).toThrow(/only automatic matches/);
  });

  it('matches partial and combined payments, and a confirmation becomes feedback counted for the matcher', async () => {
    settings = { ...settings, BANK_AUTO_ACCEPT_THRESHOLD: 1 };
    await bank.importStatement({ name: 'marzo.xml', bytes: camt(statement()) });
    const open = bank.list('open').items;
    const partial = open.find((e) => e.bankRef === 'R2')!;
    const combined = open.find((e) => e.bankRef === 'R3')!;
    expect(partial.suggestions[0]).toMatchObject({ kind: 'partial', invoices: [expect.objectContaining({ id: ids.d })] });
    expect(combined.suggestions[0]).toMatchObject({ kind: 'combined' });
    expect(combined.suggestions[0]!.invoices.map((i) => i.id).sort()).toEqual([ids.b, ids.c].sort());

    const before = count(`SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE model_name = '${MATCHER_MODEL_NAME}' AND consumed_by_version IS NULL`);
    const p = bank.confirm({ entryId: partial.id });
    expect(p).toMatchObject({ action: 'confirmed', payments: 1 });
    expect(invoices.get(ids.d)).toMatchObject({ status: 'partially_paid', outstanding_cents: totals.d! - 40_000 });
    const c = bank.confirm({ entryId: combined.id });
    expect(c.payments).toBe(2);
    expect(invoices.get(ids.b).status).toBe('paid');
    expect(invoices.get(ids.c).status).toBe('paid');
    expect(count(`SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE model_name = '${MATCHER_MODEL_NAME}' AND consumed_by_version IS NULL`)).toBe(before + 2);
    expect(count(`SELECT COUNT(*) AS n FROM user_feedback WHERE agent_type = '${MATCHER_AGENT_TYPE}' AND thumb = 'up'`)).toBe(2);
    expect(() => bank.confirm({ entryId: partial.id })).toThrow(/already reconciled/);
    // Exported with the rest of the feedback.
    const out = path.join(dir, 'feedback.jsonl');
    exportFeedback(database.sqlite, { output: out });
    const records = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; model_name?: string; agent_type?: string; actual_outcome?: { action: string } });
    expect(records.filter((r) => r.kind === 'prediction' && r.model_name === MATCHER_MODEL_NAME).map((r) => r.actual_outcome!.action)).toEqual(['confirmed', 'confirmed']);
    expect(records.filter((r) => r.kind === 'chat' && r.agent_type === MATCHER_AGENT_TYPE)).toHaveLength(2);
  });

  it('corrects a suggestion with the picker: the chosen invoice is paid and the correction is feedback', async () => {
    settings = { ...settings, BANK_AUTO_ACCEPT_THRESHOLD: 1 };
    await bank.importStatement({ name: 'marzo.xml', bytes: camt(statement()) });
    const galli = bank.list('open').items.find((e) => e.bankRef === 'R4')!;
    const suggested = galli.suggestions[0]!.invoices[0]!.id;
    const other = suggested === ids.e ? ids.f : ids.e;
    const r = bank.confirm({ entryId: galli.id, invoiceIds: [other] });
    expect(r.action).toBe('corrected');
    expect(invoices.get(other).status).toBe('paid');
    expect(invoices.get(suggested).status).toBe('issued');
    const row = database.sqlite.prepare(`SELECT actual_outcome, was_accurate FROM model_prediction_feedback WHERE id = ?`).get(r.feedbackId) as { actual_outcome: string; was_accurate: number };
    expect(JSON.parse(row.actual_outcome)).toEqual({ action: 'corrected', invoiceIds: [other] });
    expect(row.was_accurate).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM user_feedback WHERE agent_type = '${MATCHER_AGENT_TYPE}' AND user_correction IS NOT NULL`)).toBe(1);
    // Bad choices are refused with the field named, nothing written.
    const other2 = bank.list('open').items.find((e) => e.bankRef === 'R5')!;
    expect(() => bank.confirm({ entryId: other2.id, invoiceIds: [other] })).toThrow(/not open/);
    expect(() => bank.confirm({ entryId: other2.id, invoiceIds: [999] })).toThrow(/invoiceIds/);
    expect(bank.reject(other2.id).entry.status).toBe('ignored');
  });

  it('a payment from the bank resolves the served forecast as a manual one does, and its undo reopens it', async () => {
    const predictions = new PredictionRepository(database.sqlite);
    predictions.recordServed({ model_name: 'cash_flow', model_version: '1.0.0', invoice_id: ids.a, predicted_days: 50, predicted_date: '2025-03-01', p10_date: null, p90_date: null, amount_cents: totals.a!, created_at: '2025-02-01T00:00:00.000Z' });
    await bank.importStatement({ name: 'marzo.xml', bytes: camt(statement()) });
    const auto = bank.list('auto').items.find((e) => e.bankRef === 'R1')!;
    expect(count(`SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE model_name = 'cash_flow' AND source = 'auto-outcome' AND entity_id = ${ids.a}`)).toBe(1);
    bank.undo(auto.id);
    expect(count(`SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE model_name = 'cash_flow' AND source = 'auto-outcome' AND entity_id = ${ids.a}`)).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM prediction_log WHERE invoice_id = ${ids.a} AND resolved_at IS NULL`)).toBe(1);
  });

  it('a dry run reports account, period, new entries and what matching would do, writes nothing, and the import then does exactly that', async () => {
    // One credit of the statement is already there (an earlier, shorter export).
    await bank.importStatement({ name: 'inizio-marzo.xml', bytes: camt(statement().slice(3, 4)) });
    const before = fingerprint();
    const dry = await bank.importStatement({ name: 'marzo.xml', bytes: camt(statement()), dryRun: true });
    expect(fingerprint()).toEqual(before);
    expect(dry).toMatchObject({ dryRun: true, account: ACCOUNT, entries: 6, credits: 5, debits: 1, added: 5, skipped: 1, newCredits: 4, newDebits: 1, period: { from: '2025-03-03', to: '2025-03-03' } });
    const d = dry.reconcile!;
    // The certain match (invoice number, exact amount, known payer) would be recorded; the others would wait.
    expect(d.added.autoAccepted).toBeGreaterThanOrEqual(1);
    expect(d.added.autoAccepted + d.added.suggested).toBe(4);
    expect(d.autoAccepted + d.suggested).toBe(5);
    expect(dry.openAfter).toBe(d.suggested);

    const progress: string[] = [];
    const real = await bank.importStatement({ name: 'marzo.xml', bytes: camt(statement()) }, (p) => progress.push(`${p.step} ${p.current}/${p.total}`));
    expect({ ...real, dryRun: true }).toEqual(dry);
    expect(progress).toContain('matching 5/5');
    expect(bank.counts()).toMatchObject({ open: d.suggested, auto: d.autoAccepted, debit: 1 });
    expect(count("SELECT COUNT(*) AS n FROM bank_matches WHERE automatic = 1")).toBe(d.payments);
  });

  it("on a demo year of receipts (hundreds of credits, many recorded automatically), the dry run gives the import's figures without writing", async () => {
    database.sqlite.exec('DELETE FROM payments; DELETE FROM invoice_lines; DELETE FROM invoices; DELETE FROM clients;');
    generateDemo(database.sqlite, { clients: 40, invoices: 600, seed: 5, today: '2026-06-30' });
    const written = writeDemoStatements(database.sqlite, { dir, today: '2026-06-30', days: 200, seed: 6 });
    const file = written.files.find((f) => f.endsWith('.xml'))!;
    const bytes = fs.readFileSync(file);
    // Half the statement already imported, so the dry run also sees open credits of its own.
    const parsed = parseCamt053(bytes);
    const earlier = writeCamt053(parsed.entries.slice(0, 60), { version: '05', account: parsed.account, statementId: 'S0', createdAt: '2026-02-01T08:00:00' });
    const first = await bank.importStatement({ name: 'earlier.xml', bytes: new TextEncoder().encode(earlier), reconcile: false });
    expect(first.added).toBe(60);
    const before = fingerprint();
    const dry = await bank.importStatement({ name: 'year.xml', bytes, dryRun: true });
    expect(fingerprint()).toEqual(before);
    expect(dry.reconcile!.credits).toBeGreaterThan(100);
    expect(dry.reconcile!.autoAccepted).toBeGreaterThan(20);
    const real = await bank.importStatement({ name: 'year.xml', bytes });
    expect({ ...real, dryRun: true }).toEqual(dry);
  });

  it('refuses a CSV without its account and a damaged file, writing nothing', async () => {
    await expect(bank.importStatement({ name: 'x.csv', bytes: new TextEncoder().encode('Data;Importo;Causale\n2025-01-02;1,00;x\n') })).rejects.toThrow(/--account/);
    await expect(bank.importStatement({ name: 'x.xml', bytes: new TextEncoder().encode('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>') })).rejects.toThrow(/x\.xml: is not well-formed/);
    expect(count('SELECT COUNT(*) AS n FROM bank_statements')).toBe(0);
  });
});
