// An issued invoice of the app → a FatturaPA v1.2.2 ordinary document (FPR12, between private
// parties), valid against the official schema: elements in the schema's order, amounts with the
// decimals each type demands, texts within their length and in the Latin-1 repertoire the schema
// allows (other characters are transliterated, and said), identifiers in their patterns. What the app
// does not store but the format requires is defaulted and listed in `notes` (a 0% line's VAT nature,
// an instalment's payment method). What cannot be defaulted (an invoice number outside ASCII, a
// client without an address or tax identifier) is refused with FatturaWriteError naming the field.
// Amounts are written from the stored cents, so the file imports back to the same figures.
import type { InvoiceForExport } from '../domain/invoice-export-repository';
import { isCreditNote } from '../domain/document-types';
import { DEFAULT_MODALITA_PAGAMENTO, modalitaPagamentoOf } from './payment-methods';

export const FATTURAPA_NAMESPACE = 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2';

/** The firm issuing the invoices (the CedentePrestatore and the transmitter). */
export interface FatturaIssuer {
  name: string;
  /** 11 digits, without "IT". */
  partitaIva: string;
  codiceFiscale: string | null;
  /** RF01 ordinary, RF19 flat-rate (forfettario), … */
  regimeFiscale: string;
  address: string;
  cap: string;
  city: string;
  province: string | null;
  country: string;
}

export interface WrittenFattura {
  /** The SDI file name: IT + P.IVA + "_" + progressive + ".xml". */
  fileName: string;
  xml: string;
  /** Defaults and transliterations applied, in the user's terms. */
  notes: string[];
}

/** A 0% line without a VAT nature: written as exempt (N4, "esenti"), the case the app's 0% rate stands for. */
export const DEFAULT_ZERO_RATE_NATURA = 'N4';

const NATURE_CODES = new Set(['N1', 'N2.1', 'N2.2', 'N3.1', 'N3.2', 'N3.3', 'N3.4', 'N3.5', 'N3.6', 'N4', 'N5', 'N6.1', 'N6.2', 'N6.3', 'N6.4', 'N6.5', 'N6.6', 'N6.7', 'N6.8', 'N6.9', 'N7']);
const ORDINARY_TYPES = new Set(['TD01', 'TD02', 'TD03', 'TD04', 'TD05', 'TD06', 'TD16', 'TD17', 'TD18', 'TD19', 'TD20', 'TD21', 'TD22', 'TD23', 'TD24', 'TD25', 'TD26', 'TD27', 'TD28']);
const REGIMES = new Set(['RF01', 'RF02', 'RF04', 'RF05', 'RF06', 'RF07', 'RF08', 'RF09', 'RF10', 'RF11', 'RF12', 'RF13', 'RF14', 'RF15', 'RF16', 'RF17', 'RF18', 'RF19']);
/** The schema's EmailType: dot-atoms of these characters on both sides of "@". */
const EMAIL = /^[!#-'*+\-/-9=?A-Z^-~]+(\.[!#-'*+\-/-9=?A-Z^-~]+)*@[!#-'*+\-/-9=?A-Z^-~]+(\.[!#-'*+\-/-9=?A-Z^-~]+)*$/;
const IBAN = /^[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{11,30}$/;
const PROGRESSIVE = /^[A-Za-z0-9]{1,10}$/;

/** Why an invoice cannot be written as a valid document; the message names the invoice and the field. */
export class FatturaWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FatturaWriteError';
  }
}

/** Characters outside Latin-1 that have an obvious Latin-1 spelling. */
const LATIN_SPELLING: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2032': "'", '\u2033': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2026': '...', '\u20ac': 'EUR', '\u2022': '*', '\u00a0': ' ', '\u202f': ' ', '\u2009': ' ', '\u0152': 'OE', '\u0153': 'oe', '\u2122': 'TM',
};

