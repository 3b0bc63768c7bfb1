// A seeded accounts-receivable history that is hard on a cash-flow model, for its tests and
// benchmarks: clients arrive every month (no history to learn from), their habits drift slowly or
// change at a date, some pay by Ri.Ba. on the due date and some whenever, August, December and
// quarter ends slow payments down, disputed invoices wait for weeks (and some end in a credit note),
// large invoices take longer, a few are paid in instalments, and noise has a heavy tail. Optionally
// one large client starts paying N days later from a date (the drift the retraining loop must
// catch). The plan is pure data; writers put it, or the part of it known by a date, in SQLite.
import type BetterSqlite3 from 'better-sqlite3';
import { SimulatedReceivablesRepository } from './simulated-receivables-repository';
import { dueDateFor, fromDayNumber, toDayNumber } from '../../dates';
import { seededRandom } from '../random';
import { daysInMonth } from './day-numbers';
import { daysToBusinessDay, italianHolidays } from './italian-calendar';

export interface SimulationOptions {
  seed: number;
  /** First issue date. */
  start: string;
  months: number;
  initialClients: number;
  /** Mean number of clients that start buying each month. */
  newClientsPerMonth: number;
  /** Mean number of invoices the firm issues per month. */
  invoicesPerMonth: number;
  /** One large client (the largest paying by bank transfer with a steady habit) pays `extraDays` later from `from` on. */
  drift?: { extraDays: number; from: string };
}

export type PaymentMethodName = 'bonifico' | 'riba' | 'rid';

export interface PlannedClient {
  key: number;
  name: string;
  termsDays: number;
  eom: boolean;
  method: PaymentMethodName;
  /** Relative invoicing volume. */
  size: number;
  joinedDay: number;
}

export interface PlannedInvoice {
  key: number;
  clientKey: number;
  issueDate: string;
  dueDate: string;
  termsDays: number;
  eom: boolean;
  netCents: number;
  vatCents: number;
  totalCents: number;
  disputed: boolean;
  documentType: 'TD01' | 'TD04';
  /** Payments (date, cents), in date order; empty for a credit note. The last one settles it. */
  payments: { date: string; cents: number }[];
  method: PaymentMethodName;
}

export interface ReceivablesPlan {
  options: SimulationOptions;
  clients: PlannedClient[];
  /** By issue date. */
  invoices: PlannedInvoice[];
  /** The client that drifts (the largest at the drift date), when a drift is asked for. */
  driftClientKey: number | null;
  end: string;
}

interface Habit {
  /** Mean lateness at the start, its change per year, a step change at a day. */
  lateBase: number;
  lateDriftPerYear: number;
  stepDay: number | null;
  stepDays: number;
  spread: number;
  disputeRate: number;
  /** Typical net amount in cents. */
  amountCents: number;
}

const DAY = 1;
const YEAR = 365.25;

