// payments: an invoice's instalments (scadenze) and what was received against each, with method,
// bank reference and IBAN. Receipts settle instalments oldest first (see allocate-payment.ts).
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { qb, SqlRunner, template } from '../db/sql-runner';

export interface OpenInstalmentRow {
  id: number;
  due_date: string;
  amount_cents: number;
  paid_amount_cents: number;
}

export interface Receipt {
  date: string;
  method: string | null;
  reference: string | null;
  iban: string | null;
  now: string;
}

const Q = {
  open: template((p: { invoiceId: number }) =>
    qb
      .selectFrom('payments')
      .select(['id', 'due_date', 'amount_cents', 'paid_amount_cents'])
      .where('invoice_id', '=', p.invoiceId)
      .where(sql<boolean>`amount_cents > paid_amount_cents`),
  ),
  settle: template((p: Receipt & { id: number }) =>
    qb
      .updateTable('payments')
      .set((eb) => ({
        paid_amount_cents: eb.ref('amount_cents'),
        paid_date: p.date,
        method: p.method,
        reference: p.reference,
        iban: eb.fn.coalesce(eb.val(p.iban), eb.ref('iban')),
        updated_at: p.now,
      }))
      .where('id', '=', p.id),
  ),
  shrink: template((p: { id: number; cents: number; now: string }) =>
    qb
      .updateTable('payments')
      .set((eb) => ({ amount_cents: eb('amount_cents', '-', p.cents), updated_at: p.now }))
      .where('id', '=', p.id),
  ),
  addPaid: template((p: Receipt & { invoiceId: number; dueDate: string; cents: number }) =>
    qb.insertInto('payments').values({
      invoice_id: p.invoiceId,
      due_date: p.dueDate,
      amount_cents: p.cents,
      paid_date: p.date,
      paid_amount_cents: p.cents,
      method: p.method,
      reference: p.reference,
      iban: p.iban,
    }),
  ),
  addOpen: template((p: { invoiceId: number; dueDate: string; cents: number }) => qb.insertInto('payments').values({ invoice_id: p.invoiceId, due_date: p.dueDate, amount_cents: p.cents })),
  unsettle: template((p: { id: number; now: string }) =>
    qb.updateTable('payments').set({ paid_amount_cents: 0, paid_date: null, method: null, reference: null, updated_at: p.now }).where('id', '=', p.id),
  ),
  deleteRow: template((p: { id: number }) => qb.deleteFrom('payments').where('id', '=', p.id)),
  receiptsSince: template((p: { from: string }) =>
    qb
      .selectFrom('payments as p')
      .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
      .select(['p.id', 'p.invoice_id', 'p.paid_date', 'p.paid_amount_cents'])
      .where('p.paid_amount_cents', '>', 0)
      .where('p.paid_date', '>=', p.from)
      .where('i.status', '!=', 'cancelled')
      .orderBy('p.paid_date')
      .orderBy('p.id'),
  ),
  paidOf: template((p: { invoiceId: number }) =>
    qb.selectFrom('payments').select(sql<number>`COALESCE(SUM(paid_amount_cents), 0)`.as('n')).where('invoice_id', '=', p.invoiceId),
  ),
  dropUnpaid: template((p: { invoiceId: number }) => qb.deleteFrom('payments').where('invoice_id', '=', p.invoiceId).where('paid_amount_cents', '=', 0)),
  capToPaid: template((p: { invoiceId: number }) => qb.updateTable('payments').set((eb) => ({ amount_cents: eb.ref('paid_amount_cents') })).where('invoice_id', '=', p.invoiceId)),
};

export class PaymentRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** Instalments of an invoice with something still to pay. */
  openInstalments(invoiceId: number): OpenInstalmentRow[] {
    return this.sql.all(Q.open, { invoiceId });
  }

  /** Marks an instalment fully paid by a receipt (an IBAN already recorded is kept when the receipt has none). */
  settle(id: number, receipt: Receipt): void {
    this.sql.run(Q.settle, { ...receipt, id });
  }

  /** Takes `cents` off an open instalment (the part a partial receipt paid becomes its own row). */
  shrink(id: number, cents: number, now: string): void {
    this.sql.run(Q.shrink, { id, cents, now });
  }

  /** A paid instalment of `cents`: the part of an instalment a partial receipt paid. Returns its id. */
  addPaid(invoiceId: number, dueDate: string, cents: number, receipt: Receipt): number {
    return this.sql.run(Q.addPaid, { ...receipt, invoiceId, dueDate, cents }).lastInsertRowid;
  }

  /** Undoes `settle`: the instalment is open again. */
  unsettle(id: number, now: string): void {
    this.sql.run(Q.unsettle, { id, now });
  }

  /** Undoes `shrink`. */
  grow(id: number, cents: number, now: string): void {
    this.sql.run(Q.shrink, { id, cents: -cents, now });
  }

  /** Removes the paid row `addPaid` added. */
  deleteRow(id: number): void {
    this.sql.run(Q.deleteRow, { id });
  }

  /** A new open instalment. */
  addInstalment(invoiceId: number, dueDate: string, cents: number): void {
    this.sql.run(Q.addOpen, { invoiceId, dueDate, cents });
  }

  /** Receipts dated on or after `from` (rows with something paid). */
  receiptsSince(from: string): { id: number; invoice_id: number; paid_date: string; paid_amount_cents: number }[] {
    return this.sql.all(Q.receiptsSince, { from }) as { id: number; invoice_id: number; paid_date: string; paid_amount_cents: number }[];
  }

  /** What has been received against an invoice. */
  paidCents(invoiceId: number): number {
    return this.sql.first(Q.paidOf, { invoiceId })!.n;
  }

  /** Keeps only what was paid: unpaid instalments go, part-paid ones shrink to their paid amount. */
  keepOnlyPaid(invoiceId: number): void {
    this.sql.run(Q.dropUnpaid, { invoiceId });
    this.sql.run(Q.capToPaid, { invoiceId });
  }
}
