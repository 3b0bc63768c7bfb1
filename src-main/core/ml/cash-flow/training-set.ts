// The cash-flow model's data: training rows (paid invoices, target = days from issue to full
// payment) and forecast rows (open invoices), with the features of feature-catalog.ts computed AS OF
// a date — the issue date for training, the end of today for forecasts — from invoices issued and
// payments made strictly before it (DESIGN §4: no leakage). One read of invoices and payments, then
// one pass over the events in date order; features land in a Float64Array per row.
import type BetterSqlite3 from 'better-sqlite3';
import { isIsoDate, toDayNumber } from '../../dates';
import { PAYMENT_METHODS } from '../../../../src-shared/invoice';
import { InputError } from '../../errors';
import { daysInMonth, isoToDay, weekdayOfDay } from './day-numbers';
import { FEATURE_COUNT, FEATURE_NAMES, featureIndex } from './feature-catalog';
import { daysToBusinessDay, daysToNextHoliday, italianHolidays } from './italian-calendar';
import { insertSorted, medianOf, PaymentHistory } from './payment-history';
import { ReceivablesLedgerRepository, type LedgerInvoice, type LedgerPayment } from './receivables-ledger-repository';

export { FEATURE_COUNT, FEATURE_NAMES, featureIndex } from './feature-catalog';
export type { FeatureName } from './feature-catalog';

const TERMS = featureIndex('terms_days');
/** Prior strength (in payments) of the shrunk client lateness. */
const SHRINK_PAYMENTS = 3;

export interface TrainingRow {
  invoiceId: number;
  clientId: number;
  issueDate: string;
  dueDate: string;
  paidDate: string;
  amountCents: number;
  features: Float64Array;
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
  features: Float64Array;
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
export function termsDaysOf(features: ArrayLike<number>): number {
  return features[TERMS]!;
}

/** Rows × features as one row-major matrix (what the forest trains on). */
export function featureMatrix(rows: readonly { features: ArrayLike<number> }[]): Float64Array {
  const x = new Float64Array(rows.length * FEATURE_COUNT);
  rows.forEach((r, i) => x.set(r.features, i * FEATURE_COUNT));
  return x;
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
  /** Payments with a paid date, in date order (never before the issue date). */
  paid: { day: number; cents: number }[];
  /** Day (and ISO date) of full payment, or null while open. */
  paidDay: number | null;
  paidDate: string | null;
  /** Method of the payment that settled it. */
  method: string | null;
}

interface Ledger {
  invoices: InvoiceFacts[];
  /** Credit notes (TD04, or nothing due): client and issue day. */
  creditNotes: { clientId: number; day: number }[];
}

type InvoiceRow = LedgerInvoice;
type PaymentRow = LedgerPayment;

/** Reads every issued invoice with its payments, sorted by issue date (then id). Raw rows: this runs over the whole history. */
function loadLedger(sqlite: BetterSqlite3.Database): Ledger {
  const repo = new ReceivablesLedgerRepository(sqlite);
  const invoices: InvoiceRow[] = repo.invoices();
  const payments: PaymentRow[] = repo.payments();
  const byInvoice = new Map<number, PaymentRow[]>();
  for (const p of payments) {
    let list = byInvoice.get(p[0]);
    if (!list) byInvoice.set(p[0], (list = []));
    list.push(p);
  }
  const out: InvoiceFacts[] = [];
  const creditNotes: Ledger['creditNotes'] = [];
  for (const [id, clientId, issueDate, dueDate, totalCents, ritenutaCents, termsEom, disputed, documentType, lineCount] of invoices) {
    const issueDay = isoToDay(issueDate);
    const dueDay = isoToDay(dueDate);
    if (issueDay === null || dueDay === null) continue;
    const rows = byInvoice.get(id) ?? [];
    const dueCents = rows.length ? rows.reduce((s, p) => s + p[1], 0) : totalCents - ritenutaCents;
    // Credit notes and zero invoices are never "paid" by the client: nothing to learn or forecast,
    // but a credit note says something about the relationship.
    if (dueCents <= 0 || documentType === 'TD04') {
      creditNotes.push({ clientId, day: issueDay });
      continue;
    }
    const paid: { day: number; cents: number; date: string; method: string | null }[] = [];
    for (const p of rows) {
      const day = p[2] === null || p[3] <= 0 ? null : isoToDay(p[2]);
      if (day !== null && day >= issueDay) paid.push({ day, cents: p[3], date: p[2]!, method: p[4] });
    }
    paid.sort((a, b) => a.day - b.day);
    let cum = 0;
    let paidDay: number | null = null;
    let paidDate: string | null = null;
    let method: string | null = null;
    for (const p of paid) {
      cum += p.cents;
      if (cum >= dueCents) {
        paidDay = p.day;
        paidDate = p.date;
        method = p.method;
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
      paid: paid.map((p) => ({ day: p.day, cents: p.cents })),
      paidDay,
      paidDate,
      method,
    });
  }
  return { invoices: out, creditNotes };
}

function documentTypeCode(t: string): number {
  const m = /^TD(\d{2})$/.exec(t);
  return m ? Number(m[1]) : 0;
}

function methodCode(method: string | null): number {
  const i = method ? (PAYMENT_METHODS as readonly string[]).indexOf(method) : -1;
  return i + 1;
}

/** Amount band of a sum in cents: half-decades of euros (0: < €3, 1: < €10, … capped). */
function sizeBand(cents: number): number {
  return Math.max(0, Math.min(13, Math.floor(2 * Math.log10(Math.max(1, cents / 100)))));
}

const logEuros = (cents: number): number => Math.log1p(Math.max(0, cents) / 100);

/** What is known of one client at the replay's current day. */
class ClientState {
  readonly history = new PaymentHistory();
  /** Amounts (cents) of invoices issued, sorted, for the typical amount. */
  readonly amounts: number[] = [];
  readonly issueDays: number[] = [];
  readonly creditNoteDays: number[] = [];
  /** Open invoices: id → [due day, outstanding cents]. */
  readonly open = new Map<number, [number, number]>();
  lastMethod: string | null = null;
  firstIssueDay: number | null = null;
}

type Event =
  | { day: number; kind: 0; inv: InvoiceFacts } // issued
  | { day: number; kind: 1; inv: InvoiceFacts; cents: number } // a payment towards it
  | { day: number; kind: 2; inv: InvoiceFacts } // fully paid
  | { day: number; kind: 3; clientId: number }; // credit note

/**
 * Replays issues and payments in date order. `advanceTo(day)` applies every event strictly before
 * `day`; `features(inv, day)` then describes `inv` with what is known, excluding `inv`'s own events.
 */
class Replay {
  private readonly clients = new Map<number, ClientState>();
  private readonly global = new PaymentHistory();
  private readonly bands = new Map<number, PaymentHistory>();
  private readonly events: Event[] = [];
  private next = 0;

