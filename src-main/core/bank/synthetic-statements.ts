// Synthetic bank statements for the demo data's payments (`demo seed --statements`) and for the
// matcher's benchmark, with the noise of real transfers and a labelled truth: payer names that differ
// from the client's (upper case without accents, cut at 35 characters as SEPA does, a typo, a person
// instead of the company), remittance texts with the full number, only the sequence, no number at all
// or a mistyped one, one transfer paying several invoices of a client, partial payments (acconto and
// saldo), bank fees taken from the amount, and unrelated credits (refunds, transfers between own
// accounts, some of them for an amount an open invoice also has). Deterministic for a seed.
import crypto from 'node:crypto';
import { addDays, toDayNumber } from '../dates';
import { DEMO_REGION_WORDS, DEMO_SECTORS, DEMO_STUDIO_KINDS, DEMO_SURNAMES } from '../demo/italian-demo-data';
import { SeededRandom } from '../demo/seeded-random';
import { EntryKeys, type BankEntry } from './statement-types';
import { sequenceOf } from './remittance-text';

export interface SyntheticClient {
  id: number;
  name: string;
}

export interface SyntheticInvoice {
  id: number;
  clientId: number;
  number: string;
  year: number;
  issueDate: string;
  dueDate: string;
  totalCents: number;
}

export interface SyntheticPayment {
  invoiceId: number;
  paidDate: string;
  amountCents: number;
}

export type TruthKind = 'single' | 'fee' | 'combined' | 'partial' | 'unrelated';

export interface TruthRow {
  key: string;
  kind: TruthKind;
  /** The invoices the credit pays (empty for an unrelated credit). */
  invoiceIds: number[];
  /** What was deliberately made hard, for reading the results. */
  noise: string[];
}

export interface SyntheticStatement {
  account: string;
  entries: BankEntry[];
  truth: TruthRow[];
  /** Each client's IBANs as the generator made them. */
  clientIbans: Map<number, string[]>;
}

export interface StatementNoise {
  combinedShare: number;
  splitPaymentShare: number;
  feeShare: number;
  unrelatedShare: number;
  debitShare: number;
  structuredShare: number;
}

export const DEFAULT_NOISE: StatementNoise = { combinedShare: 0.12, splitPaymentShare: 0.05, feeShare: 0.1, unrelatedShare: 0.1, debitShare: 0.15, structuredShare: 0.15 };

export const OWN_ACCOUNT = 'IT60X0542811101000000123456';

function iban(rng: SeededRandom): string {
  return `IT${rng.digits(2)}${String.fromCharCode(65 + rng.int(0, 25))}${rng.digits(10)}${rng.digits(12)}`;
}

const itDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];
const FIRST_NAMES = ['Mario', 'Luca', 'Giulia', 'Francesca', 'Paolo', 'Anna', 'Marco', 'Sara', 'Giorgio', 'Elena'];

