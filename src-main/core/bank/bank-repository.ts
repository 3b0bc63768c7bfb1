// bank_statements, bank_entries, bank_matches: imported statement files, their booked entries (once
// each, by entry_key), the matcher's suggestion for a credit, and the payments a credit was matched
// to. Also the reads the matcher needs from the rest of the book: open invoices with what is still
// owed and the forecast's predicted date, client names, and the payer IBANs seen on matched credits
// and recorded receipts.
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Selectable } from 'kysely';
import type { BankEntriesTable, BankEntryStatus, BankMatchesTable } from '../db/schema';
import { qb, SqlRunner, template } from '../db/sql-runner';
import { inJson } from '../db/sql-helpers';
import type { BankEntry } from './statement-types';

export type BankEntryRow = Selectable<BankEntriesTable>;
export type BankMatchRow = Selectable<BankMatchesTable>;

export interface OpenInvoiceRow {
  id: number;
  client_id: number;
  number: string;
  year: number;
  issue_date: string;
  due_date: string;
  outstanding_cents: number;
  predicted_date: string | null;
}

export interface BankCounts {
  open: number;
  matched: number;
  auto: number;
  ignored: number;
  debit: number;
}

const ENTRY_COLUMNS = [
  'id',
  'statement_id',
  'entry_key',
  'account',
  'bank_ref',
  'direction',
  'amount_cents',
  'currency',
  'booking_date',
  'value_date',
  'remittance',
  'structured_refs',
  'counterparty_name',
  'counterparty_iban',
  'status',
  'suggestion',
  'confidence',
  'model_version',
  'reconciled_at',
  'created_at',
  'updated_at',
] as const;

