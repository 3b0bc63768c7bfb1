// The FatturaPA writer against the official schema: documents written from a demo history plus the
// app's special cases (series and free-text numbers, a credit note, withholding, stamp duty, VAT
// natures, instalments, long notes, text outside Latin-1) validate with xmllint; a file broken on
// purpose does not (the check can fail); data the format cannot carry is refused by name.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app';
import { openTestApp, tempDataDir } from '../rag/testing/rag-fixtures';
import { issuedInvoicesForExport, type InvoiceForExport } from '../domain/invoice-export-repository';
import { saveWritten, seedExportHistory, TEST_ISSUER, validateWithXmllint, writeAllIssued } from './testing/fatturapa-export-fixture';
import { FatturaWriteError, progressiveOf, toLatin1, writeFatturaPa } from './write-fatturapa';

let app: App;
let dir: string;
let ids: Record<string, number>;
let all: ReturnType<typeof writeAllIssued>;

beforeAll(async () => {
  dir = tempDataDir('of-fpa-write-');
  app = await openTestApp(dir);
  ids = seedExportHistory(app, { invoices: 150, clients: 12 });
  all = writeAllIssued(app.database.sqlite);
}, 120_000);

afterAll(async () => {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const byId = (id: number) => all.find((w) => w.invoice.id === id)!;

describe('FatturaPA writer', () => {
  it('writes documents that the official v1.2.2 schema validates: a demo sample and every special case', async () => {
    const special = new Set(Object.values(ids));
    // A sample of the demo history (every 5th) plus all the special invoices.
    const sample = all.filter((w, i) => special.has(w.invoice.id) || i % 5 === 0);
    expect(sample.length).toBeGreaterThanOrEqual(30 + special.size);
    const files = saveWritten(path.join(dir, 'xml'), sample.map((w) => w.written));
    const report = await validateWithXmllint(files);
    expect(report.invalid).toEqual([]);
    expect(report.valid.sort()).toEqual([...files].sort());
  }, 120_000);

  it('is caught by the schema when a document is broken: the validation can fail', async () => {
    const w = byId(ids.series!).written;
    const broken = [
      // Numero over 20 characters, an amount without decimals, and a missing required Sede.
      w.xml.replace('<Numero>2025/A/0001</Numero>', '<Numero>2025/A/0001-TOO-LONG-NUMBER</Numero>'),
      w.xml.replace(/<ImportoTotaleDocumento>(\d+)\.\d\d<\/ImportoTotaleDocumento>/, '<ImportoTotaleDocumento>$1</ImportoTotaleDocumento>'),
      w.xml.replace(/<CessionarioCommittente>([\s\S]*?)<Sede>[\s\S]*?<\/Sede>/, '<CessionarioCommittente>$1'),
    ];
    expect(new Set(broken).size).toBe(3);
    expect(broken.every((b) => b !== w.xml)).toBe(true);
    const files = broken.map((xml, i) => {
      const f = path.join(dir, `broken-${i}.xml`);
      fs.writeFileSync(f, xml);
      return f;
    });
    const report = await validateWithXmllint(files);
    expect(report.valid).toEqual([]);
    expect(report.invalid.map((x) => x.file).sort()).toEqual([...files].sort());
    expect(report.invalid.find((x) => x.file === files[0])!.messages.join(' ')).toMatch(/Numero/);
  }, 60_000);

  it('writes the figures, numbers and texts of the special invoices as the format wants them', () => {
    const series = byId(ids.series!).written.xml;
    expect(series).toContain('<Numero>2025/A/0001</Numero>');
    expect(series).toContain('<Quantita>2.50</Quantita>');
    expect(series).toContain('<PrezzoUnitario>123.45</PrezzoUnitario>');
    // 2.5 × 123.45 = 308.625 → 308.63 net, VAT 22% 67.90, total 376.53.
    expect(series).toContain('<PrezzoTotale>308.63</PrezzoTotale>');
    expect(series).toContain('<ImportoTotaleDocumento>376.53</ImportoTotaleDocumento>');
    // Outside Latin-1: curly quotes and the dash are spelled in Latin-1, "è" stays, and it is said.
    expect(series).toContain('<Denominazione>Caffè &quot;Aurora&quot; - Società Cooperativa</Denominazione>');
    expect(byId(ids.series!).written.notes.join('\n')).toMatch(/client name: characters outside Latin-1 written as "Caffè "Aurora" - Società Cooperativa"/);

    expect(byId(ids.customNumber!).written.xml).toContain('<Numero>FPR 12/2025</Numero>');
    const credit = byId(ids.creditNote!).written.xml;
    expect(credit).toContain('<TipoDocumento>TD04</TipoDocumento>');
    expect(credit).not.toContain('<DatiPagamento>');

    const withholding = byId(ids.withholding!).written.xml;
    expect(withholding).toMatch(/<DatiRitenuta>\s*<TipoRitenuta>RT02<\/TipoRitenuta>\s*<ImportoRitenuta>200\.00<\/ImportoRitenuta>\s*<AliquotaRitenuta>20\.00<\/AliquotaRitenuta>/);
    expect(withholding).toContain('<Ritenuta>SI</Ritenuta>');
    // The client pays total − withholding: 1220.00 − 200.00.
    expect(withholding).toContain('<ImportoPagamento>1020.00</ImportoPagamento>');
    // A client known by codice fiscale only: no IdFiscaleIVA.
    expect(withholding).toMatch(/<CessionarioCommittente>\s*<DatiAnagrafici>\s*<CodiceFiscale>RSSMRA85T10A562S<\/CodiceFiscale>/);

    const exempt = byId(ids.exemptWithStamp!);
    expect(exempt.written.xml).toMatch(/<DatiBollo>\s*<BolloVirtuale>SI<\/BolloVirtuale>\s*<ImportoBollo>2\.00<\/ImportoBollo>/);
    expect(exempt.written.xml).toMatch(/<AliquotaIVA>0\.00<\/AliquotaIVA>\s*<Natura>N4<\/Natura>\s*<ImponibileImporto>1400\.00<\/ImponibileImporto>\s*<Imposta>0\.00<\/Imposta>/);
    expect(exempt.written.notes).toEqual([expect.stringMatching(/line 1: VAT 0% without a VAT nature: written as N4 \(exempt\)/)]);
    expect(byId(ids.natura!).written.xml).toMatch(/<Natura>N2\.2<\/Natura>/);
    // A nature stored on the line is written as it is (the only note is the client's name).
    expect(byId(ids.natura!).written.notes).toEqual([expect.stringMatching(/client name: characters outside Latin-1/)]);

    const instalments = byId(ids.instalments!);
    expect(instalments.written.xml).toContain('<CondizioniPagamento>TP01</CondizioniPagamento>');
    expect(instalments.written.xml.match(/<DettaglioPagamento>/g)).toHaveLength(3);
    expect(instalments.invoice.instalments.reduce((s, p) => s + p.amountCents, 0)).toBe(instalments.invoice.totalCents);

    // Notes longer than one Causale (200 characters) are split at spaces into several.
    const causali = [...byId(ids.longNotes!).written.xml.matchAll(/<Causale>([^<]*)<\/Causale>/g)].map((m) => m[1]!);
    expect(causali.length).toBeGreaterThan(1);
    expect(causali.every((c) => c.length <= 200)).toBe(true);
    expect(causali.join(' ')).toBe(toLatin1(byId(ids.longNotes!).invoice.notes!));
  });

  it('refuses what the format cannot carry, naming the invoice and the field', () => {
    const base = issuedInvoicesForExport(app.database.sqlite, ids.series! - 1, 1)[0]!;
    const variant = (over: Partial<InvoiceForExport>, client: Partial<InvoiceForExport['client']> = {}): InvoiceForExport => ({ ...base, ...over, client: { ...base.client, ...client } });
    const refusal = (inv: InvoiceForExport) => {
      try {
        writeFatturaPa(inv, TEST_ISSUER, progressiveOf(1));
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(FatturaWriteError);
        return (e as Error).message;
      }
    };
    expect(refusal(variant({}, { address: null }))).toBe('invoice 2025/A/0001 of 2025-02-03: client "Caffè “Aurora” – Società Cooperativa": no address (FatturaPA requires Sede/Indirizzo)');
    expect(refusal(variant({}, { cap: '201' }))).toMatch(/CAP "201" is not 5 digits/);
    expect(refusal(variant({}, { partitaIva: null, codiceFiscale: null }))).toMatch(/has neither a P\.IVA nor a codice fiscale/);
    expect(refusal(variant({ number: 'N°12/2025' }))).toMatch(/number "N°12\/2025" must be 1–20 ASCII characters/);
    expect(refusal(variant({ documentType: 'TD07' }))).toMatch(/document type TD07 is not an ordinary FatturaPA type/);
    expect(() => writeFatturaPa(base, { ...TEST_ISSUER, regimeFiscale: 'RF03' }, '1')).toThrow(/regime fiscale "RF03"/);
    expect(() => writeFatturaPa(base, TEST_ISSUER, 'ABC/1')).toThrow(/progressive "ABC\/1"/);
    // A foreign client without a postal code gets the format's 00000; an Italian one is refused above.
    expect(refusal(variant({}, { cap: null, country: 'FR', partitaIva: 'FR12345678901', province: null }))).toBeNull();
  });

  it('spells text outside Latin-1 in Latin-1 and drops control characters', () => {
    expect(toLatin1('Caffè – “Bar” ‘Sport’ €5… Œuvre\u0007 ™ 𝟙 ﬁ 中')).toBe('Caffè - "Bar" \'Sport\' EUR5... OEuvre TM 1 fi ?');
    expect(progressiveOf(1)).toBe('00001');
    expect(progressiveOf(36)).toBe('00010');
    expect(() => progressiveOf(0)).toThrow(FatturaWriteError);
  });
});
