// `cliente|client`, `prodotto|product`, `fattura|invoice` (DESIGN §8): the seed's Italian command
// names with English aliases. `fattura crea` takes flags or, on a terminal without them, asks
// interactively. Bad input exits 2 with a message naming the flag; nothing is written.
import readline from 'node:readline';
import type { Command } from 'commander';
import type { App } from '../../core/app';
import { isIsoDate, todayIso } from '../../core/dates';
import type { Client } from '../../core/domain/client-service';
import { invoiceTotals, VAT_RATES } from '../../core/domain/invoice-totals';
import type { InvoiceDetail, InvoiceInput, InvoiceSummary } from '../../core/domain/invoice-service';
import { PAYMENT_METHODS } from '../../../src-shared/invoice';
import type { Product } from '../../core/domain/product-service';
import type { InvoiceStatus } from '../../../src-shared/invoice';
import { InputError, NotFoundError } from '../../core/errors';
import { formatEuro, parseEuroToCents } from '../../core/money';
import { ExitError, EXIT_FAILURE, parse, printJson, printTable, withApp } from '../context';
import { invoiceLabel } from '../../core/domain/invoice-number';

/** Service field names → the flags that carry them, so messages name what the user typed. */
const CLIENT_FLAGS: Record<string, string> = {
  denominazione: '--denominazione',
  partitaIva: '--piva',
  codiceFiscale: '--cf',
  email: '--email',
  pec: '--pec',
  codiceDestinatario: '--sdi',
  address: '--indirizzo',
  city: '--citta',
  province: '--provincia',
  cap: '--cap',
  country: '--paese',
  paymentTermsDays: '--termini',
  paymentTermsEom: '--fine-mese',
  notes: '--note',
  client: '<cliente>',
};
const PRODUCT_FLAGS: Record<string, string> = {
  code: '--codice',
  description: '--descrizione',
  unitPriceCents: '--prezzo',
  vatRate: '--iva',
  unit: '--unita',
  category: '--categoria',
  isService: '--servizio',
};
const INVOICE_FLAGS: Record<string, string> = {
  clientId: '--cliente',
  issueDate: '--data',
  number: '--numero',
  series: '--serie',
  documentType: '--tipo',
  paymentTermsDays: '--termini',
  paymentTermsEom: '--fine-mese',
  dueDate: '--scadenza',
  instalments: '--rate',
  ritenutaRate: '--ritenuta',
  bollo: '--bollo',
  notes: '--note',
  lines: '--riga',
  invoice: '<fattura>',
};
const PAYMENT_FLAGS: Record<string, string> = {
  amount: '--importo',
  amountCents: '--importo',
  date: '--data',
  method: '--metodo',
  reference: '--riferimento',
  iban: '--iban',
  invoice: '<fattura>',
};

/** Re-raises an InputError with the flag in place of the service's field name. */
function withFlags<T>(flags: Record<string, string>, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof InputError) || !e.field) throw e;
    const line = /^lines\.(\d+)\.?(\w*)$/.exec(e.field);
    const flag = line ? `--riga ${Number(line[1]) + 1}${line[2] ? ` (${line[2]})` : ''}` : flags[e.field];
    if (!flag) throw e;
    const rest = e.message.startsWith(`${e.field}:`) ? e.message.slice(e.field.length + 1).trim() : e.message;
    const Err = e instanceof NotFoundError ? NotFoundError : InputError;
    throw new Err(`${flag}: ${rest}`, flag);
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];
const euro = (flag: string) => (v: string) => parseEuroToCents(v, flag);
const nonNegativeEuro = (flag: string) => (v: string) => {
  const cents = parseEuroToCents(v, flag);
  if (cents < 0) throw new InputError(`${flag}: must not be negative, got "${v}"`, flag);
  return cents;
};
const eom = (c: { payment_terms_eom: number }) => (c.payment_terms_eom ? ' fine mese' : '');
const terms = (days: number, endOfMonth: number) => `${days} gg${endOfMonth ? ' fm' : ''}`;

const STATUS_IT: Record<InvoiceStatus, string> = {
  draft: 'bozza',
  issued: 'emessa',
  sent: 'inviata',
  partially_paid: 'pagata in parte',
  paid: 'pagata',
  cancelled: 'annullata',
};
const STATUS_FROM_FLAG: Record<string, InvoiceStatus> = {
  bozza: 'draft', draft: 'draft', emessa: 'issued', issued: 'issued', inviata: 'sent', sent: 'sent',
  'pagata-in-parte': 'partially_paid', parziale: 'partially_paid', partially_paid: 'partially_paid',
  pagata: 'paid', paid: 'paid', annullata: 'cancelled', cancelled: 'cancelled',
};

