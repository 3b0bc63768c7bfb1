// Consistency checks over the domain tables, shared by the demo tests and the kill -9 test: every
// invoice has lines, stored totals equal the sum of its lines, instalments add up to what the client
// owes, and statuses agree with the payments.
import type BetterSqlite3 from 'better-sqlite3';
import { invoiceLabel } from '../domain/invoice-number';

export interface ConsistencyReport {
  integrity: string;
  invoices: number;
  problems: string[];
}

export function checkDomainConsistency(sqlite: BetterSqlite3.Database): ConsistencyReport {
  const integrity = (sqlite.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
  const problems: string[] = [];
  const fk = sqlite.pragma('foreign_key_check') as unknown[];
  if (fk.length) problems.push(`${fk.length} foreign key violation(s)`);
  const rows = sqlite
    .prepare(
      `SELECT i.id, i.number, i.year, i.status, i.net_cents, i.vat_cents, i.total_cents, i.bollo_cents, i.ritenuta_cents,
         (SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = i.id) AS line_count,
         (SELECT COALESCE(SUM(net_cents), 0) FROM invoice_lines l WHERE l.invoice_id = i.id) AS lines_net,
         (SELECT COALESCE(SUM(vat_cents), 0) FROM invoice_lines l WHERE l.invoice_id = i.id) AS lines_vat,
         (SELECT COUNT(*) FROM payments p WHERE p.invoice_id = i.id) AS payment_count,
         (SELECT COALESCE(SUM(amount_cents), 0) FROM payments p WHERE p.invoice_id = i.id) AS scheduled,
         (SELECT COALESCE(SUM(paid_amount_cents), 0) FROM payments p WHERE p.invoice_id = i.id) AS paid
       FROM invoices i`,
    )
    .all() as {
    id: number; number: string; year: number; status: string; net_cents: number; vat_cents: number; total_cents: number; bollo_cents: number;
    ritenuta_cents: number; line_count: number; lines_net: number; lines_vat: number; payment_count: number; scheduled: number; paid: number;
  }[];
  for (const r of rows) {
    const label = `invoice ${invoiceLabel(r.number, r.year)}`;
    if (r.line_count === 0) problems.push(`${label} has no lines`);
    if (r.lines_net !== r.net_cents || r.lines_vat !== r.vat_cents) problems.push(`${label} totals differ from its lines`);
    if (r.total_cents !== r.net_cents + r.vat_cents + r.bollo_cents) problems.push(`${label} total ≠ net + VAT + bollo`);
    const owed = r.total_cents - r.ritenuta_cents;
    if (owed > 0 && r.payment_count === 0) problems.push(`${label} has no instalments`);
    if (r.scheduled !== owed) problems.push(`${label} instalments add up to ${r.scheduled}, expected ${owed}`);
    const expected = r.paid === 0 ? null : r.paid === r.scheduled ? 'paid' : 'partially_paid';
    if (expected && r.status !== expected) problems.push(`${label} status ${r.status} but payments say ${expected}`);
    if (!expected && (r.status === 'paid' || r.status === 'partially_paid')) problems.push(`${label} status ${r.status} without payments`);
  }
  return { integrity, invoices: rows.length, problems };
}
