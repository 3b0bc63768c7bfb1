// The demo data generator (`openfatture demo seed`): Italian clients, products and several years of
// invoices with payments whose timing follows learnable patterns — a client-specific delay (punctual,
// slow, erratic, deteriorating), payment terms incl. "fine mese", an amount effect, August and
// Christmas slowdowns, weekends, disputes, partial payments, and optionally a drift (one client starts
// paying N days later from a date). Deterministic for a seed. Writes whole transactions only
// (clients+products, then batches of invoices with their lines and payments), so a kill at any
// instant leaves a consistent database.
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { addDays, dueDateFor, fromDayNumber, isIsoDate, toDayNumber, todayIso, weekday } from '../dates';
import { InputError } from '../errors';
import { partitaIvaCheckDigit } from '../domain/italian-ids';
import { invoiceTotals } from '../domain/invoice-totals';
import { parseInput } from '../domain/parse-input';
import { formatInvoiceNumber } from '../domain/invoice-number';
import {
  DEMO_CITIES,
  DEMO_PEC_DOMAINS,
  DEMO_PRODUCTS,
  DEMO_REGION_WORDS,
  DEMO_SECTORS,
  DEMO_STREETS,
  DEMO_STUDIO_KINDS,
  DEMO_SURNAMES,
  type DemoProduct,
} from './italian-demo-data';
import { SeededRandom } from './seeded-random';
import { SqlRunner } from '../db/sql-runner';
import { DemoRepository } from './demo-repository';

export type PaymentProfile = 'punctual' | 'slow' | 'erratic' | 'deteriorating';

export const DEMO_DEFAULTS = { clients: 60, invoices: 2000, seed: 42, years: 3, batchSize: 200 } as const;

/** Days added per tenfold increase of the invoice amount around €1,000 (big invoices go through more approvals). */
export const AMOUNT_DAYS_PER_DECADE = 7;

export const demoOptionsSchema = z
  .object({
    clients: z.number({ invalid_type_error: 'expected a whole number' }).int('expected a whole number').min(1, 'must be between 1 and 5000').max(5000, 'must be between 1 and 5000').default(DEMO_DEFAULTS.clients),
    invoices: z.number({ invalid_type_error: 'expected a whole number' }).int('expected a whole number').min(0, 'must be between 0 and 500000').max(500_000, 'must be between 0 and 500000').default(DEMO_DEFAULTS.invoices),
    seed: z.number({ invalid_type_error: 'expected a whole number' }).int('expected a whole number').min(0, 'must be 0 or more').max(2 ** 32 - 1, 'must fit in 32 bits').default(DEMO_DEFAULTS.seed),
    today: z
      .string({ invalid_type_error: 'expected a date as YYYY-MM-DD' })
      .refine(isIsoDate, (v) => ({ message: `expected a date as YYYY-MM-DD, got "${v}"` }))
      .optional(),
    years: z.number({ invalid_type_error: 'expected a number of years' }).int('expected a whole number of years').min(1, 'must be between 1 and 15').max(15, 'must be between 1 and 15').default(DEMO_DEFAULTS.years),
    /** A generated client (id, unique part of the name, or "largest") that starts paying later. */
    driftClient: z.union([z.string().trim().min(1, 'must not be empty'), z.number().int().positive()]).optional(),
    driftDays: z.number({ invalid_type_error: 'expected a whole number of days' }).int('expected a whole number of days').min(-365, 'must be between -365 and 365').max(365, 'must be between -365 and 365').optional(),
    driftFrom: z
      .string({ invalid_type_error: 'expected a date as YYYY-MM-DD' })
      .refine(isIsoDate, (v) => ({ message: `expected a date as YYYY-MM-DD, got "${v}"` }))
      .optional(),
    batchSize: z.number().int().min(1, 'must be 1 or more').max(100_000, 'must be at most 100000').default(DEMO_DEFAULTS.batchSize),
  })
  .strict()
  .superRefine((v, ctx) => {
    const drift = [v.driftClient, v.driftDays, v.driftFrom].filter((x) => x !== undefined).length;
    if (drift > 0 && v.driftClient === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['driftClient'], message: 'is required to apply a payment drift' });
    if (drift > 0 && v.driftDays === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['driftDays'], message: 'is required to apply a payment drift (how many days later)' });
  });

export type DemoOptions = z.input<typeof demoOptionsSchema>;