// ─── parsing of line flags ──────────────────────────────────────────────────────────────────────

/** Quantities accept "1,5" and "1.5". */
function parseQuantity(text: string, flag: string): number {
  const s = text.trim().replace(',', '.');
  const q = Number(s);
  if (s === '' || !Number.isFinite(q)) throw new InputError(`${flag}: quantity must be a number, got "${text}"`, flag);
  if (q <= 0) throw new InputError(`${flag}: quantity must be greater than 0, got ${text.trim()}`, flag);
  return q;
}

function parseVat(text: string, flag: string): number {
  const s = text.trim().replace('%', '').replace(',', '.');
  const v = Number(s);
  if (s === '' || !(VAT_RATES as readonly number[]).includes(v)) throw new InputError(`${flag}: VAT rate must be one of ${VAT_RATES.join(', ')} (%), got "${text}"`, flag);
  return v;
}

/** `--riga "Descrizione;quantità;prezzo;iva"` (VAT defaults to 22). */
export function parseLineFlag(text: string, index: number): { description: string; quantity: number; unitPriceCents: number; vatRate: number } {
  const flag = `--riga ${index + 1}`;
  const parts = text.split(';');
  if (parts.length < 3 || parts.length > 4) throw new InputError(`${flag}: expected "Descrizione;quantità;prezzo;iva" (e.g. "Consulenza;2;150,00;22"), got "${text}"`, flag);
  const description = parts[0]!.trim();
  if (!description) throw new InputError(`${flag}: description must not be empty`, flag);
  const quantity = parseQuantity(parts[1]!, flag);
  const unitPriceCents = parseEuroToCents(parts[2]!, `${flag} (price)`);
  if (unitPriceCents < 0) throw new InputError(`${flag}: price must not be negative, got "${parts[2]!.trim()}"`, flag);
  const vatRate = parts[3] === undefined ? 22 : parseVat(parts[3], flag);
  return { description, quantity, unitPriceCents, vatRate };
}

/** `--prodotto "CODICE[;quantità]"`. */
function parseProductFlag(app: App, text: string, index: number): { productId: number; quantity: number } {
  const flag = `--prodotto ${index + 1}`;
  const [code, qty] = text.split(';');
  const product = app.products.find(code ?? '', flag);
  return { productId: product.id, quantity: qty === undefined ? 1 : parseQuantity(qty, flag) };
}

// ─── output ─────────────────────────────────────────────────────────────────────────────────────

function printClient(c: Client): void {
  const rows: [string, string | number | null][] = [
    ['Id', c.id],
    ['Denominazione', c.denominazione],
    ['P.IVA', c.partita_iva],
    ['Codice fiscale', c.codice_fiscale],
    ['Email', c.email],
    ['PEC', c.pec],
    ['Codice destinatario', c.codice_destinatario],
    ['Indirizzo', [c.address, [c.cap, c.city, c.province ? `(${c.province})` : null].filter(Boolean).join(' ')].filter(Boolean).join(', ') || null],
    ['Paese', c.country],
    ['Termini di pagamento', `${c.payment_terms_days} giorni${eom(c)}`],
    ['Note', c.notes],
  ];
  printTable(rows.filter(([, v]) => v !== null && v !== ''), [
    { header: 'Campo', value: (r) => r[0] },
    { header: 'Valore', value: (r) => r[1] },
  ]);
}