  constructor(ledger: Ledger) {
    for (const inv of ledger.invoices) {
      this.events.push({ day: inv.issueDay, kind: 0, inv });
      for (const p of inv.paid) {
        this.events.push({ day: p.day, kind: 1, inv, cents: p.cents });
        if (inv.paidDay !== null && p.day >= inv.paidDay) break;
      }
      if (inv.paidDay !== null) this.events.push({ day: inv.paidDay, kind: 2, inv });
    }
    for (const c of ledger.creditNotes) this.events.push({ day: c.day, kind: 3, clientId: c.clientId });
    this.events.sort((a, b) => a.day - b.day || a.kind - b.kind);
  }

  private client(id: number): ClientState {
    let c = this.clients.get(id);
    if (!c) this.clients.set(id, (c = new ClientState()));
    return c;
  }

  private band(b: number): PaymentHistory {
    let h = this.bands.get(b);
    if (!h) this.bands.set(b, (h = new PaymentHistory()));
    return h;
  }

  advanceTo(day: number): void {
    const ev = this.events;
    while (this.next < ev.length && ev[this.next]!.day < day) {
      const e = ev[this.next++]!;
      if (e.kind === 3) {
        this.client(e.clientId).creditNoteDays.push(e.day);
        continue;
      }
      const inv = e.inv;
      const c = this.client(inv.clientId);
      if (e.kind === 0) {
        insertSorted(c.amounts, inv.dueCents);
        c.issueDays.push(inv.issueDay);
        if (c.firstIssueDay === null) c.firstIssueDay = inv.issueDay;
        c.open.set(inv.id, [inv.dueDay, inv.dueCents]);
      } else if (e.kind === 1) {
        const o = c.open.get(inv.id);
        if (o) o[1] = Math.max(0, o[1] - e.cents);
      } else {
        c.open.delete(inv.id);
        const days = inv.paidDay! - inv.issueDay;
        const late = inv.paidDay! - inv.dueDay;
        const disputed = inv.disputed === 1;
        c.history.add(days, late, inv.paidDay!, disputed);
        this.global.add(days, late, inv.paidDay!, disputed);
        this.band(sizeBand(inv.dueCents)).add(days, late, inv.paidDay!, disputed);
        c.lastMethod = inv.method;
      }
    }
  }