export interface DemoProgress {
  done: number;
  total: number;
}

export interface DemoClientInfo {
  id: number;
  name: string;
  profile: PaymentProfile;
  invoices: number;
}

export interface DemoSummary {
  seed: number;
  today: string;
  firstIssueDate: string | null;
  lastIssueDate: string | null;
  clients: number;
  productsAdded: number;
  invoices: number;
  lines: number;
  payments: number;
  paid: number;
  partiallyPaid: number;
  open: number;
  overdue: number;
  disputed: number;
  totalCents: number;
  outstandingCents: number;
  profiles: Record<PaymentProfile, number>;
  drift: { clientId: number; clientName: string; days: number; from: string; invoicesAffected: number } | null;
  clientList: DemoClientInfo[];
}

interface PlannedClient {
  id: number;
  name: string;
  piva: string;
  email: string;
  pec: string;
  codiceDestinatario: string;
  address: string;
  city: string;
  province: string;
  cap: string;
  termsDays: number;
  termsEom: boolean;
  profile: PaymentProfile;
  /** Mean lateness (days after due date) before any trend. */
  base: number;
  /** Day-to-day spread of lateness. */
  sd: number;
  /** Extra lateness per year after `changeDay` (deteriorating clients). */
  slope: number;
  changeDay: number;
  startDay: number;
  weight: number;
  size: number;
  discount: number;
  method: 'bonifico' | 'riba' | 'rid';
  favourites: DemoProduct[];
  invoices: number;
}

interface PlannedPayment {
  dueDate: string;
  amountCents: number;
  paidDate: string | null;
  reference: string | null;
}

interface PlannedInvoice {
  number: number;
  year: number;
  client: PlannedClient;
  issueDate: string;
  dueDate: string;
  termsDays: number;
  termsEom: boolean;
  netCents: number;
  vatCents: number;
  totalCents: number;
  bolloCents: number;
  status: 'issued' | 'partially_paid' | 'paid';
  disputed: boolean;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  lines: { description: string; code: string; quantity: number; unitPriceCents: number; vatRate: number; netCents: number; vatCents: number; totalCents: number }[];
  payments: PlannedPayment[];
}

const TERMS: readonly (readonly [readonly [number, boolean], number])[] = [
  [[30, false], 30],
  [[60, false], 25],
  [[90, false], 12],
  [[30, true], 14],
  [[60, true], 12],
  [[90, true], 4],
  [[0, false], 3],
];