export function printInvoice(d: InvoiceDetail): void {
  const i = d.invoice;
  const out = process.stdout;
  out.write(`Fattura ${invoiceLabel(i.number, i.year)} (id ${i.id}, ${i.document_type}) — ${STATUS_IT[i.status]}${i.disputed ? ', contestata' : ''}\n`);
  out.write(`Cliente: ${d.client.denominazione}${d.client.partita_iva ? ` (P.IVA ${d.client.partita_iva})` : ''}\n`);
  out.write(`Data: ${i.issue_date}   Scadenza: ${i.due_date} (${terms(i.payment_terms_days, i.payment_terms_eom)})\n\n`);
  printTable(d.lines, [
    { header: '#', value: (l) => l.line_no, align: 'right' },
    { header: 'Descrizione', value: (l) => l.description },
    { header: 'Q.tà', value: (l) => String(l.quantity).replace('.', ','), align: 'right' },
    { header: 'Prezzo', value: (l) => formatEuro(l.unit_price_cents), align: 'right' },
    { header: 'IVA', value: (l) => `${l.vat_rate}%`, align: 'right' },
    { header: 'Imponibile', value: (l) => formatEuro(l.net_cents), align: 'right' },
    { header: 'Totale', value: (l) => formatEuro(l.total_cents), align: 'right' },
  ]);
  const totals: [string, number][] = [
    ['Imponibile', i.net_cents],
    ['IVA', i.vat_cents],
    ...(i.bollo_cents ? ([['Bollo', i.bollo_cents]] as [string, number][]) : []),
    ['Totale documento', i.total_cents],
    ...(i.ritenuta_cents ? ([['Ritenuta d\'acconto', -i.ritenuta_cents], ['Netto a pagare', i.total_cents - i.ritenuta_cents]] as [string, number][]) : []),
    ['Pagato', i.paid_cents],
    ['Da incassare', i.outstanding_cents],
  ];
  out.write('\n');
  for (const [k, v] of totals) out.write(`${k.padEnd(18)} ${formatEuro(v).padStart(16)}\n`);
  if (d.payments.length) {
    out.write('\nScadenze\n');
    printTable(d.payments, [
      { header: 'Scadenza', value: (p) => p.due_date },
      { header: 'Importo', value: (p) => formatEuro(p.amount_cents), align: 'right' },
      { header: 'Pagato il', value: (p) => p.paid_date ?? '—' },
      { header: 'Metodo', value: (p) => p.method ?? '' },
      { header: 'Riferimento', value: (p) => p.reference ?? '' },
    ]);
  }
  if (i.notes) out.write(`\nNote: ${i.notes}\n`);
}

function printInvoiceList(rows: InvoiceSummary[]): void {
  printTable(
    rows,
    [
      { header: 'Numero', value: (r) => invoiceLabel(r.number, r.year), align: 'right' },
      { header: 'Id', value: (r) => r.id, align: 'right' },
      { header: 'Data', value: (r) => r.issue_date },
      { header: 'Cliente', value: (r) => (r.client_name.length > 34 ? r.client_name.slice(0, 33) + '…' : r.client_name) },
      { header: 'Totale', value: (r) => formatEuro(r.total_cents), align: 'right' },
      { header: 'Da incassare', value: (r) => formatEuro(r.outstanding_cents), align: 'right' },
      { header: 'Scadenza', value: (r) => r.next_due_date ?? r.due_date },
      { header: 'Stato', value: (r) => STATUS_IT[r.status] + (r.disputed ? ' ⚠' : '') },
    ],
    'Nessuna fattura.',
  );
  if (rows.length) {
    const total = rows.reduce((s, r) => s + r.total_cents, 0);
    const open = rows.reduce((s, r) => s + r.outstanding_cents, 0);
    process.stdout.write(`\n${rows.length} ${rows.length === 1 ? 'fattura' : 'fatture'} — totale ${formatEuro(total)}, da incassare ${formatEuro(open)}\n`);
  }
}

// ─── interactive invoice entry ──────────────────────────────────────────────────────────────────

export interface PromptIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

class PromptClosed extends Error {}

/**
 * Asks for what `fattura crea` is missing: a client, lines (free text or a product code), the date,
 * then shows the totals and asks for confirmation. Returns null when the user declines.
 */
