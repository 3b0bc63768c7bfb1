// Invoices (fatture) with their lines and instalments: validated creation (a text number from a
// per-year, per-series sequence, or the one given; totals in cents, due dates from payment terms, one
// payments row per instalment), listing with filters, detail, and deletion. Every multi-row write is
// one synchronous IMMEDIATE transaction: the write lock is taken before the next number is read, so
// the CLI and a running app never race for the same number.
import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { dueDateFor, isIsoDate, todayIso } from '../dates';
import { nowIso } from '../db/database';
import type { InvoiceLinesTable, InvoicesTable, InvoiceStatus, PaymentsTable } from '../db/schema';
import { InputError, NotFoundError } from '../errors';
import type { Client, ClientService } from './client-service';
import { formatInvoiceNumber, invoiceLabel, invoiceNumberProblem, parseAppNumber, seriesProblem } from './invoice-number';
import { invoiceTotals, splitInstalments } from './invoice-totals';
import { parseInput } from './parse-input';
import { vatRateSchema, type Product } from './product-service';

export type Invoice = Selectable<InvoicesTable>;
export type InvoiceLine = Selectable<InvoiceLinesTable>;
export type Payment = Selectable<PaymentsTable>;

/** An invoice row plus its client's name and what has been paid of it. */
export interface InvoiceSummary extends Invoice {
  client_name: string;
  client_partita_iva: string | null;
  paid_cents: number;
  outstanding_cents: number;
  /** Earliest due date among open instalments (null when nothing is open). */
  next_due_date: string | null;
  /** Date of the latest receipt (null when nothing was paid). */
  last_paid_date: string | null;
}

export interface InvoiceDetail {
  invoice: InvoiceSummary;
  client: Client;
  lines: InvoiceLine[];
  payments: Payment[];
}

const isoDate = (what: string) =>
  z.string({ invalid_type_error: `expected a date as YYYY-MM-DD` }).refine(isIsoDate, (v) => ({ message: `expected a ${what} as YYYY-MM-DD, got "${v}"` }));

const lineSchema = z
  .object({
    description: z.string({ invalid_type_error: 'expected text' }).trim().min(1, 'must not be empty').max(1000, 'at most 1000 characters').optional(),
    quantity: z
      .number({ required_error: 'is required', invalid_type_error: 'expected a number' })
      .finite('expected a number')
      .positive('must be greater than 0')
      .max(1e7, 'is unreasonably large')
      .refine((q) => Math.abs(q * 10_000 - Math.round(q * 10_000)) < 1e-6, 'at most 4 decimals'),
    unitPriceCents: z
      .number({ invalid_type_error: 'expected an amount in cents' })
      .int('expected whole cents')
      .min(0, 'must not be negative')
      .max(1e11, 'is unreasonably large')
      .optional(),
    vatRate: vatRateSchema.optional(),
    productId: z.number({ invalid_type_error: 'expected a product id' }).int().positive().nullish(),
  })
  .strict();