/** Generates the demo data set into an open, migrated database. See the module comment. */
export function generateDemo(sqlite: BetterSqlite3.Database, options: DemoOptions = {}, onProgress?: (p: DemoProgress) => void): DemoSummary {
  const o = parseInput(demoOptionsSchema, options, 'demo');
  const today = o.today ?? todayIso();
  const rng = new SeededRandom(o.seed);
  const todayDay = toDayNumber(today);
  const span = Math.round(o.years * 365.25);
  const startDay = todayDay - span;

  const repo = new DemoRepository(sqlite);
  const sql = SqlRunner.of(sqlite);
  const taken = repo.takenClientIdentities();
  const clients = planClients(rng, o.clients, taken.maxId, taken.pivas, taken.names, startDay, span);

  const driftClient = o.driftClient !== undefined ? resolveDriftClient(clients, o.driftClient) : null;
  const driftFromDay = o.driftFrom ? toDayNumber(o.driftFrom) : startDay + Math.round(span * 0.75);

  // Demo invoices continue the plain yearly sequence (series '') of what is already there.
  const nextNumber = repo.nextPlainNumbers();

  const issueDays = planIssueDays(rng, o.invoices, startDay, todayDay);
  const invoices: PlannedInvoice[] = [];
  let driftAffected = 0;
  for (const day of issueDays) {
    const client = pickClient(rng, clients, day);
    const drift = driftClient === client && day >= driftFromDay ? o.driftDays! : 0;
    if (drift) driftAffected++;
    invoices.push(planInvoice(rng, client, day, todayDay, nextNumber, drift));
  }

  // Writing: one transaction for clients and products, then one per batch of invoices.
  const productIds = sql.transaction(() => {
    for (const c of clients) {
      repo.insertClient({
        id: c.id, denominazione: c.name, partita_iva: c.piva, email: c.email, pec: c.pec, codice_destinatario: c.codiceDestinatario, address: c.address, city: c.city,
        province: c.province, cap: c.cap, payment_terms_days: c.termsDays, payment_terms_eom: c.termsEom ? 1 : 0, at: `${fromDayNumber(c.startDay)}T08:00:00.000Z`,
      });
    }
    let added = 0;
    const at = `${fromDayNumber(startDay)}T08:00:00.000Z`;
    for (const p of DEMO_PRODUCTS) {
      if (repo.insertProduct({ code: p.code, description: p.description, unit_price_cents: p.unitPriceCents, vat_rate: p.vatRate, unit: p.unit, category: p.category, is_service: p.isService ? 1 : 0, at })) added++;
    }
    return { ids: repo.productIdsByCode(), added };
  });

  const writeBatch = (batch: PlannedInvoice[]) =>
    sql.transaction(() => {
      for (const inv of batch) {
        const id = repo.insertInvoice({
          number: formatInvoiceNumber('', inv.number, inv.year), seq: inv.number, year: inv.year, client_id: inv.client.id, issue_date: inv.issueDate, due_date: inv.dueDate,
          payment_terms_days: inv.termsDays, payment_terms_eom: inv.termsEom ? 1 : 0, net_cents: inv.netCents, vat_cents: inv.vatCents, total_cents: inv.totalCents,
          bollo_cents: inv.bolloCents, status: inv.status, disputed: inv.disputed ? 1 : 0, notes: inv.notes, created_at: inv.createdAt, updated_at: inv.updatedAt,
        });
        inv.lines.forEach((l, i) =>
          repo.insertLine({
            invoice_id: id, line_no: i + 1, description: l.description, product_id: productIds.ids.get(l.code) ?? null, quantity: l.quantity,
            unit_price_cents: l.unitPriceCents, vat_rate: l.vatRate, net_cents: l.netCents, vat_cents: l.vatCents, total_cents: l.totalCents,
          }),
        );
        for (const p of inv.payments) {
          repo.insertPayment({
            invoice_id: id, due_date: p.dueDate, amount_cents: p.amountCents, paid_date: p.paidDate, paid_amount_cents: p.paidDate ? p.amountCents : 0,
            method: p.paidDate ? inv.client.method : null, reference: p.reference, created_at: inv.createdAt,
            updated_at: p.paidDate ? `${p.paidDate}T10:00:00.000Z` : inv.createdAt,
          });
        }
      }
    });
  onProgress?.({ done: 0, total: invoices.length });
  for (let i = 0; i < invoices.length; i += o.batchSize) {
    writeBatch(invoices.slice(i, i + o.batchSize));
    onProgress?.({ done: Math.min(i + o.batchSize, invoices.length), total: invoices.length });
  }

  return summarise(o.seed, today, clients, invoices, productIds.added, driftClient && o.driftDays !== undefined ? { client: driftClient, days: o.driftDays, from: fromDayNumber(driftFromDay), affected: driftAffected } : null);
}

