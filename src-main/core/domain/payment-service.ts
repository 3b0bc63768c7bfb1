// Receipts against invoices (incassi): settles open instalments oldest first, supports partial
// payments, and updates the invoice status — all in one synchronous SQLite transaction, inside which
// the after-payment hooks run (the feedback service resolves logged predictions there, so a payment
// and the outcome it produces commit or roll back together).
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { isIsoDate, latestTodayIso, todayIso } from '../dates';
import { nowIso } from '../db/database';
import { PAYMENT_METHODS, type InvoiceStatus } from '../../../src-shared/invoice';
import { InputError } from '../errors';
import { formatEuro } from '../money';
import { allocatePayment, openCents, type AllocationStep, type OpenInstalment } from './allocate-payment';
import type { InvoiceService, InvoiceSummary } from './invoice-service';
import { parseInput } from './parse-input';
import { InvoiceRepository } from './invoice-repository';
import { PaymentRepository } from './payment-repository';
import { SqlRunner } from '../db/sql-runner';
import { invoiceLabel } from './invoice-number';

export interface PaymentOutcome {
  /** The invoice is now fully paid. */
  fullyPaid: boolean;
  /** Date of this receipt. */
  paidDate: string;
}

/** Runs inside the payment's transaction after its rows are written; throwing rolls the payment back. */
export type AfterPaymentHook = (sqlite: BetterSqlite3.Database, invoiceId: number, info: PaymentOutcome) => void;

export const paymentInputSchema = z
  .object({
    invoiceId: z.number({ required_error: 'is required', invalid_type_error: 'expected an invoice id' }).int().positive('expected an invoice id'),
    /** Defaults to everything still open. */
    amountCents: z.number({ invalid_type_error: 'expected an amount in cents' }).int('expected whole cents').positive('must be greater than 0').optional(),
    date: z
      .string({ invalid_type_error: 'expected a date as YYYY-MM-DD' })
      .refine(isIsoDate, (v) => ({ message: `expected a date as YYYY-MM-DD, got "${v}"` }))
      .optional(),
    method: z.enum(PAYMENT_METHODS, { errorMap: () => ({ message: `must be one of ${PAYMENT_METHODS.join(', ')}` }) }).default('bonifico'),
    reference: z.string({ invalid_type_error: 'expected text' }).trim().max(200, 'at most 200 characters').nullish(),
    iban: z
      .string({ invalid_type_error: 'expected text' })
      .transform((s) => s.replace(/\s+/g, '').toUpperCase())
      .refine((s) => /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s), 'expected an IBAN like IT60X0542811101000000123456')
      .nullish(),
  })
  .strict();
export type PaymentInput = z.input<typeof paymentInputSchema>;

/** What one receipt changed, so it can be taken back: settled instalments, and paid rows split off open ones. */
export interface ReceiptRecord {
  invoiceId: number;
  statusBefore: InvoiceStatus;
  fullyPaid: boolean;
  changes: ({ kind: 'settled'; id: number } | { kind: 'split'; id: number; addedId: number; cents: number })[];
}

/** Runs inside the reversal's transaction after a receipt was taken back. */
export type AfterReversalHook = (sqlite: BetterSqlite3.Database, record: ReceiptRecord) => void;

export interface PaymentResult {
  invoice: InvoiceSummary;
  appliedCents: number;
  steps: AllocationStep[];
  outcome: PaymentOutcome;
  /** For `reverse`. */
  receipt: ReceiptRecord;
}

