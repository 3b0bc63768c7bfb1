// Invoices (fatture) with their lines and instalments: validated creation (a text number from a
// per-year, per-series sequence, or the one given; totals in cents, due dates from payment terms, one
// payments row per instalment), listing with filters, detail, and deletion. Every multi-row write is
// one synchronous IMMEDIATE transaction: the write lock is taken before the next number is read, so
// the CLI and a running app never race for the same number.
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { dueDateFor, isIsoDate, todayIso } from '../dates';
import { nowIso } from '../db/database';
import { hasQuantityPrecision, INVOICE_LIMITS, type InvoiceStatus } from '../../../src-shared/invoice';
import { SqlRunner } from '../db/sql-runner';
import { InputError, NotFoundError } from '../errors';
import type { Client, ClientService } from './client-service';
import { formatInvoiceNumber, invoiceLabel, invoiceNumberProblem, parseAppNumber, seriesProblem } from './invoice-number';
import { invoiceTotals, splitInstalments } from './invoice-totals';
import { parseInput } from './parse-input';
import { InvoiceRepository, type InvoiceLine, type InvoiceSummary, type Payment } from './invoice-repository';
import { ProductRepository, type Product } from './product-repository';
import { vatRateSchema } from './product-service';

export type { Invoice, InvoiceLine, InvoiceSummary, Payment } from './invoice-repository';

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
    description: z.string({ invalid_type_error: 'expected text' }).trim().min(1, 'must not be empty').max(INVOICE_LIMITS.lineDescription, `at most ${INVOICE_LIMITS.lineDescription} characters`).optional(),
    quantity: z
      .number({ required_error: 'is required', invalid_type_error: 'expected a number' })
      .finite('expected a number')
      .positive('must be greater than 0')
      .max(INVOICE_LIMITS.quantity, 'is unreasonably large')
      .refine(hasQuantityPrecision, `at most ${INVOICE_LIMITS.quantityDecimals} decimals`),
    unitPriceCents: z
      .number({ invalid_type_error: 'expected an amount in cents' })
      .int('expected whole cents')
      .min(0, 'must not be negative')
      .max(INVOICE_LIMITS.unitPriceCents, 'is unreasonably large')
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
    instalments: z
      .number({ invalid_type_error: 'expected a whole number' })
      .int('expected a whole number')
      .min(1, `must be between 1 and ${INVOICE_LIMITS.instalments}`)
      .max(INVOICE_LIMITS.instalments, `must be between 1 and ${INVOICE_LIMITS.instalments}`)
      .default(1),
    ritenutaRate: z.number({ invalid_type_error: 'expected a percentage' }).min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100').default(0),
    bollo: z.union([z.boolean(), z.literal('auto')], { invalid_type_error: "expected true, false or 'auto'" }).default('auto'),
    disputed: z.boolean({ invalid_type_error: 'expected true or false' }).default(false),
    notes: z
      .string({ invalid_type_error: 'expected text' })
      .trim()
      .max(INVOICE_LIMITS.notes, `at most ${INVOICE_LIMITS.notes} characters`)
      .transform((s) => (s === '' ? null : s))
      .nullish(),
    status: z.enum(['draft', 'issued'], { invalid_type_error: "expected 'draft' or 'issued'" }).default('issued'),
    lines: z.array(lineSchema, { required_error: 'at least one line is required', invalid_type_error: 'expected a list of lines' }).min(1, 'at least one line is required').max(INVOICE_LIMITS.lines, `at most ${INVOICE_LIMITS.lines} lines`),
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

/** The Data page's query: filters, free text and a page. */
export interface InvoiceSearch {
  clientId?: number;
  status?: InvoiceStatus;
  from?: string;
  to?: string;
  search?: string;
  limit: number;
  offset: number;
}

export interface DeleteOptions {
  /** Delete even when payments were recorded. */
  force?: boolean;
}

export class InvoiceService {
  private readonly sql: SqlRunner;
  private readonly invoices: InvoiceRepository;
  private readonly products: ProductRepository;

  constructor(
    connection: BetterSqlite3.Database,
    private readonly clients: ClientService,
  ) {
    this.sql = SqlRunner.of(connection);
    this.invoices = new InvoiceRepository(connection);
    this.products = new ProductRepository(connection);
  }

