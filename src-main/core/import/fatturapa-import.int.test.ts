// The FatturaPA import on the public sample files (../shared/fixtures/fatturapa), with the real worker
// process and SQLite: every sample imports with its values checked field by field, variants made from
// them (truncated, altered after signing, re-encoded, zipped with hostile entries) are refused by
// name, and importing the same files again adds nothing.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../app';
import { openTestApp, tempDataDir } from '../rag/testing/rag-fixtures';
import { buildTrainingSet } from '../ml/cash-flow/training-set';
import { importFatturaPa } from './fatturapa-import';
import { getFirm } from './firm';
import type { ImportSource } from './import-sources';
import { writeZip } from './testing/zip-writer';

const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures/fatturapa');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

const apps: App[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function app(): Promise<App> {
  const dir = tempDataDir('of-fpa-');
  dirs.push(dir);
  const a = await openTestApp(dir);
  apps.push(a);
  return a;
}

const run = (a: App, sources: ImportSource[], options: Parameters<typeof importFatturaPa>[2] = {}) =>
  importFatturaPa({ sqlite: a.database.sqlite, clients: a.clients, worker: a.worker }, sources, options);
const folder: ImportSource[] = [{ kind: 'path', path: FIXTURES }];
const byRef = (a: App, number: string, year: number) =>
  a.database.sqlite.prepare('SELECT * FROM invoices WHERE number = ? AND year = ?').get(number, year) as Record<string, unknown>;

describe('FatturaPA import of the sample files', () => {
  it('asks which party is the firm before writing anything, proposing the parties by how often they appear', async () => {
    const a = await app();
    const s = await run(a, folder);
    expect(s.needsFirm).toBe(true);
    expect(s.documents).toBe(8);
    // "Azienda di esempio" appears under its P.IVA in one file and its codice fiscale in another: one candidate.
    expect(s.firmCandidates.filter((c) => c.name === 'Azienda di esempio')).toEqual([expect.objectContaining({ partitaIva: '02182030391', asIssuer: 6, asCustomer: 0 })]);
    expect(s.firmCandidates.find((c) => c.name === 'CIR 2000 snc')).toMatchObject({ partitaIva: '01180680397', asIssuer: 0, asCustomer: 6 });
    expect(a.database.sqlite.prepare('SELECT COUNT(*) AS n FROM invoices').get()).toEqual({ n: 0 });
  });

  it('imports the issued invoices of "Azienda di esempio" field by field, skips the duplicate copies, rejects the other firm\'s files, and adds 0 the second time', async () => {
    const a = await app();
    const progress: string[] = [];
    const s = await run(a, folder, { firm: '02182030391', onProgress: (p) => progress.push(p.step) });
    expect(getFirm(a.database.sqlite)).toEqual({ name: 'Azienda di esempio', partitaIva: '02182030391', codiceFiscale: '02182030391' });
    expect(progress).toEqual(expect.arrayContaining(['reading', 'importing']));
    expect({ files: s.files, documents: s.documents, added: s.added, skipped: s.skipped, rejected: s.rejected, received: s.received, clients: s.clientsCreated }).toEqual({
      files: 6, documents: 8, added: 3, skipped: 3, rejected: 2, received: 0, clients: 1,
    });
    const rejected = s.items.filter((i) => i.outcome === 'rejected');
    expect(rejected.map((i) => i.source).sort()).toEqual(['fatturapa/IT01234567890_FPR02.xml', 'fatturapa/IT01234567890_FSM10.xml']);
    expect(rejected[0]!.reason).toMatch(/neither the issuer \(SOCIETA' ALPHA SRL\) nor the customer \(BETA GAMMA\) is your firm/);
    // The signed invoice (DER and Base64 copies of one document).
    const signed = byRef(a, '2', 2018);
    expect(signed).toMatchObject({ document_type: 'TD01', issue_date: '2018-06-08', net_cents: 10_000, vat_cents: 2_200, total_cents: 12_200, ritenuta_cents: 0, source: 'fatturapa', series: '', seq: 2, status: 'issued' });
    expect(s.items.filter((i) => i.ref === '2/2018').map((i) => i.outcome).sort()).toEqual(['added', 'skipped']);
    const client = a.database.sqlite.prepare('SELECT * FROM clients WHERE id = ?').get(signed.client_id) as Record<string, unknown>;
    // Created from the first file read (the signed one); the other files find it by P.IVA.
    expect(client).toMatchObject({ denominazione: 'CIR 2000 snc', partita_iva: '01180680397', address: 'via Sansovino 45', cap: '48124', city: 'Ravenna', country: 'IT' });
    expect(a.database.sqlite.prepare('SELECT description, quantity, unit_price_cents, vat_rate, net_cents FROM invoice_lines WHERE invoice_id = ?').all(signed.id)).toEqual([
      { description: 'test prodotti', quantity: 1, unit_price_cents: 10_000, vat_rate: 22, net_cents: 10_000 },
    ]);
    // No DatiPagamento: one instalment 30 days on, said so.
    expect(a.database.sqlite.prepare('SELECT due_date, amount_cents FROM payments WHERE invoice_id = ?').all(signed.id)).toEqual([{ due_date: '2018-07-08', amount_cents: 12_200 }]);
    expect(s.items.find((i) => i.ref === '2/2018' && i.outcome === 'added')!.notes).toContain('no DatiPagamento: one instalment due 30 days after the issue date');
    // A file with two bodies is two invoices (TD06 3 and 4), issued under the firm's codice fiscale.
    for (const n of ['3', '4']) {
      const inv = byRef(a, n, 2017);
      expect(inv).toMatchObject({ document_type: 'TD06', issue_date: '2017-01-27', net_cents: 14_328, vat_cents: 3_152, total_cents: 17_480, ritenuta_cents: 2_755, due_date: '2017-02-28', payment_terms_days: 32 });
      expect(a.database.sqlite.prepare('SELECT due_date, amount_cents, method, paid_amount_cents FROM payments WHERE invoice_id = ?').all(inv.id)).toEqual([
        { due_date: '2017-02-28', amount_cents: 11_986, method: 'bonifico', paid_amount_cents: 0 },
      ]);
      expect(a.database.sqlite.prepare('SELECT line_no, description, quantity, unit_price_cents, net_cents, vat_rate FROM invoice_lines WHERE invoice_id = ? ORDER BY line_no').all(inv.id)).toEqual([
        { line_no: 1, description: 'servizio', quantity: 1, unit_price_cents: 13_777, net_cents: 2_324, vat_rate: 22 },
        { line_no: 2, description: 'articolo', quantity: 2, unit_price_cents: 13_777, net_cents: 27_554, vat_rate: 22 },
      ]);
    }
    // The two copies of the two-body file (windows-1252, read first, and UTF-8) are the same content: the second is skipped body by body.
    expect(s.items.filter((i) => i.source.includes('IT02182030391_32.xml')).map((i) => [i.ref, i.outcome])).toEqual([
      ['3/2017', 'skipped'],
      ['4/2017', 'skipped'],
    ]);
    // Imported invoices are in the knowledge index's outbox like any other.
    expect((a.database.sqlite.prepare("SELECT COUNT(DISTINCT entity_id) AS n FROM rag_changes WHERE entity_type = 'invoice'").get() as { n: number }).n).toBe(3);

    const again = await run(a, folder);
    expect({ added: again.added, skipped: again.skipped, rejected: again.rejected }).toEqual({ added: 0, skipped: 6, rejected: 2 });
    expect(again.items.filter((i) => i.outcome === 'skipped').every((i) => /already imported|same invoice as/.test(i.reason ?? ''))).toBe(true);
    expect(a.database.sqlite.prepare('SELECT COUNT(*) AS n FROM invoices').get()).toEqual({ n: 3 });
  });

  it('imports the ordinary and the simplified invoice of SOCIETA\' ALPHA, saying what was tolerated', async () => {
    const a = await app();
    const s = await run(a, [{ kind: 'path', path: path.join(FIXTURES, 'IT01234567890_FPR02.xml') }, { kind: 'path', path: path.join(FIXTURES, 'IT01234567890_FSM10.xml') }], { firm: '01234567890' });
    expect({ added: s.added, rejected: s.rejected }).toEqual({ added: 2, rejected: 0 });
    const fpr = byRef(a, '123', 2014);
    expect(fpr).toMatchObject({ document_type: 'TD01', issue_date: '2014-12-18', net_cents: 3_608, vat_cents: 794, total_cents: 4_402, due_date: '2015-01-30' });
    expect(String(fpr.notes)).toMatch(/^LA FATTURA FA RIFERIMENTO AD UNA OPERAZIONE/);
    expect(a.database.sqlite.prepare('SELECT description, quantity, unit_price_cents, net_cents FROM invoice_lines WHERE invoice_id = ? ORDER BY line_no').all(fpr.id)).toEqual([
      { description: expect.stringMatching(/^LA DESCRIZIONE DELLA FORNITURA/), quantity: 5, unit_price_cents: 100, net_cents: 500 },
      { description: 'FORNITURE VARIE PER UFFICIO', quantity: 10, unit_price_cents: 200, net_cents: 2_000 },
      { description: 'TUBI RITORNO GASOLIO', quantity: 2, unit_price_cents: 500, net_cents: 658 },
      { description: 'TUBI RITORNO GASOLIO', quantity: 1, unit_price_cents: 500, net_cents: 450 },
    ]);
    expect(a.database.sqlite.prepare('SELECT due_date, amount_cents, method FROM payments WHERE invoice_id = ?').all(fpr.id)).toEqual([{ due_date: '2015-01-30', amount_cents: 3_608, method: 'contanti' }]);
    const fprItem = s.items.find((i) => i.ref === '123/2014')!;
    expect(fprItem.notes).toEqual(expect.arrayContaining([expect.stringMatching(/ImportoTotaleDocumento is missing/), expect.stringMatching(/client codice fiscale 09876543210 fails its check character \(expected \d\); kept in the client's notes/)]));
    // Every note has its code, so the Import page says it in the UI's language.
    expect(fprItem.noteMessages?.length).toBe(fprItem.notes.length);
    expect(fprItem.noteMessages?.map((m) => m?.code)).toEqual(expect.arrayContaining(['tolerated-no-total', 'client-id-check-kept']));
    expect(s.items.every((i) => i.notes.length === (i.noteMessages?.filter((m) => m !== null).length ?? 0))).toBe(true);
    const fsm = byRef(a, '123', 2019);
    expect(fsm).toMatchObject({ document_type: 'TD07', issue_date: '2019-01-01', net_cents: 2_049, vat_cents: 451, total_cents: 2_500 });
    // BETA GAMMA's identifier fails its check digit: one client, matched by name the second time, the identifier kept in its notes.
    expect(a.database.sqlite.prepare('SELECT denominazione, partita_iva, codice_fiscale, notes FROM clients').all()).toEqual([
      { denominazione: 'BETA GAMMA', partita_iva: null, codice_fiscale: null, notes: 'From FatturaPA, not valid as written: C.F. 09876543210' },
    ]);
  });

  it('keeps received invoices apart: the firm as customer, never in the invoices the cash-flow model learns from', async () => {
    const a = await app();
    const s = await run(a, folder, { firm: '01180680397' });
    expect({ added: s.added, received: s.received, skipped: s.skipped }).toEqual({ added: 3, received: 3, skipped: 3 });
    expect(a.database.sqlite.prepare('SELECT COUNT(*) AS n FROM invoices').get()).toEqual({ n: 0 });
    expect(a.database.sqlite.prepare('SELECT supplier_name, supplier_key, document_type, number, issue_date, total_cents FROM received_invoices ORDER BY number').all()).toEqual([
      { supplier_name: 'Azienda di esempio', supplier_key: 'IT02182030391', document_type: 'TD01', number: '2', issue_date: '2018-06-08', total_cents: 12_200 },
      { supplier_name: 'Azienda di esempio', supplier_key: 'IT12345678901', document_type: 'TD06', number: '3', issue_date: '2017-01-27', total_cents: 17_480 },
      { supplier_name: 'Azienda di esempio', supplier_key: 'IT12345678901', document_type: 'TD06', number: '4', issue_date: '2017-01-27', total_cents: 17_480 },
    ]);
    expect(buildTrainingSet(a.database.sqlite)).toEqual([]);
    expect((await run(a, folder)).added).toBe(0);
  });
});

describe('FatturaPA import of damaged and unusual files', () => {
  function variants(dir: string): Record<string, Buffer> {
    const xml = fixture('IT02182030391_32.xml').toString('utf8');
    const der = fixture('IT02182030391_31.xml.p7m');
    const altered = Buffer.from(der);
    const at = altered.indexOf('<Numero>2</Numero>');
    altered[at + 8] = '9'.charCodeAt(0);
    // A windows-1252 file with characters outside ASCII, and a UTF-8 file with a BOM.
    const accented = xml
      .replace('<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="windows-1252"?>')
      .replace('<Descrizione>servizio</Descrizione>', '<Descrizione>Società più € 10</Descrizione>')
      .replace(/<Numero>3<\/Numero>/, '<Numero>FPR 3/2017</Numero>');
    const files: Record<string, Buffer> = {
      'truncated.xml': Buffer.from(xml.slice(0, Math.floor(xml.length / 2))),
      'altered-after-signing.xml.p7m': altered,
      'truncated.xml.p7m': der.subarray(0, 1200),
      'garbage.xml.p7m': Buffer.from('this is not a signature at all, nor base64!'),
      'not-an-invoice.xml': Buffer.from('<?xml version="1.0"?><Ordine><Numero>1</Numero></Ordine>'),
      'entity.xml': Buffer.from('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><FatturaElettronica>&x;</FatturaElettronica>'),
      'no-number.xml': Buffer.from(xml.replace('<Numero>3</Numero>', '')),
      'accented-1252.xml': iconv.encode(accented, 'windows-1252'),
      'bom.xml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture('IT01234567890_FPR02.xml')]),
      'metadata_MT_001.xml': Buffer.from('<?xml version="1.0"?><FileMetadati><IdentificativoSdI>1</IdentificativoSdI></FileMetadati>'),
    };
    for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
    return files;
  }

  it('refuses each damaged file by name with its reason, decodes windows-1252 and BOM files, and ignores SDI metadata', async () => {
    const a = await app();
    const dir = tempDataDir('of-fpa-variants-');
    dirs.push(dir);
    variants(dir);
    const s = await run(a, [{ kind: 'path', path: dir }], { firm: '12345678901' });
    const reason = (file: string) => s.items.find((i) => i.source.endsWith(`/${file}`))?.reason ?? '';
    expect(reason('truncated.xml')).toMatch(/is not well-formed XML .*truncated or damaged/);
    expect(reason('altered-after-signing.xml.p7m')).toMatch(/does not match the signature's sha256 digest: the invoice was altered after signing/);
    expect(reason('truncated.xml.p7m')).toMatch(/signed envelope cannot be read/);
    expect(reason('garbage.xml.p7m')).toMatch(/neither a DER nor a Base64 signed file/);
    expect(reason('not-an-invoice.xml')).toMatch(/not a FatturaPA invoice \(root element <Ordine>\)/);
    expect(reason('entity.xml')).toMatch(/DOCTYPE/);
    expect(reason('no-number.xml')).toBe('FatturaElettronicaBody[1]/DatiGenerali/DatiGeneraliDocumento/Numero is missing');
    expect(reason('metadata_MT_001.xml')).toMatch(/SDI FileMetadati file/);
    expect(s.items.find((i) => i.source.endsWith('metadata_MT_001.xml'))!.outcome).toBe('ignored');
    // The re-encoded file: "€" and accents survive windows-1252; the number is kept as text.
    const fpr = byRef(a, 'FPR 3/2017', 2017);
    expect(a.database.sqlite.prepare('SELECT description FROM invoice_lines WHERE invoice_id = ? AND line_no = 1').get(fpr.id)).toEqual({ description: 'Società più € 10' });
    expect(s.items.find((i) => i.ref === 'FPR 3/2017')!.outcome).toBe('added');
    // A file with one unusable body is refused whole (no-number.xml), naming the body.
    expect(s.rejected).toBe(8);
    expect(s.added).toBe(2);
    // BOM file is SOCIETA' ALPHA's: read fine, refused only because the firm is another.
    expect(reason('bom.xml')).toMatch(/is your firm/);
    expect(a.database.sqlite.prepare('SELECT COUNT(*) AS n FROM invoices').get()).toEqual({ n: 2 });
  });

  it('reads zip archives in memory: nested archives, hostile names refused, budgets enforced, and a dry run writes nothing', async () => {
    const a = await app();
    const inner = writeZip([{ name: 'IT02182030391_31.xml.p7m', data: fixture('IT02182030391_31.xml.p7m') }]);
    const zip = writeZip([
      { name: 'fatture/IT02182030391_32.xml', data: fixture('IT02182030391_32.xml') },
      { name: 'fatture/annidato.zip', data: inner, store: true },
      { name: '../../evil.xml', data: fixture('IT02182030391_32.xml') },
      { name: '/etc/abs.xml', data: fixture('IT02182030391_32.xml') },
      { name: 'fatture/leggimi.txt', data: 'ciao' },
    ]);
    const source: ImportSource[] = [{ kind: 'file', name: 'fatture.zip', bytes: zip }];
    const dry = await run(a, source, { firm: '02182030391', dryRun: true });
    expect({ added: dry.added, rejected: dry.rejected, ignored: dry.ignored, clients: dry.clientsCreated, dryRun: dry.dryRun }).toEqual({ added: 3, rejected: 2, ignored: 1, clients: 1, dryRun: true });
    expect(a.database.sqlite.prepare('SELECT COUNT(*) AS n FROM invoices').get()).toEqual({ n: 0 });
    expect(a.database.sqlite.prepare('SELECT COUNT(*) AS n FROM clients').get()).toEqual({ n: 0 });
    expect(getFirm(a.database.sqlite)).toBeNull();
    expect(dry.items.filter((i) => i.outcome === 'rejected').map((i) => [i.source, i.reason])).toEqual([
      ['fatture.zip › ../../evil.xml', expect.stringMatching(/unsafe name/)],
      ['fatture.zip › /etc/abs.xml', expect.stringMatching(/unsafe name/)],
    ]);
    expect(dry.items.some((i) => i.source === 'fatture.zip › fatture/annidato.zip › IT02182030391_31.xml.p7m' && i.outcome === 'added')).toBe(true);

    const real = await run(a, source, { firm: '02182030391' });
    expect(real.added).toBe(3);
    expect(real.invoiceIds).toHaveLength(3);
    expect((await run(a, source)).added).toBe(0);

    const bomb = writeZip([{ name: 'big.xml', data: Buffer.alloc(2_000_000, 0x20) }]);
    const capped = await run(a, [{ kind: 'file', name: 'bomb.zip', bytes: bomb }], { budget: { maxEntries: 10, maxEntryBytes: 1_000_000, maxTotalBytes: 5_000_000, maxDepth: 2 } });
    expect(capped.items[0]).toMatchObject({ source: 'bomb.zip › big.xml', outcome: 'rejected', reason: expect.stringMatching(/larger than 1000000 bytes/) });
    const many = writeZip(Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.xml`, data: '<a/>' })));
    await expect(run(a, [{ kind: 'file', name: 'many.zip', bytes: many }], { budget: { maxEntries: 10, maxEntryBytes: 1_000_000, maxTotalBytes: 5_000_000, maxDepth: 2 } })).rejects.toThrow(
      /many.zip: more than 10 files — stopped/,
    );
  });
});
