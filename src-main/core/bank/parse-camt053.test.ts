import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAMT053_VERSIONS, decimalToCents, parseCamt053 } from './parse-camt053';
import { STATEMENT_LIMITS, StatementFileError } from './statement-types';

const fixture = (v: string) => fs.readFileSync(path.join(__dirname, '../../../tests/fixtures/camt053', `camt.053.001.${v}.xml`));
const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseCamt053: each version from 001.02 to 001.08', () => {
  for (const v of CAMT053_VERSIONS) {
    it(`reads camt.053.001.${v}: booked entries in cents, direction, dates, remittance, payer name and IBAN`, () => {
      const s = parseCamt053(fixture(v));
      expect(s.format).toBe(`camt.053.001.${v}`);
      expect(s.account).toBe('IT60X0542811101000000123456');
      expect(s.statementIds).toEqual([`STMT-${v}-2025-03`]);
      // 6 entries: one pending (skipped), one batch of two split → 6 imported.
      expect(s.entries.map((e) => [e.direction, e.amountCents])).toEqual([
        ['credit', 122000],
        ['credit', 30550],
        ['debit', 250],
        ['credit', 60000],
        ['credit', 25025],
        ['credit', 7500],
      ]);
      expect(s.notes.some((n) => n.includes('PDNG'))).toBe(true);
      const [first, structured, fee, batchA, batchB, cash] = s.entries;
      const n = Number(v);
      expect(first!.bookingDate).toBe(`2025-03-0${n}`);
      expect(first!.valueDate).toBe(`2025-03-0${n}`);
      expect(first!.remittance).toBe('SALDO FATTURA N. 12/2025 DEL 15/01/2025');
      expect(first!.counterpartyName).toBe('Studio Bianchi & Associati');
      expect(first!.counterpartyIban).toBe('IT02L1234512345123456789012');
      expect(first!.key).toBe(`ref:IT60X0542811101000000123456:BANKREF-${v}-0001`);
      expect(structured!.structuredRefs).toContain('2025/A/0007');
      expect(structured!.structuredRefs).toContain(`E2E-${v}-7781`);
      if (n >= 4) expect(structured!.structuredRefs).toContain('RF18539007547034');
      expect(structured!.counterpartyIban).toBe('IT75F0306909606100000012345');
      expect(structured!.counterpartyName).toBe('Ferri Logistica S.r.l.');
      expect(fee!.remittance).toBe('COMMISSIONI BONIFICO');
      expect(batchA!.remittance).toBe('Fatt. 31 e 32 acconto');
      expect(batchA!.counterpartyName).toBe('Caffè Ànfora di Lucà');
      expect(batchA!.key).toBe(`ref:IT60X0542811101000000123456:TX-${v}-0004A`);
      expect(batchB!.counterpartyName).toBe('Greco Mario');
      expect(batchB!.remittance).toBe('PAGAMENTO FT 45');
      expect(cash!.bankRef).toBeNull();
      expect(cash!.key).toMatch(/^hash:[0-9a-f]{40}$/);
      expect(new Set(s.entries.map((e) => e.key)).size).toBe(s.entries.length);
    });
  }

  it('gives the same keys when the same file is read again (re-import adds nothing)', () => {
    const a = parseCamt053(fixture('05')).entries.map((e) => e.key);
    const b = parseCamt053(fixture('05')).entries.map((e) => e.key);
    expect(b).toEqual(a);
  });

  it('keeps two identical unreferenced transfers of one day apart', () => {
    const entry = '<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-01-02</Dt></BookgDt><AddtlNtryInf>RICARICA</AddtlNtryInf></Ntry>';
    const xml = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S</Id><Acct><Id><IBAN>IT60X0542811101000000123456</IBAN></Id></Acct>${entry}${entry}</Stmt></BkToCstmrStmt></Document>`;
    const s = parseCamt053(bytes(xml));
    expect(s.entries).toHaveLength(2);
    expect(s.entries[0]!.key).not.toBe(s.entries[1]!.key);
    expect(parseCamt053(bytes(xml)).entries.map((e) => e.key)).toEqual(s.entries.map((e) => e.key));
  });
});

describe('parseCamt053: untrusted input', () => {
  const wrap = (ntry: string, ns = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.04') =>
    bytes(`<Document xmlns="${ns}"><BkToCstmrStmt><Stmt><Id>S</Id><Acct><Id><IBAN>IT60X0542811101000000123456</IBAN></Id></Acct>${ntry}</Stmt></BkToCstmrStmt></Document>`);

  it('refuses a DOCTYPE (no entity expansion)', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>';
    expect(() => parseCamt053(bytes(xml))).toThrow(/DOCTYPE/);
  });

  it('refuses a file over the size cap before reading it', () => {
    const big = new Uint8Array(STATEMENT_LIMITS.maxFileBytes + 1);
    expect(() => parseCamt053(big)).toThrow(/at most/);
  });

  it('names the element of a bad amount, direction or date', () => {
    expect(() => parseCamt053(wrap('<Ntry><Amt Ccy="EUR">12,50</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-01-02</Dt></BookgDt></Ntry>'))).toThrow(/Stmt\[1\]\/Ntry\[1\]\/Amt: expected an amount/);
    expect(() => parseCamt053(wrap('<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>IN</CdtDbtInd><BookgDt><Dt>2025-01-02</Dt></BookgDt></Ntry>'))).toThrow(/CdtDbtInd: expected CRDT or DBIT/);
    expect(() => parseCamt053(wrap('<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>02/01/2025</Dt></BookgDt></Ntry>'))).toThrow(/BookgDt: expected a date/);
  });

  it('refuses other messages and versions, and damaged XML', () => {
    expect(() => parseCamt053(wrap('', 'urn:iso:std:iso:20022:tech:xsd:camt.052.001.02'))).toThrow(StatementFileError);
    expect(() => parseCamt053(wrap('', 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.09'))).toThrow(/not supported/);
    expect(() => parseCamt053(bytes('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'))).toThrow(/well-formed/);
  });

  it('skips entries in other currencies and says so', () => {
    const s = parseCamt053(wrap('<Ntry><Amt Ccy="USD">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-01-02</Dt></BookgDt></Ntry>'));
    expect(s.entries).toHaveLength(0);
    expect(s.notes[0]).toMatch(/USD/);
  });
});

describe('decimalToCents', () => {
  it('converts without floating point and refuses fractions of a cent', () => {
    expect(decimalToCents('0.1', 'x')).toBe(10);
    expect(decimalToCents('1234567.89', 'x')).toBe(123456789);
    expect(decimalToCents('5.10000', 'x')).toBe(510);
    expect(() => decimalToCents('5.105', 'x')).toThrow(/two decimals/);
    expect(() => decimalToCents('-5', 'x')).toThrow(/expected an amount/);
  });
});
