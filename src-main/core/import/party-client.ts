// A FatturaPA CessionarioCommittente → the app's client: matched by P.IVA, then codice fiscale, then
// exact name (never merging a same-named client with another P.IVA), else created. Real files carry
// identifiers that fail their check digit (public samples do): the client is still created, without
// the bad identifier on it, and the identifier is kept in its notes so nothing is lost — and said.
import type BetterSqlite3 from 'better-sqlite3';
import type { ClientService } from '../domain/client-service';
import { checkCodiceFiscale, checkPartitaIva, isValidCap, isValidProvince, normalizePartitaIva, type IdCheck } from '../domain/italian-ids';
import type { FatturaParty } from '../fatturapa/fatturapa-types';
import { ClientRepository } from '../domain/client-repository';
import { coded, type CodedText } from './import-message';

export interface PartyClient {
  id: number;
  created: boolean;
  notes: CodedText[];
  /** Stable key of the party, to count a client created in a dry run once. */
  key: string;
}

/** What happened to an identifier that failed its check: the client was matched by name, or created with the identifier kept in its notes. */
function idNote(check: Exclude<IdCheck, { ok: true }>, id: 'P.IVA' | 'codice fiscale', value: string, what: 'matched' | 'kept'): CodedText {
  return check.fault === 'check' ? coded(`client-id-check-${what}`, { id, value, expected: check.expected }) : coded(`client-id-format-${what}`, { id, value });
}

export class PartyClientResolver {
  private readonly rows: ClientRepository;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly clients: ClientService,
  ) {
    this.rows = new ClientRepository(sqlite);
  }

  resolve(p: FatturaParty): PartyClient {
    const notes: CodedText[] = [];
    const italian = p.vatCode !== null && (p.vatCountry === null || p.vatCountry === 'IT');
    const piva = italian ? normalizePartitaIva(p.vatCode!) : null;
    const key = piva ?? p.codiceFiscale ?? (p.vatCode ? `${p.vatCountry}${p.vatCode}` : `name:${p.name.toLowerCase()}`);
    const pivaCheck = piva ? checkPartitaIva(piva) : null;
    if (piva) {
      const hit = this.rows.byPartitaIva(piva);
      if (hit) return { id: hit.id, created: false, notes, key };
    }
    if (p.codiceFiscale) {
      const hit = this.rows.idByFiscalCode(p.codiceFiscale);
      if (hit !== undefined) return { id: hit, created: false, notes, key };
    }
    const named = this.rows.byName(p.name.trim()).find((c) => c.partita_iva === null || (pivaCheck?.ok === true && c.partita_iva === piva));
    if (named) {
      if (pivaCheck && !pivaCheck.ok) notes.push(idNote(pivaCheck, 'P.IVA', piva!, 'matched'));
      return { id: named.id, created: false, notes, key };
    }
    const kept: string[] = [];
    const input: Record<string, unknown> = { denominazione: p.name.trim().slice(0, 200) };
    if (piva && pivaCheck?.ok) input.partitaIva = piva;
    else if (piva) {
      if (pivaCheck && !pivaCheck.ok) notes.push(idNote(pivaCheck, 'P.IVA', piva, 'kept'));
      kept.push(`P.IVA ${piva}`);
    } else if (p.vatCode) kept.push(`VAT ${p.vatCountry ?? ''}${p.vatCode}`);
    if (p.codiceFiscale) {
      const cf = checkCodiceFiscale(p.codiceFiscale);
      // A company's codice fiscale is often its P.IVA's digits: kept as the file gives it, like the app's own clients.
      if (cf.ok) input.codiceFiscale = p.codiceFiscale;
      else {
        notes.push(idNote(cf, 'codice fiscale', p.codiceFiscale, 'kept'));
        kept.push(`C.F. ${p.codiceFiscale}`);
      }
    }
    if (p.address) input.address = p.address.slice(0, 200);
    if (p.city) input.city = p.city.slice(0, 100);
    if (p.cap && isValidCap(p.cap)) input.cap = p.cap;
    if (p.province && isValidProvince(p.province)) input.province = p.province;
    if (p.country && /^[A-Z]{2}$/.test(p.country)) input.country = p.country;
    if (kept.length) input.notes = `From FatturaPA, not valid as written: ${kept.join(', ')}`;
    const created = this.clients.create(input);
    return { id: created.id, created: true, notes, key };
  }
}
