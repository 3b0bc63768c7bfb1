import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database';
import { ClientService } from '../domain/client-service';
import { InvoiceService } from '../domain/invoice-service';
import { partitaIvaCheckDigit } from '../domain/italian-ids';
import { PaymentService } from '../domain/payment-service';
import { buildTrainingSet } from '../ml/cash-flow/training-set';
import { csvResultToSummary } from './csv-mapping';
import { importInvoicesCsv, parseMapSpec, type ImportOptions } from './invoice-csv-import';

const piva = (first10: string) => first10 + partitaIvaCheckDigit(first10);
const PIVA_A = piva('0123456789');
const PIVA_B = piva('1111111111');

const dirs: string[] = [];
let database: Database | null = null;
afterEach(async () => {
  await database?.close();
  database = null;
});
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'of-import-'));
  dirs.push(d);
  return d;
}

function services() {
  database = openDatabase(':memory:');
  const clients = new ClientService(database.sqlite);
  const invoices = new InvoiceService(database.sqlite, clients);
  return { sqlite: database.sqlite, clients, invoices, payments: new PaymentService(database.sqlite, invoices) };
}

const count = (d: Database, table: string) => (d.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

const ITALIAN_CSV = [
  'Numero;Anno;Cliente;PIVA;Data;Scadenza;Importo;Pagato il;Importo pagato;Contestata;Descrizione',
  `1;2024;Rossi S.r.l.;${PIVA_A};15/01/2024;14/02/2024;1.220,00;20/02/2024;;no;Consulenza gennaio`,
  `2;2024;ROSSI srl (nome diverso);${PIVA_A};01/02/2024;02/03/2024;500,50;10/03/2024;200,00;;`,
  '3;2024;Bianchi SpA;;01/13/2024;;100;;;;',
  '4;2023;Verdi;;05/02/2024;;100;;;;',
  '5;2024;Bianchi SpA;;06/02/2024;;abc;;;;',
  '6;2024;Bianchi SpA;;07/02/2024;;100,5;01/01/2024;;;',
  `7;2024;Bianchi SpA;;08/02/2024;;2.000;15/03/2024;;sì;"Sviluppo`,
  'modulo ""fatture"""',
  '8;2024;Bianchi SpA;;09/02/2024;;300;;;forse;',
  '9;2024;Nuovo Cliente;12345678901;10/02/2024;;300;;;;',
  '10;2024;bianchi spa;;11/02/2024;;50;12/02/2024;500;;',
  '11;2024;BIANCHI SPA;;12/02/2024;;80;;;;',
  '1;2024;Rossi S.r.l.;;12/02/2024;;70;;;;',
].join('\n');

const ITALIAN_MAP = parseMapSpec([
  'number=Numero,year=Anno,client_name=Cliente,client_piva=PIVA,issue_date=Data,due_date=Scadenza,total=Importo',
  'paid_date=Pagato il,paid_amount=Importo pagato,disputed=Contestata,description=Descrizione',
]);

const opts = (o: Partial<ImportOptions> = {}): ImportOptions => ({ map: ITALIAN_MAP, dateFormat: 'DD/MM/YYYY', strict: false, source: 'storico.csv', ...o });

describe('importInvoicesCsv', () => {
  it('imports the valid rows, matches clients by P.IVA then name, records payments, and reports each bad row by line and field', async () => {
    const s = services();
    const r = await importInvoicesCsv(s, ITALIAN_CSV, opts());
    expect(r.rows).toBe(12);
    expect(r.imported).toBe(4);
    expect(r.nothingWritten).toBe(false);
    expect(r.rejects.map((x) => [x.line, x.field, x.column])).toEqual([
      [4, 'issue_date', 'Data'],
      [5, 'year', 'Anno'],
      [6, 'total', 'Importo'],
      [7, 'paid_date', 'Pagato il'],
      [10, 'disputed', 'Contestata'],
      [11, 'client_piva', 'PIVA'],
      [12, 'paid_amount', 'Importo pagato'],
      [14, 'number', 'Numero'],
    ]);
    expect(r.rejects[0]!.reason).toContain('"01/13/2024" is not a valid date in the format DD/MM/YYYY');
    expect(r.rejects[5]!.reason).toMatch(/P\.IVA/);
    expect(r.rejects[7]!.reason).toMatch(/1\/2024 is already used by the invoice of 2024-01-15 to Rossi S\.r\.l\./);
    expect(r.rejects[0]!.reason).toContain('as M/D/YYYY it would be 2024-01-13: try --date-format M/D/YYYY');
    // Rossi matched twice by P.IVA (the second row's name differs); Bianchi created once, then matched by name.
    expect(s.sqlite.prepare('SELECT denominazione, partita_iva FROM clients ORDER BY id').all()).toEqual([
      { denominazione: 'Rossi S.r.l.', partita_iva: PIVA_A },
      { denominazione: 'Bianchi SpA', partita_iva: null },
    ]);
    expect(r.clientsCreated).toBe(2);
    const inv = s.sqlite.prepare('SELECT number, year, client_id, issue_date, due_date, total_cents, status, disputed FROM invoices ORDER BY id').all();
    expect(inv).toEqual([
      { number: '1', year: 2024, client_id: 1, issue_date: '2024-01-15', due_date: '2024-02-14', total_cents: 122_000, status: 'paid', disputed: 0 },
      { number: '2', year: 2024, client_id: 1, issue_date: '2024-02-01', due_date: '2024-03-02', total_cents: 50_050, status: 'partially_paid', disputed: 0 },
      { number: '7', year: 2024, client_id: 2, issue_date: '2024-02-08', due_date: '2024-03-09', total_cents: 200_000, status: 'paid', disputed: 1 },
      { number: '11', year: 2024, client_id: 2, issue_date: '2024-02-12', due_date: '2024-03-13', total_cents: 8_000, status: 'issued', disputed: 0 },
    ]);
    expect(s.sqlite.prepare(`SELECT description FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.number = '7'`).get()).toEqual({
      description: 'Sviluppo\nmodulo "fatture"',
    });
    expect(r.paymentsRecorded).toBe(3);
    // The imported history trains the cash-flow model: days from issue to full payment.
    expect(buildTrainingSet(s.sqlite).map((t) => t.target)).toEqual([36, 36]);
  });

  it('--strict writes nothing when any row is invalid, but still reports every reject', async () => {
    const s = services();
    const r = await importInvoicesCsv(s, ITALIAN_CSV, opts({ strict: true }));
    expect(r.nothingWritten).toBe(true);
    expect(r.imported).toBe(0);
    expect(r.rejected).toBe(8);
    expect(r.rows).toBe(12);
    for (const t of ['clients', 'invoices', 'invoice_lines', 'payments', 'rag_changes']) expect(count(database!, t)).toBe(0);
  });

  it('reads MM/DD/YYYY dates, tab delimiters, dot decimals, headers named like the fields, and client ids', async () => {
    const s = services();
    const existing = s.clients.create({ denominazione: 'Cliente Esistente', partitaIva: PIVA_B });
    const csv = ['client_id\tissue_date\ttotal\tpaid_date', `${existing.id}\t02/28/2025\t1234.5\t03/31/2025`, `999\t03/01/2025\t10\t`].join('\n');
    const r = await importInvoicesCsv(s, csv, { map: {}, dateFormat: 'MM/DD/YYYY', strict: false, source: 'x.csv' });
    expect(r.imported).toBe(1);
    expect(r.rejects).toEqual([{ line: 3, field: 'client_id', column: 'client_id', reason: 'no client with id 999', message: { code: 'csv-no-client', params: { id: '999' } } }]);
    expect(s.sqlite.prepare('SELECT client_id, issue_date, total_cents, status FROM invoices').get()).toEqual({
      client_id: existing.id,
      issue_date: '2025-02-28',
      total_cents: 123_450,
      status: 'paid',
    });
  });

  it('rejects bad options before reading any row, naming the flag', async () => {
    const s = services();
    expect(() => parseMapSpec(['foo=Bar'])).toThrow(/--map: unknown field "foo"/);
    expect(() => parseMapSpec(['issue_date'])).toThrow(/--map: expected field=Column/);
    await expect(importInvoicesCsv(s, ITALIAN_CSV, opts({ map: { ...ITALIAN_MAP, due_date: 'Nope' } }))).rejects.toThrow(/--map: column "Nope" \(for due_date\) is not in the CSV header/);
    await expect(importInvoicesCsv(s, ITALIAN_CSV, opts({ dateFormat: 'DD/MM' }))).rejects.toThrow(/--date-format/);
    await expect(importInvoicesCsv(s, ITALIAN_CSV, opts({ delimiter: ';;' }))).rejects.toThrow(/--delimiter/);
    await expect(importInvoicesCsv(s, 'a,b\n1,2', opts({ map: {} }))).rejects.toThrow(/no column for issue_date/);
    expect(count(database!, 'invoices')).toBe(0);
  });
});

describe('openfatture import invoices', () => {
  function cli(dataDir: string, ...args: string[]) {
    const r = spawnSync('node', ['bin/openfatture.js', '--data-dir', dataDir, 'import', 'invoices', ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const mapArgs = [
    '--map',
    'number=Numero,year=Anno,client_name=Cliente,client_piva=PIVA,issue_date=Data,due_date=Scadenza,total=Importo',
    '--map',
    'paid_date=Pagato il,paid_amount=Importo pagato,disputed=Contestata,description=Descrizione',
    '--date-format',
    'DD/MM/YYYY',
  ];

  it('exits 0 with the rejects printed, exits 2 and writes nothing with --strict or when every row is bad', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'storico.csv');
    fs.writeFileSync(file, ITALIAN_CSV);
    const strict = cli(dir, file, ...mapArgs, '--strict', '--json');
    expect(strict.code).toBe(2);
    expect(JSON.parse(strict.stdout)).toMatchObject({ rows: 12, imported: 0, rejected: 8, nothingWritten: true });
    const db = openDatabase(path.join(dir, 'openfatture.db'));
    expect(count(db, 'invoices')).toBe(0);
    void db.close();

    const ok = cli(dir, file, ...mapArgs);
    expect(ok.code, ok.stderr).toBe(3); // imported, with rejected rows
    expect(ok.stdout).toContain('Imported 4 of 12 invoice(s)');
    expect(ok.stdout).toMatch(/4 +issue_date \(Data\) +"01\/13\/2024" is not a valid date/);

    const again = cli(dir, file, ...mapArgs, '--json');
    expect(again.code).toBe(2); // nothing new: the good rows are skipped, the bad ones still rejected
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, skipped: 4, rejected: 8 });

    const missing = cli(dir, path.join(dir, 'nope.csv'), ...mapArgs);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('file: cannot read');
    const badMap = cli(dir, file, '--map', 'when=Data');
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toContain('--map: unknown field "when"');
  });
});