export async function promptInvoice(app: App, given: { client?: Client; lines: InvoiceInput['lines']; issueDate?: string }, io: PromptIo): Promise<InvoiceInput | null> {
  // Lines are queued as they arrive, so answers typed ahead or pasted in one go are not lost.
  const rl = readline.createInterface({ input: io.input, terminal: false });
  const queued: string[] = [];
  let waiting: { resolve: (line: string) => void; reject: (e: Error) => void } | null = null;
  let ended = false;
  rl.on('line', (line) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w.resolve(line);
    } else queued.push(line);
  });
  rl.once('close', () => {
    ended = true;
    waiting?.reject(new PromptClosed('input closed'));
    waiting = null;
  });
  const ask = async (q: string): Promise<string> => {
    io.output.write(q);
    if (queued.length) return queued.shift()!.trim();
    if (ended) throw new PromptClosed('input closed');
    return (await new Promise<string>((resolve, reject) => (waiting = { resolve, reject }))).trim();
  };
  const say = (s: string) => io.output.write(s + '\n');
  try {
    let client = given.client;
    if (!client) {
      const all = app.clients.list({ limit: 30 });
      if (all.length === 0) throw new InputError('--cliente: there are no clients yet; create one with `openfatture cliente crea --denominazione …`', '--cliente');
      say('Clienti:');
      for (const c of all) say(`  ${String(c.id).padStart(4)}  ${c.denominazione}${c.partita_iva ? `  (P.IVA ${c.partita_iva})` : ''}`);
      if (app.clients.count() > all.length) say('  … (scrivi parte del nome per cercare gli altri)');
      while (!client) {
        const ref = await ask('Cliente (id, P.IVA o nome): ');
        try {
          client = app.clients.find(ref, 'cliente');
        } catch (e) {
          say(`  ${(e as Error).message}`);
        }
      }
      say(`  → ${client.denominazione}, termini ${client.payment_terms_days} giorni${eom(client)}`);
    }
    const lines = [...given.lines];
    if (lines.length === 0) {
      say('Righe: descrizione oppure codice prodotto; invio su riga vuota per terminare.');
      for (;;) {
        const text = await ask(`Riga ${lines.length + 1} — descrizione o codice: `);
        if (text === '') {
          if (lines.length) break;
          say('  serve almeno una riga');
          continue;
        }
        let product: Product | null = null;
        try {
          product = app.products.find(text);
        } catch {
          product = null;
        }
        const quantity = await askValid(ask, say, '  Quantità [1]: ', (s) => (s === '' ? 1 : parseQuantity(s, 'quantità')));
        if (product) {
          lines.push({ productId: product.id, quantity });
          say(`  → ${product.description}, ${formatEuro(product.unit_price_cents)} + IVA ${product.vat_rate}%`);
          continue;
        }
        const unitPriceCents = await askValid(ask, say, '  Prezzo unitario (€): ', (s) => nonNegativeEuro('prezzo')(s));
        const vatRate = await askValid(ask, say, '  IVA % [22]: ', (s) => (s === '' ? 22 : parseVat(s, 'IVA')));
        lines.push({ description: text, quantity, unitPriceCents, vatRate });
      }
    }
    const today = todayIso();
    const issueDate =
      given.issueDate ??
      (await askValid(ask, say, `Data [${today}]: `, (s) => {
        if (s === '') return today;
        if (!isIsoDate(s)) throw new InputError(`data: expected YYYY-MM-DD, got "${s}"`, 'data');
        return s;
      }));
    const priced = lines.map((l) => {
      const p = l.productId != null ? app.products.get(l.productId) : null;
      return { quantity: l.quantity, unitPriceCents: l.unitPriceCents ?? p!.unit_price_cents, vatRate: l.vatRate ?? p!.vat_rate };
    });
    const t = invoiceTotals(priced);
    say(`\nImponibile ${formatEuro(t.netCents)} · IVA ${formatEuro(t.vatCents)}${t.bolloCents ? ` · bollo ${formatEuro(t.bolloCents)}` : ''} · Totale ${formatEuro(t.totalCents)}`);
    const ok = (await ask('Confermi la fattura? [S/n] ')).toLowerCase();
    if (ok !== '' && !['s', 'si', 'sì', 'y', 'yes'].includes(ok)) return null;
    return { clientId: client.id, issueDate, lines };
  } catch (e) {
    if (e instanceof PromptClosed) throw new ExitError(EXIT_FAILURE, 'Cancelled: input ended before the invoice was complete; nothing was written.');
    throw e;
  } finally {
    rl.close();
  }
}

async function askValid<T>(ask: (q: string) => Promise<string>, say: (s: string) => void, q: string, parseAnswer: (s: string) => T): Promise<T> {
  for (;;) {
    const s = await ask(q);
    try {
      return parseAnswer(s);
    } catch (e) {
      say(`  ${(e as Error).message}`);
    }
  }
}

// ─── commands ───────────────────────────────────────────────────────────────────────────────────

interface ClientFlags {
  denominazione?: string;
  piva?: string;
  cf?: string;
  email?: string;
  pec?: string;
  sdi?: string;
  indirizzo?: string;
  citta?: string;
  provincia?: string;
  cap?: string;
  paese?: string;
  termini?: number;
  fineMese?: boolean;
  note?: string;
  json?: boolean;
}

function clientInput(o: ClientFlags): Record<string, unknown> {
  const input: Record<string, unknown> = {
    denominazione: o.denominazione,
    partitaIva: o.piva,
    codiceFiscale: o.cf,
    email: o.email,
    pec: o.pec,
    codiceDestinatario: o.sdi,
    address: o.indirizzo,
    city: o.citta,
    province: o.provincia,
    cap: o.cap,
    country: o.paese,
    paymentTermsDays: o.termini,
    paymentTermsEom: o.fineMese,
    notes: o.note,
  };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  return input;
}