export const invoiceInputSchema = z
  .object({
    clientId: z.number({ required_error: 'is required', invalid_type_error: 'expected a client id' }).int('expected a client id').positive('expected a client id'),
    issueDate: isoDate('date').optional(),
    /** The number as printed ("FPR 12/2025"); default: the next of `series` in the issue year. A whole number is taken as its text. */
    number: z
      .union([z.string({ invalid_type_error: 'expected text' }).trim(), z.number().int('expected a whole number').positive('must be 1 or more').transform(String)], {
        invalid_type_error: 'expected the invoice number as text',
      })
      .superRefine((v, ctx) => {
        const problem = invoiceNumberProblem(v);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      })
      .optional(),
    /** Numbering series for a new number ('' = the plain yearly sequence). */
    series: z
      .string({ invalid_type_error: 'expected text' })
      .trim()
      .superRefine((v, ctx) => {
        const problem = seriesProblem(v);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      })
      .optional(),
    documentType: z
      .string({ invalid_type_error: 'expected text' })
      .regex(/^TD\d{2}$/, 'must be a FatturaPA document type like TD01')
      .optional(),
    paymentTermsDays: z.number({ invalid_type_error: 'expected a whole number of days' }).int('expected a whole number of days').min(0, 'must be between 0 and 365 days').max(365, 'must be between 0 and 365 days').optional(),
    paymentTermsEom: z.boolean({ invalid_type_error: 'expected true or false' }).optional(),
    dueDate: isoDate('due date').optional(),
    instalments: z.number({ invalid_type_error: 'expected a whole number' }).int('expected a whole number').min(1, 'must be between 1 and 12').max(12, 'must be between 1 and 12').default(1),
    ritenutaRate: z.number({ invalid_type_error: 'expected a percentage' }).min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100').default(0),
    bollo: z.union([z.boolean(), z.literal('auto')], { invalid_type_error: "expected true, false or 'auto'" }).default('auto'),
    disputed: z.boolean({ invalid_type_error: 'expected true or false' }).default(false),
    notes: z
      .string({ invalid_type_error: 'expected text' })
      .trim()
      .max(2000, 'at most 2000 characters')
      .transform((s) => (s === '' ? null : s))
      .nullish(),
    status: z.enum(['draft', 'issued'], { invalid_type_error: "expected 'draft' or 'issued'" }).default('issued'),
    lines: z.array(lineSchema, { required_error: 'at least one line is required', invalid_type_error: 'expected a list of lines' }).min(1, 'at least one line is required').max(500, 'at most 500 lines'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.dueDate && v.issueDate && v.dueDate < v.issueDate) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['dueDate'], message: `${v.dueDate} is before the issue date ${v.issueDate}` });
    }
    v.lines.forEach((l, i) => {
      if (l.productId == null) {
        if (l.description === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['lines', i, 'description'], message: 'is required (or give a product)' });
        if (l.unitPriceCents === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['lines', i, 'unitPriceCents'], message: 'is required (or give a product)' });
        if (l.vatRate === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['lines', i, 'vatRate'], message: 'is required (or give a product)' });
      }
    });
  });
export type InvoiceInput = z.input<typeof invoiceInputSchema>;

/** Where an invoice came from, for imports: a re-import compares `hash` to skip or update it. */
export interface InvoiceOrigin {
  source: 'app' | 'csv' | 'fatturapa';
  hash?: string | null;
  name?: string | null;
}

export type InvoiceListStatus = InvoiceStatus | 'unpaid' | 'overdue';

export interface InvoiceListFilter {
  year?: number;
  clientId?: number;
  status?: InvoiceStatus;
  /** Issue date on or after. */
  from?: string;
  /** Issue date on or before. */
  to?: string;
  /** Something is still to be paid (issued, not cancelled). */
  unpaid?: boolean;
  /** Unpaid with an instalment past its due date as of `today`. */
  overdue?: boolean;
  today?: string;
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
}

export interface DeleteOptions {
  /** Delete even when payments were recorded. */
  force?: boolean;
}

const SUMMARY_SELECT = `
SELECT i.*, c.denominazione AS client_name, c.partita_iva AS client_partita_iva,
  COALESCE(SUM(p.paid_amount_cents), 0) AS paid_cents,
  COALESCE(SUM(p.amount_cents - p.paid_amount_cents), 0) AS outstanding_cents,
  MIN(CASE WHEN p.amount_cents > p.paid_amount_cents THEN p.due_date END) AS next_due_date,
  MAX(p.paid_date) AS last_paid_date
FROM invoices i
JOIN clients c ON c.id = i.client_id
LEFT JOIN payments p ON p.invoice_id = i.id`;

