// The text the assistant's index holds for each entity (DESIGN §5): invoice, client and product
// documents built from the database, and their content hash. Text never depends on the current
// date, so an unchanged record always hashes the same and is never re-embedded.
// Each document has two texts: the full `text` (stored, keyword-indexed, shown as a source) and the
// shorter `embedText` the vector is computed from — what the record is about (who, what, its
// state), without the figures and dates that keyword search matches exactly anyway. It is a quarter
// of the tokens (about 4× faster to embed), and a payment or a client's changing totals leave it
// unchanged, so those changes update the text without re-embedding. Every field of `embedText` is
// also in `text`, so the content hash of `text` covers both.
import crypto from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { RagEntityType } from '../db/schema';
import { formatEuro } from '../money';
import {
  DocumentSourceRepository,
  type ClientInvoiceSourceRow,
  type LineSourceRow,
  type PaymentSourceRow,
} from './document-source-repository';
import { isCreditNote } from '../domain/document-types';
import { invoiceLabel } from '../domain/invoice-number';

export const RAG_ENTITY_TYPES: readonly RagEntityType[] = ['invoice', 'client', 'product'];

export interface BuiltDocument {
  text: string;
  embedText: string;
}

export function contentHash(text: string, modelId: string): string {
  return crypto.createHash('sha256').update(modelId).update('\u0000').update(text).digest('hex');
}

/** An invoice state as documents write it: Italian, then English in brackets, so either language finds it. */
export const DOCUMENT_STATUS_TEXT: Record<string, string> = {
  draft: 'bozza (draft)',
  issued: 'emessa, da incassare (issued, unpaid)',
  sent: 'inviata, da incassare (sent, unpaid)',
  partially_paid: 'parzialmente pagata (partially paid)',
  paid: 'pagata (paid)',
  cancelled: 'annullata (cancelled)',
};

/** The line of an invoice document that names its client: the only client data invoices carry. */
export function invoiceClientLine(c: { denominazione: string; partita_iva: string | null; codice_fiscale: string | null; city: string | null }): string {
  const ids = [c.partita_iva ? `P.IVA ${c.partita_iva}` : '', c.codice_fiscale ? `C.F. ${c.codice_fiscale}` : '', c.city ?? ''].filter(Boolean);
  return `Cliente: ${c.denominazione}${ids.length ? ` (${ids.join(', ')})` : ''}`;
}

function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(a + 'T00:00:00Z') - Date.parse(b + 'T00:00:00Z')) / 86_400_000);
}

export class DocumentBuilder {
  private readonly sources: DocumentSourceRepository;

  constructor(connection: BetterSqlite3.Database) {
    this.sources = new DocumentSourceRepository(connection);
  }

  /** Documents for the given ids; an id whose entity no longer exists is absent from the result. */
  build(type: RagEntityType, ids: readonly number[]): Map<number, BuiltDocument> {
    if (ids.length === 0) return new Map();
    switch (type) {
      case 'invoice':
        return this.invoiceDocs(ids);
      case 'client':
        return this.clientDocs(ids);
      case 'product':
        return this.productDocs(ids);
    }
  }

  /** Keyset pagination over an entity table, for full reindexes. */
  idsAfter(type: RagEntityType, afterId: number, limit: number): number[] {
    return this.sources.idsAfter(type, afterId, limit);
  }

  count(type: RagEntityType): number {
    return this.sources.count(type);
  }

  /**
   * Invoices of these clients whose indexed document does not carry the client's current identity
   * (name, P.IVA, C.F., city): only those need rebuilding after a client change.
   */
  staleInvoicesOfClients(clientIds: readonly number[]): number[] {
    const out: number[] = [];
    for (const c of this.sources.clients(clientIds)) {
      for (const id of this.sources.invoicesNotShowing(c.id, invoiceClientLine(c) + '\n')) out.push(id);
    }
    return out;
  }

  clientIdsOfInvoices(invoiceIds: readonly number[]): number[] {
    return invoiceIds.length ? this.sources.clientIdsOfInvoices(invoiceIds) : [];
  }

  private invoiceDocs(ids: readonly number[]): Map<number, BuiltDocument> {
    const lines = new Map<number, LineSourceRow[]>();
    for (const l of this.sources.lines(ids)) (lines.get(l.invoice_id) ?? lines.set(l.invoice_id, []).get(l.invoice_id)!).push(l);
    const pays = new Map<number, PaymentSourceRow[]>();
    for (const p of this.sources.payments(ids)) (pays.get(p.invoice_id) ?? pays.set(p.invoice_id, []).get(p.invoice_id)!).push(p);
    const out = new Map<number, BuiltDocument>();
    for (const i of this.sources.invoices(ids)) {
      const parts: string[] = [];
      // The number exactly as printed, and with the year when the number does not carry it.
      const label = invoiceLabel(i.number, i.year);
      parts.push(`Fattura n. ${label} (FT-${label}, ${i.document_type}) — invoice ${label}${label === i.number ? '' : ` — numero ${i.number} del ${i.year}`}`);
      parts.push(invoiceClientLine(i));
      parts.push(`Data emissione ${i.issue_date}, scadenza ${i.due_date}`);
      let amounts = `Imponibile ${formatEuro(i.net_cents)}, IVA ${formatEuro(i.vat_cents)}, totale ${formatEuro(i.total_cents)}`;
      if (i.ritenuta_cents) amounts += `, ritenuta d'acconto ${formatEuro(i.ritenuta_cents)}`;
      if (i.bollo_cents) amounts += `, bollo ${formatEuro(i.bollo_cents)}`;
      parts.push(amounts);
      parts.push(`Stato: ${DOCUMENT_STATUS_TEXT[i.status] ?? i.status}${i.disputed ? ', contestata (disputed)' : ''}`);
      const ps = pays.get(i.id) ?? [];
      if (ps.length) {
        parts.push(
          'Scadenze: ' +
            ps
              .map((p) =>
                p.paid_date
                  ? `${formatEuro(p.amount_cents)} scadenza ${p.due_date}, pagata il ${p.paid_date}`
                  : `${formatEuro(p.amount_cents)} scadenza ${p.due_date}, da pagare`,
              )
              .join('; '),
        );
      }
      const ls = lines.get(i.id) ?? [];
      if (ls.length) parts.push('Righe: ' + ls.map((l) => `${l.description} (${formatEuro(l.total_cents)})`).join('; '));
      if (i.notes) parts.push(`Note: ${i.notes}`);
      const status = `${DOCUMENT_STATUS_TEXT[i.status] ?? i.status}${i.disputed ? ', contestata (disputed)' : ''}`;
      const about = [`Fattura ${label}`, i.denominazione + (i.city ? ` (${i.city})` : ''), status, ls.map((l) => l.description).join('; '), i.notes ?? ''];
      out.set(i.id, { text: parts.join('\n'), embedText: about.filter(Boolean).join(' — ') });
    }
    return out;
  }

