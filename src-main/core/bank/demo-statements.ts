// `demo seed --statements`: the bank's view of the demo data's recent payments. The receipts of the
// last months are taken back out of the book (their invoices are open again) and written instead as
// the bank statements that carry them — CAMT.053 001.08 and an Italian CSV export, with the noise of
// real transfers (synthetic-statements.ts) — plus a truth file naming the invoices each credit pays.
// Importing the statements then reconciles those months, as a user would.
import fs from 'node:fs';
import path from 'node:path';
import { addDays } from '../dates';
import { nowIso } from '../db/database';
import { InvoiceRepository } from '../domain/invoice-repository';
import { PaymentRepository } from '../domain/payment-repository';
import { writeFileAtomic } from '../fs/atomic-file';
import { SqlRunner } from '../db/sql-runner';
import { BankRepository } from './bank-repository';
import { generateStatement, OWN_ACCOUNT, type SyntheticPayment } from './synthetic-statements';
import { writeCamt053, writeStatementCsv } from './write-statement';
import type BetterSqlite3 from 'better-sqlite3';

export interface DemoStatementsOptions {
  dir: string;
  today: string;
  /** Days of receipts moved from the book to the statements. */
  days: number;
  seed: number;
}

export interface DemoStatementsResult {
  files: string[];
  receiptsReopened: number;
  invoicesReopened: number;
  credits: number;
  debits: number;
  from: string;
  to: string;
}

export function writeDemoStatements(sqlite: BetterSqlite3.Database, o: DemoStatementsOptions): DemoStatementsResult {
  const from = addDays(o.today, -o.days);
  const paymentsRepo = new PaymentRepository(sqlite);
  const invoicesRepo = new InvoiceRepository(sqlite);
  const bank = new BankRepository(sqlite);
  const receipts = paymentsRepo.receiptsSince(from);
  const invoiceIds = [...new Set(receipts.map((r) => r.invoice_id))];
  const labels = new Map(bank.invoiceLabels(invoiceIds).map((r) => [r.id, r]));
  const details = invoiceIds.map((id) => invoicesRepo.summary(id)!).filter(Boolean);
  const clients = bank.clients();
  const payments: SyntheticPayment[] = [];
  const byInvoice = new Map<number, { date: string; cents: number }>();
  for (const r of receipts) {
    const cur = byInvoice.get(r.invoice_id);
    byInvoice.set(r.invoice_id, { date: cur && cur.date > r.paid_date ? cur.date : r.paid_date, cents: (cur?.cents ?? 0) + r.paid_amount_cents });
  }
  for (const [invoiceId, p] of byInvoice) payments.push({ invoiceId, paidDate: p.date, amountCents: p.cents });
  const statement = generateStatement({
    clients,
    invoices: details.map((d) => ({ id: d.id, clientId: d.client_id, number: d.number, year: d.year, issueDate: d.issue_date, dueDate: d.due_date, totalCents: Math.min(d.total_cents, d.outstanding_cents + (byInvoice.get(d.id)?.cents ?? 0)) })),
    payments,
    seed: o.seed,
    account: OWN_ACCOUNT,
  });
  fs.mkdirSync(o.dir, { recursive: true });
  const camt = path.join(o.dir, `estratto-conto-${from}-${o.today}.camt053.xml`);
  const csv = path.join(o.dir, `estratto-conto-${from}-${o.today}.csv`);
  const truth = path.join(o.dir, `estratto-conto-${from}-${o.today}.truth.json`);
  writeFileAtomic(camt, writeCamt053(statement.entries, { version: '08', account: OWN_ACCOUNT, statementId: `DEMO-${from}-${o.today}`, createdAt: `${o.today}T06:00:00` }));
  writeFileAtomic(csv, writeStatementCsv(statement.entries));
  const entryByKey = new Map(statement.entries.map((e) => [e.key, e]));
  writeFileAtomic(
    truth,
    JSON.stringify(
      {
        account: OWN_ACCOUNT,
        from,
        to: o.today,
        credits: statement.truth.map((t) => {
          const e = entryByKey.get(t.key)!;
          return { key: t.key, bankRef: e.bankRef, bookingDate: e.bookingDate, amountCents: e.amountCents, kind: t.kind, invoiceIds: t.invoiceIds, invoices: t.invoiceIds.map((id) => labels.get(id)?.number ?? String(id)), noise: t.noise };
        }),
      },
      null,
      2,
    ) + '\n',
  );
  // The files are written first; then the receipts go back out of the book out of the book in one transaction: those invoices are open again.
  SqlRunner.of(sqlite).transaction(() => {
    const now = nowIso();
    for (const r of receipts) paymentsRepo.unsettle(r.id, now);
    for (const d of details) invoicesRepo.setStatus(d.id, paymentsRepo.paidCents(d.id) > 0 ? 'partially_paid' : 'issued', now);
  }, 'immediate');
  const credits = statement.entries.filter((e) => e.direction === 'credit').length;
  return { files: [camt, csv, truth], receiptsReopened: receipts.length, invoicesReopened: details.length, credits, debits: statement.entries.length - credits, from, to: o.today };
}
