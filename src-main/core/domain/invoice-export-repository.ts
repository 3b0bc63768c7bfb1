// Reads issued invoices whole (client, lines, instalments) for writing them out as documents
// (FatturaPA): drafts and cancelled invoices are not documents and are never read here. Pages by id so
// a large history is read a slice at a time.
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { SqlRunner, template } from '../db/sql-runner';

export interface ExportClient {
  id: number;
  denominazione: string;
  partitaIva: string | null;
  codiceFiscale: string | null;
  pec: string | null;
  codiceDestinatario: string | null;
  address: string | null;
  cap: string | null;
  city: string | null;
  province: string | null;
  country: string;
}

export interface ExportLine {
  lineNo: number;
  description: string;
  quantity: number;
  unitPriceCents: number;
  vatRate: number;
  natura: string | null;
  netCents: number;
  vatCents: number;
}

export interface ExportInstalment {
  dueDate: string;
  amountCents: number;
  method: string | null;
  iban: string | null;
}

export interface InvoiceForExport {
  id: number;
  number: string;
  year: number;
  documentType: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  netCents: number;
  vatCents: number;
  totalCents: number;
  ritenutaCents: number;
  bolloCents: number;
  notes: string | null;
  client: ExportClient;
  lines: ExportLine[];
  instalments: ExportInstalment[];
}

interface InvoiceRow {
  id: number;
  number: string;
  year: number;
  document_type: string;
  issue_date: string;
  due_date: string;
  currency: string;
  net_cents: number;
  vat_cents: number;
  total_cents: number;
  ritenuta_cents: number;
  bollo_cents: number;
  notes: string | null;
  client_id: number;
  denominazione: string;
  partita_iva: string | null;
  codice_fiscale: string | null;
  pec: string | null;
  codice_destinatario: string | null;
  address: string | null;
  cap: string | null;
  city: string | null;
  province: string | null;
  country: string;
}

interface LineRow {
  invoice_id: number;
  line_no: number;
  description: string;
  quantity: number;
  unit_price_cents: number;
  vat_rate: number;
  natura: string | null;
  net_cents: number;
  vat_cents: number;
}

interface InstalmentRow {
  invoice_id: number;
  due_date: string;
  amount_cents: number;
  method: string | null;
  iban: string | null;
}

const Q = {
  invoices: template(
    (p: { afterId: number; limit: number }) =>
      sql<InvoiceRow>`SELECT i.id, i.number, i.year, i.document_type, i.issue_date, i.due_date, i.currency, i.net_cents, i.vat_cents, i.total_cents,
              i.ritenuta_cents, i.bollo_cents, i.notes, c.id AS client_id, c.denominazione, c.partita_iva, c.codice_fiscale, c.pec,
              c.codice_destinatario, c.address, c.cap, c.city, c.province, c.country
         FROM invoices i JOIN clients c ON c.id = i.client_id
        WHERE i.id > ${p.afterId} AND i.status NOT IN ('draft', 'cancelled')
        ORDER BY i.id LIMIT ${p.limit}`,
  ),
  lines: template(
    (p: { first: number; last: number }) =>
      sql<LineRow>`SELECT invoice_id, line_no, description, quantity, unit_price_cents, vat_rate, natura, net_cents, vat_cents
         FROM invoice_lines WHERE invoice_id BETWEEN ${p.first} AND ${p.last} ORDER BY invoice_id, line_no`,
  ),
  instalments: template(
    (p: { first: number; last: number }) =>
      sql<InstalmentRow>`SELECT invoice_id, due_date, amount_cents, method, iban FROM payments WHERE invoice_id BETWEEN ${p.first} AND ${p.last} ORDER BY invoice_id, due_date, id`,
  ),
};

/** Issued invoices with id > `afterId`, in id order, at most `limit` of them, each with its client, lines and instalments. */
export function issuedInvoicesForExport(sqlite: BetterSqlite3.Database, afterId: number, limit: number): InvoiceForExport[] {
  const runner = SqlRunner.of(sqlite);
  const rows = runner.all(Q.invoices, { afterId, limit });
  if (rows.length === 0) return [];
  const first = rows[0]!.id;
  const last = rows[rows.length - 1]!.id;
  const lines = new Map<number, ExportLine[]>();
  for (const l of runner.all(Q.lines, { first, last })) {
    const list = lines.get(l.invoice_id) ?? [];
    list.push({ lineNo: l.line_no, description: l.description, quantity: l.quantity, unitPriceCents: l.unit_price_cents, vatRate: l.vat_rate, natura: l.natura, netCents: l.net_cents, vatCents: l.vat_cents });
    lines.set(l.invoice_id, list);
  }
  const instalments = new Map<number, ExportInstalment[]>();
  for (const p of runner.all(Q.instalments, { first, last })) {
    const list = instalments.get(p.invoice_id) ?? [];
    list.push({ dueDate: p.due_date, amountCents: p.amount_cents, method: p.method, iban: p.iban });
    instalments.set(p.invoice_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    year: r.year,
    documentType: r.document_type,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    currency: r.currency,
    netCents: r.net_cents,
    vatCents: r.vat_cents,
    totalCents: r.total_cents,
    ritenutaCents: r.ritenuta_cents,
    bolloCents: r.bollo_cents,
    notes: r.notes,
    client: {
      id: r.client_id,
      denominazione: r.denominazione,
      partitaIva: r.partita_iva,
      codiceFiscale: r.codice_fiscale,
      pec: r.pec,
      codiceDestinatario: r.codice_destinatario,
      address: r.address,
      cap: r.cap,
      city: r.city,
      province: r.province,
      country: r.country,
    },
    lines: lines.get(r.id) ?? [],
    instalments: instalments.get(r.id) ?? [],
  }));
}
