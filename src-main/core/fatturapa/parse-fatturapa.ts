// FatturaPA XML text → one FatturaInvoice per FatturaElettronicaBody, for the ordinary format (FPR12,
// FPA12) and the simplified one (FSM10). Parsed with fast-xml-parser (namespace prefixes dropped, all
// values kept as text, entities decoded, no DOCTYPE); amounts go from decimal text to cents without
// floating point. Files in the wild are not always schema-valid: where the meaning is clear (an
// amount without decimals, a decimal comma, a missing total, a date with a time) the value is taken
// and the tolerance recorded; where it is not (no number, no date, an unknown document type) the
// file is refused with the element's path.
import crypto from 'node:crypto';
import { XMLValidator } from 'fast-xml-parser';
import { untrustedXmlParser } from '../import/untrusted-xml';
import { isIsoDate, addDays } from '../dates';
import { FatturaFileError, type FatturaFormat, type FatturaInstalment, type FatturaInvoice, type FatturaLine, type FatturaParty, type FatturaVatSummary } from './fatturapa-types';
import { coded, type CodedText } from '../import/import-message';

/** Document types of FatturaPA 1.2.x (TD01…TD29) and of the simplified format (TD07–TD09). */
export const DOCUMENT_TYPES = new Set([
  'TD01', 'TD02', 'TD03', 'TD04', 'TD05', 'TD06', 'TD07', 'TD08', 'TD09', 'TD16', 'TD17', 'TD18', 'TD19', 'TD20',
  'TD21', 'TD22', 'TD23', 'TD24', 'TD25', 'TD26', 'TD27', 'TD28', 'TD29',
]);

/** Root elements of the SDI's receipts and metadata files, which travel with invoices in bulk downloads. */
const SDI_NOTICES = new Set([
  'FileMetadati', 'RicevutaConsegna', 'NotificaScarto', 'NotificaMancataConsegna', 'NotificaEsito', 'NotificaEsitoCommittente',
  'RicevutaImpossibilitaRecapito', 'NotificaDecorrenzaTermini', 'AttestazioneTrasmissioneFattura', 'ScartoEsitoCommittente',
]);

const ARRAYS = new Set([
  'FatturaElettronicaBody', 'DettaglioLinee', 'DatiRiepilogo', 'DatiPagamento', 'DettaglioPagamento', 'DatiBeniServizi', 'Causale',
  'DatiRitenuta', 'ScontoMaggiorazione',
]);

const parser = untrustedXmlParser(ARRAYS);

type Node = Record<string, unknown>;

/** Outcome of reading one file: an SDI notice to skip, or its invoices. */
export type ParsedFattura = { kind: 'notice'; root: string } | { kind: 'invoices'; format: FatturaFormat; invoices: FatturaInvoice[] };

const isNode = (v: unknown): v is Node => !!v && typeof v === 'object' && !Array.isArray(v);

function textOf(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (isNode(v) && typeof v['#text'] === 'string') return textOf(v['#text']);
  return null;
}

class Reader {
  constructor(readonly tolerated: CodedText[]) {}

  node(parent: unknown, key: string): Node | null {
    if (!isNode(parent)) return null;
    const v = parent[key];
    if (Array.isArray(v)) return isNode(v[0]) ? v[0] : null;
    return isNode(v) ? v : null;
  }

  nodes(parent: unknown, key: string): Node[] {
    if (!isNode(parent)) return [];
    const v = parent[key];
    const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
    return list.filter(isNode);
  }

  text(parent: unknown, key: string): string | null {
    if (!isNode(parent)) return null;
    const v = parent[key];
    return textOf(Array.isArray(v) ? v[0] : v);
  }

  texts(parent: unknown, key: string): string[] {
    if (!isNode(parent)) return [];
    const v = parent[key];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(textOf).filter((s): s is string => s !== null);
  }

  required(parent: unknown, key: string, path: string): string {
    const v = this.text(parent, key);
    if (v === null) throw new FatturaFileError(coded('field-missing', { path: `${path}/${key}` }));
    return v;
  }

