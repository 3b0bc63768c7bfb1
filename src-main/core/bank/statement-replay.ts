// Replays a synthetic statement month by month as a user would import it: each month's credits are
// matched against the invoices open at the start of that month (what earlier months paid is gone,
// partly paid invoices keep their rest), and the payer IBANs of the months already reconciled are
// known. The benchmark and the tests measure the matcher this way, so version 0 and a trained
// model see exactly the same situations.
import { endOfMonth } from '../dates';
import type { MatchAnswers } from './matcher-evaluation';
import { PaymentMatcher, type CandidateScorer, type CreditMatch, type MatcherOptions, type OpenInvoice } from './payment-matcher';
import type { SyntheticBook, SyntheticStatement } from './synthetic-statements';

export interface ReplayResult {
  months: string[];
  matches: CreditMatch[];
}

export function answersOf(statement: SyntheticStatement): MatchAnswers {
  return new Map(statement.truth.map((t) => [t.key, t.invoiceIds]));
}

/** The months (YYYY-MM) with credits, in order. */
export function statementMonths(statement: SyntheticStatement): string[] {
  return [...new Set(statement.entries.filter((e) => e.direction === 'credit').map((e) => e.bookingDate.slice(0, 7)))].sort();
}

export function replayMonths(book: SyntheticBook, statement: SyntheticStatement, months: readonly string[], scorer: CandidateScorer, options: Partial<MatcherOptions> = {}): ReplayResult {
  const entryByKey = new Map(statement.entries.map((e) => [e.key, e]));
  const invoiceById = new Map(book.invoices.map((i) => [i.id, i]));
  const truthByKey = new Map(statement.truth.map((t) => [t.key, t]));
  const matches: CreditMatch[] = [];
  for (const month of months) {
    const start = `${month}-01`;
    const end = endOfMonth(start);
    // What the statement paid before this month, per invoice.
    const paid = new Map<number, number>();
    const knownIbans = new Map<string, number[]>();
    for (const t of statement.truth) {
      const e = entryByKey.get(t.key)!;
      if (e.bookingDate >= start || t.invoiceIds.length === 0) continue;
      for (const id of t.invoiceIds) {
        const inv = invoiceById.get(id)!;
        paid.set(id, (paid.get(id) ?? 0) + (t.kind === 'partial' ? e.amountCents : inv.totalCents));
      }
      if (e.counterpartyIban) {
        const clientId = invoiceById.get(t.invoiceIds[0]!)!.clientId;
        const list = knownIbans.get(e.counterpartyIban) ?? [];
        if (!list.includes(clientId)) list.push(clientId);
        knownIbans.set(e.counterpartyIban, list);
      }
    }
    const open: OpenInvoice[] = [];
    for (const i of book.invoices) {
      if (i.issueDate > end) continue;
      const outstanding = i.totalCents - (paid.get(i.id) ?? 0);
      if (outstanding <= 0) continue;
      open.push({ id: i.id, clientId: i.clientId, number: i.number, year: i.year, issueDate: i.issueDate, dueDate: i.dueDate, outstandingCents: outstanding, predictedDate: null });
    }
    const matcher = new PaymentMatcher({ invoices: open, clients: book.clients, knownIbans }, options);
    const credits = statement.entries.filter((e) => e.direction === 'credit' && e.bookingDate.startsWith(month) && truthByKey.has(e.key));
    for (const m of matcher.matchAll(credits, scorer)) matches.push(m);
  }
  return { months: [...months], matches };
}
