// The user's own firm: which FatturaPA documents are issued (the firm is the CedentePrestatore) and
// which are received (it is the CessionarioCommittente). Stored in the database (app_state "firm"),
// so it travels with backups and the CLI and the app agree. Set explicitly (`import fatturapa --firm`,
// the Import page) or confirmed by the user from the parties of the first import: the party present
// in the most documents is proposed, never chosen silently.
import type BetterSqlite3 from 'better-sqlite3';
import { InputError } from '../errors';
import { checkCodiceFiscale, checkPartitaIva, normalizePartitaIva } from '../domain/italian-ids';
import type { FatturaInvoice, FatturaParty } from '../fatturapa/fatturapa-types';
import { AppStateRepository } from '../db/app-state-repository';

export interface Firm {
  name: string;
  /** Italian P.IVA (11 digits, no "IT"), as the firm's invoices carry it. */
  partitaIva: string | null;
  codiceFiscale: string | null;
}

export interface FirmCandidate extends Firm {
  /** Documents naming this party (as issuer or customer). */
  documents: number;
  asIssuer: number;
  asCustomer: number;
}

const FIRM_KEY = 'firm';

export function getFirm(sqlite: BetterSqlite3.Database): Firm | null {
  const value = new AppStateRepository(sqlite).get(FIRM_KEY);
  if (value === undefined) return null;
  try {
    const v = JSON.parse(value) as Firm;
    return typeof v.name === 'string' ? { name: v.name, partitaIva: v.partitaIva ?? null, codiceFiscale: v.codiceFiscale ?? null } : null;
  } catch {
    return null;
  }
}

/**
 * Validates and stores the firm. Identifiers are checked; one that fails its check digit is still
 * accepted when `lenient` (it is how the firm's own invoices are written), with the problem returned.
 */
export function setFirm(sqlite: BetterSqlite3.Database, input: { name: string; partitaIva?: string | null; codiceFiscale?: string | null }, lenient = false): { firm: Firm; warnings: string[] } {
  const warnings: string[] = [];
  const name = input.name.trim();
  if (!name || name.length > 200) throw new InputError('firm.name: expected the firm name (1–200 characters)', 'firm.name');
  const piva = input.partitaIva ? normalizePartitaIva(input.partitaIva) : null;
  const cf = input.codiceFiscale ? input.codiceFiscale.replace(/\s+/g, '').toUpperCase() : null;
  if (!piva && !cf) throw new InputError('firm.partitaIva: give the firm P.IVA or codice fiscale', 'firm.partitaIva');
  if (piva) {
    const c = checkPartitaIva(piva);
    if (!c.ok) {
      if (!lenient || !/^\d{11}$/.test(piva)) throw new InputError(`firm.partitaIva: invalid P.IVA: ${c.problem}`, 'firm.partitaIva');
      warnings.push(`P.IVA ${piva}: ${c.problem}; kept as your invoices carry it`);
    }
  }
  if (cf) {
    const c = checkCodiceFiscale(cf);
    if (!c.ok) {
      if (!lenient || !/^[A-Z0-9]{11,16}$/.test(cf)) throw new InputError(`firm.codiceFiscale: invalid codice fiscale: ${c.problem}`, 'firm.codiceFiscale');
      warnings.push(`codice fiscale ${cf}: ${c.problem}; kept as your invoices carry it`);
    }
  }
  const firm: Firm = { name, partitaIva: piva, codiceFiscale: cf };
  new AppStateRepository(sqlite).setJson(FIRM_KEY, firm);
  return { firm, warnings };
}

/** The identifiers a party is known by: its VAT code and its codice fiscale (for a company often the same digits). */
function partyIds(p: FatturaParty): string[] {
  const ids: string[] = [];
  if (p.vatCode && (p.vatCountry === null || p.vatCountry === 'IT')) ids.push(normalizePartitaIva(p.vatCode));
  else if (p.vatCode) ids.push(`${p.vatCountry}${p.vatCode}`);
  if (p.codiceFiscale) ids.push(p.codiceFiscale);
  return ids;
}

export function isFirm(firm: Firm, p: FatturaParty): boolean {
  const mine = [firm.partitaIva, firm.codiceFiscale].filter((x): x is string => !!x);
  return partyIds(p).some((id) => mine.includes(id));
}

export type Direction = 'issued' | 'received';

/** Issued when the firm is the CedentePrestatore, received when it is the CessionarioCommittente, null when it is neither. */
export function directionOf(firm: Firm, invoice: Pick<FatturaInvoice, 'issuer' | 'customer'>): Direction | null {
  if (isFirm(firm, invoice.issuer)) return 'issued';
  if (isFirm(firm, invoice.customer)) return 'received';
  return null;
}

/** Parties ranked by how many documents name them: the proposal for "which one is your firm?". */
export function firmCandidates(invoices: readonly Pick<FatturaInvoice, 'issuer' | 'customer'>[], max = 5): FirmCandidate[] {
  // One candidate per party, whichever of its identifiers a document uses (a firm may appear under
  // its P.IVA in one file and its codice fiscale in another).
  const byId = new Map<string, FirmCandidate>();
  const all: FirmCandidate[] = [];
  const count = (p: FatturaParty, role: 'asIssuer' | 'asCustomer') => {
    const ids = partyIds(p);
    if (!ids.length) ids.push(`name:${p.name.toLowerCase()}`);
    let c = ids.map((id) => byId.get(id)).find(Boolean);
    const piva = p.vatCode && (p.vatCountry ?? 'IT') === 'IT' ? normalizePartitaIva(p.vatCode) : null;
    if (!c) {
      c = { name: p.name, partitaIva: piva, codiceFiscale: p.codiceFiscale, documents: 0, asIssuer: 0, asCustomer: 0 };
      all.push(c);
    } else if (piva && checkPartitaIva(piva).ok && !(c.partitaIva && checkPartitaIva(c.partitaIva).ok)) c.partitaIva = piva;
    c.codiceFiscale ??= p.codiceFiscale;
    for (const id of ids) byId.set(id, c);
    c.documents++;
    c[role]++;
  };
  for (const inv of invoices) {
    count(inv.issuer, 'asIssuer');
    count(inv.customer, 'asCustomer');
  }
  return all.sort((a, b) => b.documents - a.documents || b.asIssuer - a.asIssuer || a.name.localeCompare(b.name)).slice(0, max);
}