export class InvoiceService {
  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly clients: ClientService,
  ) {}

  create(input: unknown, origin: InvoiceOrigin = { source: 'app' }): InvoiceDetail {
    const v = parseInput(invoiceInputSchema, input, 'invoice');
    const issueDate = v.issueDate ?? todayIso();
    if (v.dueDate && v.dueDate < issueDate) throw new InputError(`dueDate: ${v.dueDate} is before the issue date ${issueDate}`, 'dueDate');
    const year = Number(issueDate.slice(0, 4));
    const id = this.sqlite.transaction(() => {
      const client = this.clients.get(v.clientId, 'clientId');
      const lines = v.lines.map((l, i) => {
        const product = l.productId != null ? this.product(l.productId, `lines.${i}.productId`) : null;
        return {
          description: l.description ?? product!.description,
          quantity: l.quantity,
          unitPriceCents: l.unitPriceCents ?? product!.unit_price_cents,
          vatRate: l.vatRate ?? product!.vat_rate,
          productId: product?.id ?? null,
        };
      });
      const totals = invoiceTotals(lines, { ritenutaRate: v.ritenutaRate, bollo: v.bollo });
      const series = v.series ?? '';
      const number = v.number ?? this.nextNumber(year, series);
      // A number in this app's format advances its sequence; any other format is kept as it is.
      const app = parseAppNumber(number, year);
      const clash = this.sqlite.prepare('SELECT id, issue_date FROM invoices WHERE number = ? AND year = ?').get(number, year) as { id: number; issue_date: string } | undefined;
      if (clash) {
        throw new InputError(
          `number: invoice ${invoiceLabel(number, year)} already exists (id ${clash.id}, issued ${clash.issue_date}); omit the number to get the next free one (${invoiceLabel(this.nextNumber(year, series), year)})`,
          'number',
        );
      }
      const termsDays = v.paymentTermsDays ?? client.payment_terms_days;
      const termsEom = v.paymentTermsEom ?? client.payment_terms_eom === 1;
      const dueDate = v.dueDate ?? dueDateFor(issueDate, termsDays, termsEom);
      const info = this.sqlite
        .prepare(
          `INSERT INTO invoices (number, year, series, seq, client_id, document_type, issue_date, due_date, payment_terms_days, payment_terms_eom,
             net_cents, vat_cents, total_cents, ritenuta_cents, bollo_cents, status, disputed, notes, source, source_hash, source_name)
           VALUES (@number, @year, @series, @seq, @client_id, @document_type, @issue_date, @due_date, @terms_days, @terms_eom,
             @net, @vat, @total, @ritenuta, @bollo, @status, @disputed, @notes, @source, @source_hash, @source_name)`,
        )
        .run({
          number,
          year,
          series: app?.series ?? '',
          seq: app?.seq ?? null,
          source: origin.source,
          source_hash: origin.hash ?? null,
          source_name: origin.name ?? null,
          client_id: client.id,
          document_type: v.documentType ?? 'TD01',
          issue_date: issueDate,
          due_date: dueDate,
          terms_days: termsDays,
          terms_eom: termsEom ? 1 : 0,
          net: totals.netCents,
          vat: totals.vatCents,
          total: totals.totalCents,
          ritenuta: totals.ritenutaCents,
          bollo: totals.bolloCents,
          status: v.status,
          disputed: v.disputed ? 1 : 0,
          notes: v.notes ?? null,
        });
      const invoiceId = Number(info.lastInsertRowid);
      const insertLine = this.sqlite.prepare(
        `INSERT INTO invoice_lines (invoice_id, line_no, description, product_id, quantity, unit_price_cents, vat_rate, net_cents, vat_cents, total_cents)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      lines.forEach((l, i) => {
        const t = totals.lines[i]!;
        insertLine.run(invoiceId, i + 1, l.description, l.productId, l.quantity, l.unitPriceCents, l.vatRate, t.netCents, t.vatCents, t.totalCents);
      });
      if (totals.dueCents > 0) {
        const insertPayment = this.sqlite.prepare('INSERT INTO payments (invoice_id, due_date, amount_cents) VALUES (?, ?, ?)');
        const instalments = Math.min(v.instalments, totals.dueCents);
        splitInstalments(totals.dueCents, instalments).forEach((cents, k) => {
          // Instalments fall every 30 days after the first due date ("30/60/90").
          const due = k === 0 ? dueDate : dueDateFor(issueDate, termsDays + 30 * k, termsEom);
          insertPayment.run(invoiceId, due, cents);
        });
      }
      return invoiceId;
    }).immediate();
    return this.show(id);
  }

  /** Next free number of a series in a year (numbering restarts each year), as text. */
  nextNumber(year: number, series = ''): string {
    const row = this.sqlite.prepare('SELECT MAX(seq) AS n FROM invoices WHERE year = ? AND series = ?').get(year, series) as { n: number | null };
    let seq = (row.n ?? 0) + 1;
    // An imported number in another format can still occupy the text this sequence would produce.
    const taken = this.sqlite.prepare('SELECT 1 FROM invoices WHERE year = ? AND number = ?');
    while (taken.get(year, formatInvoiceNumber(series, seq, year))) seq++;
    return formatInvoiceNumber(series, seq, year);
  }

  /**
   * Resolves what a user types: the number as printed ("FPR 12/2025", "2025/A/0007"), NUMBER/YEAR
   * ("12/2025"), or an id (digits only).
   */
  resolve(ref: string | number, field = 'invoice'): number {
    const text = String(ref).trim();
    const ids = findInvoicesByNumber(this.sqlite, text);
    if (ids.length === 1) return ids[0]!.id;
    if (ids.length > 1) {
      throw new InputError(`${field}: several invoices have the number "${text}" (${ids.map((r) => invoiceLabel(text, r.year)).join(', ')}); add the year, e.g. ${invoiceLabel(text, ids[0]!.year)}`, field);
    }
    if (/^\d{1,10}$/.test(text)) {
      const row = this.sqlite.prepare('SELECT id FROM invoices WHERE id = ?').get(Number(text)) as { id: number } | undefined;
      if (!row) throw new NotFoundError(`${field}: no invoice with id ${text} (use NUMBER/YEAR for an invoice number, e.g. 12/2025)`, field);
      return row.id;
    }
    if (text === '' || text.length > 40) throw new InputError(`${field}: expected an invoice id, its number or NUMBER/YEAR like 12/2025, got "${text}"`, field);
    throw new NotFoundError(`${field}: no invoice ${text}`, field);
  }

  get(id: number): InvoiceSummary {
    const row = this.sqlite.prepare(`${SUMMARY_SELECT} WHERE i.id = ? GROUP BY i.id`).get(id) as InvoiceSummary | undefined;
    if (!row) throw new NotFoundError(`invoice: no invoice with id ${id}`, 'invoice');
    return row;
  }

  show(ref: string | number): InvoiceDetail {
    const id = typeof ref === 'number' ? ref : this.resolve(ref);
    const invoice = this.get(id);
    return {
      invoice,
      client: this.clients.get(invoice.client_id),
      lines: this.sqlite.prepare('SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY line_no').all(id) as InvoiceLine[],
      payments: this.sqlite.prepare("SELECT * FROM payments WHERE invoice_id = ? ORDER BY due_date, COALESCE(paid_date, '9999-12-31'), id").all(id) as Payment[],
    };
  }

  list(filter: InvoiceListFilter = {}): InvoiceSummary[] {
    const where: string[] = [];
    const having: string[] = [];
    const p: Record<string, unknown> = { limit: filter.limit ?? -1, offset: filter.offset ?? 0 };
    const add = (clause: string, key: string, value: unknown) => {
      where.push(clause);
      p[key] = value;
    };
    if (filter.year !== undefined) add('i.year = @year', 'year', filter.year);
    if (filter.clientId !== undefined) add('i.client_id = @client', 'client', filter.clientId);
    if (filter.status) add('i.status = @status', 'status', filter.status);
    if (filter.from) add('i.issue_date >= @from', 'from', filter.from);
    if (filter.to) add('i.issue_date <= @to', 'to', filter.to);
    if (filter.unpaid || filter.overdue) {
      where.push("i.status NOT IN ('draft','cancelled')");
      having.push('outstanding_cents > 0');
    }
    if (filter.overdue) {
      having.push('next_due_date < @today');
      p.today = filter.today ?? todayIso();
    }
    const dir = filter.order === 'asc' ? 'ASC' : 'DESC';
    const sql = `${SUMMARY_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} GROUP BY i.id
      ${having.length ? 'HAVING ' + having.join(' AND ') : ''} ORDER BY i.issue_date ${dir}, i.year ${dir}, i.series ${dir}, i.seq ${dir}, i.number ${dir} LIMIT @limit OFFSET @offset`;
    return this.sqlite.prepare(sql).all(p) as InvoiceSummary[];
  }

  count(): number {
    return (this.sqlite.prepare('SELECT COUNT(*) AS n FROM invoices').get() as { n: number }).n;
  }

  /** Issues a draft: from now on payments can be recorded against it. */
  issue(ref: string | number): InvoiceSummary {
    return this.sqlite.transaction(() => {
      const id = typeof ref === 'number' ? ref : this.resolve(ref);
      const inv = this.get(id);
      if (inv.status !== 'draft') throw new InputError(`invoice: ${invoiceLabel(inv.number, inv.year)} is not a draft (status ${inv.status})`, 'invoice');
      this.sqlite.prepare("UPDATE invoices SET status = 'issued', updated_at = ? WHERE id = ?").run(nowIso(), id);
      return this.get(id);
    }).immediate();
  }

  /** Deletes an invoice with its lines and instalments. Paid or part-paid invoices need `force`. */
  delete(ref: string | number, options: DeleteOptions = {}): InvoiceSummary {
    return this.sqlite.transaction(() => {
      const id = typeof ref === 'number' ? ref : this.resolve(ref);
      const inv = this.get(id);
      if (!options.force && inv.paid_cents > 0) {
        throw new InputError(
          `invoice: ${invoiceLabel(inv.number, inv.year)} has payments recorded (${(inv.paid_cents / 100).toFixed(2)} EUR); use --force to delete it anyway`,
          'invoice',
        );
      }
      this.sqlite.prepare('DELETE FROM invoices WHERE id = ?').run(id);
      return inv;
    }).immediate();
  }

  private product(id: number, field: string): Product {
    const row = this.sqlite.prepare('SELECT * FROM products WHERE id = ?').get(id) as Product | undefined;
    if (!row) throw new NotFoundError(`${field}: no product with id ${id}`, field);
    return row;
  }
}

/**
 * Invoices a typed reference names: the number exactly as printed (in any year), or NUMBER/YEAR where
 * the number is the text before the last "/" ("12/2025", "FPR 12/2025/2025"). Ids are not matched here.
 */
export function findInvoicesByNumber(sqlite: BetterSqlite3.Database, ref: string): { id: number; year: number }[] {
  const text = ref.trim();
  if (text === '' || text.length > 40) return [];
  // Case-insensitive, as people type them ("fpr 12/2025"); the index on number is NOCASE too.
  const exact = sqlite.prepare('SELECT id, year FROM invoices WHERE number = ? COLLATE NOCASE ORDER BY year DESC, id').all(text) as { id: number; year: number }[];
  if (exact.length) return exact;
  const slash = text.lastIndexOf('/');
  const year = text.slice(slash + 1).trim();
  const number = text.slice(0, slash).trim();
  if (slash > 0 && /^\d{4}$/.test(year) && number !== '') {
    return sqlite.prepare('SELECT id, year FROM invoices WHERE number = ? COLLATE NOCASE AND year = ? ORDER BY id').all(number, Number(year)) as { id: number; year: number }[];
  }
  return [];
}