function planClients(rng: SeededRandom, n: number, maxId: number, takenPiva: Set<string>, names: Set<string>, startDay: number, span: number): PlannedClient[] {
  const out: PlannedClient[] = [];
  for (let i = 0; i < n; i++) {
    let name = '';
    for (let attempt = 0; attempt < 50 && (name === '' || names.has(name)); attempt++) name = companyName(rng);
    if (names.has(name)) name = `${name} (${i + 1})`;
    names.add(name);
    let piva = '';
    do {
      const first10 = String(rng.int(1, 9)) + rng.digits(6) + String(rng.int(1, 100)).padStart(3, '0');
      piva = first10 + partitaIvaCheckDigit(first10);
    } while (takenPiva.has(piva));
    takenPiva.add(piva);
    const city = rng.pick(DEMO_CITIES);
    const slug = name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/\b(srl|srls|spa|snc|sas)\b/g, '')
      .replace(/[^a-z0-9]+/g, '')
      .slice(0, 24);
    const [termsDays, termsEom] = rng.weighted(TERMS);
    const profile = rng.weighted<PaymentProfile>([
      ['punctual', 35],
      ['slow', 28],
      ['erratic', 15],
      ['deteriorating', 22],
    ]);
    const size = Math.exp(rng.normal(0, 0.8));
    const joined = rng.chance(0.4) ? startDay : startDay + rng.int(0, Math.round(span * 0.7));
    const c: PlannedClient = {
      id: maxId + 1 + i,
      name,
      piva,
      email: `amministrazione@${slug || 'cliente' + (i + 1)}.it`,
      pec: `${slug || 'cliente' + (i + 1)}@${rng.pick(DEMO_PEC_DOMAINS)}`,
      codiceDestinatario: rng.chance(0.7) ? sdiCode(rng) : '0000000',
      address: `${rng.pick(DEMO_STREETS)} ${rng.int(1, 180)}`,
      city: city.city,
      province: city.province,
      cap: city.cap,
      termsDays,
      termsEom,
      profile,
      base: 0,
      sd: 0,
      slope: 0,
      changeDay: 0,
      startDay: joined,
      weight: Math.pow(size, 1.3),
      size,
      discount: rng.chance(0.5) ? 0 : rng.int(3, 15) / 100,
      method: rng.weighted([
        ['bonifico', 75],
        ['riba', 20],
        ['rid', 5],
      ] as const),
      favourites: Array.from({ length: 4 }, () => rng.pick(DEMO_PRODUCTS)),
      invoices: 0,
    };
    switch (profile) {
      case 'punctual':
        c.base = rng.uniform(-4, 3);
        c.sd = 2.5;
        break;
      case 'slow':
        c.base = rng.uniform(12, 40);
        c.sd = 6;
        break;
      case 'erratic':
        c.base = rng.uniform(5, 25);
        c.sd = 18;
        break;
      case 'deteriorating':
        c.base = rng.uniform(0, 6);
        c.sd = 4;
        c.slope = rng.uniform(12, 28);
        c.changeDay = joined + Math.round((startDay + span - joined) * rng.uniform(0.2, 0.6));
        break;
    }
    out.push(c);
  }
  return out;
}

function companyName(rng: SeededRandom): string {
  const surname = rng.pick(DEMO_SURNAMES);
  switch (rng.weighted([
    ['surname-sector', 38],
    ['sector-region', 20],
    ['partners', 14],
    ['studio', 15],
    ['brothers', 8],
    ['tech', 5],
  ] as const)) {
    case 'surname-sector':
      return `${surname} ${rng.pick(DEMO_SECTORS)} ${rng.weighted([['Srl', 60], ['SpA', 15], ['Srls', 15], ['Sas', 10]] as const)}`;
    case 'sector-region':
      return `${rng.pick(DEMO_SECTORS)} ${rng.pick(DEMO_REGION_WORDS)} ${rng.weighted([['Srl', 60], ['SpA', 40]] as const)}`;
    case 'partners': {
      let other = rng.pick(DEMO_SURNAMES);
      if (other === surname) other = rng.pick(DEMO_SURNAMES);
      return `${surname} & ${other} ${rng.weighted([['Snc', 70], ['Sas', 30]] as const)}`;
    }
    case 'studio':
      return `${rng.pick(DEMO_STUDIO_KINDS)} ${surname}`;
    case 'brothers':
      return `F.lli ${surname} ${rng.weighted([['Snc', 50], ['Srl', 50]] as const)}`;
    case 'tech':
      return `${surname.replace(/[^A-Za-z]/g, '')}Tech ${rng.weighted([['Srl', 70], ['Srls', 30]] as const)}`;
  }
}

