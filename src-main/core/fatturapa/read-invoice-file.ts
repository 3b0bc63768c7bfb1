// One file (or archive entry) → its FatturaPA invoices: signed files are unwrapped, bytes decoded,
// the XML parsed. Every failure becomes a result naming the file and the reason, never an exception:
// a folder of a thousand files is not stopped by one bad file. Runs in the worker process.
import { decodeXmlBytes } from './decode-xml-bytes';
import { base64Payload, extractSignedContent, looksLikeDer } from './extract-signed-content';
import { FatturaFileError, type FatturaFileResult } from './fatturapa-types';
import { parseFatturaPa } from './parse-fatturapa';
import { coded, type CodedText } from '../import/import-message';

/** SDI allows 5 MB per file; anything much larger is not an invoice. */
export const MAX_INVOICE_FILE_BYTES = 16 * 1024 * 1024;

export function readInvoiceFile(name: string, bytes: Uint8Array): FatturaFileResult {
  try {
    if (bytes.byteLength === 0) throw new FatturaFileError(coded('file-empty'));
    if (bytes.byteLength > MAX_INVOICE_FILE_BYTES) throw new FatturaFileError(coded('file-too-large', { bytes: bytes.byteLength, max: MAX_INVOICE_FILE_BYTES }));
    const tolerated: CodedText[] = [];
    let xmlBytes = bytes;
    const signed = name.toLowerCase().endsWith('.p7m');
    if (signed || looksLikeDer(bytes) || (!startsLikeXml(bytes) && base64Payload(bytes))) {
      const extracted = extractSignedContent(bytes);
      xmlBytes = extracted.content;
      if (!signed) tolerated.push(coded('tolerated-p7m-unnamed'));
    }
    const decoded = decodeXmlBytes(xmlBytes);
    const parsed = parseFatturaPa(decoded.text, [...tolerated, ...decoded.tolerated]);
    if (parsed.kind === 'notice') {
      const c = coded('sdi-notice', { root: parsed.root });
      return { name, status: 'ignored', reason: c.text, message: c.message };
    }
    return { name, status: 'ok', invoices: parsed.invoices, tolerated: parsed.invoices[0]?.tolerated ?? [] };
  } catch (e) {
    if (e instanceof FatturaFileError) return { name, status: 'rejected', reason: e.message, ...(e.coded ? { message: e.coded } : {}) };
    {
      const c = coded('cannot-read', { detail: (e as Error).message });
      return { name, status: 'rejected', reason: c.text, message: c.message };
    }
  }
}

function startsLikeXml(bytes: Uint8Array): boolean {
  for (let i = 0; i < Math.min(bytes.length, 64); i++) {
    const b = bytes[i]!;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf || b === 0xff || b === 0xfe || b === 0x00) continue;
    return b === 0x3c; // '<'
  }
  return false;
}