function typo(rng: SeededRandom, s: string): string {
  const letters = [...s].map((c, i) => [c, i] as const).filter(([c]) => /[a-z]/i.test(c));
  if (letters.length < 4) return s;
  const [, i] = letters[rng.int(1, letters.length - 2)]!;
  const chars = [...s];
  switch (rng.int(0, 2)) {
    case 0: // swap with the next letter
      if (i + 1 < chars.length) [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
      break;
    case 1: // drop
      chars.splice(i, 1);
      break;
    default: // double
      chars.splice(i, 0, chars[i]!);
  }
  return chars.join('');
}

function payerName(rng: SeededRandom, client: SyntheticClient, noise: string[]): string {
  const style = rng.weighted([['same', 55], ['upper', 15], ['typo', 10], ['person', 12], ['short', 8]] as const);
  let name = client.name;
  if (style === 'upper') name = name.normalize('NFD').replace(/\p{M}+/gu, '').toUpperCase().replace(/[.&']/g, ' ').replace(/\s+/g, ' ');
  else if (style === 'typo') name = typo(rng, name);
  else if (style === 'person') name = `${rng.pick(FIRST_NAMES)} ${rng.pick(DEMO_SURNAMES)}`;
  else if (style === 'short') name = name.split(' ').slice(0, 2).join(' ');
  if (style !== 'same') noise.push(`payer-${style}`);
  return name.slice(0, 35).trim();
}

/** The invoice number as a payer writes it: in full, only its sequence, mistyped, or not at all. */
function numberText(rng: SeededRandom, inv: SyntheticInvoice, noise: string[]): string | null {
  const style = rng.weighted([['full', 55], ['sequence', 17], ['none', 20], ['typo', 8]] as const);
  const seq = sequenceOf(inv.number, inv.year) ?? inv.number;
  if (style !== 'full') noise.push(`number-${style}`);
  if (style === 'full') return inv.number.includes(String(inv.year)) ? inv.number : `${inv.number}/${inv.year}`;
  if (style === 'sequence') return seq;
  if (style === 'none') return null;
  // A digit added or dropped, keeping the year: the matcher must not trust it fully.
  const wrong = seq.length > 1 && rng.chance(0.5) ? seq.slice(0, -1) : `${seq}${rng.int(0, 9)}`;
  return `${wrong}/${inv.year}`;
}

function singleText(rng: SeededRandom, num: string | null, inv: SyntheticInvoice, payer: string): string {
  if (num === null) return rng.pick(['BONIFICO A VOSTRO FAVORE', `Pagamento fornitura ${MONTHS[Number(inv.issueDate.slice(5, 7)) - 1]}`, `${payer} saldo`, 'Saldo competenze', 'Pagamento servizi']);
  return rng.pick([`Saldo fattura n. ${num} del ${itDate(inv.issueDate)}`, `FT ${num}`, `Pagamento fatt. ${num}`, `Rif. fattura ${num}`, `Fattura ${num} - ${payer}`, `BONIFICO SALDO FT ${num}`]);
}

export interface StatementInput {
  clients: readonly SyntheticClient[];
  invoices: readonly SyntheticInvoice[];
  payments: readonly SyntheticPayment[];
  seed: number;
  account?: string;
  noise?: Partial<StatementNoise>;
  /** IBANs already given to clients (kept stable across statements of one book). */
  clientIbans?: Map<number, string[]>;
}

export function generateStatement(input: StatementInput): SyntheticStatement {
  const rng = new SeededRandom(input.seed);
  const noiseCfg = { ...DEFAULT_NOISE, ...(input.noise ?? {}) };
  const account = input.account ?? OWN_ACCOUNT;
  const clients = new Map(input.clients.map((c) => [c.id, c]));
  const invoices = new Map(input.invoices.map((i) => [i.id, i]));
  const clientIbans = input.clientIbans ?? new Map<number, string[]>();
  for (const c of input.clients) if (!clientIbans.has(c.id)) clientIbans.set(c.id, rng.chance(0.2) ? [iban(rng), iban(rng)] : [iban(rng)]);
  const entries: BankEntry[] = [];
  const truth: TruthRow[] = [];
  let seqNo = 0;
  const keys = new EntryKeys();
  const push = (e: Omit<BankEntry, 'key' | 'account' | 'currency' | 'bankRef'>, t: Omit<TruthRow, 'key'> | null) => {
    seqNo++;
    const bankRef = rng.chance(0.9) ? `${e.bookingDate.replace(/-/g, '')}${String(seqNo).padStart(7, '0')}${crypto.createHash('sha1').update(`${input.seed}:${seqNo}`).digest('hex').slice(0, 6).toUpperCase()}` : null;
    // The key a reader computes when it reads the entry back.
    const key = keys.keyOf({ account, ...e }, bankRef);
    entries.push({ ...e, key, account, currency: 'EUR', bankRef });
    if (t) truth.push({ ...t, key });
  };
  const payerIban = (clientId: number, noise: string[]) => {
    const r = rng.next();
    if (r < 0.1) {
      noise.push('iban-missing');
      return null;
    }
    if (r < 0.15) {
      noise.push('iban-new');
      return iban(rng);
    }
    return rng.pick(clientIbans.get(clientId)!);
  };

  // Full payments of one client close in time may travel in one transfer.
  const sorted = [...input.payments].filter((p) => invoices.has(p.invoiceId)).sort((a, b) => (a.paidDate < b.paidDate ? -1 : a.paidDate > b.paidDate ? 1 : a.invoiceId - b.invoiceId));
  const used = new Set<number>();
  sorted.forEach((p, idx) => {
    if (used.has(idx)) return;
    used.add(idx);
    const inv = invoices.get(p.invoiceId)!;
    const client = clients.get(inv.clientId);
    if (!client) return;
    const noise: string[] = [];
    const payer = payerName(rng, client, noise);
    const fullPayment = p.amountCents >= inv.totalCents;
    const group: { inv: SyntheticInvoice; p: SyntheticPayment }[] = [{ inv, p }];
    if (fullPayment && rng.chance(noiseCfg.combinedShare)) {
      const want = rng.int(2, 4);
      for (let k = idx + 1; k < sorted.length && group.length < want; k++) {
        const q = sorted[k]!;
        if (used.has(k)) continue;
        if (toDayNumber(q.paidDate) - toDayNumber(p.paidDate) > 20) break;
        const qi = invoices.get(q.invoiceId)!;
        if (qi.clientId === inv.clientId && q.amountCents >= qi.totalCents && !group.some((g) => g.inv.id === qi.id)) {
          group.push({ inv: qi, p: q });
          used.add(k);
        }
      }
    }
    const bookingDate = group[group.length - 1]!.p.paidDate;
    const valueDate = addDays(bookingDate, rng.int(0, 2));
    const cpIban = payerIban(client.id, noise);
    if (group.length > 1) {
      const nums = group.map((g) => numberText(rng, g.inv, noise));
      const named = nums.filter((n): n is string => n !== null);
      const text = named.length ? `Saldo fatture ${named.slice(0, -1).join(', ')}${named.length > 1 ? ' e ' : ''}${named[named.length - 1]}` : rng.pick(['Saldo fatture', `Pagamento fatture ${MONTHS[Number(bookingDate.slice(5, 7)) - 1]}`, 'SALDO COMPETENZE']);
      const total = group.reduce((s, g) => s + g.inv.totalCents, 0);
      const fee = rng.chance(noiseCfg.feeShare) ? rng.int(100, 750) : 0;
      if (fee) noise.push('fee');
      push({ direction: 'credit', amountCents: total - fee, bookingDate, valueDate, remittance: text, structuredRefs: [], counterpartyName: payer, counterpartyIban: cpIban }, { kind: 'combined', invoiceIds: group.map((g) => g.inv.id).sort((a, b) => a - b), noise });
      return;
    }
    const num = numberText(rng, inv, noise);
    const structured = num !== null && !noise.includes('number-typo') && rng.chance(noiseCfg.structuredShare) ? [inv.number] : [];
    if (!fullPayment) {
      noise.push('partial');
      const text = num ? rng.pick([`Acconto fattura ${num}`, `Acconto ft ${num}`, `Pagamento parziale fatt. ${num}`]) : rng.pick(['Acconto', 'ACCONTO FORNITURA']);
      push({ direction: 'credit', amountCents: p.amountCents, bookingDate, valueDate, remittance: text, structuredRefs: structured, counterpartyName: payer, counterpartyIban: cpIban }, { kind: 'partial', invoiceIds: [inv.id], noise });
      return;
    }
    if (rng.chance(noiseCfg.splitPaymentShare) && inv.totalCents >= 20_000) {
      // Acconto now, saldo ten days later: each is a partial payment of the invoice.
      const first = Math.round((inv.totalCents * rng.int(30, 70)) / 100);
      noise.push('split');
      push({ direction: 'credit', amountCents: first, bookingDate, valueDate, remittance: num ? `Acconto fattura ${num}` : 'Acconto', structuredRefs: structured, counterpartyName: payer, counterpartyIban: cpIban }, { kind: 'partial', invoiceIds: [inv.id], noise: [...noise] });
      const later = addDays(bookingDate, 10);
      push({ direction: 'credit', amountCents: inv.totalCents - first, bookingDate: later, valueDate: later, remittance: num ? `Saldo fattura ${num}` : 'Saldo', structuredRefs: structured, counterpartyName: payer, counterpartyIban: cpIban }, { kind: 'partial', invoiceIds: [inv.id], noise: [...noise] });
      return;
    }
    const fee = rng.chance(noiseCfg.feeShare) ? rng.int(100, 750) : 0;
    if (fee) noise.push('fee');
    push(
      { direction: 'credit', amountCents: inv.totalCents - fee, bookingDate, valueDate, remittance: singleText(rng, num, inv, payer), structuredRefs: structured, counterpartyName: payer, counterpartyIban: cpIban },
      { kind: fee ? 'fee' : 'single', invoiceIds: [inv.id], noise },
    );
  });

  // Unrelated credits and debits, spread over the statement's dates.
  const dates = entries.map((e) => e.bookingDate).sort();
  const from = dates[0] ?? '2025-01-01';
  const to = dates[dates.length - 1] ?? from;
  const span = Math.max(1, toDayNumber(to) - toDayNumber(from));
  const openAmounts = input.invoices.map((i) => i.totalCents);
  const credits = entries.length;
  const unrelated = Math.round((credits * noiseCfg.unrelatedShare) / (1 - noiseCfg.unrelatedShare));
  for (let k = 0; k < unrelated; k++) {
    const day = addDays(from, rng.int(0, span));
    const sameAmount = openAmounts.length > 0 && rng.chance(0.15);
    const amountCents = sameAmount ? rng.pick(openAmounts) : Math.round(Math.exp(rng.uniform(Math.log(500), Math.log(500_000))));
    const kind = rng.pick(['RIMBORSO SPESE', 'GIROCONTO DA CONTO DEPOSITO', 'STORNO ADDEBITO', 'ACCREDITO INTERESSI', 'RIMBORSO ASSICURAZIONE', 'VERSAMENTO CONTANTI']);
    const person = rng.chance(0.5) ? `${rng.pick(FIRST_NAMES)} ${rng.pick(DEMO_SURNAMES)}` : null;
    push({ direction: 'credit', amountCents, bookingDate: day, valueDate: day, remittance: kind, structuredRefs: [], counterpartyName: person, counterpartyIban: person ? iban(rng) : null }, { kind: 'unrelated', invoiceIds: [], noise: sameAmount ? ['same-amount-as-an-invoice'] : [] });
  }
  const debits = Math.round(credits * noiseCfg.debitShare);
  for (let k = 0; k < debits; k++) {
    const day = addDays(from, rng.int(0, span));
    const [text, cents] = rng.pick([
      ['COMMISSIONI TENUTA CONTO', rng.int(200, 1500)],
      ['F24 DELEGA UNIFICATA', rng.int(20_000, 500_000)],
      ['BONIFICO A FORNITORE', rng.int(5_000, 300_000)],
      ['UTENZE ENERGIA', rng.int(5_000, 60_000)],
    ] as const);
    push({ direction: 'debit', amountCents: cents, bookingDate: day, valueDate: day, remittance: text, structuredRefs: [], counterpartyName: null, counterpartyIban: null }, null);
  }
  const order = entries.map((e, i) => [e, i] as const).sort((a, b) => (a[0].bookingDate < b[0].bookingDate ? -1 : a[0].bookingDate > b[0].bookingDate ? 1 : a[1] - b[1]));
  return { account, entries: order.map(([e]) => e), truth, clientIbans };
}

// --- A synthetic invoice book (clients, invoices, payments) for the benchmark and tests ---

export interface SyntheticBook {
  clients: SyntheticClient[];
  invoices: SyntheticInvoice[];
  payments: SyntheticPayment[];
}

function companyName(rng: SeededRandom): string {
  const surname = rng.pick(DEMO_SURNAMES);
  switch (rng.weighted([['surname-sector', 40], ['sector-region', 20], ['partners', 14], ['studio', 16], ['brothers', 10]] as const)) {
    case 'surname-sector':
      return `${surname} ${rng.pick(DEMO_SECTORS)} ${rng.pick(['S.r.l.', 'Srl', 'S.p.A.', 'Srls'])}`;
    case 'sector-region':
      return `${rng.pick(DEMO_SECTORS)} ${rng.pick(DEMO_REGION_WORDS)} ${rng.pick(['Srl', 'SpA'])}`;
    case 'partners':
      return `${surname} & ${rng.pick(DEMO_SURNAMES)} ${rng.pick(['Snc', 'Sas'])}`;
    case 'studio':
      return `${rng.pick(DEMO_STUDIO_KINDS)} ${surname}`;
    case 'brothers':
      return `F.lli ${surname} ${rng.pick(['Snc', 'Srl'])}`;
  }
}

export interface BookOptions {
  seed: number;
  clients: number;
  invoices: number;
  /** First issue date; invoices are spread over `days`. */
  from: string;
  days: number;
  /** Share of invoices paid in part only. */
  partialShare?: number;
}

/**
 * Clients with their usual fee (many invoices of a client repeat an amount, as monthly fees do),
 * invoice numbers in three styles (plain per-year sequence, "2025/A/0007", "FPR 12/2025"), and
 * payments around the due date.
 */
export function generateBook(o: BookOptions): SyntheticBook {
  const rng = new SeededRandom(o.seed);
  const names = new Set<string>();
  const clients: SyntheticClient[] = [];
  const fee = new Map<number, number>();
  for (let i = 1; i <= o.clients; i++) {
    let name = companyName(rng);
    for (let tries = 0; names.has(name) && tries < 5; tries++) name = companyName(rng);
    if (names.has(name)) name = `${name} ${i}`;
    names.add(name);
    clients.push({ id: i, name });
    fee.set(i, Math.round(Math.exp(rng.uniform(Math.log(20_000), Math.log(400_000)))));
  }
  const style = rng.weighted([['plain', 60], ['series', 25], ['prefix', 15]] as const);
  const seqByYear = new Map<number, number>();
  const invoices: SyntheticInvoice[] = [];
  const payments: SyntheticPayment[] = [];
  const starts = Array.from({ length: o.invoices }, () => rng.int(0, o.days - 1)).sort((a, b) => a - b);
  starts.forEach((offset, k) => {
    const issueDate = addDays(o.from, offset);
    const year = Number(issueDate.slice(0, 4));
    const seq = (seqByYear.get(year) ?? 0) + 1;
    seqByYear.set(year, seq);
    const number = style === 'plain' ? String(seq) : style === 'series' ? `${year}/A/${String(seq).padStart(4, '0')}` : `FPR ${seq}/${year}`;
    const client = clients[Math.floor(Math.pow(rng.next(), 1.6) * clients.length)]!;
    const totalCents = rng.chance(0.35) ? fee.get(client.id)! : Math.round(Math.exp(rng.uniform(Math.log(5_000), Math.log(800_000))) / 100) * 100 + (rng.chance(0.5) ? rng.int(0, 99) : 0);
    const dueDate = addDays(issueDate, rng.pick([30, 30, 60, 60, 90]));
    const id = k + 1;
    invoices.push({ id, clientId: client.id, number, year, issueDate, dueDate, totalCents });
    const paidDate = addDays(dueDate, Math.round(rng.normal(8, 15)));
    const partial = rng.chance(o.partialShare ?? 0.05);
    payments.push({ invoiceId: id, paidDate: paidDate < issueDate ? issueDate : paidDate, amountCents: partial ? Math.round((totalCents * rng.int(20, 80)) / 100) : totalCents });
  });
  return { clients, invoices, payments };
}