  create(input: unknown, origin: InvoiceOrigin = { source: 'app' }): InvoiceDetail {
    const v = parseInput(invoiceInputSchema, input, 'invoice');
    const issueDate = v.issueDate ?? todayIso();
    if (v.dueDate && v.dueDate < issueDate) throw new InputError(`dueDate: ${v.dueDate} is before the issue date ${issueDate}`, 'dueDate');
    const year = Number(issueDate.slice(0, 4));
    const id = this.sql.transaction(() => {
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
      const clash = this.invoices.byNumberInYear(number, year);
      if (clash) {
        throw new InputError(
          `number: invoice ${invoiceLabel(number, year)} already exists (id ${clash.id}, issued ${clash.issue_date}); omit the number to get the next free one (${invoiceLabel(this.nextNumber(year, series), year)})`,
          'number',
        );
      }
      const termsDays = v.paymentTermsDays ?? client.payment_terms_days;
      const termsEom = v.paymentTermsEom ?? client.payment_terms_eom === 1;
      const dueDate = v.dueDate ?? dueDateFor(issueDate, termsDays, termsEom);
      const invoiceId = this.invoices.insert({
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
        payment_terms_days: termsDays,
        payment_terms_eom: termsEom ? 1 : 0,
        net_cents: totals.netCents,
        vat_cents: totals.vatCents,
        total_cents: totals.totalCents,
        ritenuta_cents: totals.ritenutaCents,
        bollo_cents: totals.bolloCents,
        status: v.status,
        disputed: v.disputed ? 1 : 0,
        notes: v.notes ?? null,
      });
      lines.forEach((l, i) => {
        const t = totals.lines[i]!;
        this.invoices.insertLine({
          invoice_id: invoiceId,
          line_no: i + 1,
          description: l.description,
          product_id: l.productId,
          quantity: l.quantity,
          unit_price_cents: l.unitPriceCents,
          vat_rate: l.vatRate,
          natura: null,
          net_cents: t.netCents,
          vat_cents: t.vatCents,
          total_cents: t.totalCents,
        });
      });
      if (totals.dueCents > 0) {
        const instalments = Math.min(v.instalments, totals.dueCents);
        splitInstalments(totals.dueCents, instalments).forEach((cents, k) => {
          // Instalments fall every 30 days after the first due date ("30/60/90").
          const due = k === 0 ? dueDate : dueDateFor(issueDate, termsDays + 30 * k, termsEom);
          this.invoices.insertInstalment({ invoice_id: invoiceId, due_date: due, amount_cents: cents, method: null, iban: null });
        });
      }
      return invoiceId;
    }, 'immediate');
    return this.show(id);
  }

  /** Next free number of a series in a year (numbering restarts each year), as text. */
  nextNumber(year: number, series = ''): string {
    let seq = (this.invoices.maxSeq(year, series) ?? 0) + 1;
    // An imported number in another format can still occupy the text this sequence would produce.
    while (this.invoices.byNumberInYear(formatInvoiceNumber(series, seq, year), year)) seq++;
    return formatInvoiceNumber(series, seq, year);
  }

  /**
   * Resolves what a user types: the number as printed ("FPR 12/2025", "2025/A/0007"), NUMBER/YEAR
   * ("12/2025"), or an id (digits only).
   */
  /**
   * The invoice a user's reference names: its number as printed ("FPR 12/2025"), NUMBER/YEAR, the
   * id written as `id:42`, or a bare id. A bare number that is both an invoice's number and another
   * invoice's id is refused rather than guessed: paying or deleting the wrong invoice is worse than
   * asking.
   */
  resolve(ref: string | number, field = 'invoice'): number {
    const text = String(ref).trim();
    const explicitId = /^id:\s*(\d{1,10})$/i.exec(text);
    if (explicitId) {
      const id = Number(explicitId[1]);
      if (!this.invoices.exists(id)) throw new NotFoundError(`${field}: no invoice with id ${id}`, field);
      return id;
    }
    const ids = findInvoicesByNumber(this.invoices, text);
    const bareId = /^\d{1,10}$/.test(text) && this.invoices.exists(Number(text)) ? Number(text) : null;
    if (ids.length > 1) {
      throw new InputError(`${field}: several invoices have the number "${text}" (${ids.map((r) => invoiceLabel(text, r.year)).join(', ')}); add the year, e.g. ${invoiceLabel(text, ids[0]!.year)}`, field);
    }
    if (ids.length === 1) {
      const byNumber = ids[0]!;
      if (bareId !== null && bareId !== byNumber.id) {
        const other = this.get(bareId);
        throw new InputError(
          `${field}: "${text}" is the number of invoice ${invoiceLabel(text, byNumber.year)} and the id of invoice ${invoiceLabel(other.number, other.year)}; write ${invoiceLabel(text, byNumber.year)} for the first or id:${bareId} for the second`,
          field,
        );
      }
      return byNumber.id;
    }
    if (bareId !== null) return bareId;
    if (/^\d{1,10}$/.test(text)) throw new NotFoundError(`${field}: no invoice with id or number ${text} (use NUMBER/YEAR for an invoice number, e.g. 12/2025)`, field);
    if (text === '' || text.length > 40) throw new InputError(`${field}: expected an invoice id, its number or NUMBER/YEAR like 12/2025, got "${text}"`, field);
    throw new NotFoundError(`${field}: no invoice ${text}`, field);
  }