function sdiCode(rng: SeededRandom): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let s = '';
  for (let i = 0; i < 7; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

function resolveDriftClient(clients: PlannedClient[], ref: string | number): PlannedClient {
  const text = String(ref).trim().toLowerCase();
  if (text === 'largest') return clients.reduce((best, c) => (c.weight > best.weight ? c : best), clients[0]!);
  if (/^\d+$/.test(text)) {
    const byId = clients.find((c) => c.id === Number(text));
    if (byId) return byId;
  }
  const exact = clients.filter((c) => c.name.toLowerCase() === text);
  const matches = exact.length ? exact : clients.filter((c) => c.name.toLowerCase().includes(text));
  if (matches.length === 1) return matches[0]!;
  const ids = `${clients[0]!.id}–${clients[clients.length - 1]!.id}`;
  if (matches.length === 0) throw new InputError(`driftClient: no generated client matches "${ref}" (use an id ${ids}, a unique part of a name, or "largest")`, 'driftClient');
  throw new InputError(`driftClient: "${ref}" matches ${matches.length} generated clients (${matches.slice(0, 3).map((c) => c.name).join(', ')}…); use the id`, 'driftClient');
}

/** Issue dates, ascending: volume grows over time, thins in August, skips weekends. */
function planIssueDays(rng: SeededRandom, n: number, startDay: number, todayDay: number): number[] {
  const days: number[] = [];
  const span = todayDay - startDay;
  while (days.length < n) {
    let day = startDay + Math.floor(span * Math.pow(rng.next(), 0.85)) + 1;
    if (day > todayDay) day = todayDay;
    const iso = fromDayNumber(day);
    if (iso.slice(5, 7) === '08' && rng.chance(0.6)) continue;
    const wd = weekday(iso);
    if (wd === 6) day -= 1;
    else if (wd === 0) day = day + 1 <= todayDay ? day + 1 : day - 2;
    days.push(day);
  }
  return days.sort((a, b) => a - b);
}

function pickClient(rng: SeededRandom, clients: PlannedClient[], day: number): PlannedClient {
  let total = 0;
  for (const c of clients) if (c.startDay <= day) total += c.weight;
  if (total === 0) return clients.reduce((a, c) => (c.startDay < a.startDay ? c : a), clients[0]!);
  let r = rng.next() * total;
  for (const c of clients) {
    if (c.startDay > day) continue;
    r -= c.weight;
    if (r < 0) return c;
  }
  return clients.filter((c) => c.startDay <= day).pop()!;
}

function planInvoice(rng: SeededRandom, client: PlannedClient, day: number, todayDay: number, nextNumber: Map<number, number>, driftDays: number): PlannedInvoice {
  client.invoices++;
  const issueDate = fromDayNumber(day);
  const year = Number(issueDate.slice(0, 4));
  const number = nextNumber.get(year) ?? 1;
  nextNumber.set(year, number + 1);

  const lineCount = rng.weighted([
    [1, 50],
    [2, 30],
    [3, 14],
    [4, 6],
  ] as const);
  const lines = Array.from({ length: lineCount }, () => {
    const p = rng.chance(0.8) ? rng.pick(client.favourites) : rng.pick(DEMO_PRODUCTS);
    const [qmin, qmax] = p.qty;
    const scaled = Math.round(rng.uniform(qmin, qmax + 1) * Math.min(3, Math.max(0.5, client.size)));
    const quantity = qmin === qmax ? qmin : Math.max(qmin, Math.min(qmax * 3, scaled));
    const unitPriceCents = Math.round((p.unitPriceCents * (1 - client.discount)) / 100) * 100;
    return { description: p.description, code: p.code, quantity, unitPriceCents, vatRate: p.vatRate };
  });
  const totals = invoiceTotals(lines);

  let termsDays = client.termsDays;
  let termsEom = client.termsEom;
  if (rng.chance(0.1)) [termsDays, termsEom] = rng.weighted(TERMS);
  const dueDate = dueDateFor(issueDate, termsDays, termsEom);
  const dueDays = toDayNumber(dueDate) - day;
  const disputed = rng.chance(client.profile === 'erratic' ? 0.1 : 0.03);

  // Days after the due date: the client's habit, its trend, the amount, noise, disputes and drift.
  let lateness = client.base;
  if (client.slope && day > client.changeDay) lateness += (client.slope * (day - client.changeDay)) / 365;
  lateness += AMOUNT_DAYS_PER_DECADE * Math.log10(Math.max(totals.dueCents, 10_000) / 100_000);
  lateness += rng.normal(0, client.sd);
  if (disputed) lateness += rng.uniform(60, 150);
  lateness += driftDays;
  const payDay = adjustPayDay(rng, day + Math.max(0, dueDays + Math.round(lateness)));

  const partial = totals.dueCents >= 50_000 && payDay - day >= 10 && rng.chance(0.08);
  const payments: PlannedPayment[] = [];
  const ref = () => (client.method === 'bonifico' ? `CRO ${rng.digits(11)}` : client.method === 'riba' ? `RIBA ${rng.digits(6)}` : `SDD ${rng.digits(8)}`);
  let firstPaid: number | null = null;
  if (partial) {
    const part = Math.round((totals.dueCents * rng.uniform(0.3, 0.6)) / 100) * 100;
    const d1 = Math.min(payDay - 1, adjustPayDay(rng, day + Math.round((payDay - day) * rng.uniform(0.35, 0.75))));
    if (d1 <= todayDay) {
      firstPaid = d1;
      payments.push({ dueDate, amountCents: part, paidDate: fromDayNumber(d1), reference: ref() });
      payments.push({ dueDate, amountCents: totals.dueCents - part, paidDate: payDay <= todayDay ? fromDayNumber(payDay) : null, reference: payDay <= todayDay ? ref() : null });
    }
  }
  if (payments.length === 0) {
    payments.push({ dueDate, amountCents: totals.dueCents, paidDate: payDay <= todayDay ? fromDayNumber(payDay) : null, reference: payDay <= todayDay ? ref() : null });
  }
  const status = payDay <= todayDay ? 'paid' : firstPaid !== null ? 'partially_paid' : 'issued';
  const createdAt = `${issueDate}T${String(rng.int(8, 18)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00.000Z`;
  const lastPaid = payments.reduce<string | null>((m, p) => (p.paidDate && (!m || p.paidDate > m) ? p.paidDate : m), null);
  return {
    number,
    year,
    client,
    issueDate,
    dueDate,
    termsDays,
    termsEom,
    netCents: totals.netCents,
    vatCents: totals.vatCents,
    totalCents: totals.totalCents,
    bolloCents: totals.bolloCents,
    status,
    disputed,
    notes: disputed ? 'Contestazione del cliente su quantità e tempi di consegna: pagamento sospeso in attesa di verifica.' : null,
    createdAt,
    updatedAt: lastPaid ? `${lastPaid}T10:00:00.000Z` : createdAt,
    lines: lines.map((l, i) => ({ ...l, ...totals.lines[i]! })),
    payments,
  };
}

/** Summer closures and the Christmas break push payments later; banks do not credit at weekends. */
function adjustPayDay(rng: SeededRandom, day: number): number {
  let iso = fromDayNumber(day);
  const month = iso.slice(5, 7);
  const dom = Number(iso.slice(8, 10));
  if (month === '08' && rng.chance(0.8)) iso = addDays(`${iso.slice(0, 4)}-09-01`, rng.int(0, 14));
  else if (((month === '12' && dom >= 20) || (month === '01' && dom <= 6)) && rng.chance(0.7)) {
    const year = Number(iso.slice(0, 4)) + (month === '12' ? 1 : 0);
    iso = addDays(`${year}-01-07`, rng.int(0, 10));
  }
  const wd = weekday(iso);
  if (wd === 6) iso = addDays(iso, 2);
  else if (wd === 0) iso = addDays(iso, 1);
  return toDayNumber(iso);
}

function summarise(
  seed: number,
  today: string,
  clients: PlannedClient[],
  invoices: PlannedInvoice[],
  productsAdded: number,
  drift: { client: PlannedClient; days: number; from: string; affected: number } | null,
): DemoSummary {
  const profiles: Record<PaymentProfile, number> = { punctual: 0, slow: 0, erratic: 0, deteriorating: 0 };
  for (const c of clients) profiles[c.profile]++;
  let outstandingCents = 0;
  let overdue = 0;
  for (const inv of invoices) {
    const open = inv.payments.filter((p) => !p.paidDate);
    outstandingCents += open.reduce((s, p) => s + p.amountCents, 0);
    if (open.some((p) => p.dueDate < today)) overdue++;
  }
  return {
    seed,
    today,
    firstIssueDate: invoices[0]?.issueDate ?? null,
    lastIssueDate: invoices[invoices.length - 1]?.issueDate ?? null,
    clients: clients.length,
    productsAdded,
    invoices: invoices.length,
    lines: invoices.reduce((s, i) => s + i.lines.length, 0),
    payments: invoices.reduce((s, i) => s + i.payments.length, 0),
    paid: invoices.filter((i) => i.status === 'paid').length,
    partiallyPaid: invoices.filter((i) => i.status === 'partially_paid').length,
    open: invoices.filter((i) => i.status !== 'paid').length,
    overdue,
    disputed: invoices.filter((i) => i.disputed).length,
    totalCents: invoices.reduce((s, i) => s + i.totalCents, 0),
    outstandingCents,
    profiles,
    drift: drift ? { clientId: drift.client.id, clientName: drift.client.name, days: drift.days, from: drift.from, invoicesAffected: drift.affected } : null,
    clientList: clients.map((c) => ({ id: c.id, name: c.name, profile: c.profile, invoices: c.invoices })),
  };
}
