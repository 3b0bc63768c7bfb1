// What a user's correction asks the assistant to do. Either a restriction of the question — "Conta
// solo le fatture emesse nel 2026", "Escludi Bianchi Costruzioni", "only paid invoices", "Revenue
// should be net of VAT" — which the assistant applies by computing the answer again with it, or a
// fact the data cannot check ("Revenue is €12,500 including pending"), which the answer leads with.
// A restriction must be said as an instruction (an imperative, "solo …", "should be …"): "la fattura
// di Ferrari arriverà solo a gennaio" names a client and a month but restricts nothing.
import type { ClientRef } from './assistant-types';
import { matchClient, type ClientRow } from './client-matcher';
import { normalizeQuestion, parsePeriod, type Period } from './parse-period';

export interface Restriction {
  /** Only invoices issued in this period. */
  period: Period | null;
  /** Only this client's invoices. */
  client: ClientRef | null;
  /** Never these clients' invoices. */
  excludeClients: ClientRef[];
  status: 'paid' | 'unpaid' | null;
  basis: 'net' | null;
}

const INSTRUCTION =
  /^(?:per favore |please )?(?:(?:conta|contare|considera|considerare|guarda|calcola|calcolare|usa|usare|prendi|includi|limita(?:ti)?|count|consider|use|include|look at|take|limit (?:it )?to|restrict (?:it )?to)\b.*\b(?:solo|soltanto|unicamente|only|just)\b|(?:solo|soltanto|unicamente|only|just)\b|(?:escludi|escludere|togli|ignora|non contare|non considerare|senza contare|exclude|leave out|ignore|don'?t count|do not count|without)\b)|\b(?:should|must|dovrebbe|deve|va|vanno) (?:be |essere )?(?:calcolat[oaie] |computed |counted )?(?:only|solo|net of vat|senza iva|al netto|sull'imponibile|excluding vat|on the net|without vat)/;
const EXCLUDE = /\b(?:escludi|escludere|esclus[eoia]|togli|ignora|non contare|non considerare|senza contare|tranne|eccetto|exclude|excluding|leave out|ignore|don'?t count|do not count|except)\b/;
const NET = /\b(?:imponibile|senza iva|iva esclusa|al netto (?:dell')?iva|net of vat|excluding vat|without vat|before vat|net amounts?|on the net)\b/;
const PAID = /\b(?:(?:già |already |fully )?(?:pagate|pagata|incassate|saldate|paid|settled))\b/;
const UNPAID = /\b(?:non (?:ancora )?pagat[ei]|da incassare|unpaid|not (?:yet )?paid|open|aperte)\b/;

/** The restriction a correction states, or null when it is a fact to lead with. */
export function readRestriction(correction: string, today: string, clients: readonly ClientRow[]): Restriction | null {
  const text = normalizeQuestion(correction);
  if (!INSTRUCTION.test(text)) return null;
  const exclusion = EXCLUDE.test(text);
  const match = matchClient(clients, correction, { clientHint: null });
  const r: Restriction = { period: null, client: null, excludeClients: [], status: null, basis: null };
  if (match.client) {
    if (exclusion) r.excludeClients = [match.client];
    else r.client = match.client;
  }
  if (NET.test(text)) r.basis = 'net';
  const unpaid = UNPAID.test(text);
  if (unpaid) r.status = exclusion ? 'paid' : 'unpaid';
  else if (PAID.test(text)) r.status = exclusion ? 'unpaid' : 'paid';
  // Excluding a period is not a period to keep: only "solo il 2026" / "only this year" restricts by date.
  if (!exclusion) r.period = parsePeriod(correction, today);
  return r.period || r.client || r.excludeClients.length || r.status || r.basis ? r : null;
}

/** The restriction in words, for the sentence that says it was applied. */
export function describeRestriction(r: Restriction, lang: 'it' | 'en', describePeriod: (p: Period) => string): string {
  const it = lang === 'it';
  const parts: string[] = [];
  if (r.period) parts.push(it ? `solo le fatture emesse ${describePeriod(r.period)}` : `only invoices issued ${describePeriod(r.period)}`);
  if (r.client) parts.push(it ? `solo le fatture di ${r.client.name}` : `only ${r.client.name}'s invoices`);
  if (r.excludeClients.length) {
    const names = r.excludeClients.map((c) => c.name).join(', ');
    parts.push(it ? `escluse le fatture di ${names}` : `leaving out ${names}'s invoices`);
  }
  if (r.status === 'paid') parts.push(it ? 'solo le fatture pagate' : 'only paid invoices');
  if (r.status === 'unpaid') parts.push(it ? 'solo le fatture non ancora pagate' : 'only invoices not yet paid');
  if (r.basis === 'net') parts.push(it ? 'importi senza IVA (imponibile)' : 'amounts before VAT');
  return parts.join('; ');
}