function clientOptions(cmd: Command, requireName: boolean): Command {
  return cmd
    .option('--denominazione <nome>', requireName ? 'company or person name (required)' : 'company or person name')
    .option('--piva <partita-iva>', 'partita IVA, 11 digits (checked)')
    .option('--cf <codice-fiscale>', 'codice fiscale (16 characters, or 11 digits for a company)')
    .option('--email <email>', 'e-mail address')
    .option('--pec <pec>', 'PEC address')
    .option('--sdi <codice>', 'SDI codice destinatario (7 characters)')
    .option('--indirizzo <indirizzo>', 'street and number')
    .option('--citta <città>', 'city')
    .option('--provincia <XX>', 'province code (2 letters)')
    .option('--cap <cap>', 'postal code (5 digits)')
    .option('--paese <XX>', 'country code (default IT)')
    .option('--termini <giorni>', 'payment terms in days (0–365)', parse.int('--termini', 0, 365))
    .option('--fine-mese', 'terms run to the end of the month ("fine mese")')
    .option('--no-fine-mese', 'terms are plain days')
    .option('--note <testo>', 'notes')
    .option('--json', 'print the client as JSON');
}

function registerClientCommands(program: Command): void {
  const cliente = program.command('cliente').alias('client').description('clients: crea|create, lista|list, mostra|show, modifica|update');

  clientOptions(cliente.command('crea').alias('create').description('add a client (P.IVA, codice fiscale, e-mail, CAP, province and SDI code are validated)').argument('[denominazione]', 'name (or use --denominazione)'), true).action(
    async (name: string | undefined, o: ClientFlags, cmd: Command) => {
      if (!o.denominazione && !name) throw new InputError('--denominazione: is required (company or person name)', '--denominazione');
      await withApp(cmd, async (app) => {
        const c = withFlags(CLIENT_FLAGS, () => app.clients.create(clientInput({ ...o, denominazione: o.denominazione ?? name })));
        if (o.json) printJson(c);
        else {
          process.stdout.write(`Cliente creato (id ${c.id}).\n`);
          printClient(c);
        }
      });
    },
  );

  clientOptions(cliente.command('modifica').alias('update').description('change a client: only the given flags change').argument('<cliente>', 'client id, P.IVA or name'), false).action(
    async (ref: string, o: ClientFlags, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const current = withFlags(CLIENT_FLAGS, () => app.clients.find(ref, 'client'));
        const c = withFlags(CLIENT_FLAGS, () => app.clients.update(current.id, clientInput(o)));
        if (o.json) printJson(c);
        else printClient(c);
      });
    },
  );

  cliente
    .command('lista')
    .alias('list')
    .description('list clients')
    .option('--cerca <testo>', 'filter by name, P.IVA, codice fiscale or city')
    .option('--json', 'print as JSON')
    .action(async (o: { cerca?: string; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const rows = app.clients.list({ search: o.cerca });
        if (o.json) return printJson(rows);
        printTable(
          rows,
          [
            { header: 'Id', value: (c) => c.id, align: 'right' },
            { header: 'Denominazione', value: (c) => c.denominazione },
            { header: 'P.IVA', value: (c) => c.partita_iva },
            { header: 'Città', value: (c) => (c.city ? `${c.city}${c.province ? ` (${c.province})` : ''}` : '') },
            { header: 'Termini', value: (c) => terms(c.payment_terms_days, c.payment_terms_eom) },
          ],
          'Nessun cliente.',
        );
      });
    });

  cliente
    .command('mostra')
    .alias('show')
    .description('show one client with its invoicing totals')
    .argument('<cliente>', 'client id, P.IVA or name')
    .option('--json', 'print as JSON')
    .action(async (ref: string, o: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const c = withFlags(CLIENT_FLAGS, () => app.clients.find(ref, 'client'));
        const stats = app.invoices.clientTotals(c.id);
        if (o.json) return printJson({ client: c, ...stats });
        printClient(c);
        process.stdout.write(`\nFatture: ${stats.invoices} — totale ${formatEuro(stats.totalCents)}, da incassare ${formatEuro(stats.outstandingCents)}\n`);
      });
    });
}

