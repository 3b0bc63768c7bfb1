import { describe, expect, it } from 'vitest';
import { CodedInputError } from '../import/import-message';
import { guessCsvKind, guessStatementCsvMap, parseStatementCsv, parseStatementMapSpec } from './parse-statement-csv';

const ACCOUNT = 'IT60 X054 2811 1010 0000 0123 456';

describe('parseStatementCsv', () => {
  it('reads an Italian export with Dare/Avere columns, day-first dates and decimal commas', () => {
    const csv = [
      'Data contabile;Data valuta;Dare;Avere;Descrizione;Ordinante;IBAN ordinante',
      '03/02/2025;03/02/2025;;1.220,00;BONIFICO SALDO FATT 12/2025;Studio Bianchi;IT02 L123 4512 3451 2345 6789 012',
      '04/02/2025;04/02/2025;2,50;;COMMISSIONI;;',
      '28/02/2025;28/02/2025;;305,5;"Rif. fattura 2025/A/0007; grazie";Ferri Logistica;',
    ].join('\n');
    const s = parseStatementCsv(csv, { account: ACCOUNT, source: 'marzo.csv' });
    expect(s.rejects).toEqual([]);
    expect(s.dateFormat).toBe('D/M/YYYY');
    expect(s.entries.map((e) => [e.direction, e.amountCents, e.bookingDate])).toEqual([
      ['credit', 122000, '2025-02-03'],
      ['debit', 250, '2025-02-04'],
      ['credit', 30550, '2025-02-28'],
    ]);
    expect(s.entries[0]!.counterpartyIban).toBe('IT02L1234512345123456789012');
    expect(s.entries[0]!.counterpartyName).toBe('Studio Bianchi');
    expect(s.entries[2]!.remittance).toBe('Rif. fattura 2025/A/0007; grazie');
    expect(s.entries[0]!.account).toBe('IT60X0542811101000000123456');
    // Same file again: same keys.
    expect(parseStatementCsv(csv, { account: ACCOUNT, source: 'marzo.csv' }).entries.map((e) => e.key)).toEqual(s.entries.map((e) => e.key));
  });

  it('reads a signed amount column with a map, and uses the reference as the key', () => {
    const csv = 'When,What,Amount,Ref\n2025-01-05,Invoice 7,-12.00,A1\n2025-01-06,Invoice 8,99.99,A2\n';
    const s = parseStatementCsv(csv, { account: 'IT60X0542811101000000123456', source: 'x.csv', map: parseStatementMapSpec(['booking_date=When,description=What,amount=Amount,reference=Ref']) });
    expect(s.entries.map((e) => [e.direction, e.amountCents, e.key])).toEqual([
      ['debit', 1200, 'ref:IT60X0542811101000000123456:A1'],
      ['credit', 9999, 'ref:IT60X0542811101000000123456:A2'],
    ]);
  });

  it('reports each bad row with its line, field and column, and keeps the good ones', () => {
    const csv = 'Data;Importo;Causale\n2025-01-05;12,00;ok\n2025-13-05;12,00;bad date\n2025-01-07;dodici;bad amount\n2025-01-08;;no amount\n';
    const s = parseStatementCsv(csv, { account: 'IT60X0542811101000000123456', source: 'x.csv' });
    expect(s.entries).toHaveLength(1);
    expect(s.rejects.map((r) => [r.line, r.field, r.column])).toEqual([
      [3, 'booking_date', 'Data'],
      [4, 'amount', 'Importo'],
      [5, 'amount', 'Importo'],
    ]);
    expect(s.rejects[1]!.reason).toContain('"dodici"');
  });

  it('asks when the dates read both day-first and month-first, and names a missing column', () => {
    expect(() => parseStatementCsv('Data;Importo;Causale\n01/02/2025;1,00;x\n', { account: 'IT60X0542811101000000123456', source: 'x.csv' })).toThrow(/--date-format/);
    expect(() => parseStatementCsv('Data;Causale\n2025-01-02;x\n', { account: 'IT60X0542811101000000123456', source: 'x.csv' })).toThrow(/no amount column/);
    expect(() => parseStatementMapSpec(['booking=Data'])).toThrow(/unknown field "booking"/);
  });

  it('guesses the usual Italian and English headers', () => {
    expect(guessStatementCsvMap(['Data operazione', 'Data valuta', 'Importo', 'Descrizione operazione', 'Divisa'])).toEqual({
      booking_date: 'Data operazione',
      value_date: 'Data valuta',
      amount: 'Importo',
      description: 'Descrizione operazione',
      currency: 'Divisa',
    });
    expect(guessStatementCsvMap(['Date', 'Money in', 'Money out', 'Details'])).toEqual({ booking_date: 'Date', credit: 'Money in', debit: 'Money out', description: 'Details' });
  });
});

describe('guessCsvKind', () => {
  it('preselects bank statement entries from a bank export header, invoices from an invoice list', () => {
    expect(guessCsvKind(['Data contabile', 'Data valuta', 'Importo', 'Causale', 'Descrizione', 'IBAN ordinante'])).toBe('statement');
    expect(guessCsvKind(['Data', 'Valuta', 'Dare', 'Avere', 'Descrizione operazione'])).toBe('statement');
    expect(guessCsvKind(['Booking date', 'Value date', 'Amount', 'Details', 'Counterparty'])).toBe('statement');
    expect(guessCsvKind(['Numero', 'Data', 'Cliente', 'P.IVA', 'Scadenza', 'Totale', 'Pagato il'])).toBe('invoices');
    expect(guessCsvKind(['number', 'client', 'issue_date', 'due_date', 'total', 'paid_date', 'paid_amount'])).toBe('invoices');
    // Date, amount and description alone fit both: an invoice list unless a bank's own column is there.
    expect(guessCsvKind(['Data', 'Importo', 'Descrizione'])).toBe('invoices');
    // Without a date and an amount it cannot be read as a statement.
    expect(guessCsvKind(['IBAN', 'Ordinante', 'Causale'])).toBe('invoices');
  });

  it('refuses a statement CSV without an amount column, naming the problem with its code', () => {
    const text = 'Data;Causale;Ordinante\n03/03/2025;Saldo fattura 12;Rossi\n';
    let error: unknown;
    try {
      parseStatementCsv(text, { account: 'IT60X0542811101000000123456', source: 'movimenti.csv', exactMap: true, map: { booking_date: 'Data', description: 'Causale' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodedInputError);
    expect((error as CodedInputError).message).toMatch(/no amount column/);
    expect((error as CodedInputError).coded).toEqual({ code: 'csv-no-amount-column', params: {} });
    // A mapped column the header lacks is named with the field it was for.
    expect(() => parseStatementCsv(text, { account: 'IT60X0542811101000000123456', source: 'movimenti.csv', map: { amount: 'Importo' } })).toThrow(/column "Importo" \(for amount\) is not in the CSV header/);
  });
});
