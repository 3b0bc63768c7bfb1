import { describe, expect, it } from 'vitest';
import { englishImportMessage, IMPORT_MESSAGE_CODES, IMPORT_MESSAGE_EN } from '../../src-preload/contract/import-messages';
import { placeholders } from '../i18n/translate';
import type { ImportItem } from '../../src-preload/contract/import-channels';
import { IMPORT_MESSAGE_IT, importItemTexts, importMessageText } from './import-messages';

describe('import messages in the UI language', () => {
  it('has every code in Italian with the same figures as the English', () => {
    for (const code of IMPORT_MESSAGE_CODES) {
      expect(placeholders(IMPORT_MESSAGE_IT[code]), code).toEqual(placeholders(IMPORT_MESSAGE_EN[code]));
      expect(IMPORT_MESSAGE_IT[code], code).not.toBe(IMPORT_MESSAGE_EN[code] === 'Numero {detail}' ? '' : IMPORT_MESSAGE_EN[code]);
    }
  });

  it('says a reason in Italian with its figures in the Italian number format; English matches what the CLI prints', () => {
    const m = { code: 'file-too-large', params: { bytes: 2_000_000, max: 1_048_576 } };
    expect(importMessageText(m, 'it')).toBe('pesa 2.000.000 byte, più di 1.048.576');
    expect(importMessageText(m, 'en')).toBe('is 2,000,000 bytes, more than 1,048,576');
    expect(englishImportMessage(m)).toBe('is 2000000 bytes, more than 1048576');
    expect(importMessageText({ code: 'xml-doctype', params: {} }, 'it')).toBe('contiene una dichiarazione DOCTYPE o ENTITY, che FatturaPA non ammette');
  });

  it("falls back to main's English text for an uncoded note or an unknown code, and names a CSV note's column", () => {
    const item = {
      source: 'a.csv, line 3', ref: null, outcome: 'added' as const, direction: 'issued' as const,
      reason: 'future reason', reasonMessage: { code: 'not-yet-known', params: {} },
      notes: ["due_date: blank: defaulted to 2024-03-31 (issue date + 30 days, the client's terms)", 'tolerated: something'],
      noteMessages: [{ code: 'due-defaulted', params: { date: '2024-03-31', days: 30, field: 'due_date' } }, null],
    };
    expect(importItemTexts(item, 'it')).toEqual({
      reason: 'future reason',
      notes: ['due_date: vuota: impostata al 2024-03-31 (data di emissione + 30 giorni, i termini del cliente)', 'tolerated: something'],
    });
    expect(importItemTexts(item, 'en').notes[0]).toBe(item.notes[0]);
  });

  it("says each of a CSV row's reasons in Italian after its field and column, keeping an uncoded one in English", () => {
    const parts: NonNullable<ImportItem['reasonParts']> = [
      { text: 'total (Importo): "abc" is not an amount in euro (like 1234.56 or 1.234,56)', message: { code: 'csv-bad-amount', params: { value: 'abc', field: 'total', csvColumn: 'Importo' } } },
      { text: 'truncated: 2 of 5 columns (missing due_date)', message: { code: 'csv-truncated', params: { got: 2, expected: 5, missing: 'due_date' } } },
      { text: 'client_piva (P.IVA): "123" fails the check digit', message: null },
    ];
    const item = { source: 'a.csv, line 2', ref: null, outcome: 'rejected' as const, direction: null, reason: parts.map((p) => p.text).join('; '), notes: [], reasonParts: parts };
    expect(importItemTexts(item, 'it').reason).toBe('total (Importo): "abc" non è un importo in euro (come 1234.56 o 1.234,56); troncata: 2 colonne su 5 (mancano due_date); client_piva (P.IVA): "123" fails the check digit');
    expect(importItemTexts(item, 'en').reason).toBe(item.reason);
  });
});