function registerProductCommands(program: Command): void {
  const prodotto = program.command('prodotto').alias('product').description('products and services: crea|create, lista|list');
  prodotto
    .command('crea')
    .alias('create')
    .description('add a product or service')
    .requiredOption('--codice <codice>', 'unique code (letters, digits, . _ / -)')
    .requiredOption('--descrizione <testo>', 'description')
    .requiredOption('--prezzo <euro>', 'unit price in euro, e.g. 85,00 or 85.00', nonNegativeEuro('--prezzo'))
    .option('--iva <aliquota>', `VAT rate: ${VAT_RATES.join(', ')}`, (v: string) => parseVat(v, '--iva'), 22)
    .option('--unita <unità>', 'unit (pz, ora, gg, mese…)', 'pz')
    .option('--categoria <categoria>', 'category')
    .option('--servizio', 'it is a service, not goods')
    .option('--json', 'print the product as JSON')
    .action(async (o: { codice: string; descrizione: string; prezzo: number; iva: number; unita: string; categoria?: string; servizio?: boolean; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const p = withFlags(PRODUCT_FLAGS, () =>
          app.products.create({ code: o.codice, description: o.descrizione, unitPriceCents: o.prezzo, vatRate: o.iva, unit: o.unita, category: o.categoria, isService: o.servizio ?? false }),
        );
        if (o.json) printJson(p);
        else process.stdout.write(`Prodotto creato (id ${p.id}): ${p.code} — ${p.description}, ${formatEuro(p.unit_price_cents)}/${p.unit} + IVA ${p.vat_rate}%\n`);
      });
    });
  prodotto
    .command('lista')
    .alias('list')
    .description('list products and services')
    .option('--cerca <testo>', 'filter by code, description or category')
    .option('--json', 'print as JSON')
    .action(async (o: { cerca?: string; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const rows = app.products.list({ search: o.cerca });
        if (o.json) return printJson(rows);
        printTable(
          rows,
          [
            { header: 'Id', value: (p) => p.id, align: 'right' },
            { header: 'Codice', value: (p) => p.code },
            { header: 'Descrizione', value: (p) => (p.description.length > 50 ? p.description.slice(0, 49) + '…' : p.description) },
            { header: 'Prezzo', value: (p) => formatEuro(p.unit_price_cents), align: 'right' },
            { header: 'Unità', value: (p) => p.unit },
            { header: 'IVA', value: (p) => `${p.vat_rate}%`, align: 'right' },
          ],
          'Nessun prodotto.',
        );
      });
    });
}

interface InvoiceCreateFlags {
  cliente?: string;
  riga: string[];
  prodotto: string[];
  data?: string;
  numero?: string;
  serie?: string;
  scadenza?: string;
  termini?: number;
  fineMese?: boolean;
  rate?: number;
  ritenuta?: number;
  bollo?: boolean | 'auto';
  contestata?: boolean;
  bozza?: boolean;
  note?: string;
  tipo?: string;
  json?: boolean;
}