describe('CSV import for a new user', () => {
  const US = [
    'invoice,client,issue_date,due_date,total,paid_date',
    '1234567890,6627-ELFBK,1/15/2024,2/14/2024,1200.00,2/20/2024',
    '1234567891,6627-ELFBK,3/1/2024,,80.50,',
    '1234567892,7590-VHVEG,12/28/2024,1/27/2025,300,',
  ].join('\n');
  const usMap = parseMapSpec(['number=invoice']);

  it('detects US dates without a flag, names clients by their text id, keeps 10-digit numbers, says a blank due date was defaulted', async () => {
    const s = services();
    const r = await importInvoicesCsv(s, US, { map: usMap, strict: false, source: 'us.csv' });
    expect(r).toMatchObject({ dateFormat: 'M/D/YYYY', added: 3, rejected: 0, clientsCreated: 2 });
    expect(s.sqlite.prepare('SELECT i.number, i.issue_date, c.denominazione, c.external_ref FROM invoices i JOIN clients c ON c.id = i.client_id ORDER BY i.id').all()).toEqual([
      { number: '1234567890', issue_date: '2024-01-15', denominazione: '6627-ELFBK', external_ref: '6627-ELFBK' },
      { number: '1234567891', issue_date: '2024-03-01', denominazione: '6627-ELFBK', external_ref: '6627-ELFBK' },
      { number: '1234567892', issue_date: '2024-12-28', denominazione: '7590-VHVEG', external_ref: '7590-VHVEG' },
    ]);
    expect(r.notes).toEqual([
      { line: 3, field: 'due_date', message: "blank: defaulted to 2024-03-31 (issue date + 30 days, the client's terms)", code: { code: 'due-defaulted', params: { date: '2024-03-31', days: 30 } } },
    ]);
    // The app's own numbering is untouched by a 10-digit imported number.
    expect(s.invoices.nextNumber(2024)).toBe('1');
  });

  it('stops with a question when every day is 12 or less, and accepts the answer', async () => {
    const s = services();
    const csv = 'client,issue_date,total\nRossi,03/04/2024,10\nBianchi,05/06/2024,20';
    await expect(importInvoicesCsv(s, csv, { map: {}, strict: false, source: 'x.csv' })).rejects.toThrow(
      /--date-format: the dates in issue_date read as day\/month and as month\/day .*"03\/04\/2024".*--date-format D\/M\/YYYY or --date-format M\/D\/YYYY/,
    );
    expect(count(database!, 'invoices')).toBe(0);
    const r = await importInvoicesCsv(s, csv, { map: {}, dateFormat: 'D/M/YYYY', strict: false, source: 'x.csv' });
    expect(r.added).toBe(2);
    expect(s.sqlite.prepare('SELECT issue_date FROM invoices ORDER BY id').all()).toEqual([{ issue_date: '2024-04-03' }, { issue_date: '2024-06-05' }]);
  });

  it('re-importing adds 0; a changed row updates its invoice; a dry run reports without writing', async () => {
    const s = services();
    const first = await importInvoicesCsv(s, US, { map: usMap, strict: false, source: 'us.csv' });
    const again = await importInvoicesCsv(s, US, { map: usMap, strict: false, source: 'us.csv' });
    expect(again).toMatchObject({ added: 0, updated: 0, skipped: 3, rejected: 0 });
    expect(count(database!, 'invoices')).toBe(3);
    const changed = US.replace('1234567891,6627-ELFBK,3/1/2024,,80.50,', '1234567891,6627-ELFBK,3/1/2024,,95.00,3/20/2024');
    const dry = await importInvoicesCsv(s, changed, { map: usMap, strict: false, dryRun: true, source: 'us.csv' });
    expect(dry).toMatchObject({ dryRun: true, nothingWritten: true, added: 0, updated: 1, skipped: 2 });
    expect(s.sqlite.prepare("SELECT total_cents FROM invoices WHERE number = '1234567891'").get()).toEqual({ total_cents: 8_050 });
    const upd = await importInvoicesCsv(s, changed, { map: usMap, strict: false, source: 'us.csv' });
    expect(upd).toMatchObject({ added: 0, updated: 1, skipped: 2, paymentsRecorded: 1 });
    expect(s.sqlite.prepare("SELECT id, total_cents, status FROM invoices WHERE number = '1234567891'").get()).toEqual({ id: first.invoiceIds[1], total_cents: 9_500, status: 'paid' });
    expect(count(database!, 'invoices')).toBe(3);
  });

  it('reports every problem of a row, and says a short row is truncated', async () => {
    const s = services();
    const csv = ['client,issue_date,due_date,total,disputed', 'Rossi,2024-13-01,,abc,forse', 'Bianchi,2024-01-05'].join('\n');
    const r = await importInvoicesCsv(s, csv, { map: {}, dateFormat: 'YYYY-MM-DD', strict: false, source: 'x.csv' });
    expect(r.rejected).toBe(2);
    expect(r.rejects.map((x) => [x.line, x.field])).toEqual([
      [2, 'issue_date'],
      [2, 'total'],
      [2, 'disputed'],
      [3, 'row'],
    ]);
    expect(r.rejects[3]!.reason).toBe('truncated: 2 of 5 columns (missing due_date, total, disputed)');
    expect(r.nothingWritten).toBe(true);
    // The page's summary keeps each reason with its code, so it can say them in Italian.
    const item = csvResultToSummary('x.csv', r, 0).items.find((i) => i.source === 'x.csv, line 2')!;
    expect(item.reasonParts?.map((p) => p.message?.code)).toEqual(['csv-bad-date', 'csv-bad-amount', 'csv-bad-yes-no']);
    expect(item.reasonParts?.[1]).toEqual({ text: 'total (total): "abc" is not an amount in euro (like 1234.56 or 1.234,56)', message: { code: 'csv-bad-amount', params: { value: 'abc', field: 'total', csvColumn: 'total' } } });
    expect(item.reason).toBe(item.reasonParts!.map((p) => p.text).join('; '));
  });

  it('exits 3 when some rows are imported and others rejected, 0 when all are in', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'us.csv');
    fs.writeFileSync(file, US + '\nX-1,Bad Client,2/30/2024,,10,');
    const run = (...a: string[]) => spawnSync('node', ['bin/openfatture.js', '--data-dir', dir, 'import', 'invoices', file, '--map', 'number=invoice', ...a], { encoding: 'utf8' });
    const partial = run();
    expect(partial.status, partial.stderr).toBe(3);
    expect(partial.stdout).toMatch(/3 added, 0 updated, 0 skipped \(already imported\), 1 rejected/);
    expect(partial.stdout).toMatch(/5 +issue_date +"2\/30\/2024" is not a valid date in the format M\/D\/YYYY/);
    fs.writeFileSync(file, US);
    const all = run();
    expect(all.status, all.stderr).toBe(0);
    expect(all.stdout).toContain('Nothing new: every row was already imported.');
    const help = spawnSync('node', ['bin/openfatture.js', 'import', 'invoices', '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/YYYY-MM-DD \(ISO\), D\/M\/YYYY\s+\(Italian\), M\/D\/YYYY \(US\)/);
  });
});