  private clientDocs(ids: readonly number[]): Map<number, BuiltDocument> {
    const byClient = new Map<number, ClientInvoiceSourceRow[]>();
    for (const r of this.sources.clientInvoices(ids)) (byClient.get(r.client_id) ?? byClient.set(r.client_id, []).get(r.client_id)!).push(r);
    const out = new Map<number, BuiltDocument>();
    for (const c of this.sources.clients(ids)) {
      const parts: string[] = [`Cliente ${c.denominazione} (client)`];
      const about: string[] = [`Cliente ${c.denominazione}`, [c.city, c.province ? `(${c.province})` : ''].filter(Boolean).join(' ')];
      const ids = [c.partita_iva ? `P.IVA ${c.partita_iva}` : '', c.codice_fiscale ? `C.F. ${c.codice_fiscale}` : ''].filter(Boolean);
      if (ids.length) parts.push(ids.join(', '));
      const place = [c.address, c.cap, c.city, c.province ? `(${c.province})` : '', c.country].filter(Boolean).join(' ');
      if (place) parts.push(`Sede: ${place}`);
      const contacts = [c.email ? `email ${c.email}` : '', c.pec ? `PEC ${c.pec}` : '', c.codice_destinatario ? `codice destinatario ${c.codice_destinatario}` : ''].filter(Boolean);
      if (contacts.length) parts.push(`Contatti: ${contacts.join(', ')}`);
      parts.push(`Termini di pagamento: ${c.payment_terms_days} giorni${c.payment_terms_eom ? ' fine mese' : ''}`);
      const inv = byClient.get(c.id) ?? [];
      if (inv.length) {
        let total = 0;
        let credited = 0;
        let paid = 0;
        let paidCount = 0;
        let late = 0;
        let delaySum = 0;
        for (const r of inv) {
          // A credit note (TD04, TD08) reduces what was invoiced; nothing is collected on it.
          if (isCreditNote(r.document_type)) {
            credited += r.total_cents;
            continue;
          }
          total += r.total_cents;
          paid += Math.min(r.paid_cents ?? 0, r.total_cents);
          const settled = r.status === 'paid' || (r.paid_cents ?? 0) >= r.total_cents;
          if (settled && r.last_paid) {
            paidCount++;
            const d = dayDiff(r.last_paid, r.due_date);
            delaySum += d;
            if (d > 0) late++;
          }
        }
        parts.push(
          `Fatture: ${inv.length}, fatturato totale ${formatEuro(total - credited)}${credited ? ` (al netto di note di credito per ${formatEuro(credited)})` : ''}, incassato ${formatEuro(paid)}, da incassare ${formatEuro(total - paid)}`,
        );
        parts.push(`Prima fattura ${inv[0]!.issue_date}, ultima fattura ${inv[inv.length - 1]!.issue_date}`);
        if (paidCount) {
          const mean = delaySum / paidCount;
          const behaviour = mean <= 0 ? 'paga puntuale (pays on time)' : mean <= 15 ? 'paga con lieve ritardo (pays slightly late)' : 'paga in ritardo (pays late)';
          about.push(behaviour);
          parts.push(
            `Pagamenti: ${behaviour}; ritardo medio ${mean.toFixed(1)} giorni rispetto alla scadenza, ${late} su ${paidCount} fatture pagate in ritardo`,
          );
        } else parts.push('Pagamenti: nessuna fattura ancora saldata');
      } else parts.push('Fatture: nessuna');
      if (c.notes) {
        parts.push(`Note: ${c.notes}`);
        about.push(c.notes);
      }
      out.set(c.id, { text: parts.join('\n'), embedText: about.filter(Boolean).join(' — ') });
    }
    return out;
  }

  private productDocs(ids: readonly number[]): Map<number, BuiltDocument> {
    const out = new Map<number, BuiltDocument>();
    for (const p of this.sources.products(ids)) {
      const parts = [
        `${p.is_service ? 'Servizio' : 'Prodotto'} ${p.code}: ${p.description} (product)`,
        `Prezzo ${formatEuro(p.unit_price_cents)} per ${p.unit}, IVA ${p.vat_rate}%`,
      ];
      if (p.category) parts.push(`Categoria: ${p.category}`);
      const about = [`${p.is_service ? 'Servizio' : 'Prodotto'} ${p.code}: ${p.description}`, p.category ?? ''];
      out.set(p.id, { text: parts.join('\n'), embedText: about.filter(Boolean).join(' — ') });
    }
    return out;
  }
}
