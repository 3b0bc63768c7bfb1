// A small, seeded invoice-and-payment history written straight into SQLite, for tests and benches
// of the cash-flow model: clients with distinct payment habits (punctual, slow, erratic, drifting),
// terms of 30/60/90 days (some end-of-month), August and December slowdowns, partial payments.
// Written through the simulated-receivables repository, numbered from 1 in each year (an empty database).
import type BetterSqlite3 from 'better-sqlite3';
import { addDays, dueDateFor, toDayNumber, fromDayNumber } from '../../dates';
import { seededRandom } from '../random';
import { SimulatedReceivablesRepository } from './simulated-receivables-repository';

export { seededRandom } from '../random';

export interface SyntheticHistoryOptions {
  invoices: number;
  clients?: number;
  /** First issue date; invoices are spread evenly over `years`. */
  start?: string;
  years?: number;
  seed?: number;
  /** Invoices issued on or after this date stay open (unpaid). */
  openFrom?: string;
}

interface ClientHabit {
  id: number;
  termsDays: number;
  eom: boolean;
  /** Typical days after the due date, and its spread. */
  lateMean: number;
  lateSpread: number;
}

/** Writes the history in one transaction; returns the ids of the clients created. */
export function writeSyntheticHistory(sqlite: BetterSqlite3.Database, options: SyntheticHistoryOptions): number[] {
  const rnd = seededRandom(options.seed ?? 7);
  const nClients = options.clients ?? Math.max(3, Math.round(options.invoices / 40));
  const start = toDayNumber(options.start ?? '2022-01-03');
  const span = Math.round(365 * (options.years ?? 3));
  const openFrom = options.openFrom ? toDayNumber(options.openFrom) : Infinity;
  const repo = new SimulatedReceivablesRepository(sqlite);
  const clients: ClientHabit[] = [];
  const numbers = new Map<number, number>();
  repo.transaction(() => {
    for (let c = 0; c < nClients; c++) {
      const termsDays = [30, 60, 90, 30, 60][c % 5]!;
      const eom = c % 3 === 0;
      const id = repo.insertClient(`Cliente Sintetico ${c + 1} S.r.l.`, termsDays, eom);
      const kind = c % 4;
      clients.push({
        id,
        termsDays,
        eom,
        lateMean: kind === 0 ? 0 : kind === 1 ? 25 : kind === 2 ? 8 : 45,
        lateSpread: kind === 0 ? 3 : kind === 1 ? 8 : kind === 2 ? 20 : 10,
      });
    }
    for (let i = 0; i < options.invoices; i++) {
      // Clients invoice at different rates: a few large clients, many small ones.
      const client = clients[Math.min(nClients - 1, Math.floor(nClients * rnd() ** 1.6))]!;
      const issueDay = start + Math.floor((span * i) / options.invoices);
      const issue = fromDayNumber(issueDay);
      const year = Number(issue.slice(0, 4));
      const number = (numbers.get(year) ?? 0) + 1;
      numbers.set(year, number);
      const due = dueDateFor(issue, client.termsDays, client.eom);
      const net = Math.round(20_000 + rnd() ** 2 * 2_000_000);
      const vat = Math.round(net * 0.22);
      const total = net + vat;
      const disputed = rnd() < 0.03 ? 1 : 0;
      // Habits: late by the client's mean ± spread; August and December dues slip; big invoices and disputes take longer.
      const dueMonth = Number(due.slice(5, 7));
      let late = client.lateMean + (rnd() - 0.5) * 2 * client.lateSpread;
      if (dueMonth === 8) late += 18;
      if (dueMonth === 12) late += 8;
      if (total > 1_500_000) late += 10;
      if (disputed) late += 40;
      const paidDay = Math.max(issueDay, toDayNumber(due) + Math.round(late));
      const open = issueDay >= openFrom;
      const invoiceId = repo.insertInvoice(
        {
          year,
          clientId: client.id,
          documentType: 'TD01',
          issueDate: issue,
          dueDate: due,
          termsDays: client.termsDays,
          eom: client.eom,
          netCents: net,
          vatCents: vat,
          totalCents: total,
          status: open ? 'issued' : 'paid',
          disputed: disputed === 1,
        },
        { seq: number, lineDescription: 'Consulenza' },
      );
      if (open) repo.insertPayment(invoiceId, due, total, null, null);
      else if (rnd() < 0.15) {
        // Paid in two instalments: half a little earlier, the rest on the final day.
        const half = Math.floor(total / 2);
        repo.insertPayment(invoiceId, due, half, addDays(fromDayNumber(paidDay), -Math.min(10, paidDay - issueDay)), null);
        repo.insertPayment(invoiceId, due, total - half, fromDayNumber(paidDay), null);
      } else repo.insertPayment(invoiceId, due, total, fromDayNumber(paidDay), null);
    }
  });
  return clients.map((c) => c.id);
}