  /** Decimal text → cents, half-up, without floating point. "36.08", "-1.71", "10" (tolerated), "36,08" (tolerated). */
  cents(value: string, path: string): number {
    let s = value.trim();
    if (/^-?\d+,\d+$/.test(s)) {
      this.tolerated.push(coded('tolerated-decimal-comma', { path, value }));
      s = s.replace(',', '.');
    }
    const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(s);
    if (!m) throw new FatturaFileError(coded('not-an-amount', { path, value }));
    const frac = m[3] ?? '';
    if (frac.length < 2 && !path.endsWith('PrezzoUnitario') && !path.endsWith('Quantita')) this.tolerated.push(coded('tolerated-few-decimals', { path, value }));
    const int = Number(m[2]);
    let cents = int * 100 + Number((frac + '00').slice(0, 2));
    if (frac.length > 2 && Number(frac[2]) >= 5) cents += 1;
    if (!Number.isSafeInteger(cents) || cents > 1e13) throw new FatturaFileError(coded('amount-too-large', { path, value }));
    return m[1] === '-' ? -cents : cents;
  }

  optCents(parent: unknown, key: string, path: string): number | null {
    const v = this.text(parent, key);
    return v === null ? null : this.cents(v, `${path}/${key}`);
  }

  number(value: string, path: string): number {
    const s = value.trim().replace(/^(-?\d+),(\d+)$/, '$1.$2');
    const n = Number(s);
    if (s === '' || !Number.isFinite(n)) throw new FatturaFileError(coded('not-a-number', { path, value }));
    return n;
  }

  date(value: string, path: string): string {
    const day = value.trim().slice(0, 10);
    if (!isIsoDate(day)) throw new FatturaFileError(coded('not-a-date', { path, value }));
    if (value.trim().length > 10) this.tolerated.push(coded('tolerated-date-time', { path, value, date: day }));
    return day;
  }
}

function party(r: Reader, anagraficaHolder: Node | null, ids: Node | null, sede: Node | null, nameHolder: Node | null, path: string): FatturaParty {
  const vat = r.node(ids, 'IdFiscaleIVA');
  const anagrafica = r.node(anagraficaHolder, 'Anagrafica') ?? nameHolder;
  const denominazione = r.text(anagrafica, 'Denominazione');
  const person = [r.text(anagrafica, 'Nome'), r.text(anagrafica, 'Cognome')].filter(Boolean).join(' ');
  const name = denominazione ?? (person || null);
  if (!name) throw new FatturaFileError(coded('party-no-name', { path }));
  const street = [r.text(sede, 'Indirizzo'), r.text(sede, 'NumeroCivico')].filter(Boolean).join(' ');
  return {
    name,
    vatCountry: r.text(vat, 'IdPaese')?.toUpperCase() ?? null,
    vatCode: r.text(vat, 'IdCodice')?.replace(/\s+/g, '').toUpperCase() ?? null,
    codiceFiscale: r.text(ids, 'CodiceFiscale')?.replace(/\s+/g, '').toUpperCase() ?? null,
    address: street || null,
    cap: r.text(sede, 'CAP'),
    city: r.text(sede, 'Comune'),
    province: r.text(sede, 'Provincia')?.toUpperCase() ?? null,
    country: r.text(sede, 'Nazione')?.toUpperCase() ?? null,
  };
}

function instalmentsOf(r: Reader, body: Node, issueDate: string, bodyPath: string): { terms: string | null; list: FatturaInstalment[] } {
  const list: FatturaInstalment[] = [];
  let terms: string | null = null;
  r.nodes(body, 'DatiPagamento').forEach((dp, i) => {
    const path = `${bodyPath}/DatiPagamento[${i + 1}]`;
    terms ??= r.text(dp, 'CondizioniPagamento');
    r.nodes(dp, 'DettaglioPagamento').forEach((d, k) => {
      const p = `${path}/DettaglioPagamento[${k + 1}]`;
      const amount = r.optCents(d, 'ImportoPagamento', p);
      if (amount === null) throw new FatturaFileError(coded('field-missing', { path: `${p}/ImportoPagamento` }));
      const explicit = r.text(d, 'DataScadenzaPagamento');
      let dueDate: string | null = explicit ? r.date(explicit, `${p}/DataScadenzaPagamento`) : null;
      const days = r.text(d, 'GiorniTerminiPagamento');
      if (!dueDate && days !== null && /^\d{1,3}$/.test(days)) {
        const ref = r.text(d, 'DataRiferimentoTerminiPagamento');
        dueDate = addDays(ref ? r.date(ref, `${p}/DataRiferimentoTerminiPagamento`) : issueDate, Number(days));
      }
      const method = r.text(d, 'ModalitaPagamento');
      if (!method) r.tolerated.push(coded('tolerated-no-payment-method', { path: p }));
      list.push({ dueDate, amountCents: amount, method: method ?? 'MP05', iban: r.text(d, 'IBAN')?.replace(/\s+/g, '').toUpperCase() ?? null });
    });
  });
  return { terms, list };
}

