// `openfatture import fatturapa PATH…` and the Import page: FatturaPA files, folders and zip archives
// → invoices. Three steps, so the main thread never blocks: (1) expand the sources into files (async
// folder walk, archives inflated off-thread by zlib), (2) read them in the worker process in chunks
// (signatures, encodings, XML), (3) write the documents in small transactions, yielding between them.
// Idempotent on the natural key (issuer, document type, number, date): a document already imported
// with the same content is skipped, one with the same key and other content is reported, never
// merged. Each transaction holds whole files, so a killed import keeps what it committed and a re-run
// skips it. A dry run goes through exactly the same steps and rolls every transaction back.
import type BetterSqlite3 from 'better-sqlite3';
import { addDays, daysBetween } from '../dates';
import type { ClientService } from '../domain/client-service';
import { ImportedInvoiceRepository } from '../domain/imported-invoice-repository';
import { invoiceLabel, invoiceNumberProblem } from '../domain/invoice-number';
import { InputError } from '../errors';
import type { FatturaFileResult, FatturaInvoice } from '../fatturapa/fatturapa-types';
import type { Logger } from '../logger';
import type { Progress } from '../worker/protocol';
import type { WorkerHost } from '../worker/worker-host';
import { directionOf, firmCandidates, getFirm, isFirm, setFirm, type Firm } from './firm';
import { addItem, emptySummary, type ImportItem, type ImportSummary } from './import-summary';
import { DEFAULT_BUDGET, expandSources, type ArchiveBudget, type ImportSource } from './import-sources';
import { readFatturaInWorker } from './fatturapa-jobs';
import { PartyClientResolver } from './party-client';
import { SqlRunner } from '../db/sql-runner';

export interface FatturaPaImportDeps {
  sqlite: BetterSqlite3.Database;
  clients: ClientService;
  worker: WorkerHost;
  logger?: Logger;
}

export interface FatturaPaImportOptions {
  dryRun?: boolean;
  /** The user's firm P.IVA or codice fiscale, confirming (or changing) the stored one. */
  firm?: string;
  onProgress?: (p: Progress) => void;
  budget?: ArchiveBudget;
  /** Files per worker call and documents per transaction (benchmarks tune them). */
  readChunk?: number;
  writeChunk?: number;
}

/** ModalitaPagamento → the app's payment methods. */
const METHOD: Record<string, string> = {
  MP01: 'contanti', MP02: 'assegno', MP03: 'assegno', MP05: 'bonifico', MP07: 'altro', MP08: 'carta',
  MP09: 'rid', MP10: 'rid', MP11: 'rid', MP12: 'riba', MP19: 'rid', MP20: 'rid', MP21: 'rid',
};

class DryRunRollback extends Error {}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Doc {
  file: string;
  invoice: FatturaInvoice;
}

