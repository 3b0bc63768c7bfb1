// The cash-flow model's data: training rows (paid invoices, target = days from issue to full
// payment) and forecast rows (open invoices), with features computed AS OF a date — the issue date
// for training, "today" for forecasts — from payments made strictly before it (DESIGN §4: no
// leakage). One read of invoices and payments, then one pass in date order.
import type BetterSqlite3 from 'better-sqlite3';
import { isIsoDate, toDayNumber } from '../../dates';
import { daysInMonth, isoToDay, weekdayOfDay } from './day-numbers';
import { InputError } from '../../errors';
import { daysToNextHoliday, italianHolidays } from './italian-calendar';
import { PaymentHistory } from './payment-history';

export const FEATURE_NAMES = [
  'log_amount',
  'terms_days',
  'terms_end_of_month',
  'issue_month',
  'issue_weekday',
  'issue_day_of_month',
  'days_to_month_end',
  'due_weekday',
  'due_days_to_holiday',
  'due_in_august',
  'due_in_december',
  'holidays_in_terms',
  'client_paid_count',
  'client_mean_days',
  'client_mean_late',
  'client_median_late',
  'client_std_late',
  'client_share_late',
  'client_recent_late',
  'client_last_late',
  'client_days_since_first',
  'client_open_count',
  'client_is_new',
  'disputed',
  'line_count',
  'document_type',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;
export const featureIndex = (name: FeatureName): number => FEATURE_NAMES.indexOf(name);
const TERMS = featureIndex('terms_days');

export interface TrainingRow {
  invoiceId: number;
  clientId: number;
  issueDate: string;
  dueDate: string;
  paidDate: string;
  amountCents: number;
  features: number[];
  /** Days from issue to full payment. */
  target: number;
}

export interface ForecastRow {
  invoiceId: number;
  clientId: number;
  issueDate: string;
  dueDate: string;
  /** What the client owes in total and what is still open as of the forecast date. */
  amountCents: number;
  outstandingCents: number;
  /** Days from issue to the forecast date (a prediction below this is already overdue). */
  daysElapsed: number;
  features: number[];
}

export interface TrainingSetFilter {
  /** Only invoices fully paid strictly before this date (what was known at it). */
  paidBefore?: string;
  /** Only invoices issued on/after this date. */
  issuedFrom?: string;
  /** Only invoices issued strictly before this date. */
  issuedBefore?: string;
  clientId?: number;
}

/** Terms in days of an invoice: its due date minus its issue date. */
export function termsDaysOf(features: readonly number[]): number {
  return features[TERMS]!;
}

interface InvoiceFacts {
  id: number;
  clientId: number;
  issueDate: string;
  dueDate: string;
  issueDay: number;
  dueDay: number;
  termsEom: number;
  disputed: number;
  documentType: string;
  lineCount: number;
  /** What the client must pay (payment rows' total, or total − ritenuta without them). */
  dueCents: number;
  /** Payments with a paid date, in date order. */
  paid: { day: number; cents: number }[];
  /** Day (and ISO date) of full payment, or null while open. */
  paidDay: number | null;
  paidDate: string | null;
}

type InvoiceRow = [
  id: number,
  clientId: number,
  issueDate: string,
  dueDate: string,
  totalCents: number,
  ritenutaCents: number,
  termsEom: number,
  disputed: number,
  documentType: string,
  lineCount: number,
];

type PaymentRow = [invoiceId: number, amountCents: number, paidDate: string | null, paidAmountCents: number];

/** Reads every issued invoice with its payments, sorted by issue date (then id). Raw rows: this runs over the whole history. */
function loadInvoices(sqlite: BetterSqlite3.Database): InvoiceFacts[] {
  const invoices = sqlite
    .prepare(
      `SELECT i.id, i.client_id, i.issue_date, i.due_date, i.total_cents, i.ritenuta_cents, i.payment_terms_eom,
              i.disputed, i.document_type, COALESCE(l.n, 0)
         FROM invoices i
         LEFT JOIN (SELECT invoice_id, COUNT(*) AS n FROM invoice_lines GROUP BY invoice_id) l ON l.invoice_id = i.id
        WHERE i.status NOT IN ('draft', 'cancelled')
        ORDER BY i.issue_date, i.id`,
    )
    .raw()
    .all() as InvoiceRow[];
  const payments = sqlite
    .prepare(`SELECT invoice_id, amount_cents, paid_date, paid_amount_cents FROM payments ORDER BY invoice_id, paid_date, id`)
    .raw()
    .all() as PaymentRow[];
  const byInvoice = new Map<number, PaymentRow[]>();
  for (const p of payments) {
    let list = byInvoice.get(p[0]);
    if (!list) byInvoice.set(p[0], (list = []));
    list.push(p);
  }
  const out: InvoiceFacts[] = [];
  for (const [id, clientId, issueDate, dueDate, totalCents, ritenutaCents, termsEom, disputed, documentType, lineCount] of invoices) {
    const issueDay = isoToDay(issueDate);
    const dueDay = isoToDay(dueDate);
    if (issueDay === null || dueDay === null) continue;
    const rows = byInvoice.get(id) ?? [];
    const dueCents = rows.length ? rows.reduce((s, p) => s + p[1], 0) : totalCents - ritenutaCents;
    // Credit notes and zero invoices are never "paid" by the client: nothing to learn or forecast.
    if (dueCents <= 0) continue;
    const paid: { day: number; cents: number; date: string }[] = [];
    for (const p of rows) {
      const day = p[2] === null || p[3] <= 0 ? null : isoToDay(p[2]);
      if (day !== null) paid.push({ day, cents: p[3], date: p[2]! });
    }
    paid.sort((a, b) => a.day - b.day);
    let cum = 0;
    let paidDay: number | null = null;
    let paidDate: string | null = null;
    for (const p of paid) {
      cum += p.cents;
      if (cum >= dueCents) {
        paidDay = p.day;
        paidDate = p.date;
        break;
      }
    }
    out.push({
      id,
      clientId,
      issueDate,
      dueDate,
      issueDay,
      dueDay,
      termsEom: termsEom ? 1 : 0,
      disputed: disputed ? 1 : 0,
      documentType,
      lineCount,
      dueCents,
      paid,
      paidDay,
      paidDate,
    });
  }
  return out;
}

function documentTypeCode(t: string): number {
  const m = /^TD(\d{2})$/.exec(t);
  return m ? Number(m[1]) : 0;
}

/** Features of the invoice itself (amount, terms, calendar) — fixed at issue. */
function invoiceFeatures(inv: InvoiceFacts): number[] {
  const year = Number(inv.issueDate.slice(0, 4));
  const month = Number(inv.issueDate.slice(5, 7));
  const dom = Number(inv.issueDate.slice(8, 10));
  const dueYear = Number(inv.dueDate.slice(0, 4));
  const dueMonth = Number(inv.dueDate.slice(5, 7));
  let holidaysInTerms = 0;
  for (let y = year; y <= dueYear; y++) {
    for (const h of italianHolidays(y)) if (h > inv.issueDay && h <= inv.dueDay) holidaysInTerms++;
  }
  return [
    Math.log1p(inv.dueCents / 100),
    inv.dueDay - inv.issueDay,
    inv.termsEom,
    month,
    weekdayOfDay(inv.issueDay),
    dom,
    daysInMonth(year, month) - dom,
    weekdayOfDay(inv.dueDay),
    Math.min(60, daysToNextHoliday(inv.dueDay, dueYear)),
    dueMonth === 8 ? 1 : 0,
    dueMonth === 12 ? 1 : 0,
    holidaysInTerms,
  ];
}

/** Client history as known on `day`; clients without paid history fall back to the global figures. */
function historyFeatures(client: PaymentHistory | undefined, global: PaymentHistory, day: number, issueDay: number): number[] {
  const own = client && client.count > 0 ? client : null;
  const h = own ?? global;
  const first = client?.firstIssueDay ?? null;
  return [
    own ? own.count : 0,
    h.meanDays(),
    h.meanLate(),
    h.medianLate(),
    h.stdLate(),
    h.shareLate(),
    h.recentLate(day),
    h.lastLate,
    first === null ? 0 : Math.max(0, issueDay - first),
    client ? Math.max(0, client.issuedBefore - client.count) : 0,
    own ? 0 : 1,
  ];
}

function fullFeatures(inv: InvoiceFacts, client: PaymentHistory | undefined, global: PaymentHistory, day: number): number[] {
  return [...invoiceFeatures(inv), ...historyFeatures(client, global, day, inv.issueDay), inv.disputed, inv.lineCount, documentTypeCode(inv.documentType)];
}

/** Replays payments and issues in date order; `visit` sees each invoice with the history as of its issue date. */
function replay(
  invoices: InvoiceFacts[],
  visit: (inv: InvoiceFacts, client: PaymentHistory | undefined, global: PaymentHistory) => void,
): { clients: Map<number, PaymentHistory>; global: PaymentHistory; advanceTo(day: number): void } {
  const clients = new Map<number, PaymentHistory>();
  const global = new PaymentHistory();
  const payments = invoices.filter((i) => i.paidDay !== null && i.paidDay >= i.issueDay).sort((a, b) => a.paidDay! - b.paidDay! || a.id - b.id);
  const clientOf = (id: number): PaymentHistory => {
    let h = clients.get(id);
    if (!h) clients.set(id, (h = new PaymentHistory()));
    return h;
  };
  let p = 0;
  let issued = 0;
  /** Applies every payment and issue strictly before `day`. */
  const advanceTo = (day: number): void => {
    while (p < payments.length && payments[p]!.paidDay! < day) {
      const inv = payments[p++]!;
      const days = inv.paidDay! - inv.issueDay;
      const late = inv.paidDay! - inv.dueDay;
      clientOf(inv.clientId).addPayment(days, late, inv.paidDay!);
      global.addPayment(days, late, inv.paidDay!);
    }
    while (issued < invoices.length && invoices[issued]!.issueDay < day) {
      const inv = invoices[issued++]!;
      clientOf(inv.clientId).addIssued(inv.issueDay);
    }
  };
  for (const inv of invoices) {
    advanceTo(inv.issueDay);
    visit(inv, clients.get(inv.clientId), global);
  }
  return { clients, global, advanceTo };
}

function checkDate(value: string | undefined, field: string): void {
  if (value !== undefined && !isIsoDate(value)) throw new InputError(`${field}: expected a date as YYYY-MM-DD, got "${value}"`, field);
}

/** Paid invoices with features as of their issue dates and target = days from issue to full payment. */
export function buildTrainingSet(sqlite: BetterSqlite3.Database, filter: TrainingSetFilter = {}): TrainingRow[] {
  checkDate(filter.paidBefore, 'paidBefore');
  checkDate(filter.issuedFrom, 'issuedFrom');
  checkDate(filter.issuedBefore, 'issuedBefore');
  const paidBefore = filter.paidBefore ? toDayNumber(filter.paidBefore) : Infinity;
  const issuedFrom = filter.issuedFrom ? toDayNumber(filter.issuedFrom) : -Infinity;
  const issuedBefore = filter.issuedBefore ? toDayNumber(filter.issuedBefore) : Infinity;
  const rows: TrainingRow[] = [];
  replay(loadInvoices(sqlite), (inv, client, global) => {
    if (inv.paidDay === null || inv.paidDay < inv.issueDay || inv.paidDay >= paidBefore) return;
    if (inv.issueDay < issuedFrom || inv.issueDay >= issuedBefore) return;
    if (filter.clientId !== undefined && inv.clientId !== filter.clientId) return;
    rows.push({
      invoiceId: inv.id,
      clientId: inv.clientId,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      paidDate: inv.paidDate!,
      amountCents: inv.dueCents,
      features: fullFeatures(inv, client, global, inv.issueDay),
      target: inv.paidDay - inv.issueDay,
    });
  });
  return rows;
}

/**
 * Invoices issued on or before `asOf` and not fully paid by it, with what is still outstanding.
 * Client history uses every payment made up to and including `asOf` (what is known "today").
 */
export function buildForecastRows(sqlite: BetterSqlite3.Database, asOf: string, options: { clientId?: number } = {}): ForecastRow[] {
  checkDate(asOf, 'asOf');
  const asOfDay = toDayNumber(asOf);
  const all = loadInvoices(sqlite);
  const open = all.filter(
    (i) =>
      i.issueDay <= asOfDay &&
      (i.paidDay === null || i.paidDay > asOfDay) &&
      (options.clientId === undefined || i.clientId === options.clientId),
  );
  // History known today: payments made on or before asOf (i.e. strictly before the next day).
  const state = replay(
    all.filter((i) => i.issueDay <= asOfDay),
    () => undefined,
  );
  state.advanceTo(asOfDay + 1);
  return open.map((inv) => {
    const paidSoFar = inv.paid.filter((p) => p.day <= asOfDay).reduce((s, p) => s + p.cents, 0);
    const client = state.clients.get(inv.clientId);
    // The invoice itself is among the client's open ones; the feature counts the others, as in training.
    const features = fullFeatures(inv, client, state.global, asOfDay);
    features[featureIndex('client_open_count')] = Math.max(0, features[featureIndex('client_open_count')]! - 1);
    return {
      invoiceId: inv.id,
      clientId: inv.clientId,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      amountCents: inv.dueCents,
      outstandingCents: Math.max(0, inv.dueCents - paidSoFar),
      daysElapsed: asOfDay - inv.issueDay,
      features,
    };
  });
}
