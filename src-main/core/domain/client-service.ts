// Clients (clienti): validated create/update, list, get, and lookup by id, P.IVA or name. Every bad
// field is an InputError naming it, raised before anything is written.
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { nowIso } from '../db/database';
import type { ClientsTable } from '../db/schema';
import { SqlRunner } from '../db/sql-runner';
import { ClientRepository, type Client, type ClientWithStats } from './client-repository';
import { InputError, NotFoundError } from '../errors';
import { checkCodiceFiscale, checkPartitaIva, isValidCap, isValidCodiceDestinatario, isValidEmail, isValidProvince, normalizePartitaIva } from './italian-ids';
import { parseInput } from './parse-input';

export type { Client } from './client-repository';

/** Optional text: trimmed, empty → null. */
const optText = (max: number) =>
  z
    .string({ invalid_type_error: 'expected text' })
    .trim()
    .max(max, `at most ${max} characters`)
    .transform((s) => (s === '' ? null : s))
    .nullish();

const optChecked = (normalize: (s: string) => string, check: (s: string) => string | null) =>
  z
    .string({ invalid_type_error: 'expected text' })
    .transform((s) => normalize(s))
    .superRefine((s, ctx) => {
      if (s === '') return;
      const problem = check(s);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    })
    .transform((s) => (s === '' ? null : s))
    .nullish();

const clientFields = {
  denominazione: z
    .string({ required_error: 'is required (company or person name)', invalid_type_error: 'expected text' })
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'at most 200 characters')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters (NUL, tab, line breaks)'),
  partitaIva: optChecked(normalizePartitaIva, (s) => {
    const c = checkPartitaIva(s);
    return c.ok ? null : `invalid P.IVA: ${c.problem}`;
  }),
  codiceFiscale: optChecked(
    (s) => s.replace(/\s+/g, '').toUpperCase(),
    (s) => {
      const c = checkCodiceFiscale(s);
      return c.ok ? null : `invalid codice fiscale: ${c.problem}`;
    },
  ),
  email: optChecked(
    (s) => s.trim(),
    (s) => (isValidEmail(s) ? null : `"${s}" is not a valid e-mail address`),
  ),
  pec: optChecked(
    (s) => s.trim(),
    (s) => (isValidEmail(s) ? null : `"${s}" is not a valid PEC address`),
  ),
  codiceDestinatario: optChecked(
    (s) => s.trim().toUpperCase(),
    (s) => (isValidCodiceDestinatario(s) ? null : `must be 7 letters/digits (SDI code, "0000000" for PEC delivery), got "${s}"`),
  ),
  address: optText(200),
  city: optText(100),
  province: optChecked(
    (s) => s.trim().toUpperCase(),
    (s) => (isValidProvince(s) ? null : `must be a 2-letter province code like MI, got "${s}"`),
  ),
  cap: optChecked(
    (s) => s.trim(),
    (s) => (isValidCap(s) ? null : `must be 5 digits, got "${s}"`),
  ),
  country: z
    .string({ invalid_type_error: 'expected text' })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'must be a 2-letter ISO country code like IT')
    .optional(),
  paymentTermsDays: z
    .number({ invalid_type_error: 'expected a whole number of days' })
    .int('expected a whole number of days')
    .min(0, 'must be between 0 and 365 days')
    .max(365, 'must be between 0 and 365 days')
    .optional(),
  /** "Fine mese": the due date moves to the end of the month the terms land in. */
  paymentTermsEom: z.boolean({ invalid_type_error: 'expected true or false' }).optional(),
  notes: optText(2000),
};

export const clientInputSchema = z.object(clientFields).strict();
export const clientPatchSchema = z.object(clientFields).partial().strict();
export type ClientInput = z.input<typeof clientInputSchema>;
export type ClientPatch = z.input<typeof clientPatchSchema>;

