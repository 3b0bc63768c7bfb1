// A small, seeded invoice-and-payment history written straight into SQLite, for tests and benches
// of the cash-flow model: clients with distinct payment habits (punctual, slow, erratic, drifting),
// terms of 30/60/90 days (some end-of-month), August and December slowdowns, partial payments.
import type BetterSqlite3 from 'better-sqlite3';
import { addDays, dueDateFor, toDayNumber, fromDayNumber } from '../../dates';
import { seededRandom } from '../random';

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
  const insClient = sqlite.prepare(
    `INSERT INTO clients (denominazione, payment_terms_days, payment_terms_eom) VALUES (?, ?, ?)`,
  );
  const insInvoice = sqlite.prepare(
    `INSERT INTO invoices (number, seq, year, client_id, issue_date, due_date, payment_terms_days, payment_terms_eom,
                           net_cents, vat_cents, total_cents, status, disputed)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insLine = sqlite.prepare(
    `INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price_cents, vat_rate, net_cents, vat_cents, total_cents)
     VALUES (?, ?, 'Consulenza', 1, ?, 22, ?, ?, ?)`,
  );
  const insPayment = sqlite.prepare(
    `INSERT INTO payments (invoice_id, due_date, amount_cents, paid_date, paid_amount_cents) VALUES (?, ?, ?, ?, ?)`,
  );
  const clients: ClientHabit[] = [];
  const numbers = new Map<number, number>();
  sqlite.transaction(() => {
    for (let c = 0; c < nClients; c++) {
      const termsDays = [30, 60, 90, 30, 60][c % 5]!;
      const eom = c % 3 === 0;
      const id = Number(insClient.run(`Cliente Sintetico ${c + 1} S.r.l.`, termsDays, eom ? 1 : 0).lastInsertRowid);
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
      const invoiceId = Number(
        insInvoice.run(String(number), number, year, client.id, issue, due, client.termsDays, client.eom ? 1 : 0, net, vat, total, open ? 'issued' : 'paid', disputed)
          .lastInsertRowid,
      );
      insLine.run(invoiceId, 1, net, net, vat, total);
      if (open) insPayment.run(invoiceId, due, total, null, 0);
      else if (rnd() < 0.15) {
        // Paid in two instalments: half a little earlier, the rest on the final day.
        const half = Math.floor(total / 2);
        insPayment.run(invoiceId, due, half, addDays(fromDayNumber(paidDay), -Math.min(10, paidDay - issueDay)), half);
        insPayment.run(invoiceId, due, total - half, fromDayNumber(paidDay), total - half);
      } else insPayment.run(invoiceId, due, total, fromDayNumber(paidDay), total);
    }
  })();
  return clients.map((c) => c.id);
}
