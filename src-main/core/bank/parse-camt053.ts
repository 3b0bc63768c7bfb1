// CAMT.053 (ISO 20022 BankToCustomerStatement, versions 001.02 to 001.08) → booked entries. Read with
// the parser the FatturaPA import uses (fast-xml-parser: no DOCTYPE, no entity expansion beyond the
// predefined ones, nesting capped), after the same byte decoding; the file size and entry count are
// capped before anything is built. The versions differ in shape where it matters here: the status
// is a code (≤ 001.07) or a choice `<Sts><Cd>` (001.08); the related parties are named directly
// (≤ 001.07) or through `<Pty>` (001.08); a transaction's amount sits in `AmtDtls/TxAmt` (001.02) or
// also in `TxDtls/Amt` (≥ 001.03). A batch entry with several transactions of their own amounts is
// split into one entry per transaction. Amounts go from decimal text to cents without floating point.
import { XMLValidator } from 'fast-xml-parser';
import { untrustedXmlParser } from '../import/untrusted-xml';
import { isIsoDate } from '../dates';
import { decodeXmlBytes } from '../fatturapa/decode-xml-bytes';
import { FatturaFileError } from '../fatturapa/fatturapa-types';
import { coded } from '../import/import-message';
import { EntryKeys, STATEMENT_LIMITS, StatementFileError, type BankEntry, type EntryDirection, type ParsedStatement } from './statement-types';

export const CAMT053_VERSIONS = ['02', '03', '04', '05', '06', '07', '08'] as const;
const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$/;

const ARRAYS = new Set(['Stmt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd', 'RfrdDocInf', 'Bal']);

const parser = untrustedXmlParser(ARRAYS);

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => !!v && typeof v === 'object' && !Array.isArray(v);

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function node(parent: unknown, ...path: string[]): Node | null {
  let cur: unknown = parent;
  for (const key of path) {
    if (!isNode(cur)) return null;
    cur = first(cur[key]);
  }
  return isNode(cur) ? cur : null;
}

function nodes(parent: unknown, key: string): Node[] {
  if (!isNode(parent)) return [];
  const v = parent[key];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter(isNode);
}

function textOf(v: unknown): string | null {
  const x = first(v);
  if (typeof x === 'string') return x.trim() === '' ? null : x.trim();
  if (isNode(x) && typeof x['#text'] === 'string') return textOf(x['#text']);
  return null;
}

function text(parent: unknown, ...path: string[]): string | null {
  if (path.length === 0) return textOf(parent);
  const owner = path.length > 1 ? node(parent, ...path.slice(0, -1)) : isNode(parent) ? parent : null;
  return owner ? textOf(owner[path[path.length - 1]!]) : null;
}

