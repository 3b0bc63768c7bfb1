// Test and benchmark support for the FatturaPA writer: an issuing firm, a history that exercises
// what the writer has to get right (demo invoices plus app invoices with a series number, a credit
// note, withholding, stamp duty, VAT natures, instalments, long notes and text outside Latin-1), and
// validation of written files against the official schema with xmllint (Debian: libxml2-utils).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import type { App } from '../../app';
import { generateDemo } from '../../demo/generate-demo';
import { issuedInvoicesForExport, type InvoiceForExport } from '../../domain/invoice-export-repository';
import { progressiveOf, writeFatturaPa, type FatturaIssuer, type WrittenFattura } from '../write-fatturapa';

export const FATTURAPA_XSD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/fixtures/fatturapa/xsd');
export const ORDINARY_XSD = path.join(FATTURAPA_XSD_DIR, 'Schema_del_file_xml_FatturaPA_v1.2.2.xsd');

export const TEST_ISSUER: FatturaIssuer = {
  name: 'Studio Demo Informatica Srl',
  partitaIva: '01234567897',
  codiceFiscale: '01234567897',
  regimeFiscale: 'RF01',
  address: 'Via Giuseppe Verdi 12',
  cap: '20121',
  city: 'Milano',
  province: 'MI',
  country: 'IT',
};

/** Demo invoices, then app invoices covering the writer's special cases. Returns the special invoices' ids by what they exercise. */
export function seedExportHistory(app: App, demo: { invoices: number; clients: number; seed?: number }): Record<string, number> {
  const sqlite = app.database.sqlite;
  generateDemo(sqlite, { clients: demo.clients, invoices: demo.invoices, seed: demo.seed ?? 11, today: '2025-06-30', years: 2 });
  const bar = app.clients.create({
    denominazione: 'Caffè “Aurora” – Società Cooperativa',
    partitaIva: '07654321095',
    address: 'Corso Magenta 5',
    cap: '20123',
    city: 'Milano',
    province: 'MI',
  });
  const person = app.clients.create({ denominazione: 'Mario Rossi', codiceFiscale: 'RSSMRA85T10A562S', address: 'Via Po 3', cap: '10123', city: 'Torino', province: 'TO' });
  const ids: Record<string, number> = {};
  ids.series = app.invoices.create({ clientId: bar.id, issueDate: '2025-02-03', series: 'A', lines: [{ description: 'Consulenza (serie A)', quantity: 2.5, unitPriceCents: 12_345, vatRate: 22 }] }).invoice.id;
  ids.customNumber = app.invoices.create({ clientId: bar.id, issueDate: '2025-02-04', number: 'FPR 12/2025', lines: [{ description: 'Manuali', quantity: 3, unitPriceCents: 2_990, vatRate: 4 }] }).invoice.id;
  ids.creditNote = app.invoices.create({ clientId: bar.id, issueDate: '2025-02-10', documentType: 'TD04', lines: [{ description: 'Nota di credito: reso di 1 manuale', quantity: 1, unitPriceCents: 2_990, vatRate: 4 }] }).invoice.id;
  ids.withholding = app.invoices.create({ clientId: person.id, issueDate: '2025-03-01', ritenutaRate: 20, lines: [{ description: 'Prestazione professionale', quantity: 1, unitPriceCents: 100_000, vatRate: 22 }] }).invoice.id;
  ids.exemptWithStamp = app.invoices.create({
    clientId: person.id,
    issueDate: '2025-03-15',
    lines: [
      { description: 'Formazione in aula (esente art. 10)', quantity: 2, unitPriceCents: 70_000, vatRate: 0 },
      { description: 'Materiale didattico', quantity: 10, unitPriceCents: 1_250, vatRate: 22 },
    ],
  }).invoice.id;
  ids.natura = app.invoices.create({ clientId: bar.id, issueDate: '2025-04-01', lines: [{ description: 'Servizio non soggetto', quantity: 1, unitPriceCents: 50_000, vatRate: 0 }] }).invoice.id;
  setLineNatura(sqlite, ids.natura, 1, 'N2.2');
  ids.instalments = app.invoices.create({
    clientId: bar.id,
    issueDate: '2025-04-20',
    instalments: 3,
    paymentTermsDays: 30,
    lines: [{ description: 'Sviluppo software – fase 1 “analisi”', quantity: 12, unitPriceCents: 45_000, vatRate: 22 }],
  }).invoice.id;
  ids.longNotes = app.invoices.create({
    clientId: bar.id,
    issueDate: '2025-05-02',
    notes: `Rif. ordine 2025/77 del 28/04/2025. ${'Consegna presso la sede operativa, orario 9–18, previo avviso telefonico al referente. '.repeat(4)}Grazie.`,
    lines: [{ description: 'Canone di manutenzione', quantity: 1, unitPriceCents: 60_000, vatRate: 22 }],
  }).invoice.id;
  return ids;
}

function setLineNatura(sqlite: BetterSqlite3.Database, invoiceId: number, lineNo: number, natura: string): void {
  sqlite.prepare('UPDATE invoice_lines SET natura = ? WHERE invoice_id = ? AND line_no = ?').run(natura, invoiceId, lineNo);
}

/** Every issued invoice of the database, written with progressives 1, 2, … */
export function writeAllIssued(sqlite: BetterSqlite3.Database, issuer: FatturaIssuer = TEST_ISSUER): { invoice: InvoiceForExport; written: WrittenFattura }[] {
  const out: { invoice: InvoiceForExport; written: WrittenFattura }[] = [];
  let after = 0;
  for (;;) {
    const page = issuedInvoicesForExport(sqlite, after, 500);
    if (page.length === 0) return out;
    for (const invoice of page) out.push({ invoice, written: writeFatturaPa(invoice, issuer, progressiveOf(out.length + 1)) });
    after = page[page.length - 1]!.id;
  }
}

export interface XsdReport {
  /** Files xmllint says validate. */
  valid: string[];
  /** Files it refused, with its messages. */
  invalid: { file: string; messages: string[] }[];
}

/** Validates files with `xmllint --noout --schema`; rejects when xmllint is not installed. */
export function validateWithXmllint(files: readonly string[], schema = ORDINARY_XSD): Promise<XsdReport> {
  return new Promise((resolve, reject) => {
    execFile('xmllint', ['--noout', '--schema', schema, ...files], { maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('xmllint is not installed (Debian/Ubuntu: apt-get install libxml2-utils)'));
        return;
      }
      const valid: string[] = [];
      const messages = new Map<string, string[]>();
      for (const line of stderr.split('\n')) {
        if (line.endsWith(' validates')) valid.push(line.slice(0, -' validates'.length));
        else {
          const file = files.find((f) => line.startsWith(`${f}:`) || line === `${f} fails to validate`);
          if (file) messages.set(file, [...(messages.get(file) ?? []), line.slice(file.length + 1).trim()]);
        }
      }
      resolve({ valid, invalid: [...messages].map(([file, m]) => ({ file, messages: m })) });
    });
  });
}

/** Writes the documents into `dir` under their SDI names; returns the paths. */
export function saveWritten(dir: string, written: readonly WrittenFattura[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return written.map((w) => {
    const file = path.join(dir, w.fileName);
    fs.writeFileSync(file, w.xml);
    return file;
  });
}
