import { describe, expect, it } from 'vitest';
import { writeCamt053 } from '../bank/write-statement';
import { classifyImportFile, isCamt053Text } from './classify-import-file';

const enc = (s: string) => new TextEncoder().encode(s);
const camt = (version: '02' | '05' | '08') => writeCamt053([], { version, account: 'IT60X0542811101000000123456', statementId: 'S1', createdAt: '2025-03-31T18:00:00' });
const fattura = '<?xml version="1.0"?><p:FatturaElettronica xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2" versione="FPR12"><FatturaElettronicaHeader/></p:FatturaElettronica>';

describe('classifyImportFile', () => {
  it('tells a CAMT.053 statement by its content, whatever its name', () => {
    for (const v of ['02', '05', '08'] as const) {
      expect(classifyImportFile('estratto.xml', enc(camt(v)))).toBe('statement');
      expect(classifyImportFile('estratto-marzo.txt', enc(camt(v)))).toBe('statement');
      expect(classifyImportFile('IT01234567890_FPR01.xml', enc(camt(v)))).toBe('statement');
    }
    // A prefixed namespace and no XML declaration; and a Document holding BkToCstmrStmt without the namespace.
    expect(classifyImportFile('a.xml', enc('\uFEFF  <c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><c:BkToCstmrStmt/></c:Document>'))).toBe('statement');
    expect(isCamt053Text('<Document><BkToCstmrStmt><Stmt/></BkToCstmrStmt></Document>')).toBe(true);
  });

  it('reads a UTF-16 statement by its byte-order mark', () => {
    const text = camt('05');
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + i * 2] = text.charCodeAt(i);
    expect(classifyImportFile('estratto.xml', utf16)).toBe('statement');
  });

  it('sends FatturaPA, other XML, signed files and archives to the invoice reader', () => {
    expect(classifyImportFile('IT01234567890_FPR01.xml', enc(fattura))).toBe('fatturapa');
    // Another ISO 20022 message (a camt.054 notification) is not a statement: the invoice reader says what it is.
    expect(classifyImportFile('avviso.xml', enc('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn/></Document>'))).toBe('fatturapa');
    expect(classifyImportFile('fattura.xml.p7m', new Uint8Array([0x30, 0x82, 0x01]))).toBe('fatturapa');
    expect(classifyImportFile('fatture.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBe('fatturapa');
    expect(classifyImportFile('archivio', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('fatturapa');
  });

  it('keeps CSV exports for the mapping step and other files aside', () => {
    expect(classifyImportFile('movimenti.csv', enc('Data;Importo;Causale\n01/03/2025;100,00;Fattura 12\n'))).toBe('csv');
    expect(classifyImportFile('fatture.tsv', enc('number\ttotal\n1\t10\n'))).toBe('csv');
    expect(classifyImportFile('foto.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBe('other');
  });
});