/** Reads, classifies and writes FatturaPA sources; returns the summary (counts, one item per document). */
export async function importFatturaPa(deps: FatturaPaImportDeps, sources: readonly ImportSource[], options: FatturaPaImportOptions = {}): Promise<ImportSummary> {
  const t0 = performance.now();
  const dryRun = options.dryRun ?? false;
  const summary = emptySummary('fatturapa', dryRun);
  const progress = options.onProgress ?? (() => undefined);

  // 1. Expand folders and archives.
  const files: { name: string; bytes: Uint8Array }[] = [];
  for await (const e of expandSources(sources, options.budget ?? DEFAULT_BUDGET)) {
    if (e.bytes) files.push({ name: e.name, bytes: e.bytes });
    else if (e.problem) addItem(summary, { source: e.name, ref: null, outcome: 'rejected', direction: null, reason: e.problem, notes: [] });
    else addItem(summary, { source: e.name, ref: null, outcome: 'ignored', direction: null, reason: e.ignored, notes: [] });
    if (files.length % 500 === 0) progress({ step: 'collecting', current: files.length, total: 0 });
  }
  summary.files = files.length + summary.rejected;

  // 2. Read them in the worker, a chunk at a time (bounded messages, steady progress).
  const readChunk = options.readChunk ?? 100;
  const docs: Doc[] = [];
  progress({ step: 'reading', current: 0, total: files.length });
  for (let i = 0; i < files.length; i += readChunk) {
    const chunk = files.slice(i, i + readChunk);
    let results: FatturaFileResult[];
    try {
      results = await readFatturaInWorker(deps.worker, chunk);
    } catch (e) {
      results = chunk.map((f) => ({ name: f.name, status: 'rejected' as const, reason: `could not be read: ${(e as Error).message}` }));
    }
    for (const r of results) {
      if (r.status === 'ok') for (const invoice of r.invoices) docs.push({ file: r.invoices.length > 1 ? `${r.name} (body ${invoice.body} of ${invoice.bodies})` : r.name, invoice });
      else addItem(summary, { source: r.name, ref: null, outcome: r.status, direction: null, reason: r.reason, notes: [] });
    }
    progress({ step: 'reading', current: Math.min(i + readChunk, files.length), total: files.length });
  }
  files.length = 0;
  summary.documents = docs.length;

  // 3. Which party is the user's firm.
  let firm = getFirm(deps.sqlite);
  if (options.firm !== undefined) {
    const wanted = options.firm.replace(/\s+/g, '').toUpperCase().replace(/^IT(?=\d{11}$)/, '');
    const probe: Firm = { name: '', partitaIva: /^\d{11}$/.test(wanted) ? wanted : null, codiceFiscale: /^\d{11}$/.test(wanted) ? wanted : wanted };
    const party = docs.map((d) => d.invoice).flatMap((i) => [i.issuer, i.customer]).find((p) => isFirm(probe, p));
    const name = party?.name ?? firm?.name;
    if (!name) throw new InputError(`--firm: no document names ${options.firm} as issuer or customer, and no firm is set yet`, '--firm');
    const asCf = probe.partitaIva === null ? wanted : (party?.codiceFiscale ?? null);
    const candidate = { name, partitaIva: probe.partitaIva ?? (party?.vatCode && /^\d{11}$/.test(party.vatCode) ? party.vatCode : null), codiceFiscale: asCf };
    firm = dryRun ? candidate : setFirm(deps.sqlite, candidate, true).firm;
  }
  summary.firm = firm;
  if (!firm) {
    summary.needsFirm = docs.length > 0;
    summary.firmCandidates = firmCandidates(docs.map((d) => d.invoice));
    if (summary.needsFirm) {
      summary.durationMs = performance.now() - t0;
      return summary;
    }
  }

  // 4. Write, a few documents per transaction.
  const store = new ImportedInvoiceRepository(deps.sqlite);
  const resolver = new PartyClientResolver(deps.sqlite, deps.clients);
  const seen = new Map<string, { hash: string; file: string }>();
  const createdClients = new Set<string>();
  const writeChunk = options.writeChunk ?? 20;
  progress({ step: 'importing', current: 0, total: docs.length });
  for (let i = 0; i < docs.length; i += writeChunk) {
    const batch = docs.slice(i, i + writeChunk);
    const items: ImportItem[] = [];
    const ids: number[] = [];
    let clientsCreated = 0;
    const sql = SqlRunner.of(deps.sqlite);
    const run = () => sql.transaction(() => {
      for (const d of batch) {
        const before = { clientsCreated };
        try {
          sql.transaction(() => {
            const item = writeDocument(d, firm!, store, resolver, seen, (key) => {
              if (!createdClients.has(key)) {
                createdClients.add(key);
                clientsCreated++;
              }
            }, ids);
            items.push(item);
          });
        } catch (e) {
          clientsCreated = before.clientsCreated;
          items.push({ source: d.file, ref: invoiceLabel(d.invoice.number, Number(d.invoice.issueDate.slice(0, 4))), outcome: 'rejected', direction: null, reason: `could not be written: ${(e as Error).message}`, notes: d.invoice.tolerated });
        }
      }
      if (dryRun) throw new DryRunRollback();
    }, 'immediate');
    try {
      run();
    } catch (e) {
      if (!(e instanceof DryRunRollback)) throw e;
    }
    for (const item of items) {
      addItem(summary, item);
      if (item.outcome === 'added' && item.direction === 'received') summary.received++;
    }
    summary.clientsCreated += clientsCreated;
    if (!dryRun) for (const id of ids) summary.invoiceIds.push(id);
    progress({ step: 'importing', current: Math.min(i + writeChunk, docs.length), total: docs.length });
    await tick();
  }
  summary.durationMs = performance.now() - t0;
  deps.logger?.info(
    `FatturaPA import${dryRun ? ' (dry run)' : ''}: ${summary.added} added (${summary.received} received), ${summary.skipped} skipped, ${summary.rejected} rejected, ${summary.ignored} ignored in ${(summary.durationMs / 1000).toFixed(1)}s`,
  );
  return summary;
}

