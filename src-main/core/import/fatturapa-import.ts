// `openfatture import fatturapa PATH…` and the Import page: FatturaPA files, folders and zip archives
// → invoices. Three steps, so the main thread never blocks: (1) expand the sources into files (async
// folder walk, archives inflated off-thread by zlib), (2) read them in the worker process in chunks
// (signatures, encodings, XML), (3) write the documents in transactions of a few milliseconds each,
// yielding to the event loop between them. The reading can be kept and written again (dry run, then import).
// Idempotent on the natural key (issuer, document type, number, date): a document already imported
// with the same content is skipped, one with the same key and other content is reported, never
// merged. Each transaction holds whole documents, so a killed import keeps what it committed and a
// re-run skips it. A dry run goes through exactly the same steps and rolls every transaction back.
import type BetterSqlite3 from 'better-sqlite3';
import { addDays, daysBetween } from '../dates';
import type { ClientService } from '../domain/client-service';
import { ImportedInvoiceRepository } from '../domain/imported-invoice-repository';
import { invoiceLabel, invoiceNumberProblem } from '../domain/invoice-number';
import { InputError } from '../errors';
import type { FatturaInvoice } from '../fatturapa/fatturapa-types';
import { appMethodOf } from '../fatturapa/payment-methods';
import type { Logger } from '../logger';
import type { Progress } from '../worker/protocol';
import type { WorkerHost } from '../worker/worker-host';
import { directionOf, firmCandidates, getFirm, isFirm, setFirm, type Firm } from './firm';
import { addItem, emptySummary, type ImportItem, type ImportSummary } from './import-summary';
import { DEFAULT_BUDGET, expandSources, type ArchiveBudget, type ImportSource } from './import-sources';
import { readFatturaInWorker } from './fatturapa-jobs';
import { PartyClientResolver } from './party-client';
import { SqlRunner } from '../db/sql-runner';
import { isCreditNote } from '../domain/document-types';
import { coded, type CodedText } from './import-message';

/** An item's reason: the English text and its code. */
const said = (c: CodedText | null): Pick<ImportItem, 'reason' | 'reasonMessage'> => ({ reason: c?.text ?? null, reasonMessage: c?.message ?? null });

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
  /** Files per worker call (benchmarks tune it). */
  readChunk?: number;
  /**
   * Milliseconds of writing per transaction before it commits and yields to the event loop (at least
   * one document each): what keeps the main thread responsive on a slow or loaded machine.
   */
  writeBudgetMs?: number;
}

/** Writing yields after this long: well under a frame budget of the UI's 50 ms. */
export const DEFAULT_WRITE_BUDGET_MS = 8;

class DryRunRollback extends Error {}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One document read from a file: a file with several bodies gives several. */
export interface Doc {
  file: string;
  invoice: FatturaInvoice;
}

/**
 * What the sources contain, read once: their documents and the files that could not be read or are
 * not invoices. The Import page keeps it between the dry run and the import of the same files, so the
 * files are read once however many times the summary is asked for.
 */
export interface FatturaPaReading {
  files: number;
  /** Files rejected or ignored while reading (one item each). */
  items: ImportItem[];
  docs: readonly Doc[];
}