function ordinaryLines(r: Reader, beni: Node | null, path: string): FatturaLine[] {
  return r.nodes(beni, 'DettaglioLinee').map((l, i) => {
    const p = `${path}/DettaglioLinee[${i + 1}]`;
    const vatText = r.required(l, 'AliquotaIVA', p);
    const qtyText = r.text(l, 'Quantita');
    const quantity = qtyText === null ? 1 : Math.abs(r.number(qtyText, `${p}/Quantita`)) || 1;
    const unit = r.optCents(l, 'PrezzoUnitario', p);
    const total = r.optCents(l, 'PrezzoTotale', p);
    if (unit === null && total === null) throw new FatturaFileError(coded('line-no-price', { path: p }));
    if (total === null) r.tolerated.push(coded('tolerated-total-computed', { path: p }));
    return {
      lineNo: Number(r.text(l, 'NumeroLinea') ?? i + 1) || i + 1,
      description: r.text(l, 'Descrizione') ?? '(senza descrizione)',
      quantity,
      unitPriceCents: unit ?? total!,
      netCents: total ?? Math.round(quantity * unit!),
      vatRate: r.number(vatText, `${p}/AliquotaIVA`),
      natura: r.text(l, 'Natura'),
    };
  });
}

function ordinarySummary(r: Reader, beni: Node | null, path: string): FatturaVatSummary[] {
  return r.nodes(beni, 'DatiRiepilogo').map((s, i) => {
    const p = `${path}/DatiRiepilogo[${i + 1}]`;
    const net = r.optCents(s, 'ImponibileImporto', p);
    const vat = r.optCents(s, 'Imposta', p);
    if (net === null) throw new FatturaFileError(coded('field-missing', { path: `${p}/ImponibileImporto` }));
    return { vatRate: r.number(r.required(s, 'AliquotaIVA', p), `${p}/AliquotaIVA`), natura: r.text(s, 'Natura'), netCents: net, vatCents: vat ?? 0 };
  });
}

/** FSM10 lines carry the amount with VAT included (Importo) and either the tax (Imposta) or the rate (Aliquota). */
function simplifiedLines(r: Reader, body: Node, path: string): { lines: FatturaLine[]; summary: FatturaVatSummary[] } {
  const lines: FatturaLine[] = [];
  const byRate = new Map<string, FatturaVatSummary>();
  r.nodes(body, 'DatiBeniServizi').forEach((b, i) => {
    const p = `${path}/DatiBeniServizi[${i + 1}]`;
    const gross = r.optCents(b, 'Importo', p);
    if (gross === null) throw new FatturaFileError(coded('field-missing', { path: `${p}/Importo` }));
    const iva = r.node(b, 'DatiIVA');
    const tax = r.optCents(iva, 'Imposta', `${p}/DatiIVA`);
    const rateText = r.text(iva, 'Aliquota');
    const rate = rateText === null ? null : r.number(rateText, `${p}/DatiIVA/Aliquota`);
    const vatCents = tax ?? (rate === null ? 0 : Math.round((gross * rate) / (100 + rate)));
    const netCents = gross - vatCents;
    const vatRate = rate ?? (netCents === 0 ? 0 : Math.round((vatCents / netCents) * 10_000) / 100);
    const natura = r.text(b, 'Natura');
    lines.push({ lineNo: i + 1, description: r.text(b, 'Descrizione') ?? '(senza descrizione)', quantity: 1, unitPriceCents: netCents, netCents, vatRate, natura });
    const key = `${vatRate}|${natura ?? ''}`;
    const s = byRate.get(key) ?? { vatRate, natura, netCents: 0, vatCents: 0 };
    s.netCents += netCents;
    s.vatCents += vatCents;
    byRate.set(key, s);
  });
  return { lines, summary: [...byRate.values()] };
}