const Q = {
  insertStatement: template((p: { source: string; format: string; account: string; statementIds: string; entries: number; added: number }) =>
    qb.insertInto('bank_statements').values({ source: p.source, format: p.format, account: p.account, statement_ids: p.statementIds, entries: p.entries, added: p.added }),
  ),
  setAdded: template((p: { id: number; added: number }) => qb.updateTable('bank_statements').set({ added: p.added }).where('id', '=', p.id)),
  insertEntry: template(
    (p: {
      statementId: number;
      key: string;
      account: string;
      bankRef: string | null;
      direction: 'credit' | 'debit';
      amountCents: number;
      currency: string;
      bookingDate: string;
      valueDate: string | null;
      remittance: string;
      refs: string;
      name: string | null;
      iban: string | null;
      status: BankEntryStatus;
    }) =>
      qb
        .insertInto('bank_entries')
        .values({
          statement_id: p.statementId,
          entry_key: p.key,
          account: p.account,
          bank_ref: p.bankRef,
          direction: p.direction,
          amount_cents: p.amountCents,
          currency: p.currency,
          booking_date: p.bookingDate,
          value_date: p.valueDate,
          remittance: p.remittance,
          structured_refs: p.refs,
          counterparty_name: p.name,
          counterparty_iban: p.iban,
          status: p.status,
        })
        .onConflict((oc) => oc.column('entry_key').doNothing()),
  ),
  entry: template((p: { id: number }) => qb.selectFrom('bank_entries').select(ENTRY_COLUMNS).where('id', '=', p.id)),
  entriesByIds: template((p: { ids: string }) => qb.selectFrom('bank_entries').select(ENTRY_COLUMNS).where('id', 'in', inJson<number>(p.ids)).orderBy('id')),
  openCredits: template(() => qb.selectFrom('bank_entries').select(ENTRY_COLUMNS).where('status', '=', 'open').orderBy('booking_date').orderBy('id')),
  page: template((p: { status: BankEntryStatus; limit: number; offset: number }) =>
    qb.selectFrom('bank_entries').select(ENTRY_COLUMNS).where('status', '=', p.status).orderBy('booking_date', 'desc').orderBy('id', 'desc').limit(p.limit).offset(p.offset),
  ),
  counts: template(() => qb.selectFrom('bank_entries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status')),
  setSuggestion: template((p: { id: number; suggestion: string | null; confidence: number | null; version: string | null; now: string }) =>
    qb.updateTable('bank_entries').set({ suggestion: p.suggestion, confidence: p.confidence, model_version: p.version, updated_at: p.now }).where('id', '=', p.id).where('status', '=', 'open'),
  ),
  setStatus: template((p: { id: number; status: BankEntryStatus; at: string | null; now: string }) =>
    qb.updateTable('bank_entries').set({ status: p.status, reconciled_at: p.at, updated_at: p.now }).where('id', '=', p.id),
  ),
  insertMatch: template((p: { entryId: number; invoiceId: number; clientId: number; amountCents: number; feeCents: number; automatic: 0 | 1; receipt: string }) =>
    qb.insertInto('bank_matches').values({ entry_id: p.entryId, invoice_id: p.invoiceId, client_id: p.clientId, amount_cents: p.amountCents, fee_cents: p.feeCents, automatic: p.automatic, receipt: p.receipt }),
  ),
  matchesOf: template((p: { entryId: number }) => qb.selectFrom('bank_matches').selectAll().where('entry_id', '=', p.entryId).where('undone_at', 'is', null).orderBy('id')),
  undoMatches: template((p: { entryId: number; now: string }) => qb.updateTable('bank_matches').set({ undone_at: p.now }).where('entry_id', '=', p.entryId).where('undone_at', 'is', null)),
  openInvoices: template(() =>
    qb
      .selectFrom('invoices as i')
      .innerJoin('payments as p', 'p.invoice_id', 'i.id')
      .select((eb) => [
        'i.id',
        'i.client_id',
        'i.number',
        'i.year',
        'i.issue_date',
        'i.due_date',
        sql<number>`SUM(p.amount_cents - p.paid_amount_cents)`.as('outstanding_cents'),
        eb
          .selectFrom('prediction_log as l')
          .select('l.predicted_date')
          .whereRef('l.invoice_id', '=', 'i.id')
          .where('l.resolved_at', 'is', null)
          .orderBy('l.id', 'desc')
          .limit(1)
          .as('predicted_date'),
      ])
      .where('i.status', 'not in', ['draft', 'cancelled', 'paid'])
      .groupBy('i.id')
      .having(sql<boolean>`SUM(p.amount_cents - p.paid_amount_cents) > 0`),
  ),
  knownKeys: template((p: { keys: string }) => qb.selectFrom('bank_entries').select('entry_key').where('entry_key', 'in', inJson<string>(p.keys))),
  creditsAmong: template((p: { ids: string }) => qb.selectFrom('bank_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('direction', '=', 'credit').where('id', 'in', inJson<number>(p.ids))),
  invoiceLabels: template((p: { ids: string }) =>
    qb
      .selectFrom('invoices as i')
      .innerJoin('clients as c', 'c.id', 'i.client_id')
      .leftJoin('payments as p', 'p.invoice_id', 'i.id')
      .select(['i.id', 'i.number', 'i.year', 'c.denominazione as client_name', sql<number>`COALESCE(SUM(p.amount_cents - p.paid_amount_cents), 0)`.as('outstanding_cents')])
      .where('i.id', 'in', inJson<number>(p.ids))
      .groupBy('i.id'),
  ),
  clients: template(() => qb.selectFrom('clients').select(['id', 'denominazione as name'])),
  // Payer IBANs: recorded on receipts (the payments' iban) and on matched credits.
  receiptIbans: template(() =>
    qb
      .selectFrom('payments as p')
      .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
      .select(['p.iban as iban', 'i.client_id as client_id'])
      .where('p.iban', 'is not', null)
      .where('p.paid_amount_cents', '>', 0)
      .distinct(),
  ),
  matchedIbans: template(() =>
    qb
      .selectFrom('bank_matches as m')
      .innerJoin('bank_entries as e', 'e.id', 'm.entry_id')
      .select(['e.counterparty_iban as iban', 'm.client_id as client_id'])
      .where('e.counterparty_iban', 'is not', null)
      .where('m.undone_at', 'is', null)
      .distinct(),
  ),
};

export class BankRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn, 'immediate');
  }

  /** Records a statement file and its entries; entries already imported (same key) are skipped. Returns the statement id and the ids of the entries added. */
  insertStatement(source: string, format: string, account: string, statementIds: string[], entries: readonly BankEntry[]): { statementId: number; addedIds: number[] } {
    const statementId = this.sql.run(Q.insertStatement, { source, format, account, statementIds: JSON.stringify(statementIds), entries: entries.length, added: 0 }).lastInsertRowid;
    const addedIds: number[] = [];
    for (const e of entries) {
      const r = this.sql.run(Q.insertEntry, {
        statementId,
        key: e.key,
        account: e.account,
        bankRef: e.bankRef,
        direction: e.direction,
        amountCents: e.amountCents,
        currency: e.currency,
        bookingDate: e.bookingDate,
        valueDate: e.valueDate,
        remittance: e.remittance,
        refs: JSON.stringify(e.structuredRefs),
        name: e.counterpartyName,
        iban: e.counterpartyIban,
        status: e.direction === 'credit' ? 'open' : 'debit',
      });
      if (r.changes > 0) addedIds.push(r.lastInsertRowid);
    }
    this.sql.run(Q.setAdded, { id: statementId, added: addedIds.length });
    return { statementId, addedIds };
  }

  entry(id: number): BankEntryRow | undefined {
    return this.sql.first(Q.entry, { id });
  }

  entries(ids: readonly number[]): BankEntryRow[] {
    return this.sql.all(Q.entriesByIds, { ids: JSON.stringify(ids) });
  }

  openCredits(): BankEntryRow[] {
    return this.sql.all(Q.openCredits, {});
  }

  page(status: BankEntryStatus, limit: number, offset: number): BankEntryRow[] {
    return this.sql.all(Q.page, { status, limit, offset });
  }

  counts(): BankCounts {
    const c: BankCounts = { open: 0, matched: 0, auto: 0, ignored: 0, debit: 0 };
    for (const r of this.sql.all(Q.counts, {})) c[r.status] = r.n;
    return c;
  }

  setSuggestion(id: number, suggestion: string | null, confidence: number | null, version: string | null, now: string): void {
    this.sql.run(Q.setSuggestion, { id, suggestion, confidence, version, now });
  }

  setStatus(id: number, status: BankEntryStatus, reconciledAt: string | null, now: string): void {
    this.sql.run(Q.setStatus, { id, status, at: reconciledAt, now });
  }

  insertMatch(m: { entryId: number; invoiceId: number; clientId: number; amountCents: number; feeCents: number; automatic: boolean; receipt: string }): void {
    this.sql.run(Q.insertMatch, { ...m, automatic: m.automatic ? 1 : 0 });
  }

  matchesOf(entryId: number): BankMatchRow[] {
    return this.sql.all(Q.matchesOf, { entryId });
  }

  markUndone(entryId: number, now: string): void {
    this.sql.run(Q.undoMatches, { entryId, now });
  }

  openInvoices(): OpenInvoiceRow[] {
    return this.sql.all(Q.openInvoices, {});
  }

  /** How many of these entries are credits. */
  /** The entry keys among `keys` already imported. */
  knownKeys(keys: readonly string[]): Set<string> {
    const known = new Set<string>();
    for (let i = 0; i < keys.length; i += 5_000) for (const r of this.sql.all(Q.knownKeys, { keys: JSON.stringify(keys.slice(i, i + 5_000)) })) known.add(r.entry_key);
    return known;
  }

  creditsAmong(ids: readonly number[]): number {
    let n = 0;
    for (let i = 0; i < ids.length; i += 5_000) n += this.sql.first(Q.creditsAmong, { ids: JSON.stringify(ids.slice(i, i + 5_000)) })!.n;
    return n;
  }

  invoiceLabels(ids: readonly number[]): { id: number; number: string; year: number; client_name: string; outstanding_cents: number }[] {
    if (!ids.length) return [];
    return this.sql.all(Q.invoiceLabels, { ids: JSON.stringify([...new Set(ids)]) });
  }

  clients(): { id: number; name: string }[] {
    return this.sql.all(Q.clients, {});
  }

  /** Payer IBAN → the clients it paid for. */
  knownIbans(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const r of [...this.sql.all(Q.receiptIbans, {}), ...this.sql.all(Q.matchedIbans, {})]) {
      if (!r.iban) continue;
      const list = out.get(r.iban) ?? [];
      if (!list.includes(r.client_id)) list.push(r.client_id);
      out.set(r.iban, list);
    }
    return out;
  }
}
