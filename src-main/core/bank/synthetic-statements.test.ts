import { describe, expect, it } from 'vitest';
import { parseCamt053 } from './parse-camt053';
import { parseStatementCsv } from './parse-statement-csv';
import { generateBook, generateStatement } from './synthetic-statements';
import { writeCamt053, writeStatementCsv } from './write-statement';
import { CAMT053_VERSIONS } from './parse-camt053';

const book = generateBook({ seed: 3, clients: 30, invoices: 400, from: '2025-01-01', days: 240 });
const statement = generateStatement({ ...book, seed: 4 });

describe('generateStatement', () => {
  it('is the same for the same seed', () => {
    const again = generateStatement({ ...generateBook({ seed: 3, clients: 30, invoices: 400, from: '2025-01-01', days: 240 }), seed: 4 });
    expect(again.entries).toEqual(statement.entries);
    expect(again.truth).toEqual(statement.truth);
  });

  it('labels every credit, has every kind of noise, and pays every invoice of the book once in total', () => {
    const credits = statement.entries.filter((e) => e.direction === 'credit');
    expect(statement.truth.map((t) => t.key).sort()).toEqual(credits.map((c) => c.key).sort());
    const kinds = new Set(statement.truth.map((t) => t.kind));
    for (const k of ['single', 'fee', 'combined', 'partial', 'unrelated'] as const) expect(kinds.has(k)).toBe(true);
    const noise = new Set(statement.truth.flatMap((t) => t.noise));
    for (const n of ['payer-upper', 'payer-typo', 'payer-person', 'number-none', 'number-sequence', 'number-typo', 'fee']) expect(noise.has(n)).toBe(true);
    expect(statement.entries.some((e) => e.direction === 'debit')).toBe(true);
    // Each invoice's payment is in exactly one credit (or two for acconto + saldo).
    const paidIn = new Map<number, number>();
    for (const t of statement.truth) for (const id of t.invoiceIds) paidIn.set(id, (paidIn.get(id) ?? 0) + 1);
    expect(paidIn.size).toBe(book.payments.length);
    expect([...paidIn.values()].every((n) => n === 1 || n === 2)).toBe(true);
  });

  it('credits the invoice total less the fee for fee noise, and the sum for a combined transfer', () => {
    const byId = new Map(book.invoices.map((i) => [i.id, i]));
    const entry = new Map(statement.entries.map((e) => [e.key, e]));
    for (const t of statement.truth) {
      const e = entry.get(t.key)!;
      const total = t.invoiceIds.reduce((s, id) => s + byId.get(id)!.totalCents, 0);
      if (t.kind === 'single') expect(e.amountCents).toBe(total);
      if (t.kind === 'fee') expect(total - e.amountCents).toBeGreaterThanOrEqual(100);
      if (t.kind === 'combined') expect(total - e.amountCents).toBeLessThanOrEqual(750);
      if (t.kind === 'partial') expect(e.amountCents).toBeLessThan(total);
    }
  });
});

describe('written statements read back', () => {
  for (const version of CAMT053_VERSIONS) {
    it(`as CAMT.053.001.${version}: the same entries`, () => {
      const xml = writeCamt053(statement.entries, { version, account: statement.account, statementId: 'SYN-1', createdAt: '2025-09-01T08:00:00' });
      const read = parseCamt053(new TextEncoder().encode(xml));
      expect(read.format).toBe(`camt.053.001.${version}`);
      expect(read.entries.length).toBe(statement.entries.length);
      read.entries.forEach((e, i) => {
        const w = statement.entries[i]!;
        expect([e.direction, e.amountCents, e.bookingDate, e.remittance, e.counterpartyName, e.counterpartyIban]).toEqual([w.direction, w.amountCents, w.bookingDate, w.remittance, w.counterpartyName, w.counterpartyIban]);
        expect(e.key).toBe(w.key);
      });
    });
  }

  it('as an Italian CSV export: the same movements, and the same keys when read twice', () => {
    const csv = writeStatementCsv(statement.entries);
    const read = parseStatementCsv(csv, { account: statement.account, source: 'syn.csv' });
    expect(read.rejects).toEqual([]);
    expect(read.entries.map((e) => [e.direction, e.amountCents, e.bookingDate])).toEqual(statement.entries.map((e) => [e.direction, e.amountCents, e.bookingDate]));
    expect(parseStatementCsv(csv, { account: statement.account, source: 'syn.csv' }).entries.map((e) => e.key)).toEqual(read.entries.map((e) => e.key));
  });
});