/** A normal draw (Box–Muller). */
function normal(rnd: () => number): number {
  const u = Math.max(1e-12, rnd());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

function pick<T>(rnd: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rnd() * total;
  for (const [v, w] of items) if ((r -= w) < 0) return v;
  return items[items.length - 1]![0];
}

function monthOf(day: number): number {
  return Number(fromDayNumber(day).slice(5, 7));
}

function daysToMonthEnd(day: number): number {
  const iso = fromDayNumber(day);
  return daysInMonth(Number(iso.slice(0, 4)), Number(iso.slice(5, 7))) - Number(iso.slice(8, 10));
}

/** Seasonal slowdowns on the due date: August, December, quarter ends, a holiday right after it. */
function seasonalDelay(dueDay: number, rnd: () => number): number {
  const m = monthOf(dueDay);
  let d = 0;
  if (m === 8) d += 10 + 8 * rnd();
  if (m === 12) d += 4 + 6 * rnd();
  if (m % 3 === 0 && daysToMonthEnd(dueDay) < 10) d += 2 + 3 * rnd();
  const y = Number(fromDayNumber(dueDay).slice(0, 4));
  if (italianHolidays(y).some((h) => h > dueDay && h - dueDay <= 3)) d += 2;
  return d;
}

export function planReceivables(o: SimulationOptions): ReceivablesPlan {
  const rnd = seededRandom(o.seed);
  const startDay = toDayNumber(o.start);
  const endDay = startDay + Math.round((o.months * YEAR) / 12);
  const clients: PlannedClient[] = [];
  const habits: Habit[] = [];
  const addClient = (joinedDay: number) => {
    const key = clients.length;
    const kind = pick(rnd, [
      ['punctual', 35],
      ['moderate', 40],
      ['slow', 18],
      ['erratic', 7],
    ] as const);
    const method: PaymentMethodName = pick(rnd, [
      ['bonifico', 60],
      ['riba', 30],
      ['rid', 10],
    ] as const);
    // Days after the due date a bank transfer typically comes (negative: pays early).
    const lateBase = kind === 'punctual' ? -2 - 3 * rnd() : kind === 'moderate' ? -2 + 14 * rnd() : kind === 'slow' ? 15 + 25 * rnd() : 5 + 15 * rnd();
    const drifts = rnd();
    habits.push({
      lateBase,
      // A third drift slowly (either way), one in ten changes at a date.
      lateDriftPerYear: drifts < 0.33 ? -8 + 26 * rnd() : 0,
      stepDay: drifts > 0.9 ? joinedDay + Math.round(rnd() * (endDay - joinedDay)) : null,
      stepDays: (rnd() < 0.7 ? 1 : -1) * (12 + 18 * rnd()),
      spread: kind === 'erratic' ? 15 + 10 * rnd() : kind === 'punctual' ? 1 + 2 * rnd() : 3 + 6 * rnd(),
      disputeRate: rnd() < 0.15 ? 0.12 : 0.015,
      amountCents: Math.round(Math.exp(Math.log(150_000) + 1.1 * normal(rnd))),
    });
    clients.push({
      key,
      name: `Cliente Simulato ${key + 1} S.r.l.`,
      termsDays: pick(rnd, [
        [30, 45],
        [60, 35],
        [90, 15],
        [0, 5],
      ] as const),
      eom: rnd() < 0.35,
      method,
      size: Math.exp(1.2 * normal(rnd)),
      joinedDay,
    });
  };
  for (let i = 0; i < o.initialClients; i++) addClient(startDay);

  const invoices: PlannedInvoice[] = [];
  const driftFromDay = o.drift ? toDayNumber(o.drift.from) : null;
  let driftClientKey: number | null = null;
  let month = 0;
  for (let monthStart = startDay; monthStart < endDay; month++) {
    const next = Math.min(endDay, startDay + Math.round(((month + 1) * YEAR) / 12));
    if (month > 0) {
      const arrivals = Math.max(0, Math.round(o.newClientsPerMonth + normal(rnd) * Math.sqrt(o.newClientsPerMonth)));
      for (let a = 0; a < arrivals; a++) addClient(monthStart + Math.floor(rnd() * (next - monthStart)));
    }
    if (driftFromDay !== null && driftClientKey === null && next > driftFromDay) {
      // The largest client that pays by bank transfer with a steady habit: its change is the signal.
      const known = clients.filter((c) => c.joinedDay <= driftFromDay && c.method === 'bonifico' && habits[c.key]!.spread < 10);
      const client = known.reduce((best, c) => (c.size > best.size ? c : best), known[0]!);
      driftClientKey = client.key;
      const h = habits[client.key]!;
      h.lateDriftPerYear = 0;
      h.stepDay = null;
    }
    const count = Math.max(0, Math.round(o.invoicesPerMonth * (monthOf(monthStart) === 8 ? 0.6 : 1) + normal(rnd) * Math.sqrt(o.invoicesPerMonth)));
    const eligible = clients.filter((c) => c.joinedDay < next);
    const totalSize = eligible.reduce((s, c) => s + c.size, 0);
    for (let k = 0; k < count; k++) {
      let r = rnd() * totalSize;
      let client = eligible[eligible.length - 1]!;
      for (const c of eligible) if ((r -= c.size) < 0) {
        client = c;
        break;
      }
      const issueDay = Math.max(client.joinedDay, monthStart + Math.floor(rnd() * (next - monthStart)));
      if (issueDay >= endDay) continue;
      const h = habits[client.key]!;
      const issue = fromDayNumber(issueDay);
      const termsDays = rnd() < 0.1 ? pick(rnd, [[30, 1], [60, 1], [90, 1]] as const) : client.termsDays;
      const due = dueDateFor(issue, termsDays, client.eom);
      const dueDay = toDayNumber(due);
      const netCents = Math.max(5_000, Math.round(h.amountCents * Math.exp(0.6 * normal(rnd))));
      const vatCents = Math.round(netCents * 0.22);
      const totalCents = netCents + vatCents;
      const disputed = rnd() < h.disputeRate;
      const years = (issueDay - client.joinedDay) / YEAR;
      let late = h.lateBase + h.lateDriftPerYear * years + (h.stepDay !== null && issueDay >= h.stepDay ? h.stepDays : 0);
      if (client.method !== 'bonifico') {
        // Ri.Ba. and direct debits are collected on the due date — the next business day when it falls
        // on a weekend or a holiday — unless the collection bounces.
        late = rnd() < (client.method === 'riba' ? 0.06 : 0.03) ? 20 + 25 * rnd() : daysToBusinessDay(dueDay);
      } else {
        late += normal(rnd) * h.spread;
        if (rnd() < 0.05) late += -Math.log(Math.max(1e-9, rnd())) * 20;
        late += seasonalDelay(dueDay, rnd);
      }
      if (netCents > 3 * h.amountCents) late += 5 + 5 * rnd();
      if (disputed) late += 30 + 30 * rnd();
      // Nobody pays before a few days after issue.
      let paidDay = Math.max(issueDay + 2 * DAY, dueDay + Math.round(late));
      // The drifting client pays everything later from the drift date on.
      if (client.key === driftClientKey && driftFromDay !== null && paidDay >= driftFromDay) paidDay += o.drift!.extraDays;
      const payments: PlannedInvoice['payments'] = [];
      if (rnd() < 0.08 && paidDay - issueDay > 20) {
        const first = Math.round(totalCents * (0.3 + 0.4 * rnd()));
        payments.push({ date: fromDayNumber(issueDay + Math.round((paidDay - issueDay) * (0.3 + 0.4 * rnd()))), cents: first });
        payments.push({ date: fromDayNumber(paidDay), cents: totalCents - first });
      } else payments.push({ date: fromDayNumber(paidDay), cents: totalCents });
      const key = invoices.length;
      invoices.push({ key, clientKey: client.key, issueDate: issue, dueDate: due, termsDays, eom: client.eom, netCents, vatCents, totalCents, disputed, documentType: 'TD01', payments, method: client.method });
      // Some disputes end in a partial credit note a few weeks later.
      if (disputed && rnd() < 0.4) {
        const cnDay = Math.min(endDay - 1, issueDay + 15 + Math.floor(rnd() * 30));
        const cnNet = Math.round(netCents * (0.1 + 0.3 * rnd()));
        const cnVat = Math.round(cnNet * 0.22);
        invoices.push({ key: invoices.length, clientKey: client.key, issueDate: fromDayNumber(cnDay), dueDate: fromDayNumber(cnDay), termsDays: 0, eom: false, netCents: cnNet, vatCents: cnVat, totalCents: cnNet + cnVat, disputed: false, documentType: 'TD04', payments: [], method: client.method });
      }
    }
    monthStart = next;
  }
  invoices.sort((a, b) => (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.key - b.key));
  return { options: o, clients, invoices, driftClientKey, end: fromDayNumber(endDay) };
}

export interface WrittenIds {
  clients: Map<number, number>;
  invoices: Map<number, number>;
}

/** Inserts clients that are not in `ids` yet (every client of the plan). */
export function insertPlannedClients(sqlite: BetterSqlite3.Database, plan: ReceivablesPlan, ids: WrittenIds): void {
  const repo = new SimulatedReceivablesRepository(sqlite);
  for (const c of plan.clients) if (!ids.clients.has(c.key)) ids.clients.set(c.key, repo.insertClient(c.name, c.termsDays, c.eom));
}

/**
 * Inserts invoices issued in (`after`, `through`] with one open payment row each (credit notes with
 * none); payments made by `paidThrough` are recorded as paid. Numbers continue each year's sequence.
 */
export function insertPlannedInvoices(
  sqlite: BetterSqlite3.Database,
  plan: ReceivablesPlan,
  ids: WrittenIds,
  range: { after?: string; through?: string; paidThrough?: string | null } = {},
): PlannedInvoice[] {
  const repo = new SimulatedReceivablesRepository(sqlite);
  const written: PlannedInvoice[] = [];
  repo.transaction(() => {
    insertPlannedClients(sqlite, plan, ids);
    for (const inv of plan.invoices) {
      if (ids.invoices.has(inv.key)) continue;
      if (range.after !== undefined && inv.issueDate <= range.after) continue;
      if (range.through !== undefined && inv.issueDate > range.through) continue;
      const paidThrough = range.paidThrough === undefined ? '9999-12-31' : range.paidThrough;
      const paid = paidThrough === null ? [] : inv.payments.filter((p) => p.date <= paidThrough);
      const settled = inv.payments.length > 0 && paid.length === inv.payments.length;
      const status = inv.documentType === 'TD04' ? 'issued' : settled ? 'paid' : paid.length ? 'partially_paid' : 'issued';
      const id = repo.insertInvoice({
        year: Number(inv.issueDate.slice(0, 4)),
        clientId: ids.clients.get(inv.clientKey)!,
        documentType: inv.documentType,
        issueDate: inv.issueDate,
        dueDate: inv.dueDate,
        termsDays: inv.termsDays,
        eom: inv.eom,
        netCents: inv.netCents,
        vatCents: inv.vatCents,
        totalCents: inv.totalCents,
        status,
        disputed: inv.disputed,
      });
      ids.invoices.set(inv.key, id);
      if (inv.documentType === 'TD01') {
        for (const p of paid) repo.insertPayment(id, inv.dueDate, p.cents, p.date, inv.method);
        const open = inv.totalCents - paid.reduce((s, p) => s + p.cents, 0);
        if (open > 0) repo.insertPayment(id, inv.dueDate, open, null, null);
      }
      written.push(inv);
    }
  });
  return written;
}

/** The whole plan in one transaction (every payment recorded, also those after the end). */
export function writeReceivables(sqlite: BetterSqlite3.Database, plan: ReceivablesPlan, paidThrough?: string | null): WrittenIds {
  const ids: WrittenIds = { clients: new Map(), invoices: new Map() };
  insertPlannedInvoices(sqlite, plan, ids, { paidThrough });
  return ids;
}

/** The harder benchmark history: about 2,500 invoices, 100+ clients over two years. */
export const HARD_HISTORY: SimulationOptions = { seed: 2024, start: '2023-01-02', months: 24, initialClients: 45, newClientsPerMonth: 3, invoicesPerMonth: 105 };