function registerInvoiceCommands(program: Command): void {
  const fattura = program.command('fattura').alias('invoice').description('invoices: crea|create, lista|list, mostra|show, paga|pay, emetti|issue, elimina|delete');

  fattura
    .command('crea')
    .alias('create')
    .description('create an invoice from flags, or interactively on a terminal when --cliente/--riga are missing')
    .option('--cliente <cliente>', 'client id, P.IVA or name')
    .option('--riga <riga>', 'a line "Descrizione;quantità;prezzo;iva" (repeatable; IVA defaults to 22)', collect, [])
    .option('--prodotto <prodotto>', 'a line from a product: "CODICE;quantità" (repeatable)', collect, [])
    .option('--data <YYYY-MM-DD>', 'issue date (default today)', parse.date('--data'))
    .option('--numero <numero>', 'invoice number as printed, up to 20 characters, e.g. 12 or "FPR 12/2025" (default: the next of the series in the year)')
    .option('--serie <serie>', 'numbering series for the next number, e.g. A gives 2025/A/0001 (default: the plain yearly sequence 1, 2, 3…)')
    .option('--scadenza <YYYY-MM-DD>', 'due date (default: from the payment terms)', parse.date('--scadenza'))
    .option('--termini <giorni>', "payment terms in days (default: the client's)", parse.int('--termini', 0, 365))
    .option('--fine-mese', 'terms run to the end of the month')
    .option('--no-fine-mese', 'terms are plain days')
    .option('--rate <n>', 'split into n instalments 30 days apart (1–12)', parse.int('--rate', 1, 12))
    .option('--ritenuta <percentuale>', "ritenuta d'acconto in % of the net (e.g. 20)", parse.number('--ritenuta', 0, 100))
    .option('--bollo <auto|si|no>', 'stamp duty: auto (exempt part above €77.47), si, no', (v: string) => {
      const s = v.trim().toLowerCase();
      if (s === 'auto') return 'auto';
      return parse.bool('--bollo')(s);
    })
    .option('--contestata', 'mark the invoice as disputed')
    .option('--bozza', 'save as a draft (no payments can be recorded until issued)')
    .option('--note <testo>', 'notes')
    .option('--tipo <TDxx>', 'FatturaPA document type (default TD01)')
    .option('--json', 'print the created invoice as JSON')
    .action(async (o: InvoiceCreateFlags, cmd: Command) => {
      const hasLines = o.riga.length + o.prodotto.length > 0;
      const interactive = (!o.cliente || !hasLines) && Boolean(process.stdin.isTTY && process.stdout.isTTY);
      if (!interactive) {
        if (!o.cliente) throw new InputError('--cliente: is required (no terminal for interactive entry: pass --cliente and at least one --riga or --prodotto)', '--cliente');
        if (!hasLines) throw new InputError('--riga: at least one --riga "Descrizione;quantità;prezzo;iva" or --prodotto "CODICE;quantità" is required', '--riga');
      }
      const freeLines = o.riga.map(parseLineFlag);
      await withApp(cmd, async (app) => {
        const client = o.cliente ? app.clients.find(o.cliente, '--cliente') : undefined;
        const lines: InvoiceInput['lines'] = [...freeLines, ...o.prodotto.map((p, i) => parseProductFlag(app, p, i))];
        let input: InvoiceInput | null;
        if (interactive) {
          input = await promptInvoice(app, { client, lines, issueDate: o.data }, { input: process.stdin, output: process.stdout });
          if (!input) throw new ExitError(EXIT_FAILURE, 'Cancelled; nothing was written.');
        } else input = { clientId: client!.id, lines };
        const detail = withFlags(INVOICE_FLAGS, () =>
          app.invoices.create({
            ...input,
            ...(o.data ? { issueDate: o.data } : {}),
            ...(o.numero !== undefined ? { number: o.numero } : {}),
            ...(o.serie !== undefined ? { series: o.serie } : {}),
            ...(o.scadenza ? { dueDate: o.scadenza } : {}),
            ...(o.termini !== undefined ? { paymentTermsDays: o.termini } : {}),
            ...(o.fineMese !== undefined ? { paymentTermsEom: o.fineMese } : {}),
            ...(o.rate !== undefined ? { instalments: o.rate } : {}),
            ...(o.ritenuta !== undefined ? { ritenutaRate: o.ritenuta } : {}),
            ...(o.bollo !== undefined ? { bollo: o.bollo } : {}),
            ...(o.contestata ? { disputed: true } : {}),
            ...(o.bozza ? { status: 'draft' as const } : {}),
            ...(o.note !== undefined ? { notes: o.note } : {}),
            ...(o.tipo !== undefined ? { documentType: o.tipo } : {}),
          }),
        );
        if (o.json) printJson(detail);
        else {
          process.stdout.write('Fattura creata.\n\n');
          printInvoice(detail);
        }
      });
    });

  fattura
    .command('lista')
    .alias('list')
    .description('list invoices (newest first)')
    .option('--anno <anno>', 'year', parse.int('--anno', 1900, 2999))
    .option('--cliente <cliente>', 'client id, P.IVA or name')
    .option('--stato <stato>', `status: ${[...new Set(Object.values(STATUS_IT))].join(', ')} (or English)`, (v: string) => {
      const s = STATUS_FROM_FLAG[v.trim().toLowerCase().replace(/\s+/g, '-')];
      if (!s) throw new InputError(`--stato: expected one of bozza, emessa, inviata, parziale, pagata, annullata, got "${v}"`, '--stato');
      return s;
    })
    .option('--dal <YYYY-MM-DD>', 'issued on or after', parse.date('--dal'))
    .option('--al <YYYY-MM-DD>', 'issued on or before', parse.date('--al'))
    .option('--non-pagate', 'only invoices with something still to collect')
    .option('--scadute', 'only overdue invoices')
    .option('--limite <n>', 'at most n invoices (0 = all)', parse.int('--limite', 0, 10_000_000), 0)
    .option('--json', 'print as JSON')
    .action(
      async (
        o: { anno?: number; cliente?: string; stato?: InvoiceStatus; dal?: string; al?: string; nonPagate?: boolean; scadute?: boolean; limite: number; json?: boolean },
        cmd: Command,
      ) => {
        if (o.dal && o.al && o.dal > o.al) throw new InputError(`--al: ${o.al} is before --dal ${o.dal}`, '--al');
        await withApp(cmd, async (app) => {
          const clientId = o.cliente ? app.clients.find(o.cliente, '--cliente').id : undefined;
          const rows = app.invoices.list({ year: o.anno, clientId, status: o.stato, from: o.dal, to: o.al, unpaid: o.nonPagate, overdue: o.scadute, limit: o.limite || undefined });
          if (o.json) printJson(rows);
          else printInvoiceList(rows);
        });
      },
    );

  fattura
    .command('mostra')
    .alias('show')
    .description('show an invoice with its lines and instalments')
    .argument('<fattura>', 'the number as printed (e.g. "FPR 12/2025"), NUMERO/ANNO (e.g. 12/2025) or the id (id:42)')
    .option('--json', 'print as JSON')
    .action(async (ref: string, o: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const d = withFlags(INVOICE_FLAGS, () => app.invoices.show(app.invoices.resolve(ref)));
        if (o.json) printJson(d);
        else printInvoice(d);
      });
    });

  fattura
    .command('paga')
    .alias('pay')
    .description('record a payment: settles the open instalments oldest first; partial amounts allowed')
    .argument('<fattura>', 'the number as printed (e.g. "FPR 12/2025"), NUMERO/ANNO (e.g. 12/2025) or the id (id:42)')
    .option('--importo <euro>', 'amount received (default: everything still open)', euro('--importo'))
    .option('--data <YYYY-MM-DD>', 'date received (default today)', parse.date('--data'))
    .option('--metodo <metodo>', `payment method: ${PAYMENT_METHODS.join(', ')}`, 'bonifico')
    .option('--riferimento <testo>', 'bank reference (CRO/TRN)')
    .option('--iban <iban>', 'IBAN credited')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, o: { importo?: number; data?: string; metodo: string; riferimento?: string; iban?: string; json?: boolean }, cmd: Command) => {
      if (o.importo !== undefined && o.importo <= 0) throw new InputError(`--importo: must be greater than 0, got ${formatEuro(o.importo)}`, '--importo');
      await withApp(cmd, async (app) => {
        const result = withFlags(PAYMENT_FLAGS, () =>
          app.payments.record({
            invoiceId: app.invoices.resolve(ref),
            ...(o.importo !== undefined ? { amountCents: o.importo } : {}),
            ...(o.data ? { date: o.data } : {}),
            method: o.metodo,
            reference: o.riferimento,
            iban: o.iban,
          }),
        );
        if (o.json) return printJson(result);
        const i = result.invoice;
        process.stdout.write(
          `Pagamento di ${formatEuro(result.appliedCents)} registrato il ${result.outcome.paidDate} sulla fattura ${invoiceLabel(i.number, i.year)} (${i.client_name}).\n` +
            (result.outcome.fullyPaid ? 'La fattura è pagata.\n' : `Resta da incassare ${formatEuro(i.outstanding_cents)}.\n`),
        );
      });
    });

  fattura
    .command('emetti')
    .alias('issue')
    .description('issue a draft invoice (created with --bozza), so payments can be recorded')
    .argument('<fattura>', 'the number as printed (e.g. "FPR 12/2025"), NUMERO/ANNO (e.g. 12/2025) or the id (id:42)')
    .option('--json', 'print the invoice as JSON')
    .action(async (ref: string, o: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const inv = withFlags(INVOICE_FLAGS, () => app.invoices.issue(app.invoices.resolve(ref)));
        if (o.json) printJson(inv);
        else process.stdout.write(`Fattura ${invoiceLabel(inv.number, inv.year)} (${inv.client_name}) emessa.\n`);
      });
    });

  fattura
    .command('elimina')
    .alias('delete')
    .description('delete an invoice with its lines and instalments (paid or part-paid ones need --force)')
    .argument('<fattura>', 'the number as printed (e.g. "FPR 12/2025"), NUMERO/ANNO (e.g. 12/2025) or the id (id:42)')
    .option('--force', 'delete even if payments were recorded')
    .option('--json', 'print the deleted invoice as JSON')
    .action(async (ref: string, o: { force?: boolean; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const deleted = withFlags(INVOICE_FLAGS, () => app.invoices.delete(app.invoices.resolve(ref), { force: o.force }));
        if (o.json) printJson(deleted);
        else process.stdout.write(`Fattura ${invoiceLabel(deleted.number, deleted.year)} (${deleted.client_name}, ${formatEuro(deleted.total_cents)}) eliminata.\n`);
      });
    });
}

export function registerDomainCommands(program: Command): void {
  registerClientCommands(program);
  registerProductCommands(program);
  registerInvoiceCommands(program);
}
