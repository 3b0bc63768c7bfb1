// Consistency checks over the domain tables, shared by the demo tests and the kill -9 test: every
// invoice has lines, stored totals equal the sum of its lines, instalments add up to what the client
// owes, and statuses agree with the payments.
import type BetterSqlite3 from 'better-sqlite3';
import { foreignKeyViolations, integrityCheck } from '../db/database-maintenance';
import { invoiceLabel } from '../domain/invoice-number';
import { DemoRepository } from './demo-repository';

export interface ConsistencyReport {
  integrity: string;
  invoices: number;
  problems: string[];
}

export function checkDomainConsistency(sqlite: BetterSqlite3.Database): ConsistencyReport {
  const integrity = integrityCheck(sqlite)[0] ?? 'unknown';
  const problems: string[] = [];
  const fk = foreignKeyViolations(sqlite);
  if (fk) problems.push(`${fk} foreign key violation(s)`);
  const rows = new DemoRepository(sqlite).invoiceFigures();
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