function writeDocument(
  d: Doc,
  firm: Firm,
  store: ImportedInvoiceRepository,
  resolver: PartyClientResolver,
  seen: Map<string, { hash: string; file: string }>,
  clientCreated: (key: string) => void,
  ids: number[],
): ImportItem {
  const inv = d.invoice;
  const year = Number(inv.issueDate.slice(0, 4));
  const ref = invoiceLabel(inv.number, year);
  const notes = [...inv.tolerated];
  const item = (outcome: ImportItem['outcome'], direction: ImportItem['direction'], reason: string | null): ImportItem => ({ source: d.file, ref, outcome, direction, reason, notes });
  const direction = directionOf(firm, inv);
  if (!direction) {
    return item('rejected', null, `neither the issuer (${inv.issuer.name}) nor the customer (${inv.customer.name}) is your firm (${firm.name}${firm.partitaIva ? `, P.IVA ${firm.partitaIva}` : ''})`);
  }
  const numberProblem = invoiceNumberProblem(inv.number);
  if (numberProblem) return item('rejected', direction, `Numero ${numberProblem}`);
  if (inv.currency !== 'EUR') return item('rejected', direction, `amounts are in ${inv.currency}; only EUR invoices can be imported`);
  const supplierKey = inv.issuer.vatCode ? `${inv.issuer.vatCountry ?? 'IT'}${inv.issuer.vatCode}` : inv.issuer.codiceFiscale!;
  const key = direction === 'issued' ? `I|${inv.documentType}|${inv.number}|${inv.issueDate}` : `R|${supplierKey}|${inv.documentType}|${inv.number}|${inv.issueDate}`;
  const earlier = seen.get(key);
  if (earlier) {
    return earlier.hash === inv.hash
      ? item('skipped', direction, `same invoice as ${earlier.file}`)
      : item('rejected', direction, `same issuer, type, number and date as ${earlier.file}, but different content: not merged`);
  }
  seen.set(key, { hash: inv.hash, file: d.file });

  if (direction === 'received') {
    const existing = store.received(supplierKey, inv.documentType, inv.number, inv.issueDate);
    if (existing) {
      return existing.source_hash === inv.hash
        ? item('skipped', direction, 'already imported')
        : item('rejected', direction, 'already imported with different content (the file changed): not merged');
    }
    store.insertReceived({
      supplierName: inv.issuer.name,
      supplierVat: inv.issuer.vatCode ? `${inv.issuer.vatCountry ?? 'IT'}${inv.issuer.vatCode}` : null,
      supplierCf: inv.issuer.codiceFiscale,
      supplierKey,
      documentType: inv.documentType,
      number: inv.number,
      issueDate: inv.issueDate,
      currency: inv.currency,
      netCents: inv.netCents,
      vatCents: inv.vatCents,
      totalCents: inv.totalCents,
      ritenutaCents: inv.ritenutaCents,
      bolloCents: inv.bolloCents,
      dueDate: inv.instalments.map((p) => p.dueDate).filter((x): x is string => !!x).sort()[0] ?? null,
      lines: inv.lines,
      instalments: inv.instalments,
      notes: inv.causale,
      sourceHash: inv.hash,
      sourceName: d.file,
    });
    return item('added', direction, null);
  }

  const existing = store.issued(year, inv.number, inv.documentType);
  if (existing) {
    if (existing.issue_date !== inv.issueDate) return item('rejected', direction, `number ${ref} (${inv.documentType}) is already used by the invoice of ${existing.issue_date}`);
    if (existing.source !== 'fatturapa') return item('rejected', direction, `invoice ${ref} of ${inv.issueDate} already exists (${existing.source === 'app' ? 'created in the app' : 'imported from CSV'}): not merged`);
    return existing.source_hash === inv.hash ? item('skipped', direction, 'already imported') : item('rejected', direction, 'already imported with different content (the file changed): not merged');
  }
  const client = resolver.resolve(inv.customer);
  for (const n of client.notes) notes.push(n);
  if (client.created) clientCreated(client.key);
  const credit = inv.documentType === 'TD04' || inv.documentType === 'TD08';
  const dueAmount = inv.totalCents - inv.ritenutaCents;
  let instalments = inv.instalments.filter((p) => p.amountCents > 0).map((p) => ({ dueDate: p.dueDate, amountCents: p.amountCents, method: METHOD[p.method] ?? 'altro', iban: p.iban }));
  const undated = instalments.filter((p) => p.dueDate === null).length;
  if (undated) notes.push(`${undated} instalment(s) without a due date: due on the issue date`);
  if (credit) {
    // A credit note is owed to the client, not by it: no receivable to collect.
    instalments = [];
  } else if (instalments.length === 0 && dueAmount > 0) {
    notes.push('no DatiPagamento: one instalment due 30 days after the issue date');
    instalments = [{ dueDate: addDays(inv.issueDate, 30), amountCents: dueAmount, method: 'bonifico', iban: null }];
  }
  const dated = instalments.map((p) => ({ ...p, dueDate: p.dueDate && p.dueDate >= inv.issueDate ? p.dueDate : inv.issueDate }));
  const dueDate = dated.map((p) => p.dueDate).sort()[0] ?? inv.issueDate;
  const id = store.insertIssued({
    clientId: client.id,
    number: inv.number,
    documentType: inv.documentType,
    issueDate: inv.issueDate,
    dueDate,
    paymentTermsDays: Math.min(365, Math.max(0, daysBetween(inv.issueDate, dueDate))),
    netCents: inv.netCents,
    vatCents: inv.vatCents,
    totalCents: inv.totalCents,
    ritenutaCents: inv.ritenutaCents,
    bolloCents: inv.bolloCents,
    notes: inv.causale,
    source: 'fatturapa',
    sourceHash: inv.hash,
    sourceName: d.file,
    lines: inv.lines.map((l) => ({ ...l, vatCents: Math.round((l.netCents * l.vatRate) / 100) })),
    instalments: dated,
  });
  ids.push(id);
  return item('added', direction, null);
}