function fingerprint(inv: Omit<FatturaInvoice, 'hash' | 'tolerated' | 'body' | 'bodies' | 'format'>): string {
  return crypto.createHash('sha256').update(JSON.stringify(inv)).digest('hex');
}

/** Parses FatturaPA text. Throws FatturaFileError naming the problem; returns SDI notices as such. */
export function parseFatturaPa(xml: string, fileTolerated: readonly CodedText[] = []): ParsedFattura {
  if (xml.includes('<!DOCTYPE') || xml.includes('<!ENTITY')) throw new FatturaFileError(coded('xml-doctype'));
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new FatturaFileError(coded('xml-not-well-formed', { line: valid.err.line, column: valid.err.col, detail: valid.err.msg }));
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    throw new FatturaFileError(coded('xml-unparsable', { detail: (e as Error).message }));
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith('#'));
  const rootName = roots[0];
  if (!rootName) throw new FatturaFileError(coded('xml-no-root'));
  if (SDI_NOTICES.has(rootName)) return { kind: 'notice', root: rootName };
  const simplified = rootName === 'FatturaElettronicaSemplificata';
  if (rootName !== 'FatturaElettronica' && !simplified) throw new FatturaFileError(coded('not-fatturapa', { root: rootName }));
  const root = isNode(doc[rootName]) ? (doc[rootName] as Node) : {};
  const tolerated: CodedText[] = [...fileTolerated];
  const r = new Reader(tolerated);
  const versione = typeof root['@versione'] === 'string' ? root['@versione'].trim().toUpperCase() : null;
  let format: FatturaFormat;
  if (simplified) {
    format = 'FSM10';
    if (versione !== 'FSM10') tolerated.push(coded('tolerated-versione-fsm10', { versione: versione ?? '' }));
  } else if (versione === 'FPA12' || versione === 'FPR12') format = versione;
  else {
    const declared = r.text(r.node(r.node(root, 'FatturaElettronicaHeader'), 'DatiTrasmissione'), 'FormatoTrasmissione');
    format = declared === 'FPA12' ? 'FPA12' : 'FPR12';
    tolerated.push(coded('tolerated-versione', { versione: versione ?? '', format }));
  }
  const header = r.node(root, 'FatturaElettronicaHeader');
  if (!header) throw new FatturaFileError(coded('field-missing', { path: 'FatturaElettronicaHeader' }));
  const ced = r.node(header, 'CedentePrestatore');
  const ces = r.node(header, 'CessionarioCommittente');
  if (!ced) throw new FatturaFileError(coded('field-missing', { path: 'FatturaElettronicaHeader/CedentePrestatore' }));
  if (!ces) throw new FatturaFileError(coded('field-missing', { path: 'FatturaElettronicaHeader/CessionarioCommittente' }));
  const issuer = simplified
    ? party(r, null, ced, r.node(ced, 'Sede'), ced, 'CedentePrestatore')
    : party(r, r.node(ced, 'DatiAnagrafici'), r.node(ced, 'DatiAnagrafici'), r.node(ced, 'Sede'), null, 'CedentePrestatore');
  const customer = simplified
    ? party(r, null, r.node(ces, 'IdentificativiFiscali'), r.node(r.node(ces, 'AltriDatiIdentificativi'), 'Sede'), r.node(ces, 'AltriDatiIdentificativi'), 'CessionarioCommittente')
    : party(r, r.node(ces, 'DatiAnagrafici'), r.node(ces, 'DatiAnagrafici'), r.node(ces, 'Sede'), null, 'CessionarioCommittente');
  if (!issuer.vatCode && !issuer.codiceFiscale) throw new FatturaFileError(coded('issuer-no-id'));
  if (!customer.vatCode && !customer.codiceFiscale) tolerated.push(coded('tolerated-customer-no-id'));

  const bodies = r.nodes(root, 'FatturaElettronicaBody');
  if (bodies.length === 0) throw new FatturaFileError(coded('no-body'));
  const headerTolerated = [...tolerated];
  const invoices = bodies.map((body, index) => {
    const own: CodedText[] = [...headerTolerated];
    const br = new Reader(own);
    const path = `FatturaElettronicaBody[${index + 1}]`;
    const dgd = br.node(br.node(body, 'DatiGenerali'), 'DatiGeneraliDocumento');
    const dgdPath = `${path}/DatiGenerali/DatiGeneraliDocumento`;
    if (!dgd) throw new FatturaFileError(coded('field-missing', { path: dgdPath }));
    const documentType = br.required(dgd, 'TipoDocumento', dgdPath).toUpperCase();
    if (!DOCUMENT_TYPES.has(documentType)) throw new FatturaFileError(coded('bad-document-type', { path: `${dgdPath}/TipoDocumento`, value: documentType }));
    const number = br.required(dgd, 'Numero', dgdPath);
    const issueDate = br.date(br.required(dgd, 'Data', dgdPath), `${dgdPath}/Data`);
    const currency = (br.text(dgd, 'Divisa') ?? 'EUR').toUpperCase();
    const beniPath = `${path}/DatiBeniServizi`;
    const { lines, summary } = simplified
      ? simplifiedLines(br, body, path)
      : { lines: ordinaryLines(br, br.node(body, 'DatiBeniServizi'), beniPath), summary: ordinarySummary(br, br.node(body, 'DatiBeniServizi'), beniPath) };
    if (lines.length === 0) throw new FatturaFileError(coded('no-lines', { path: beniPath }));
    let vatSummary = summary;
    if (vatSummary.length === 0) {
      own.push(coded('tolerated-no-vat-summary', { path: beniPath }));
      const byRate = new Map<string, FatturaVatSummary>();
      for (const l of lines) {
        const key = `${l.vatRate}|${l.natura ?? ''}`;
        const s = byRate.get(key) ?? { vatRate: l.vatRate, natura: l.natura, netCents: 0, vatCents: 0 };
        s.netCents += l.netCents;
        s.vatCents += Math.round((l.netCents * l.vatRate) / 100);
        byRate.set(key, s);
      }
      vatSummary = [...byRate.values()];
    }
    const netCents = vatSummary.reduce((s, x) => s + x.netCents, 0);
    const vatCents = vatSummary.reduce((s, x) => s + x.vatCents, 0);
    const bolloCents = br.optCents(br.node(dgd, 'DatiBollo'), 'ImportoBollo', `${dgdPath}/DatiBollo`) ?? 0;
    const ritenutaCents = br.nodes(dgd, 'DatiRitenuta').reduce((s, n, i) => s + (br.optCents(n, 'ImportoRitenuta', `${dgdPath}/DatiRitenuta[${i + 1}]`) ?? 0), 0);
    const declaredTotal = simplified ? null : br.optCents(dgd, 'ImportoTotaleDocumento', dgdPath);
    const totalCents = declaredTotal ?? (simplified ? lines.reduce((s, l) => s + l.netCents, 0) + vatCents : netCents + vatCents + bolloCents);
    if (declaredTotal === null && !simplified) own.push(coded('tolerated-no-total', { path: dgdPath }));
    const { terms, list } = instalmentsOf(br, body, issueDate, path);
    const causale = br.texts(dgd, 'Causale').join(' ') || null;
    const content = { issuer, customer, documentType, currency, issueDate, number, netCents, vatCents, totalCents, ritenutaCents, bolloCents, lines, summary: vatSummary, paymentTerms: terms, instalments: list, causale };
    return { format, body: index + 1, bodies: bodies.length, ...content, tolerated: own, hash: fingerprint(content) } satisfies FatturaInvoice;
  });
  return { kind: 'invoices', format, invoices };
}