const COLUMN: Record<keyof typeof clientFields, keyof ClientsTable> = {
  denominazione: 'denominazione',
  partitaIva: 'partita_iva',
  codiceFiscale: 'codice_fiscale',
  email: 'email',
  pec: 'pec',
  codiceDestinatario: 'codice_destinatario',
  address: 'address',
  city: 'city',
  province: 'province',
  cap: 'cap',
  country: 'country',
  paymentTermsDays: 'payment_terms_days',
  paymentTermsEom: 'payment_terms_eom',
  notes: 'notes',
};

export interface ClientListFilter {
  /** Case-insensitive match on name, P.IVA, codice fiscale or city. */
  search?: string;
  limit?: number;
  offset?: number;
}

export class ClientService {
  private readonly sql: SqlRunner;
  private readonly clients: ClientRepository;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
    this.clients = new ClientRepository(connection);
  }

  create(input: unknown): Client {
    const data = parseInput(clientInputSchema, input, 'client');
    const row = toColumns(data);
    return this.sql.transaction(() => {
      if (data.partitaIva) this.assertPivaFree(data.partitaIva, null);
      return this.get(this.clients.insert(row as ClientRow));
    }, 'immediate');
  }

  update(id: number, patch: unknown): Client {
    const data = parseInput(clientPatchSchema, patch, 'client');
    const row = toColumns(data);
    return this.sql.transaction(() => {
      this.get(id);
      if (data.partitaIva) this.assertPivaFree(data.partitaIva, id);
      if (Object.keys(row).length === 0) return this.get(id);
      this.clients.update(id, { ...row, updated_at: nowIso() });
      return this.get(id);
    }, 'immediate');
  }

  get(id: number, field = 'client'): Client {
    const row = this.clients.byId(id);
    if (!row) throw new NotFoundError(`${field}: no client with id ${id}`, field);
    return row;
  }

  list(filter: ClientListFilter = {}): Client[] {
    return this.clients.list(filter);
  }

  /** A page of clients, each with its invoice count and what is still open, and how many match in all (the Data page). */
  listWithStats(filter: { search?: string; limit: number; offset: number }): { items: ClientWithStats[]; total: number } {
    const items = this.clients.listWithStats(filter);
    const total = filter.search ? this.clients.countMatching(filter.search) : this.clients.count();
    return { items, total };
  }

  count(): number {
    return this.clients.count();
  }

  /**
   * Finds one client from what a user types: an id, a P.IVA, the exact name, or a unique part of the
   * name. Ambiguous or unknown references are InputErrors naming `field`.
   */
  find(ref: string | number, field = 'client'): Client {
    const text = String(ref).trim();
    if (text === '') throw new InputError(`${field}: expected a client id, P.IVA or name`, field);
    if (/^\d{1,10}$/.test(text)) {
      const byId = this.clients.byId(Number(text));
      if (byId) return byId;
    }
    const piva = normalizePartitaIva(text);
    if (/^\d{11}$/.test(piva)) {
      const byPiva = this.clients.byPartitaIva(piva);
      if (byPiva) return byPiva;
    }
    const exact = this.clients.byName(text);
    if (exact.length === 1) return exact[0]!;
    const partial = exact.length ? exact : this.clients.nameContains(text);
    if (partial.length === 1) return partial[0]!;
    if (partial.length === 0) throw new NotFoundError(`${field}: no client matches "${text}" (by id, P.IVA or name)`, field);
    const names = partial.slice(0, 5).map((c) => `${c.denominazione} (id ${c.id})`).join(', ');
    throw new InputError(`${field}: "${text}" matches several clients: ${names}${partial.length > 5 ? ', …' : ''}; use the id or P.IVA`, field);
  }

  private assertPivaFree(piva: string, exceptId: number | null): void {
    const other = this.clients.byPartitaIva(piva);
    if (other && other.id !== exceptId) {
      throw new InputError(`partitaIva: a client with P.IVA ${piva} already exists (${other.denominazione}, id ${other.id})`, 'partitaIva');
    }
  }
}

type ClientRow = Parameters<ClientRepository['insert']>[0];

function toColumns(data: Partial<z.output<typeof clientInputSchema>>): Record<string, string | number | null> {
  const row: Record<string, string | number | null> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const col = COLUMN[key as keyof typeof clientFields];
    row[col] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  return row;
}
