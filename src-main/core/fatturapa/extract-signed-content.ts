// CAdES-signed FatturaPA files (.xml.p7m): a PKCS#7/CMS SignedData whose encapsulated content is the
// XML, as DER (often BER with indefinite lengths and a chunked OCTET STRING) or as Base64 text. The
// content is extracted with asn1js/pkijs; the signer's certificate chain is not verified, but when the
// signature carries the content's digest (signed attribute messageDigest) it is recomputed, so a file
// altered after signing is refused. A signature around a signature (".p7m.p7m") is unwrapped too.
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { FatturaFileError } from './fatturapa-types';
import { coded } from '../import/import-message';

const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const MAX_NESTING = 3;

export interface SignedContent {
  content: Uint8Array;
  /** 'der' or 'base64', outermost first (one entry per signature layer). */
  layers: ('der' | 'base64')[];
  /** Whether the content's digest was checked against the signature's messageDigest. */
  digestChecked: boolean;
}

/** A DER/BER SEQUENCE starts with 0x30 followed by a length byte. */
export function looksLikeDer(bytes: Uint8Array): boolean {
  return bytes.length > 16 && bytes[0] === 0x30 && (bytes[1] === 0x80 || (bytes[1]! >= 0x81 && bytes[1]! <= 0x84));
}

/** Base64 text (optionally PEM-armoured) whose decoded bytes look like DER, or null. */
export function base64Payload(bytes: Uint8Array): Uint8Array | null {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (text.includes('-----BEGIN')) {
    text = text
      .split(/\r?\n/)
      .filter((l) => !l.startsWith('-----'))
      .join('');
  }
  const compact = text.replace(/[\s]+/g, '');
  if (compact.length < 24 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) return null;
  const decoded = new Uint8Array(Buffer.from(compact, 'base64'));
  return looksLikeDer(decoded) ? decoded : null;
}

function parseSignedData(der: Uint8Array): { content: Uint8Array; digestChecked: boolean } {
  let info: pkijs.ContentInfo;
  try {
    const copy = der.slice();
    info = pkijs.ContentInfo.fromBER(copy.buffer);
  } catch (e) {
    throw new FatturaFileError(coded('p7m-envelope-unreadable', { detail: (e as Error).message.replace(/\.$/, '') }));
  }
  if (info.contentType !== ID_SIGNED_DATA) throw new FatturaFileError(coded('p7m-not-signed-data', { type: String(info.contentType) }));
  let signed: pkijs.SignedData;
  try {
    signed = new pkijs.SignedData({ schema: info.content });
  } catch (e) {
    throw new FatturaFileError(coded('p7m-damaged', { detail: (e as Error).message.replace(/\.$/, '') }));
  }
  const eContent = signed.encapContentInfo.eContent;
  if (!eContent) throw new FatturaFileError(coded('p7m-detached'));
  const content = new Uint8Array(eContent.getValue());
  if (content.length === 0) throw new FatturaFileError(coded('p7m-empty'));
  let digestChecked = false;
  for (const signer of signed.signerInfos) {
    const attr = signer.signedAttrs?.attributes.find((a) => a.type === ID_MESSAGE_DIGEST);
    const algorithm = DIGESTS[signer.digestAlgorithm.algorithmId];
    const value = attr?.values[0];
    if (!attr || !algorithm || !(value instanceof asn1js.OctetString)) continue;
    const expected = Buffer.from(value.valueBlock.valueHexView);
    const actual = crypto.createHash(algorithm).update(content).digest();
    if (!expected.equals(actual)) throw new FatturaFileError(coded('p7m-altered', { algorithm }));
    digestChecked = true;
  }
  return { content, digestChecked };
}

/** Extracts the signed document from a .p7m file's bytes (DER or Base64). Throws FatturaFileError with the reason. */
export function extractSignedContent(bytes: Uint8Array): SignedContent {
  const layers: ('der' | 'base64')[] = [];
  let current = bytes;
  let digestChecked = false;
  for (let depth = 0; depth < MAX_NESTING; depth++) {
    let der: Uint8Array;
    if (looksLikeDer(current)) {
      der = current;
      layers.push('der');
    } else {
      const decoded = base64Payload(current);
      if (!decoded) {
        if (depth === 0) throw new FatturaFileError(coded('p7m-not-der-or-base64'));
        break;
      }
      der = decoded;
      layers.push('base64');
    }
    const inner = parseSignedData(der);
    digestChecked ||= inner.digestChecked;
    current = inner.content;
    if (!looksLikeDer(current) && !base64Payload(current)) return { content: current, layers, digestChecked };
  }
  if (looksLikeDer(current)) throw new FatturaFileError(coded('p7m-too-nested', { max: MAX_NESTING }));
  return { content: current, layers, digestChecked };
}
