// What an imported FatturaPA document says, in the app's units (cents, ISO dates), independent of the
// XML: one FatturaInvoice per FatturaElettronicaBody. Plain data, so it crosses the worker boundary.
import type { CodedText, ImportMessage } from '../import/import-message';

export type FatturaFormat = 'FPR12' | 'FPA12' | 'FSM10';

export interface FatturaParty {
  /** Denominazione, or Nome + Cognome. */
  name: string;
  /** IdFiscaleIVA: country and code as written ("IT", "01234567890"). */
  vatCountry: string | null;
  vatCode: string | null;
  codiceFiscale: string | null;
  address: string | null;
  cap: string | null;
  city: string | null;
  province: string | null;
  country: string | null;
}

export interface FatturaLine {
  lineNo: number;
  description: string;
  quantity: number;
  /** PrezzoUnitario in cents (half-up); negative on discount lines. */
  unitPriceCents: number;
  /** PrezzoTotale: the line's net after discounts. */
  netCents: number;
  vatRate: number;
  /** N1…N7 (with sub-codes such as N2.1) when the rate is 0. */
  natura: string | null;
}

export interface FatturaVatSummary {
  vatRate: number;
  natura: string | null;
  netCents: number;
  vatCents: number;
}

export interface FatturaInstalment {
  /** DataScadenzaPagamento, or the reference date plus GiorniTerminiPagamento; null when the file gives neither. */
  dueDate: string | null;
  amountCents: number;
  /** ModalitaPagamento (MP01 cash, MP05 bank transfer, …). */
  method: string;
  iban: string | null;
}

export interface FatturaInvoice {
  format: FatturaFormat;
  /** 1-based position of the body in its file, and how many bodies the file has. */
  body: number;
  bodies: number;
  /** CedentePrestatore. */
  issuer: FatturaParty;
  /** CessionarioCommittente. */
  customer: FatturaParty;
  documentType: string;
  currency: string;
  issueDate: string;
  number: string;
  netCents: number;
  vatCents: number;
  /** Document total (ImportoTotaleDocumento, or net + VAT + stamp duty). */
  totalCents: number;
  ritenutaCents: number;
  bolloCents: number;
  lines: FatturaLine[];
  summary: FatturaVatSummary[];
  /** CondizioniPagamento: TP01 instalments, TP02 in full, TP03 advance. */
  paymentTerms: string | null;
  instalments: FatturaInstalment[];
  /** Causale lines joined. */
  causale: string | null;
  /** Where the meaning was clear but the file departs from the schema. */
  tolerated: CodedText[];
  /** Fingerprint of the content (not of the bytes): the plain and signed copies of one invoice agree. */
  hash: string;
}

/** One input file (or archive entry) after reading: its invoices, or why it was skipped or refused. */
export type FatturaFileResult =
  | { name: string; status: 'ok'; invoices: FatturaInvoice[]; tolerated: CodedText[] }
  | { name: string; status: 'ignored'; reason: string; message?: ImportMessage }
  | { name: string; status: 'rejected'; reason: string; message?: ImportMessage };

/** A file that is not a usable FatturaPA document; the message says why in the user's terms. */
export class FatturaFileError extends Error {
  readonly coded: ImportMessage | null;
  constructor(reason: string | CodedText) {
    super(typeof reason === 'string' ? reason : reason.text);
    this.name = 'FatturaFileError';
    this.coded = typeof reason === 'string' ? null : reason.message;
  }
}