export class PaymentService {
  /** Called in order inside the payment transaction; see AfterPaymentHook. */
  readonly afterPaymentHooks: AfterPaymentHook[] = [];
  /** Called in order inside a reversal's transaction (the feedback service reopens a resolved forecast). */
  readonly afterReversalHooks: AfterReversalHook[] = [];
  private readonly sql: SqlRunner;
  private readonly payments: PaymentRepository;
  private readonly invoiceRows: InvoiceRepository;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly invoices: InvoiceService,
  ) {
    this.sql = SqlRunner.of(sqlite);
    this.payments = new PaymentRepository(sqlite);
    this.invoiceRows = new InvoiceRepository(sqlite);
  }

  record(input: unknown): PaymentResult {
    const v = parseInput(paymentInputSchema, input, 'payment');
    const date = v.date ?? todayIso();
    // A payment is recorded once it has arrived: a date after today is a typo (or a guess) that
    // would resolve the invoice's prediction with an outcome that has not happened.
    const today = latestTodayIso();
    if (date > today) throw new InputError(`date: ${date} is after today (${today}); record a payment once it has arrived`, 'date');
    return this.sql.transaction((): PaymentResult => {
      const inv = this.invoices.get(v.invoiceId);
      const label = invoiceLabel(inv.number, inv.year);
      if (inv.status === 'draft') throw new InputError(`invoice: ${label} is a draft; issue it before recording payments`, 'invoice');
      if (inv.status === 'cancelled') throw new InputError(`invoice: ${label} is cancelled`, 'invoice');
      if (date < inv.issue_date) throw new InputError(`date: ${date} is before the invoice's issue date ${inv.issue_date}`, 'date');
      const open = this.payments.openInstalments(inv.id).map((r): OpenInstalment => ({ id: r.id, dueDate: r.due_date, amountCents: r.amount_cents, paidCents: r.paid_amount_cents }));
      const outstanding = openCents(open);
      if (outstanding === 0) throw new InputError(`invoice: ${label} is already fully paid`, 'invoice');
      const amount = v.amountCents ?? outstanding;
      if (amount > outstanding) {
        throw new InputError(`amount: ${formatEuro(amount)} exceeds the ${formatEuro(outstanding)} still open on invoice ${label}`, 'amount');
      }
      const steps = allocatePayment(open, amount);
      const now = nowIso();
      const receipt = { date, method: v.method, reference: v.reference ?? null, iban: v.iban ?? null, now };
      const changes: ReceiptRecord['changes'] = [];
      for (const step of steps) {
        if (step.kind === 'settle') {
          this.payments.settle(step.id, receipt);
          changes.push({ kind: 'settled', id: step.id });
        } else {
          this.payments.shrink(step.id, step.cents, now);
          changes.push({ kind: 'split', id: step.id, addedId: this.payments.addPaid(inv.id, step.dueDate, step.cents, receipt), cents: step.cents });
        }
      }
      const fullyPaid = amount === outstanding;
      const status: InvoiceStatus = fullyPaid ? 'paid' : 'partially_paid';
      this.invoiceRows.setStatus(inv.id, status, now);
      const outcome: PaymentOutcome = { fullyPaid, paidDate: date };
      for (const hook of this.afterPaymentHooks) hook(this.sqlite, inv.id, outcome);
      return { invoice: this.invoices.get(inv.id), appliedCents: amount, steps, outcome, receipt: { invoiceId: inv.id, statusBefore: inv.status, fullyPaid, changes } };
    }, 'immediate');
  }

  /**
   * Takes a receipt back (an automatic bank match the user undid): settled instalments are open
   * again, split-off paid rows go back into the instalment they came from, the invoice gets the
   * status it had before. Inside the caller's transaction when there is one.
   */
  reverse(record: ReceiptRecord): InvoiceSummary {
    return this.sql.transaction((): InvoiceSummary => {
      const now = nowIso();
      for (const c of [...record.changes].reverse()) {
        if (c.kind === 'settled') this.payments.unsettle(c.id, now);
        else {
          this.payments.deleteRow(c.addedId);
          this.payments.grow(c.id, c.cents, now);
        }
      }
      const paid = this.payments.paidCents(record.invoiceId);
      const status: InvoiceStatus = paid > 0 ? 'partially_paid' : record.statusBefore === 'paid' || record.statusBefore === 'partially_paid' ? 'issued' : record.statusBefore;
      this.invoiceRows.setStatus(record.invoiceId, status, now);
      for (const hook of this.afterReversalHooks) hook(this.sqlite, record);
      return this.invoices.get(record.invoiceId);
    }, 'immediate');
  }
}