/** Expands folders and archives and reads every file in the worker, a chunk at a time. */
export async function readFatturaPaSources(worker: WorkerHost, sources: readonly ImportSource[], options: Pick<FatturaPaImportOptions, 'onProgress' | 'budget' | 'readChunk'> = {}): Promise<FatturaPaReading> {
  const progress = options.onProgress ?? (() => undefined);
  const readChunk = options.readChunk ?? 100;
  const items: ImportItem[] = [];
  const docs: Doc[] = [];
  let found = 0;
  let read = 0;
  let unreadable = 0;
  // Expanding folders and archives (main thread, async) overlaps with reading (the worker): chunks
  // are sent as they fill, with up to two in flight so the worker never waits for the next one, and
  // their results are taken in the order they were sent.
  const inFlight: Promise<void>[] = [];
  const send = (chunk: { name: string; bytes: Uint8Array }[]) => {
    const done = readFatturaInWorker(worker, chunk).then(
      (results) => results,
      (e: unknown) => chunk.map((f) => {
        const c = coded('read-failed', { detail: (e as Error).message });
        return { name: f.name, status: 'rejected' as const, reason: c.text, message: c.message };
      }),
    );
    const previous = inFlight[inFlight.length - 1] ?? Promise.resolve();
    inFlight.push(
      Promise.all([previous, done]).then(([, results]) => {
        for (const r of results) {
          if (r.status === 'ok') for (const invoice of r.invoices) docs.push({ file: r.invoices.length > 1 ? `${r.name} (body ${invoice.body} of ${invoice.bodies})` : r.name, invoice });
          else items.push({ source: r.name, ref: null, outcome: r.status, direction: null, reason: r.reason, reasonMessage: r.message ?? null, notes: [] });
        }
        read += chunk.length;
        progress({ step: 'reading', current: read, total: found });
      }),
    );
  };
  const drainTo = async (max: number) => {
    while (inFlight.length > max) await inFlight.shift();
  };
  let chunk: { name: string; bytes: Uint8Array }[] = [];
  progress({ step: 'reading', current: 0, total: 0 });
  for await (const e of expandSources(sources, options.budget ?? DEFAULT_BUDGET)) {
    if (e.bytes) {
      found++;
      chunk.push({ name: e.name, bytes: e.bytes });
      if (chunk.length >= readChunk) {
        await drainTo(1);
        send(chunk);
        chunk = [];
      }
    } else if (e.problem) {
      items.push({ source: e.name, ref: null, outcome: 'rejected', direction: null, reason: e.problem, reasonMessage: e.message ?? null, notes: [] });
      unreadable++;
    } else items.push({ source: e.name, ref: null, outcome: 'ignored', direction: null, reason: e.ignored, reasonMessage: e.message ?? null, notes: [] });
  }
  if (chunk.length) send(chunk);
  await drainTo(0);
  return { files: found + unreadable, items, docs };
}

const isReading = (x: readonly ImportSource[] | FatturaPaReading): x is FatturaPaReading => !Array.isArray(x);

