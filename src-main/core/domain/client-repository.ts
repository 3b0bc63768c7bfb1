// clients: identity (denominazione, P.IVA, codice fiscale), contacts, address, payment terms, and
// the id another system knows a client by (external_ref, for re-imports). Also the clients list
// with each client's invoice count and what is still open, from one aggregate query per page.
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { ClientsTable } from '../db/schema';
import { qb, SqlRunner, template } from '../db/sql-runner';

export type Client = Selectable<ClientsTable>;

export interface ClientWithStats extends Client {
  /** Invoices of the client, any status. */
  invoice_count: number;
  /** What is still to be paid on its issued invoices (drafts and cancelled ones excluded). */
  outstanding_cents: number;
}

const Q = {
  byId: template((p: { id: number }) => qb.selectFrom('clients').selectAll().where('id', '=', p.id)),
  byPiva: template((p: { piva: string }) => qb.selectFrom('clients').selectAll().where('partita_iva', '=', p.piva)),
  byNameNoCase: template((p: { name: string }) => qb.selectFrom('clients').selectAll().where(sql<boolean>`denominazione = ${p.name} COLLATE NOCASE`).orderBy('id')),
  nameContains: template((p: { pattern: string }) =>
    qb.selectFrom('clients').selectAll().where(sql<boolean>`denominazione LIKE ${p.pattern} ESCAPE '\\'`).orderBy('denominazione').limit(6),
  ),
  // A fiscal code stored in either column (a company's is often its P.IVA).
  byFiscalCode: template((p: { cf: string }) =>
    qb
      .selectFrom('clients')
      .select('id')
      .where((eb) => eb.or([eb(eb.fn('upper', ['codice_fiscale']), '=', p.cf), eb('partita_iva', '=', p.cf)]))
      .orderBy('id')
      .limit(1),
  ),
  byExternalRef: template((p: { ref: string }) => qb.selectFrom('clients').select('id').where('external_ref', '=', p.ref)),
  setExternalRef: template((p: { id: number; ref: string }) => qb.updateTable('clients').set({ external_ref: p.ref }).where('id', '=', p.id)),
  setExternalRefIfUnset: template((p: { id: number; ref: string }) =>
    qb.updateTable('clients').set({ external_ref: p.ref }).where('id', '=', p.id).where('external_ref', 'is', null),
  ),
  identities: template(() => qb.selectFrom('clients').select(['id', 'denominazione', 'partita_iva', 'codice_fiscale']).orderBy('id')),
  count: template(() => qb.selectFrom('clients').select((eb) => eb.fn.countAll<number>().as('n'))),
};

export class ClientRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  byId(id: number): Client | undefined {
    return this.sql.first(Q.byId, { id });
  }

  byPartitaIva(piva: string): Client | undefined {
    return this.sql.first(Q.byPiva, { piva });
  }

  /** Clients named exactly `name` (case-insensitive), oldest first. */
  byName(name: string): Client[] {
    return this.sql.all(Q.byNameNoCase, { name });
  }

  /** Up to six clients whose name contains `text`, by name. */
  nameContains(text: string): Client[] {
    return this.sql.all(Q.nameContains, { pattern: `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%` });
  }

  /** The first client whose codice fiscale (or P.IVA) is `cf`. */
  idByFiscalCode(cf: string): number | undefined {
    return this.sql.first(Q.byFiscalCode, { cf })?.id;
  }

  idByExternalRef(ref: string): number | undefined {
    return this.sql.first(Q.byExternalRef, { ref })?.id;
  }

  /** Records another system's id for a client; `onlyIfUnset` leaves an existing one alone. */
  setExternalRef(id: number, ref: string, options: { onlyIfUnset?: boolean } = {}): void {
    this.sql.run(options.onlyIfUnset ? Q.setExternalRefIfUnset : Q.setExternalRef, { id, ref });
  }

  insert(row: Insertable<ClientsTable>): number {
    return this.sql.run(qb.insertInto('clients').values(row)).lastInsertRowid;
  }

  update(id: number, row: Updateable<ClientsTable>): void {
    this.sql.run(qb.updateTable('clients').set(row).where('id', '=', id));
  }

  /** Every client's name and tax ids, oldest first (to match a name written in text). */
  identities(): { id: number; denominazione: string; partita_iva: string | null; codice_fiscale: string | null }[] {
    return this.sql.all(Q.identities, {});
  }

  count(): number {
    return this.sql.first(Q.count, {})!.n;
  }

  /** Clients by name (case-insensitive), optionally matching `search` in name, P.IVA, codice fiscale or city. */
  list(filter: { search?: string; limit?: number; offset?: number }): Client[] {
    return this.sql.all(this.filtered(filter.search).selectAll().orderBy(sql`denominazione COLLATE NOCASE`).orderBy('id').limit(filter.limit ?? -1).offset(filter.offset ?? 0));
  }

  /** The same page as `list`, each client with its invoice count and open amount. */
  listWithStats(filter: { search?: string; limit?: number; offset?: number }): ClientWithStats[] {
    const q = this.filtered(filter.search)
      .selectAll()
      .select((eb) => [
        eb.selectFrom('invoices as i').select(eb.fn.countAll<number>().as('n')).whereRef('i.client_id', '=', 'clients.id').as('invoice_count'),
        eb
          .selectFrom('invoices as i')
          .innerJoin('payments as p', 'p.invoice_id', 'i.id')
          .select(sql<number>`COALESCE(SUM(p.amount_cents - p.paid_amount_cents), 0)`.as('n'))
          .whereRef('i.client_id', '=', 'clients.id')
          .where('i.status', 'not in', ['cancelled', 'draft'])
          .as('outstanding_cents'),
      ])
      // COUNT and COALESCE(SUM) subqueries always yield a number.
      .$narrowType<{ invoice_count: number; outstanding_cents: number }>();
    return this.sql.all(q.orderBy(sql`denominazione COLLATE NOCASE`).orderBy('id').limit(filter.limit ?? -1).offset(filter.offset ?? 0));
  }

  countMatching(search?: string): number {
    return this.sql.first(this.filtered(search).select((eb) => eb.fn.countAll<number>().as('n')))!.n;
  }

  private filtered(search: string | undefined) {
    const q = qb.selectFrom('clients');
    const text = search?.trim();
    if (!text) return q;
    const like = `%${text}%`;
    return q.where((eb) => eb.or([eb('denominazione', 'like', like), eb('partita_iva', 'like', like), eb('codice_fiscale', 'like', like), eb('city', 'like', like)]));
  }
}
