// Import reasons and notes in structured form: a stable code plus the figures it quotes, so the
// Import page can say them in the UI's language. The English templates live here, shared by the
// core (which writes the English text the CLI prints and the downloadable summary keeps) and the
// UI's catalog. The wire shape is lenient (any code, flat params): a code the renderer does not know
// shows the English text that travels alongside.
import { z } from 'zod';

export const ImportMessage = z.object({
  code: z.string().min(1).max(64),
  params: z.record(z.string(), z.union([z.string().max(2000), z.number()])),
});
export type ImportMessage = z.infer<typeof ImportMessage>;

/** English text of each code; `{name}` is a param. Numbers are filled in the reader's locale. */
export const IMPORT_MESSAGE_EN = {
  // Reading files and archives
  'file-empty': 'is empty',
  'file-too-large': 'is {bytes} bytes, more than {max}',
  'not-xml-p7m-zip': 'not an .xml, .p7m or .zip file',
  'symlink-ignored': 'symbolic link, not followed',
  'sdi-notice': 'SDI {root} file, not an invoice',
  'zip-unreadable': 'is not a readable zip archive ({detail})',
  'zip-damaged': 'the archive is damaged ({detail})',
  'zip-unsafe-name': 'unsafe name in the archive ({detail})',
  'zip-too-deep': 'archive nested more than {max} levels deep',
  'zip-entry-too-large': 'larger than {max} bytes uncompressed',
  'zip-entry-unreadable': 'cannot be read from the archive ({detail})',
  'read-failed': 'could not be read: {detail}',
  'cannot-read': 'cannot be read ({detail})',
  // Signed files (.p7m)
  'p7m-envelope-unreadable': 'the signed envelope cannot be read ({detail})',
  'p7m-not-signed-data': 'the envelope is not PKCS#7 SignedData (content type {type})',
  'p7m-damaged': 'the SignedData structure is damaged ({detail})',
  'p7m-detached': 'the signature is detached: the file does not contain the signed invoice',
  'p7m-empty': 'the signed content is empty',
  'p7m-altered': "the signed content does not match the signature's {algorithm} digest: the invoice was altered after signing",
  'p7m-not-der-or-base64': 'is neither a DER nor a Base64 signed file (.p7m)',
  'p7m-too-nested': 'more than {max} nested signatures',
  // XML
  'bom-not-utf8': 'starts with a UTF-8 byte-order mark but is not valid UTF-8',
  'encoding-unreadable': 'declares the encoding "{encoding}", which cannot be read',
  'xml-doctype': 'contains a DOCTYPE or ENTITY declaration, which FatturaPA does not allow',
  'xml-not-well-formed': 'is not well-formed XML (line {line}, column {column}: {detail}) — truncated or damaged?',
  'xml-unparsable': 'cannot be parsed as XML ({detail})',
  'xml-no-root': 'has no root element',
  'not-fatturapa': 'is not a FatturaPA invoice (root element <{root}>)',
  'no-body': 'has no FatturaElettronicaBody',
  'field-missing': '{path} is missing',
  'not-an-amount': '{path}: "{value}" is not an amount',
  'amount-too-large': '{path}: "{value}" is too large',
  'not-a-number': '{path}: "{value}" is not a number',
  'not-a-date': '{path}: "{value}" is not a date (YYYY-MM-DD)',
  'party-no-name': '{path}: no Denominazione or Nome/Cognome',
  'line-no-price': '{path}: neither PrezzoUnitario nor PrezzoTotale',
  'issuer-no-id': 'CedentePrestatore has neither IdFiscaleIVA nor CodiceFiscale',
  'bad-document-type': '{path}: "{value}" is not a FatturaPA document type (TD01…TD29)',
  'no-lines': '{path} has no lines',
  // Writing the invoices
  'not-your-firm': 'neither the issuer ({issuer}) nor the customer ({customer}) is your firm ({firm})',
  'number-invalid': 'Numero {detail}',
  'not-eur': 'amounts are in {currency}; only EUR invoices can be imported',
  'same-as-earlier-file': 'same invoice as {file}',
  'conflicts-with-earlier-file': 'same issuer, type, number and date as {file}, but different content: not merged',
  'already-imported': 'already imported',
  'changed-since-import': 'already imported with different content (the file changed): not merged',
  'number-used': 'number {ref} ({type}) is already used by the invoice of {date}',
  'exists-from-app': 'invoice {ref} of {date} already exists (created in the app): not merged',
  'exists-from-csv': 'invoice {ref} of {date} already exists (imported from CSV): not merged',
  'write-failed': 'could not be written: {detail}',
  // Bank statements (CAMT.053 and CSV exports)
  'statement-invalid': 'is not a valid statement: {detail}',
  'statement-too-large': 'is {bytes} bytes; a statement file may have at most {max} bytes',
  'statement-too-many-entries': 'has more than {max} entries',
  'camt-doctype': 'contains a DOCTYPE or ENTITY declaration, which CAMT.053 does not allow',
  'not-camt053': 'is not a CAMT.053 statement (root element <{root}>, expected <Document>)',
  'camt-namespace': 'Document: expected the namespace urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 to .08, got "{namespace}"',
  'camt-version': 'camt.053.001.{version} is not supported (versions 001.02 to 001.08 are)',
  'camt-missing': 'no {path} element',
  'statement-account-required': 'a CSV export does not name its account: give the account (IBAN) it is for',
  'csv-unreadable': 'is not a readable CSV file ({detail})',
  'csv-column-missing': 'column "{column}" (for {target}) is not in the header (columns: {columns})',
  'csv-no-date-column': 'no column for the booking date',
  'csv-no-amount-column': 'no amount column: choose the amount (with its sign) or the credit and debit columns',
  'csv-no-text-column': 'no description or payer column: the matcher needs the text of the transfer',
  'csv-dates-ambiguous': 'the dates read as day/month and as month/day (e.g. "{example}"): choose the date format',
  // CSV notes
  'due-defaulted': "blank: defaulted to {date} (issue date + {days} days, the client's terms)",
  'due-defaulted-eom': "blank: defaulted to {date} (issue date + {days} days, end of month, the client's terms)",
  'payments-kept': 'payments recorded since the last import are kept ({paid} paid, the file says {file})',
  'instalments-undated': '{count} instalment(s) without a due date: due on the issue date',
  'no-payment-data': 'no DatiPagamento: one instalment due 30 days after the issue date',
  'client-id-format-matched': 'client {id} {value} is not in the {id} format: matched by name',
  'client-id-check-matched': 'client {id} {value} fails its check character (expected {expected}): matched by name',
  'client-id-format-kept': "client {id} {value} is not in the {id} format; kept in the client's notes",
  'client-id-check-kept': "client {id} {value} fails its check character (expected {expected}); kept in the client's notes",
  // A CSV row's fields (the page puts the field and its column before the text)
  'csv-truncated': 'truncated: {got} of {expected} columns (missing {missing})',
  'csv-required': 'is required',
  'csv-bad-date': '"{value}" is not a valid date in the format {format}',
  'csv-bad-date-hint': '"{value}" is not a valid date in the format {format} (as {other} it would be {date}: try --date-format {other})',
  'csv-bad-amount': '"{value}" is not an amount in euro (like 1234.56 or 1.234,56)',
  'csv-not-positive': 'must be greater than 0, got "{value}"',
  'csv-bad-whole-number': 'expected a whole number between {min} and {max}, got "{value}"',
  'csv-before-issue': '{date} is before the issue date {issue}',
  'csv-paid-date-required': 'is required when paid_amount is given',
  'csv-paid-over-total': '{paid} is more than the total {total}',
  'csv-year-mismatch': '{year} does not match the issue date {issue}',
  'csv-bad-yes-no': 'expected yes/no, true/false or 1/0, got "{value}"',
  'csv-too-long': 'at most {max} characters, got {length}',
  'csv-client-required': 'is required (or a client id, P.IVA or name)',
  'csv-bad-document-type': 'must be a FatturaPA document type like TD01, got "{value}"',
  'csv-no-client': 'no client with id {id}',
  'csv-client-name-required': 'is required to create the client with P.IVA {piva}',
  'csv-same-row-differs': 'same client, number and issue date as line {line}, with other values',
  'csv-number-used': '{ref} is already used by the invoice of {date} to {client}',
  'csv-exists-from-app': '{ref} already exists (created in the app): not updated',
  'csv-exists-from-fatturapa': '{ref} already exists (imported from FatturaPA): not updated',
  'csv-total-below-paid': '{total} is less than the {paid} already paid on this invoice',
  // What a FatturaPA file got wrong that the import read anyway
  'tolerated-p7m-unnamed': 'signed content in a file not named .p7m',
  'tolerated-cp1252-undeclared': 'no encoding declared but the bytes are not UTF-8: read as windows-1252',
  'tolerated-cp1252-declared': 'declared {encoding} but the bytes are not UTF-8: read as windows-1252',
  'tolerated-decimal-comma': '{path}: decimal comma in "{value}"',
  'tolerated-few-decimals': '{path}: "{value}" has fewer than 2 decimals',
  'tolerated-date-time': '{path}: "{value}" carries a time or zone; the date {date} is used',
  'tolerated-no-payment-method': '{path}/ModalitaPagamento is missing',
  'tolerated-total-computed': '{path}/PrezzoTotale is missing; computed from quantity × price',
  'tolerated-versione-fsm10': 'versione "{versione}" on a simplified invoice: read as FSM10',
  'tolerated-versione': 'versione "{versione}" is not FPR12/FPA12: read as {format}',
  'tolerated-no-vat-summary': '{path}/DatiRiepilogo is missing; the VAT summary is computed from the lines',
  'tolerated-no-total': '{path}/ImportoTotaleDocumento is missing; the total is net + VAT + stamp duty',
  'tolerated-customer-no-id': 'CessionarioCommittente has neither IdFiscaleIVA nor CodiceFiscale: the client is matched by name',
} as const;

export type ImportMessageCode = keyof typeof IMPORT_MESSAGE_EN;
export const IMPORT_MESSAGE_CODES = Object.keys(IMPORT_MESSAGE_EN) as ImportMessageCode[];

export function isImportMessageCode(code: string): code is ImportMessageCode {
  return Object.hasOwn(IMPORT_MESSAGE_EN, code);
}

/** Fills `{name}` placeholders; a number goes through `num` (the reader's locale; plain digits by default). */
export function fillImportTemplate(template: string, params: ImportMessage['params'], num: (n: number) => string = String): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : typeof v === 'number' ? num(v) : v;
  });
}

/** The English text of a message (what the CLI prints). */
export function englishImportMessage(m: ImportMessage): string {
  return isImportMessageCode(m.code) ? fillImportTemplate(IMPORT_MESSAGE_EN[m.code], m.params) : m.code;
}