  /** Features of `inv` as of `day` (after advanceTo(day)). */
  features(inv: InvoiceFacts, day: number): Float64Array {
    const f = new Float64Array(FEATURE_COUNT);
    let k = 0;
    const put = (v: number) => {
      f[k++] = v;
    };
    // Invoice.
    const issueY = Number(inv.issueDate.slice(0, 4));
    const issueM = Number(inv.issueDate.slice(5, 7));
    const issueD = Number(inv.issueDate.slice(8, 10));
    const dueY = Number(inv.dueDate.slice(0, 4));
    const dueM = Number(inv.dueDate.slice(5, 7));
    const dueD = Number(inv.dueDate.slice(8, 10));
    const amount = logEuros(inv.dueCents);
    put(amount);
    put(inv.dueDay - inv.issueDay);
    put(inv.termsEom);
    put(documentTypeCode(inv.documentType));
    put(inv.lineCount);
    put(inv.disputed);
    // Calendar.
    const issueToMonthEnd = daysInMonth(issueY, issueM) - issueD;
    const dueToMonthEnd = daysInMonth(dueY, dueM) - dueD;
    let holidaysInTerms = 0;
    for (let y = issueY; y <= dueY; y++) for (const h of italianHolidays(y)) if (h > inv.issueDay && h <= inv.dueDay) holidaysInTerms++;
    put(issueM);
    put(issueD);
    put(issueToMonthEnd);
    put(issueM % 3 === 0 && issueToMonthEnd < 10 ? 1 : 0);
    put(dueM);
    put(weekdayOfDay(inv.dueDay));
    put(dueToMonthEnd < 3 ? 1 : 0);
    put(dueM % 3 === 0 && dueToMonthEnd < 10 ? 1 : 0);
    put(dueM === 8 ? 1 : 0);
    put(dueM === 12 ? 1 : 0);
    put(daysToBusinessDay(inv.dueDay));
    put(Math.min(60, daysToNextHoliday(inv.dueDay, dueY)));
    put(holidaysInTerms);
    // Client history, with fall-backs for a client without paid invoices.
    const c = this.clients.get(inv.clientId);
    const h = c && c.history.count > 0 ? c.history : null;
    const g = this.global;
    const band = this.bands.get(sizeBand(inv.dueCents));
    const prior = band && band.count > 0 ? band.meanLate() : g.meanLate();
    const src = h ?? g;
    const recent = src.recentMeans();
    const last3 = src.last3();
    put(h ? h.count : 0);
    put(src.meanDays());
    put(src.stdDays());
    put(last3.days);
    put(recent.days);
    put(h ? h.trendPer30Days() : 0);
    put(src.meanLate());
    put(src.medianLate());
    put(last3.late);
    put(recent.late);
    put(src.shareLate());
    put(h ? (h.count * h.meanLate() + SHRINK_PAYMENTS * prior) / (h.count + SHRINK_PAYMENTS) : prior);
    put(h ? h.shareDisputed() : g.shareDisputed());
    // Amounts: the client's earlier invoices (this one is never among them).
    const own = c?.open.get(inv.id);
    const typical = c && c.amounts.length > (own ? 1 : 0) ? logEuros(medianExcluding(c.amounts, own ? inv.dueCents : null)) : amount;
    put(typical);
    put(amount - typical);
    // Open invoices, other than this one.
    let openCount = 0;
    let openCents = 0;
    let overdue = 0;
    let maxOverdue = 0;
    if (c) {
      for (const [id, [dueDay, cents]] of c.open) {
        if (id === inv.id) continue;
        openCount++;
        openCents += cents;
        if (dueDay < day) {
          overdue++;
          maxOverdue = Math.max(maxOverdue, day - dueDay);
        }
      }
    }
    put(openCount);
    put(logEuros(openCents));
    put(overdue);
    put(maxOverdue);
    // Relationship.
    const first = c?.firstIssueDay ?? null;
    put(first === null || first >= inv.issueDay ? 0 : inv.issueDay - first);
    put(c ? countSince(c.issueDays, day - 90) - (own ? 1 : 0) : 0);
    put(c ? countSince(c.creditNoteDays, day - 365) : 0);
    put(methodCode(c?.lastMethod ?? null));
    put(h ? 0 : 1);
    // Priors.
    put(prior);
    put(band && band.count > 0 ? band.shareLate() : g.shareLate());
    put(g.meanLate());
    put(g.recentMeans().late);
    return f;
  }
}

/** Items of an ascending list on or after `from`. */
function countSince(sortedDays: readonly number[], from: number): number {
  let lo = 0;
  let hi = sortedDays.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedDays[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return sortedDays.length - lo;
}

/** Median of a sorted list with one occurrence of `exclude` left out. */
function medianExcluding(sorted: readonly number[], exclude: number | null): number {
  if (exclude === null) return medianOf(sorted);
  const i = sorted.indexOf(exclude);
  return medianOf(i < 0 ? sorted : [...sorted.slice(0, i), ...sorted.slice(i + 1)]);
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
  const ledger = loadLedger(sqlite);
  const replay = new Replay(ledger);
  const rows: TrainingRow[] = [];
  for (const inv of ledger.invoices) {
    if (inv.paidDay === null || inv.paidDay >= paidBefore) continue;
    if (inv.issueDay < issuedFrom || inv.issueDay >= issuedBefore) continue;
    if (filter.clientId !== undefined && inv.clientId !== filter.clientId) continue;
    replay.advanceTo(inv.issueDay);
    rows.push({
      invoiceId: inv.id,
      clientId: inv.clientId,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      paidDate: inv.paidDate!,
      amountCents: inv.dueCents,
      features: replay.features(inv, inv.issueDay),
      target: inv.paidDay - inv.issueDay,
    });
  }
  return rows;
}

/**
 * Features of the chosen invoices as known before `knownBefore` (events strictly before that day),
 * whatever happened to them later. What the as-of tests recompute on a truncated history.
 */
export function featuresKnownBefore(sqlite: BetterSqlite3.Database, knownBefore: string, invoiceIds: readonly number[]): Map<number, Float64Array> {
  checkDate(knownBefore, 'knownBefore');
  const day = toDayNumber(knownBefore);
  const ledger = loadLedger(sqlite);
  const replay = new Replay(ledger);
  replay.advanceTo(day);
  const wanted = new Set(invoiceIds);
  return new Map(ledger.invoices.filter((i) => wanted.has(i.id)).map((i) => [i.id, replay.features(i, day)]));
}

/**
 * Invoices issued on or before `asOf` and not fully paid by it, with what is still outstanding.
 * Features use everything known at the end of `asOf` (payments made up to and including it).
 */
export function buildForecastRows(sqlite: BetterSqlite3.Database, asOf: string, options: { clientId?: number } = {}): ForecastRow[] {
  checkDate(asOf, 'asOf');
  const asOfDay = toDayNumber(asOf);
  const ledger = loadLedger(sqlite);
  const open = ledger.invoices.filter(
    (i) => i.issueDay <= asOfDay && (i.paidDay === null || i.paidDay > asOfDay) && (options.clientId === undefined || i.clientId === options.clientId),
  );
  const replay = new Replay(ledger);
  replay.advanceTo(asOfDay + 1);
  return open.map((inv) => {
    const paidSoFar = inv.paid.filter((p) => p.day <= asOfDay).reduce((s, p) => s + p.cents, 0);
    return {
      invoiceId: inv.id,
      clientId: inv.clientId,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      amountCents: inv.dueCents,
      outstandingCents: Math.max(0, inv.dueCents - paidSoFar),
      daysElapsed: asOfDay - inv.issueDay,
      features: replay.features(inv, asOfDay + 1),
    };
  });
}

/** Checks a feature row's shape and values; `where` names it in the error. */
export function checkFeatures(features: ArrayLike<number>, where: string): void {
  if (features.length !== FEATURE_COUNT) throw new InputError(`${where}: expected ${FEATURE_COUNT} features, got ${features.length}`, where);
  for (let j = 0; j < features.length; j++) {
    if (!Number.isFinite(features[j])) throw new InputError(`${where}.${FEATURE_NAMES[j]}: not a finite number (${features[j]})`, where);
  }
}