/** Text in the schema's Latin-1 types (String…LatinType): other characters spelled in Latin-1 or dropped, control characters removed. */
export function toLatin1(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code === 0x09 || code === 0x0a || code === 0x0d) out += ch;
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) continue;
    else if (code <= 0xff) out += ch;
    else if (LATIN_SPELLING[ch] !== undefined) out += LATIN_SPELLING[ch];
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += [...base].every((c) => c.codePointAt(0)! <= 0xff) && base !== '' ? base : '?';
    }
  }
  return out;
}

/** XML character data and attribute values. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** Cents → "1234.56" (Amount2DecimalType; also valid for Amount8DecimalType). */
export function amount(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new FatturaWriteError(`amount ${cents} is not a whole number of cents`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A rate in percent → "22.00" (RateType). */
function rate(value: number): string {
  return value.toFixed(2);
}

/** A quantity → 2 to 8 decimals (QuantitaType). */
function quantity(q: number): string {
  const fixed = Math.abs(q).toFixed(8);
  return fixed.replace(/0{1,6}$/, '');
}

type Child = string | null | undefined | false;

/** `<name>text</name>` or `<name>children</name>`; empty or null content writes nothing. */
function el(name: string, content: string | number | null | undefined | Child[], indent: number): string {
  if (content === null || content === undefined) return '';
  const pad = '  '.repeat(indent);
  if (Array.isArray(content)) {
    const inner = content.filter((c): c is string => typeof c === 'string' && c !== '').join('');
    return inner === '' ? '' : `${pad}<${name}>\n${inner}${pad}</${name}>\n`;
  }
  return `${pad}<${name}>${escapeXml(String(content))}</${name}>\n`;
}

class Texts {
  readonly notes: string[] = [];
  constructor(private readonly where: string) {}

  /** Latin-1 text of 1…max characters; says so when characters were replaced or the text cut. */
  latin(text: string, max: number, field: string): string {
    const clean = toLatin1(text).trim();
    if (clean !== text.trim()) this.notes.push(`${field}: characters outside Latin-1 written as "${clean.slice(0, 40)}"`);
    if (clean === '') throw new FatturaWriteError(`${this.where}: ${field} is empty`);
    if (clean.length > max) {
      this.notes.push(`${field}: cut to ${max} characters (the format's limit)`);
      return clean.slice(0, max).trimEnd();
    }
    return clean;
  }

  /** Text split at spaces into parts of at most `max` characters (repeated elements such as Causale). */
  parts(text: string, max: number, field: string): string[] {
    const clean = toLatin1(text).replace(/\s+/g, ' ').trim();
    if (clean !== text.trim()) this.notes.push(`${field}: written as "${clean.slice(0, 40)}${clean.length > 40 ? '…' : ''}" (Latin-1, single spaces)`);
    const out: string[] = [];
    let rest = clean;
    while (rest.length > max) {
      const cut = rest.lastIndexOf(' ', max);
      const at = cut > 0 ? cut : max;
      out.push(rest.slice(0, at));
      rest = rest.slice(cut > 0 ? at + 1 : at);
    }
    if (rest) out.push(rest);
    return out;
  }
}

function party(sede: { address: string | null; cap: string | null; city: string | null; province: string | null; country: string }, t: Texts, who: string, where: string, indent: number): string {
  const refuse = (problem: string) => new FatturaWriteError(`${where}: ${who}: ${problem}`);
  const country = sede.country.toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw refuse(`country "${sede.country}" is not a two-letter ISO code`);
  if (!sede.address) throw refuse('no address (FatturaPA requires Sede/Indirizzo)');
  if (!sede.city) throw refuse('no city (FatturaPA requires Sede/Comune)');
  let cap = sede.cap;
  if (!cap || !/^\d{5}$/.test(cap)) {
    if (country === 'IT') throw refuse(`CAP "${cap ?? ''}" is not 5 digits (FatturaPA requires Sede/CAP)`);
    cap = '00000';
  }
  const province = country === 'IT' && sede.province && /^[A-Z]{2}$/.test(sede.province) ? sede.province : null;
  return el('Sede', [el('Indirizzo', t.latin(sede.address, 60, `${who} address`), indent + 1), el('CAP', cap, indent + 1), el('Comune', t.latin(sede.city, 60, `${who} city`), indent + 1), el('Provincia', province, indent + 1), el('Nazione', country, indent + 1)], indent);
}

function checkIssuer(issuer: FatturaIssuer): void {
  if (!/^\d{11}$/.test(issuer.partitaIva)) throw new FatturaWriteError(`firm: P.IVA "${issuer.partitaIva}" is not 11 digits`);
  if (issuer.codiceFiscale !== null && !/^[A-Z0-9]{11,16}$/.test(issuer.codiceFiscale)) throw new FatturaWriteError(`firm: codice fiscale "${issuer.codiceFiscale}" is not 11–16 letters and digits`);
  if (!REGIMES.has(issuer.regimeFiscale)) throw new FatturaWriteError(`firm: regime fiscale "${issuer.regimeFiscale}" is not one of RF01…RF19`);
}

/** The SDI file name for a progressive (1–5 characters, letters and digits). */
export function fatturaFileName(issuer: Pick<FatturaIssuer, 'partitaIva'>, progressive: string): string {
  return `IT${issuer.partitaIva}_${progressive}.xml`;
}

/** Progressive n (1, 2, …) as the base-36 text SDI file names use: "00001", "0000A", … */
export function progressiveOf(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1 || n >= 36 ** 5) throw new FatturaWriteError(`progressive ${n} is out of range (1…${36 ** 5 - 1})`);
  return n.toString(36).toUpperCase().padStart(5, '0');
}

/** Writes one issued invoice as an FPR12 document. `progressive`: the transmission's ProgressivoInvio (1–10 letters and digits). */
export function writeFatturaPa(invoice: InvoiceForExport, issuer: FatturaIssuer, progressive: string): WrittenFattura {
  checkIssuer(issuer);
  if (!PROGRESSIVE.test(progressive)) throw new FatturaWriteError(`progressive "${progressive}" must be 1–10 letters and digits`);
  const where = `invoice ${invoice.number} of ${invoice.issueDate}`;
  const t = new Texts(where);
  const c = invoice.client;
  const who = `client "${c.denominazione}"`;
  // The schema's String20Type: Basic Latin, printable.
  if (!/^[\x20-\x7e]{1,20}$/.test(invoice.number)) throw new FatturaWriteError(`${where}: number "${invoice.number}" must be 1–20 ASCII characters in FatturaPA`);
  if (!ORDINARY_TYPES.has(invoice.documentType)) throw new FatturaWriteError(`${where}: document type ${invoice.documentType} is not an ordinary FatturaPA type`);
  if (invoice.currency !== 'EUR' && !/^[A-Z]{3}$/.test(invoice.currency)) throw new FatturaWriteError(`${where}: currency "${invoice.currency}" is not an ISO code`);
  if (invoice.lines.length === 0) throw new FatturaWriteError(`${where}: no lines`);
  const clientVat = c.partitaIva && /^[A-Z0-9]{1,28}$/.test(c.partitaIva) ? c.partitaIva : null;
  const clientCf = c.codiceFiscale && /^[A-Z0-9]{11,16}$/.test(c.codiceFiscale.toUpperCase()) ? c.codiceFiscale.toUpperCase() : null;
  if (!clientVat && !clientCf) throw new FatturaWriteError(`${where}: ${who} has neither a P.IVA nor a codice fiscale (FatturaPA requires one)`);
  const code = c.codiceDestinatario && /^[A-Z0-9]{7}$/.test(c.codiceDestinatario) ? c.codiceDestinatario : '0000000';
  const pec = code === '0000000' && c.pec && EMAIL.test(c.pec) && c.pec.length <= 256 ? c.pec : null;

  const header = el('FatturaElettronicaHeader', [
    el('DatiTrasmissione', [
      el('IdTrasmittente', [el('IdPaese', 'IT', 4), el('IdCodice', issuer.partitaIva, 4)], 3),
      el('ProgressivoInvio', progressive, 3),
      el('FormatoTrasmissione', 'FPR12', 3),
      el('CodiceDestinatario', code, 3),
      el('PECDestinatario', pec, 3),
    ], 2),
    el('CedentePrestatore', [
      el('DatiAnagrafici', [
        el('IdFiscaleIVA', [el('IdPaese', 'IT', 5), el('IdCodice', issuer.partitaIva, 5)], 4),
        el('CodiceFiscale', issuer.codiceFiscale, 4),
        el('Anagrafica', [el('Denominazione', t.latin(issuer.name, 80, 'firm name'), 5)], 4),
        el('RegimeFiscale', issuer.regimeFiscale, 4),
      ], 3),
      party(issuer, t, 'firm', where, 3),
    ], 2),
    el('CessionarioCommittente', [
      el('DatiAnagrafici', [
        clientVat ? el('IdFiscaleIVA', [el('IdPaese', /^[A-Z]{2}$/.test(c.country) ? c.country : 'IT', 5), el('IdCodice', clientVat, 5)], 4) : null,
        el('CodiceFiscale', clientCf, 4),
        el('Anagrafica', [el('Denominazione', t.latin(c.denominazione, 80, 'client name'), 5)], 4),
      ], 3),
      party(c, t, who, where, 3),
    ], 2),
  ], 1);

  const withholding = invoice.ritenutaCents > 0;
  const lines = invoice.lines.map((l) => {
    const zero = l.vatRate === 0;
    let natura: string | null = null;
    if (zero) {
      natura = l.natura && NATURE_CODES.has(l.natura) ? l.natura : DEFAULT_ZERO_RATE_NATURA;
      if (natura !== l.natura) t.notes.push(`line ${l.lineNo}: VAT 0% ${l.natura ? `with nature "${l.natura}", not a FatturaPA 1.2.2 code` : 'without a VAT nature'}: written as ${natura} (exempt)`);
    } else if (l.natura) t.notes.push(`line ${l.lineNo}: VAT nature ${l.natura} dropped (VAT is ${l.vatRate}%)`);
    // QuantitaType has no sign: a negative quantity carries its sign on the price instead.
    const negative = l.quantity < 0;
    return {
      vatRate: l.vatRate,
      natura,
      netCents: l.netCents,
      vatCents: zero ? 0 : l.vatCents,
      xml: el('DettaglioLinee', [
        el('NumeroLinea', l.lineNo, 4),
        el('Descrizione', t.latin(l.description, 1000, `line ${l.lineNo} description`), 4),
        el('Quantita', quantity(l.quantity), 4),
        el('PrezzoUnitario', amount(negative ? -l.unitPriceCents : l.unitPriceCents), 4),
        el('PrezzoTotale', amount(l.netCents), 4),
        el('AliquotaIVA', rate(l.vatRate), 4),
        withholding ? el('Ritenuta', 'SI', 4) : null,
        el('Natura', natura, 4),
      ], 3),
    };
  });
  const byRate = new Map<string, { vatRate: number; natura: string | null; netCents: number; vatCents: number }>();
  for (const l of lines) {
    const key = `${l.vatRate}|${l.natura ?? ''}`;
    const s = byRate.get(key) ?? { vatRate: l.vatRate, natura: l.natura, netCents: 0, vatCents: 0 };
    s.netCents += l.netCents;
    s.vatCents += l.vatCents;
    byRate.set(key, s);
  }
  const summaries = [...byRate.values()];
  // The document's own figures win over the lines' (an imported invoice keeps its file's VAT summary):
  // a difference of rounding goes to the largest group.
  const netDiff = invoice.netCents - summaries.reduce((s, x) => s + x.netCents, 0);
  const vatDiff = invoice.vatCents - summaries.reduce((s, x) => s + x.vatCents, 0);
  if (netDiff !== 0 || vatDiff !== 0) {
    const largest = summaries.reduce((a, b) => (Math.abs(b.netCents) > Math.abs(a.netCents) ? b : a));
    largest.netCents += netDiff;
    largest.vatCents += vatDiff;
    t.notes.push(`VAT summary: the lines differ from the invoice's totals by ${amount(netDiff)} net and ${amount(vatDiff)} VAT; the invoice's totals are written`);
  }

  const ritenutaRate = invoice.netCents !== 0 ? (invoice.ritenutaCents * 100) / invoice.netCents : 0;
  const person = issuer.codiceFiscale !== null && issuer.codiceFiscale.length === 16;
  const causale = invoice.notes ? t.parts(invoice.notes, 200, 'notes') : [];
  const credit = isCreditNote(invoice.documentType);
  const instalments = credit ? [] : invoice.instalments.filter((p) => p.amountCents > 0);
  const payments = instalments.map((p, i) => {
    // An open instalment has no method yet: the app's default (a bank transfer) is what is asked for.
    let code = p.method === null ? DEFAULT_MODALITA_PAGAMENTO : modalitaPagamentoOf(p.method);
    if (code === null) {
      code = DEFAULT_MODALITA_PAGAMENTO;
      t.notes.push(`instalment ${i + 1}: payment method "${p.method}" has no FatturaPA code: written as ${code} (bank transfer)`);
    }
    const iban = p.iban && IBAN.test(p.iban) ? p.iban : null;
    if (p.iban && !iban) t.notes.push(`instalment ${i + 1}: IBAN "${p.iban}" left out (not an IBAN)`);
    return el('DettaglioPagamento', [el('ModalitaPagamento', code, 4), el('DataScadenzaPagamento', p.dueDate, 4), el('ImportoPagamento', amount(p.amountCents), 4), el('IBAN', iban, 4)], 3);
  });

  const body = el('FatturaElettronicaBody', [
    el('DatiGenerali', [
      el('DatiGeneraliDocumento', [
        el('TipoDocumento', invoice.documentType, 4),
        el('Divisa', invoice.currency, 4),
        el('Data', invoice.issueDate, 4),
        el('Numero', invoice.number, 4),
        withholding
          ? el('DatiRitenuta', [el('TipoRitenuta', person ? 'RT01' : 'RT02', 5), el('ImportoRitenuta', amount(invoice.ritenutaCents), 5), el('AliquotaRitenuta', rate(ritenutaRate), 5), el('CausalePagamento', 'A', 5)], 4)
          : null,
        invoice.bolloCents > 0 ? el('DatiBollo', [el('BolloVirtuale', 'SI', 5), el('ImportoBollo', amount(invoice.bolloCents), 5)], 4) : null,
        el('ImportoTotaleDocumento', amount(invoice.totalCents), 4),
        ...causale.map((part) => el('Causale', part, 4)),
      ], 3),
    ], 2),
    el('DatiBeniServizi', [
      ...lines.map((l) => l.xml),
      ...summaries.map((s) =>
        el('DatiRiepilogo', [
          el('AliquotaIVA', rate(s.vatRate), 4),
          el('Natura', s.natura, 4),
          el('ImponibileImporto', amount(s.netCents), 4),
          el('Imposta', amount(s.vatCents), 4),
          s.natura === null ? el('EsigibilitaIVA', 'I', 4) : null,
        ], 3),
      ),
    ], 2),
    payments.length ? el('DatiPagamento', [el('CondizioniPagamento', payments.length > 1 ? 'TP01' : 'TP02', 3), ...payments], 2) : null,
  ], 1);

  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<p:FatturaElettronica versione="FPR12" xmlns:p="${FATTURAPA_NAMESPACE}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n` +
    header +
    body +
    '</p:FatturaElettronica>\n';
  return { fileName: fatturaFileName(issuer, progressive), xml, notes: t.notes.map((n) => `${where}: ${n}`) };
}
