// The XML parser settings every imported document (FatturaPA, CAMT.053) is read with: namespace
// prefixes dropped, attributes as `@name`, every value kept as text (no number guessing), no
// processing instructions, and a nesting cap. DOCTYPE and entity checks happen before parsing.
import { XMLParser } from 'fast-xml-parser';

/** A parser for untrusted documents; the named elements always come back as arrays. */
export function untrustedXmlParser(arrays: ReadonlySet<string>): XMLParser {
  return new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    htmlEntities: true,
    maxNestedTags: 64,
    isArray: (name) => arrays.has(name),
  });
}
