// Write → import → the same invoices: every issued invoice of a demo history (plus the writer's
// special cases) is written as FatturaPA, zipped, imported into an empty data folder through the
// real worker, and read back field by field — numbers, dates, document types, totals, withholding,
// stamp duty, lines with their VAT rate or nature, instalments, the client's identity and address.
// Where FatturaPA cannot carry what the app stores, the difference is the documented one.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app';
import { issuedInvoicesForExport, type InvoiceForExport } from '../domain/invoice-export-repository';
import { seedExportHistory, TEST_ISSUER, writeAllIssued } from '../fatturapa/testing/fatturapa-export-fixture';
import { DEFAULT_ZERO_RATE_NATURA, toLatin1 } from '../fatturapa/write-fatturapa';
import { openTestApp, tempDataDir } from '../rag/testing/rag-fixtures';
import { importFatturaPa } from './fatturapa-import';
import type { ImportSummary } from './import-summary';
import { writeZip } from './testing/zip-writer';

const apps: App[] = [];
const dirs: string[] = [];
let source: App;
let target: App;
let written: ReturnType<typeof writeAllIssued>;
let first: ImportSummary;
let zip: Buffer;

beforeAll(async () => {
  for (const prefix of ['of-rt-src-', 'of-rt-dst-']) {
    const dir = tempDataDir(prefix);
    dirs.push(dir);
    apps.push(await openTestApp(dir));
  }
  [source, target] = apps as [App, App];
  seedExportHistory(source, { invoices: 300, clients: 15, seed: 5 });
  written = writeAllIssued(source.database.sqlite);
  zip = writeZip(written.map((w) => ({ name: `fatture/${w.written.fileName}`, data: w.written.xml })));
  first = await importFatturaPa({ sqlite: target.database.sqlite, clients: target.clients, worker: target.worker }, [{ kind: 'file', name: 'fatture.zip', bytes: zip }], {
    firm: TEST_ISSUER.partitaIva,
  });
}, 180_000);

afterAll(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function allIssued(app: App): InvoiceForExport[] {
  const out: InvoiceForExport[] = [];
  for (let page = issuedInvoicesForExport(app.database.sqlite, 0, 1000); page.length; page = issuedInvoicesForExport(app.database.sqlite, page[page.length - 1]!.id, 1000)) out.push(...page);
  return out;
}

/** An invoice as FatturaPA carries it: what the app keeps that the format has no place for is left out or mapped as the writer documents. */
function asCarried(inv: InvoiceForExport) {
  const credit = inv.documentType === 'TD04';
  const instalments = credit ? [] : inv.instalments.filter((p) => p.amountCents > 0).map((p) => ({ dueDate: p.dueDate, amountCents: p.amountCents, method: p.method ?? 'bonifico', iban: p.iban }));
  return {
    number: inv.number,
    year: inv.year,
    documentType: inv.documentType,
    issueDate: inv.issueDate,
    // The import's due date is the first instalment's (a credit note has none: its issue date).
    dueDate: instalments.length ? instalments.map((p) => p.dueDate).sort()[0] : inv.issueDate,
    currency: inv.currency,
    netCents: inv.netCents,
    vatCents: inv.vatCents,
    totalCents: inv.totalCents,
    ritenutaCents: inv.ritenutaCents,
    bolloCents: inv.bolloCents,
    notes: inv.notes === null ? null : toLatin1(inv.notes).replace(/\s+/g, ' ').trim(),
    client: {
      denominazione: toLatin1(inv.client.denominazione),
      partitaIva: inv.client.partitaIva,
      codiceFiscale: inv.client.codiceFiscale,
      address: inv.client.address,
      cap: inv.client.cap,
      city: inv.client.city,
      province: inv.client.province,
      country: inv.client.country,
    },
    lines: inv.lines.map((l) => ({ ...l, description: toLatin1(l.description), natura: l.vatRate === 0 ? (l.natura ?? DEFAULT_ZERO_RATE_NATURA) : null })),
    instalments,
  };
}

describe('FatturaPA round trip (write → import)', () => {
  it('imports every written document as an issued invoice, nothing rejected', () => {
    expect(written.length).toBeGreaterThan(300);
    expect({ files: first.files, documents: first.documents, added: first.added, rejected: first.rejected, skipped: first.skipped, received: first.received, needsFirm: first.needsFirm }).toEqual({
      files: written.length, documents: written.length, added: written.length, rejected: 0, skipped: 0, received: 0, needsFirm: false,
    });
    expect(first.firm).toEqual({ name: TEST_ISSUER.name, partitaIva: TEST_ISSUER.partitaIva, codiceFiscale: TEST_ISSUER.codiceFiscale });
  });

  it('gives back the same invoices field by field', () => {
    const back = new Map(allIssued(target).map((i) => [`${i.year}|${i.number}|${i.documentType}`, asCarried(i)]));
    expect(back.size).toBe(written.length);
    let compared = 0;
    for (const { invoice } of written) {
      const expected = asCarried(invoice);
      expect(back.get(`${invoice.year}|${invoice.number}|${invoice.documentType}`), `${invoice.number}/${invoice.year}`).toEqual(expected);
      compared++;
    }
    expect(compared).toBe(written.length);
    // The comparison covered the special cases, not only plain demo invoices.
    const carried = [...back.values()];
    expect(carried.some((i) => i.documentType === 'TD04')).toBe(true);
    expect(carried.some((i) => i.ritenutaCents > 0 && i.bolloCents === 0)).toBe(true);
    expect(carried.some((i) => i.bolloCents > 0)).toBe(true);
    expect(carried.some((i) => i.instalments.length === 3)).toBe(true);
    expect(carried.some((i) => i.lines.some((l) => l.natura === 'N2.2'))).toBe(true);
    expect(carried.some((i) => i.number === '2025/A/0001')).toBe(true);
  });

  it('creates each client once, and a second import of the same archive adds nothing', async () => {
    const clients = new Set(written.map((w) => w.invoice.client.partitaIva ?? w.invoice.client.codiceFiscale));
    expect(first.clientsCreated).toBe(clients.size);
    const again = await importFatturaPa({ sqlite: target.database.sqlite, clients: target.clients, worker: target.worker }, [{ kind: 'file', name: 'fatture.zip', bytes: zip }]);
    expect({ added: again.added, skipped: again.skipped, rejected: again.rejected }).toEqual({ added: 0, skipped: written.length, rejected: 0 });
  }, 120_000);
});