/** Reads (unless given a reading), classifies and writes FatturaPA sources; returns the summary (counts, one item per document). */
export async function importFatturaPa(deps: FatturaPaImportDeps, input: readonly ImportSource[] | FatturaPaReading, options: FatturaPaImportOptions = {}): Promise<ImportSummary> {
  const t0 = performance.now();
  const dryRun = options.dryRun ?? false;
  const summary = emptySummary('fatturapa', dryRun);
  const progress = options.onProgress ?? (() => undefined);
  const reading = isReading(input) ? input : await readFatturaPaSources(deps.worker, input, options);
  if (isReading(input)) progress({ step: 'reading', current: reading.docs.length, total: reading.docs.length });
  for (const item of reading.items) addItem(summary, item);
  summary.files = reading.files;
  const docs = reading.docs;
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
  const budget = options.writeBudgetMs ?? DEFAULT_WRITE_BUDGET_MS;
  let items: ImportItem[] = [];
  let ids: number[] = [];
  let clientsCreated = 0;
  let i = 0;
  const countClient = (key: string) => {
    if (!createdClients.has(key)) {
      createdClients.add(key);
      clientsCreated++;
    }
  };
  // Each document in its own savepoint: one failing half-way leaves nothing behind.
  const sql = SqlRunner.of(deps.sqlite);
  const writeOne = (d: Doc) => sql.transaction(() => items.push(writeDocument(d, firm!, store, resolver, seen, countClient, ids)));
  const writeSome = (started: number) => sql.transaction(() => {
    // Whole documents only, until the time budget is spent: a killed import keeps what it committed.
    do {
      const d = docs[i++]!;
      const before = clientsCreated;
      try {
        writeOne(d);
      } catch (e) {
        clientsCreated = before;
        items.push({ source: d.file, ref: invoiceLabel(d.invoice.number, Number(d.invoice.issueDate.slice(0, 4))), outcome: 'rejected', direction: null, ...said(coded('write-failed', { detail: (e as Error).message })), notes: d.invoice.tolerated.map((t) => t.text), noteMessages: d.invoice.tolerated.map((t) => t.message) });
      }
    } while (i < docs.length && performance.now() - started < budget);
    if (dryRun) throw new DryRunRollback();
  }, 'immediate');
  progress({ step: 'importing', current: 0, total: docs.length });
  while (i < docs.length) {
    items = [];
    ids = [];
    clientsCreated = 0;
    try {
      writeSome(performance.now());
    } catch (e) {
      if (!(e instanceof DryRunRollback)) throw e;
    }
    for (const item of items) {
      addItem(summary, item);
      if (item.outcome === 'added' && item.direction === 'received') summary.received++;
    }
    summary.clientsCreated += clientsCreated;
    if (!dryRun) for (const id of ids) summary.invoiceIds.push(id);
    progress({ step: 'importing', current: i, total: docs.length });
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
  const notes = inv.tolerated.map((t) => t.text);
  const noteMessages = inv.tolerated.map((t) => t.message);
  const note = (c: CodedText) => {
    notes.push(c.text);
    noteMessages.push(c.message);
  };
  const item = (outcome: ImportItem['outcome'], direction: ImportItem['direction'], reason: CodedText | null): ImportItem => ({ source: d.file, ref, outcome, direction, ...said(reason), notes, noteMessages });
  const direction = directionOf(firm, inv);
  if (!direction) {
    return item('rejected', null, coded('not-your-firm', { issuer: inv.issuer.name, customer: inv.customer.name, firm: `${firm.name}${firm.partitaIva ? `, P.IVA ${firm.partitaIva}` : ''}` }));
  }
  const numberProblem = invoiceNumberProblem(inv.number);
  if (numberProblem) return item('rejected', direction, coded('number-invalid', { detail: numberProblem }));
  if (inv.currency !== 'EUR') return item('rejected', direction, coded('not-eur', { currency: inv.currency }));
  const supplierKey = inv.issuer.vatCode ? `${inv.issuer.vatCountry ?? 'IT'}${inv.issuer.vatCode}` : inv.issuer.codiceFiscale!;
  const key = direction === 'issued' ? `I|${inv.documentType}|${inv.number}|${inv.issueDate}` : `R|${supplierKey}|${inv.documentType}|${inv.number}|${inv.issueDate}`;
  const earlier = seen.get(key);
  if (earlier) {
    return earlier.hash === inv.hash
      ? item('skipped', direction, coded('same-as-earlier-file', { file: earlier.file }))
      : item('rejected', direction, coded('conflicts-with-earlier-file', { file: earlier.file }));
  }
  seen.set(key, { hash: inv.hash, file: d.file });

  if (direction === 'received') {
    const existing = store.received(supplierKey, inv.documentType, inv.number, inv.issueDate);
    if (existing) {
      return existing.source_hash === inv.hash
        ? item('skipped', direction, coded('already-imported'))
        : item('rejected', direction, coded('changed-since-import'));
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
    if (existing.issue_date !== inv.issueDate) return item('rejected', direction, coded('number-used', { ref, type: inv.documentType, date: existing.issue_date }));
    if (existing.source !== 'fatturapa') return item('rejected', direction, coded(existing.source === 'app' ? 'exists-from-app' : 'exists-from-csv', { ref, date: inv.issueDate }));
    return existing.source_hash === inv.hash ? item('skipped', direction, coded('already-imported')) : item('rejected', direction, coded('changed-since-import'));
  }
  const client = resolver.resolve(inv.customer);
  for (const n of client.notes) note(n);
  if (client.created) clientCreated(client.key);
  const credit = isCreditNote(inv.documentType);
  const dueAmount = inv.totalCents - inv.ritenutaCents;
  let instalments = inv.instalments.filter((p) => p.amountCents > 0).map((p) => ({ dueDate: p.dueDate, amountCents: p.amountCents, method: appMethodOf(p.method), iban: p.iban }));
  const undated = instalments.filter((p) => p.dueDate === null).length;
  if (undated) note(coded('instalments-undated', { count: undated }));
  if (credit) {
    // A credit note is owed to the client, not by it: no receivable to collect.
    instalments = [];
  } else if (instalments.length === 0 && dueAmount > 0) {
    note(coded('no-payment-data'));
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