describe('importInvoicesCsv in slices', () => {
  /** Rows for `clients` new clients (named by a text id), `perClient` invoices each, numbered per year. */
  function bigCsv(clients: number, perClient: number): string {
    const rows = ['invoice,client,issue_date,total'];
    let n = 0;
    for (let c = 1; c <= clients; c++) for (let k = 0; k < perClient; k++) rows.push(`${++n},C-${c},2024-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')},${100 + (n % 900)}.${String(n % 100).padStart(2, '0')}`);
    return rows.join('\n');
  }
  const map = parseMapSpec(['number=invoice']);

  it('writes one row per transaction as it writes them all at once: same counts, clients created once, a dry run predicting the run', async () => {
    // At the end, many transactions later: an exact copy of line 2 (skipped) and line 8 with another
    // total (rejected). New clients created in different rolled-back transactions of the dry run get
    // the same ids without being taken for one another.
    const csv = `${bigCsv(40, 5)}\n1,C-1,2024-02-02,101.01\n7,C-2,2024-08-08,99.00`;
    const whole = services();
    const atOnce = await importInvoicesCsv(whole, csv, { map, strict: true, dryRun: true, source: 'big.csv' });
    await database!.close();
    const s = services();
    const dry = await importInvoicesCsv(s, csv, { map, strict: false, dryRun: true, source: 'big.csv', sliceMs: 0 });
    expect(count(database!, 'invoices')).toBe(0);
    expect(count(database!, 'clients')).toBe(0);
    const run = await importInvoicesCsv(s, csv, { map, strict: false, source: 'big.csv', sliceMs: 0 });
    for (const r of [dry, run]) {
      expect({ added: r.added, skipped: r.skipped, rejected: r.rejected, clientsCreated: r.clientsCreated }).toEqual({
        added: atOnce.added, skipped: atOnce.skipped, rejected: atOnce.rejected, clientsCreated: atOnce.clientsCreated,
      });
    }
    expect({ added: run.added, skipped: run.skipped, rejected: run.rejected, clientsCreated: run.clientsCreated }).toEqual({ added: 200, skipped: 1, rejected: 1, clientsCreated: 40 });
    expect(run.rejects).toEqual([{ line: 203, field: 'row', column: null, reason: 'same client, number and issue date as line 8, with other values', message: { code: 'csv-same-row-differs', params: { line: '8' } } }]);
    expect(count(database!, 'invoices')).toBe(200);
    expect(count(database!, 'clients')).toBe(40);
    const again = await importInvoicesCsv(s, csv, { map, strict: false, source: 'big.csv', sliceMs: 0 });
    expect({ added: again.added, skipped: again.skipped }).toEqual({ added: 0, skipped: 201 });
  });

  it('yields to the event loop while it parses, checks and writes, and reports progress for each', async () => {
    const s = services();
    const csv = bigCsv(50, 60);
    let turns = 0;
    let running = true;
    const spin = () => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const steps = new Set<string>();
    const r = await importInvoicesCsv(s, csv, { map, strict: false, source: 'big.csv', sliceMs: 2, onProgress: (_d, _t, step) => steps.add(step) });
    running = false;
    expect(r.added).toBe(3_000);
    // Other work ran many times while 3,000 rows were read and written.
    expect(turns).toBeGreaterThan(20);
    expect([...steps].sort()).toEqual(['importing', 'reading']);
  });

  it('--strict stays all or nothing: a bad last row leaves the database as it was', async () => {
    const s = services();
    const r = await importInvoicesCsv(s, `${bigCsv(10, 30)}\n999,C-1,2024-02-30,10.00`, { map, strict: true, source: 'big.csv', sliceMs: 0 });
    expect({ rejected: r.rejected, nothingWritten: r.nothingWritten, added: r.added }).toEqual({ rejected: 1, nothingWritten: true, added: 0 });
    expect(count(database!, 'invoices')).toBe(0);
    expect(count(database!, 'clients')).toBe(0);
  });
});
