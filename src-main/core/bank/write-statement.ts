// Writes entries as a CAMT.053 statement (any version from 001.02 to 001.08, in that version's
// shape) and as an Italian bank CSV export — for the synthetic statements of `demo seed
// --statements` and for tests that read back what they wrote.
import type { BankEntry } from './statement-types';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

export interface Camt053WriteOptions {
  version: '02' | '03' | '04' | '05' | '06' | '07' | '08';
  account: string;
  statementId: string;
  createdAt: string;
}

export function writeCamt053(entries: readonly BankEntry[], o: Camt053WriteOptions): string {
  const v8 = o.version === '08';
  const txAmount = (cents: number, ind: string) =>
    o.version === '02' ? `<AmtDtls><TxAmt><Amt Ccy="EUR">${amount(cents)}</Amt></TxAmt></AmtDtls>` : `<Amt Ccy="EUR">${amount(cents)}</Amt><CdtDbtInd>${ind}</CdtDbtInd>`;
  const party = (role: string, name: string) => (v8 ? `<${role}><Pty><Nm>${esc(name)}</Nm></Pty></${role}>` : `<${role}><Nm>${esc(name)}</Nm></${role}>`);
  const lines: string[] = [];
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${o.version}">`);
  lines.push('<BkToCstmrStmt>');
  lines.push(`<GrpHdr><MsgId>${esc(o.statementId)}</MsgId><CreDtTm>${esc(o.createdAt)}</CreDtTm></GrpHdr>`);
  lines.push(`<Stmt><Id>${esc(o.statementId)}</Id><CreDtTm>${esc(o.createdAt)}</CreDtTm>`);
  lines.push(`<Acct><Id><IBAN>${esc(o.account)}</IBAN></Id><Ccy>EUR</Ccy></Acct>`);
  for (const e of entries) {
    const ind = e.direction === 'credit' ? 'CRDT' : 'DBIT';
    const [role, acct] = e.direction === 'credit' ? ['Dbtr', 'DbtrAcct'] : ['Cdtr', 'CdtrAcct'];
    const parties = [e.counterpartyName ? party(role, e.counterpartyName) : '', e.counterpartyIban ? `<${acct}><Id><IBAN>${esc(e.counterpartyIban)}</IBAN></Id></${acct}>` : ''].join('');
    const strd = e.structuredRefs.map((r) => `<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>${esc(r)}</Nb></RfrdDocInf></Strd>`).join('');
    const ustrd = e.remittance ? chunks(e.remittance, 140).map((c) => `<Ustrd>${esc(c)}</Ustrd>`).join('') : '';
    lines.push(
      [
        '<Ntry>',
        `<Amt Ccy="EUR">${amount(e.amountCents)}</Amt><CdtDbtInd>${ind}</CdtDbtInd>`,
        v8 ? '<Sts><Cd>BOOK</Cd></Sts>' : '<Sts>BOOK</Sts>',
        `<BookgDt><Dt>${e.bookingDate}</Dt></BookgDt>`,
        e.valueDate ? `<ValDt><Dt>${e.valueDate}</Dt></ValDt>` : '',
        e.bankRef ? `<AcctSvcrRef>${esc(e.bankRef)}</AcctSvcrRef>` : '',
        `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${e.direction === 'credit' ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>`,
        '<NtryDtls><TxDtls>',
        txAmount(e.amountCents, ind),
        parties ? `<RltdPties>${parties}</RltdPties>` : '',
        ustrd || strd ? `<RmtInf>${ustrd}${strd}</RmtInf>` : '',
        '</TxDtls></NtryDtls>',
        '</Ntry>',
      ].join(''),
    );
  }
  lines.push('</Stmt>', '</BkToCstmrStmt>', '</Document>');
  return lines.join('\n') + '\n';
}

function chunks(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}

const csvCell = (s: string) => {
  // Spreadsheets would run a cell starting with = + - @ tab or CR as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[;"\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const itDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const itAmount = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;

/** An Italian home-banking export: `;`-separated, day-first dates, decimal commas, Dare/Avere columns. */
export function writeStatementCsv(entries: readonly BankEntry[]): string {
  const rows = ['Data contabile;Data valuta;Dare;Avere;Descrizione;Ordinante;IBAN ordinante;Riferimento'];
  for (const e of entries) {
    rows.push(
      [
        itDate(e.bookingDate),
        e.valueDate ? itDate(e.valueDate) : '',
        e.direction === 'debit' ? itAmount(e.amountCents) : '',
        e.direction === 'credit' ? itAmount(e.amountCents) : '',
        csvCell([e.remittance, ...e.structuredRefs].filter(Boolean).join(' ')),
        csvCell(e.counterpartyName ?? ''),
        e.counterpartyIban ?? '',
        csvCell(e.bankRef ?? ''),
      ].join(';'),
    );
  }
  return rows.join('\n') + '\n';
}