function texts(parent: unknown, key: string): string[] {
  if (!isNode(parent)) return [];
  const v = parent[key];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.map(textOf).filter((s): s is string => s !== null);
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

/** "1234.5" → 123450. At most two significant decimals (EUR); more digits must be zeros. */
export function decimalToCents(value: string, where: string): number {
  const m = /^(\d{1,15})(?:\.(\d{1,5}))?$/.exec(value.trim());
  if (!m) throw new StatementFileError(`${where}: expected an amount like 1234.56, got "${value}"`);
  const frac = m[2] ?? '';
  if (/[1-9]/.test(frac.slice(2))) throw new StatementFileError(`${where}: an amount in cents has at most two decimals, got "${value}"`);
  const cents = Number(m[1]) * 100 + Number(frac.slice(0, 2).padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) throw new StatementFileError(`${where}: the amount "${value}" is too large`);
  return cents;
}

/** `<BookgDt><Dt>` or `<BookgDt><DtTm>` → YYYY-MM-DD (a date-time keeps its own calendar day). */
function dateOf(parent: Node, key: string, where: string): string | null {
  const d = node(parent, key);
  if (!d) return null;
  const raw = text(d, 'Dt') ?? text(d, 'DtTm');
  if (raw === null) throw new StatementFileError(`${where}/${key}: expected Dt or DtTm`);
  const iso = raw.slice(0, 10);
  if (!isIsoDate(iso)) throw new StatementFileError(`${where}/${key}: expected a date like 2025-03-31, got "${raw}"`);
  return iso;
}

const ibanOf = (acct: Node | null) => {
  const raw = acct ? text(acct, 'Id', 'IBAN') : null;
  return raw ? raw.replace(/\s+/g, '').toUpperCase() : null;
};

/** A party's name: `<Dbtr><Nm>` (≤ 001.07) or `<Dbtr><Pty><Nm>` (001.08). */
function partyName(parties: Node | null, role: string): string | null {
  const p = node(parties, role);
  if (!p) return null;
  return text(p, 'Nm') ?? text(p, 'Pty', 'Nm');
}

function statusOf(entry: Node): string | null {
  const sts = first(entry['Sts']);
  if (sts === undefined) return null;
  return textOf(sts) ?? text(sts, 'Cd') ?? text(sts, 'Prtry');
}

interface TxInfo {
  amountCents: number | null;
  remittance: string[];
  refs: string[];
  bankRef: string | null;
  counterpartyName: string | null;
  counterpartyIban: string | null;
}

function readTx(tx: Node, direction: EntryDirection, where: string): TxInfo {
  const amountText = text(tx, 'Amt') ?? text(tx, 'AmtDtls', 'TxAmt', 'Amt') ?? text(tx, 'AmtDtls', 'InstdAmt', 'Amt');
  const parties = node(tx, 'RltdPties');
  const [role, acct, ultimate] = direction === 'credit' ? ['Dbtr', 'DbtrAcct', 'UltmtDbtr'] : ['Cdtr', 'CdtrAcct', 'UltmtCdtr'];
  const rmt = node(tx, 'RmtInf');
  const refs: string[] = [];
  for (const s of nodes(rmt, 'Strd')) {
    const cref = text(s, 'CdtrRefInf', 'Ref');
    if (cref) refs.push(cref);
    for (const d of nodes(s, 'RfrdDocInf')) {
      const nb = text(d, 'Nb');
      if (nb) refs.push(nb);
    }
    for (const extra of texts(s, 'AddtlRmtInf')) refs.push(extra);
  }
  const e2e = text(tx, 'Refs', 'EndToEndId');
  if (e2e && e2e.toUpperCase() !== 'NOTPROVIDED') refs.push(e2e);
  return {
    amountCents: amountText === null ? null : decimalToCents(amountText, `${where}/Amt`),
    remittance: texts(rmt, 'Ustrd'),
    refs,
    bankRef: text(tx, 'Refs', 'AcctSvcrRef'),
    counterpartyName: partyName(parties, role) ?? partyName(parties, ultimate),
    counterpartyIban: ibanOf(node(parties, acct)),
  };
}

export function parseCamt053(bytes: Uint8Array): ParsedStatement {
  if (bytes.byteLength > STATEMENT_LIMITS.maxFileBytes) {
    throw new StatementFileError(coded('statement-too-large', { bytes: bytes.byteLength, max: STATEMENT_LIMITS.maxFileBytes }));
  }
  let xml: string;
  try {
    xml = decodeXmlBytes(bytes).text;
  } catch (e) {
    throw new StatementFileError(e instanceof FatturaFileError ? (e.coded ? { text: e.message, message: e.coded } : e.message) : coded('cannot-read', { detail: (e as Error).message }));
  }
  // Count the entries before building anything: a file of a million tiny entries is refused cheaply.
  let count = 0;
  for (const re = /<(?:[\w.-]+:)?Ntry[\s>]/g; re.exec(xml) !== null; ) {
    if (++count > STATEMENT_LIMITS.maxEntries) throw new StatementFileError(coded('statement-too-many-entries', { max: STATEMENT_LIMITS.maxEntries }));
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new StatementFileError(coded('camt-doctype'));
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new StatementFileError(coded('xml-not-well-formed', { line: valid.err.line, column: valid.err.col, detail: valid.err.msg }));
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    throw new StatementFileError(coded('xml-unparsable', { detail: (e as Error).message }));
  }
  const root = node(doc, 'Document');
  if (!root) throw new StatementFileError(coded('not-camt053', { root: Object.keys(doc).filter((k) => !k.startsWith('?'))[0] ?? 'missing' }));
  // The parser drops namespace declarations: read the one of the Document start tag (default or prefixed).
  const startTag = /<(?:[\w.-]+:)?Document\b[^>]*>/.exec(xml)?.[0] ?? '';
  const ns = [...startTag.matchAll(/\sxmlns(?::[\w.-]+)?\s*=\s*["']([^"']*)["']/g)].map((m) => m[1]!).find((u) => u.includes(':camt.')) ?? '';
  const version = NAMESPACE.exec(ns)?.[1];
  if (!version) throw new StatementFileError(coded('camt-namespace', { namespace: ns || 'none' }));
  if (!(CAMT053_VERSIONS as readonly string[]).includes(version)) throw new StatementFileError(coded('camt-version', { version }));
  const msg = node(root, 'BkToCstmrStmt');
  if (!msg) throw new StatementFileError(coded('camt-missing', { path: 'Document/BkToCstmrStmt' }));
  const stmts = nodes(msg, 'Stmt');
  if (!stmts.length) throw new StatementFileError(coded('camt-missing', { path: 'BkToCstmrStmt/Stmt' }));

  const entries: BankEntry[] = [];
  const notes: string[] = [];
  const statementIds: string[] = [];
  const keys = new EntryKeys();
  let account = '';
  stmts.forEach((stmt, si) => {
    const sw = `Stmt[${si + 1}]`;
    const stmtId = text(stmt, 'Id') ?? `#${si + 1}`;
    statementIds.push(stmtId);
    const acct = node(stmt, 'Acct');
    const acctId = ibanOf(acct) ?? text(acct, 'Id', 'Othr', 'Id');
    if (!acctId) throw new StatementFileError(`${sw}/Acct: no account identification (Id/IBAN or Id/Othr/Id)`);
    account ||= acctId;
    const ntries = nodes(stmt, 'Ntry');
    if (entries.length + ntries.length > STATEMENT_LIMITS.maxEntries) throw new StatementFileError(coded('statement-too-many-entries', { max: STATEMENT_LIMITS.maxEntries }));
    ntries.forEach((ntry, ni) => {
      const w = `${sw}/Ntry[${ni + 1}]`;
      const status = statusOf(ntry);
      if (status !== null && status !== 'BOOK') {
        notes.push(`${w}: status ${status}, not booked: not imported`);
        return;
      }
      const amountText = text(ntry, 'Amt');
      if (amountText === null) throw new StatementFileError(`${w}/Amt: missing`);
      const currency = (node(ntry, 'Amt')?.['@Ccy'] as string | undefined) ?? 'EUR';
      const cdi = text(ntry, 'CdtDbtInd');
      if (cdi !== 'CRDT' && cdi !== 'DBIT') throw new StatementFileError(`${w}/CdtDbtInd: expected CRDT or DBIT, got "${cdi ?? 'nothing'}"`);
      const direction: EntryDirection = cdi === 'CRDT' ? 'credit' : 'debit';
      const amountCents = decimalToCents(amountText, `${w}/Amt`);
      if (currency !== 'EUR') {
        notes.push(`${w}: amount in ${currency}, only EUR entries are imported`);
        return;
      }
      const bookingDate = dateOf(ntry, 'BookgDt', w) ?? dateOf(ntry, 'ValDt', w);
      if (!bookingDate) throw new StatementFileError(`${w}/BookgDt: missing (and no ValDt)`);
      const valueDate = dateOf(ntry, 'ValDt', w);
      const entryRef = text(ntry, 'AcctSvcrRef') ?? text(ntry, 'NtryRef');
      const extra = text(ntry, 'AddtlNtryInf');
      const txs = nodes(ntry, 'NtryDtls').flatMap((d, di) => nodes(d, 'TxDtls').map((tx, ti) => readTx(tx, direction, `${w}/NtryDtls[${di + 1}]/TxDtls[${ti + 1}]`)));
      // A batch booking whose transactions carry their own amounts adding up to the entry: one entry each.
      const split = txs.length > 1 && txs.every((t) => t.amountCents !== null) && txs.reduce((s, t) => s + t.amountCents!, 0) === amountCents;
      const parts: { tx: TxInfo | null; amountCents: number; ref: string | null }[] = split
        ? txs.map((tx, i) => ({ tx, amountCents: tx.amountCents!, ref: tx.bankRef ?? (entryRef ? `${entryRef}/${i + 1}` : null) }))
        : [{ tx: txs.length ? mergeTx(txs) : null, amountCents, ref: entryRef ?? (txs.length === 1 ? txs[0]!.bankRef : null) }];
      for (const part of parts) {
        const remittance = clip([...(part.tx?.remittance ?? []), ...(part.tx?.remittance.length ? [] : extra ? [extra] : [])].join(' ').replace(/\s+/g, ' ').trim(), STATEMENT_LIMITS.maxRemittanceChars);
        const counterpartyIban = part.tx?.counterpartyIban ?? null;
        const base = { account: acctId, bookingDate, direction, amountCents: part.amountCents, remittance, counterpartyIban };
        const key = keys.keyOf(base, part.ref ? clip(part.ref, 200) : null);
        entries.push({
          ...base,
          key,
          bankRef: part.ref,
          currency,
          valueDate,
          structuredRefs: [...new Set(part.tx?.refs ?? [])].slice(0, STATEMENT_LIMITS.maxRefs).map((r) => clip(r, 200)),
          counterpartyName: part.tx?.counterpartyName ? clip(part.tx.counterpartyName, STATEMENT_LIMITS.maxNameChars) : null,
        });
      }
    });
  });
  return { format: `camt.053.001.${version}`, account, statementIds, entries, notes };
}

/** Several transactions of one entry that cannot be split: their texts and references together, the first party. */
function mergeTx(txs: TxInfo[]): TxInfo {
  return {
    amountCents: null,
    remittance: txs.flatMap((t) => t.remittance),
    refs: txs.flatMap((t) => t.refs),
    bankRef: txs.length === 1 ? txs[0]!.bankRef : null,
    counterpartyName: txs.find((t) => t.counterpartyName)?.counterpartyName ?? null,
    counterpartyIban: txs.find((t) => t.counterpartyIban)?.counterpartyIban ?? null,
  };
}