  get(id: number): InvoiceSummary {
    const row = this.invoices.summary(id);
    if (!row) throw new NotFoundError(`invoice: no invoice with id ${id}`, 'invoice');
    return row;
  }

  show(ref: string | number): InvoiceDetail {
    const id = typeof ref === 'number' ? ref : this.resolve(ref);
    const invoice = this.get(id);
    return {
      invoice,
      client: this.clients.get(invoice.client_id),
      lines: this.invoices.lines(id),
      payments: this.invoices.instalments(id),
    };
  }

  list(filter: InvoiceListFilter = {}): InvoiceSummary[] {
    const { limit, offset, ...query } = filter;
    return this.invoices.list({ ...query, today: query.overdue ? (query.today ?? todayIso()) : query.today }, { limit, offset });
  }

  /**
   * A page of invoices matching the filters and the free-text search (words looked up, accents and
   * case ignored, in the number as printed, the client's name and P.IVA, the notes and the document
   * type), with how many match in all: the Data page's list.
   */
  search(filter: InvoiceSearch): { items: InvoiceSummary[]; total: number } {
    const { limit, offset, ...query } = filter;
    const items = this.invoices.list(query, { limit, offset });
    const total = offset === 0 && items.length < limit ? items.length : this.invoices.countMatching(query);
    return { items, total };
  }

  count(): number {
    return this.invoices.count();
  }

  /** A client's invoicing: how many invoices (any status), their total, and what is still open. */
  clientTotals(clientId: number): { invoices: number; totalCents: number; outstandingCents: number } {
    const t = this.invoices.clientTotals(clientId);
    return { invoices: t.invoices, totalCents: t.total_cents, outstandingCents: t.outstanding_cents };
  }

  /** Issues a draft: from now on payments can be recorded against it. */
  issue(ref: string | number): InvoiceSummary {
    return this.sql.transaction(() => {
      const id = typeof ref === 'number' ? ref : this.resolve(ref);
      const inv = this.get(id);
      if (inv.status !== 'draft') throw new InputError(`invoice: ${invoiceLabel(inv.number, inv.year)} is not a draft (status ${inv.status})`, 'invoice');
      this.invoices.setStatus(id, 'issued', nowIso());
      return this.get(id);
    }, 'immediate');
  }

  /** Deletes an invoice with its lines and instalments. Paid or part-paid invoices need `force`. */
  delete(ref: string | number, options: DeleteOptions = {}): InvoiceSummary {
    return this.sql.transaction(() => {
      const id = typeof ref === 'number' ? ref : this.resolve(ref);
      const inv = this.get(id);
      if (!options.force && inv.paid_cents > 0) {
        throw new InputError(
          `invoice: ${invoiceLabel(inv.number, inv.year)} has payments recorded (${(inv.paid_cents / 100).toFixed(2)} EUR); use --force to delete it anyway`,
          'invoice',
        );
      }
      this.invoices.delete(id);
      return inv;
    }, 'immediate');
  }

  private product(id: number, field: string): Product {
    const row = this.products.byId(id);
    if (!row) throw new NotFoundError(`${field}: no product with id ${id}`, field);
    return row;
  }
}

/**
 * Invoices a typed reference names: the number exactly as printed (in any year), or NUMBER/YEAR where
 * the number is the text before the last "/" ("12/2025", "FPR 12/2025/2025"). Ids are not matched here.
 */
export function findInvoicesByNumber(invoices: InvoiceRepository, ref: string): { id: number; year: number }[] {
  const text = ref.trim();
  if (text === '' || text.length > 40) return [];
  const exact = invoices.byNumber(text);
  if (exact.length) return exact;
  const slash = text.lastIndexOf('/');
  const year = text.slice(slash + 1).trim();
  const number = text.slice(0, slash).trim();
  if (slash > 0 && /^\d{4}$/.test(year) && number !== '') return invoices.byNumber(number, Number(year));
  return [];
}
