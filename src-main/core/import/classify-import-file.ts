// What a file given to the Import page is, from its content rather than its name: a CAMT.053 bank
// statement (the ISO 20022 camt.053 namespace, or a Document holding BkToCstmrStmt), FatturaPA
// (any other XML, a signed .p7m, a zip archive of them — the FatturaPA reader says what is wrong
// with an XML that is neither), a CSV export (invoices or statement entries, chosen on the page),
// or something else (listed as ignored). Only the start of a file is looked at.
import { kindOfName } from './import-sources';

export type ImportFileKind = 'fatturapa' | 'statement' | 'csv' | 'other';

/** Bytes looked at: the root element and its namespace come first in any real statement. */
const HEAD_BYTES = 64 * 1024;
const CAMT053_NAMESPACE = /urn:iso:std:iso:20022:tech:xsd:camt\.053\./;

/** The start of a file as text: UTF-16 by its byte-order mark, otherwise UTF-8 (a legacy single-byte encoding reads the same for the ASCII markup looked for). */
function headText(bytes: Uint8Array): string {
  const head = bytes.subarray(0, HEAD_BYTES);
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le').decode(head.subarray(2));
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be').decode(head.subarray(2));
  return new TextDecoder('utf-8').decode(head);
}

/** True when the content starts like XML (after a byte-order mark and blanks). */
export function looksLikeXml(text: string): boolean {
  return /^\uFEFF?\s*</.test(text);
}

/** A CAMT.053 statement: XML whose Document carries the camt.053 namespace, or whose Document holds BkToCstmrStmt. */
export function isCamt053Text(text: string): boolean {
  if (!looksLikeXml(text)) return false;
  if (CAMT053_NAMESPACE.test(text)) return true;
  return /<(?:[\w.-]+:)?Document[\s>]/.test(text) && /<(?:[\w.-]+:)?BkToCstmrStmt[\s>]/.test(text);
}

export function classifyImportFile(name: string, bytes: Uint8Array): ImportFileKind {
  const byName = kindOfName(name);
  // A zip archive (by name or by its PK signature) is read as a folder of invoices.
  if (byName === 'zip' || (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) return 'fatturapa';
  const text = headText(bytes);
  if (looksLikeXml(text)) return isCamt053Text(text) ? 'statement' : 'fatturapa';
  if (byName === 'csv') return 'csv';
  return byName === 'invoice' ? 'fatturapa' : 'other';
}
