// Bytes of an XML file → text: a byte-order mark wins, then the encoding declared in the XML
// declaration, then UTF-8. windows-1252 and the ISO-8859 family are decoded with iconv-lite (Node 20's
// TextDecoder maps windows-1252 0x80–0x9F like Latin-1, losing "€"). A file declared UTF-8 whose
// bytes are not is read as windows-1252 and says so.
import iconv from 'iconv-lite';
import { FatturaFileError } from './fatturapa-types';
import { coded, type CodedText } from '../import/import-message';

export interface DecodedXml {
  text: string;
  encoding: string;
  tolerated: CodedText[];
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The pseudo-attributes of `<?xml … ?>` at the start of `head` (read as ASCII), or null when there is none. */
export function xmlDeclaration(head: string): Record<string, string> | null {
  let i = 0;
  while (i < head.length && ' \t\r\n'.includes(head[i]!)) i++;
  if (!head.startsWith('<?xml', i)) return null;
  const end = head.indexOf('?>', i);
  if (end < 0) return null;
  const body = head.slice(i + 5, end);
  const attrs: Record<string, string> = {};
  let p = 0;
  const skipSpace = () => {
    while (p < body.length && ' \t\r\n'.includes(body[p]!)) p++;
  };
  for (;;) {
    skipSpace();
    if (p >= body.length) break;
    const nameStart = p;
    while (p < body.length && !' \t\r\n='.includes(body[p]!)) p++;
    const name = body.slice(nameStart, p);
    skipSpace();
    if (body[p] !== '=') break;
    p++;
    skipSpace();
    const quote = body[p];
    if (quote !== '"' && quote !== "'") break;
    const close = body.indexOf(quote, p + 1);
    if (close < 0) break;
    attrs[name] = body.slice(p + 1, close);
    p = close + 1;
  }
  return attrs;
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'utf-8') return UTF8.decode(bytes);
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}

function normaliseLabel(label: string): string | null {
  const l = label.trim().toLowerCase();
  if (l === 'utf-8' || l === 'utf8') return 'utf-8';
  if (['windows-1252', 'cp1252', 'iso-8859-1', 'latin1', 'iso8859-1', 'latin-1', 'us-ascii', 'ascii'].includes(l)) return 'windows-1252';
  if (l === 'iso-8859-15' || l === 'latin9') return 'iso-8859-15';
  if (l === 'utf-16' || l === 'utf-16le') return 'utf-16le';
  if (l === 'utf-16be') return 'utf-16be';
  return iconv.encodingExists(l) ? l : null;
}

export function decodeXmlBytes(bytes: Uint8Array): DecodedXml {
  const tolerated: CodedText[] = [];
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      return { text: UTF8.decode(bytes.subarray(3)), encoding: 'utf-8', tolerated };
    } catch {
      throw new FatturaFileError(coded('bom-not-utf8'));
    }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: decodeWith(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le', tolerated };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: decodeWith(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be', tolerated };
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 300)).toString('latin1');
  const declared = xmlDeclaration(head)?.encoding;
  const encoding = declared === undefined ? 'utf-8' : normaliseLabel(declared);
  if (encoding === null) throw new FatturaFileError(coded('encoding-unreadable', { encoding: declared ?? '' }));
  if (encoding !== 'utf-8') return { text: decodeWith(bytes, encoding), encoding, tolerated };
  try {
    return { text: UTF8.decode(bytes), encoding, tolerated };
  } catch {
    tolerated.push(declared === undefined ? coded('tolerated-cp1252-undeclared') : coded('tolerated-cp1252-declared', { encoding: declared }));
    return { text: decodeWith(bytes, 'windows-1252'), encoding: 'windows-1252', tolerated };
  }
}
