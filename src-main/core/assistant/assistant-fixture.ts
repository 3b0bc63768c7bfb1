// Test data for the assistant's integration tests: a real SQLite database filled through the domain
// services (clients, invoices with instalments, full/partial/late payments, a draft, a credit note),
// with dates relative to a given "today" and creation timestamps moved to the issue dates, so only
// what a test creates itself counts as "created today".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays } from '../dates';
import { openDatabase, type Database } from '../db/database';
import { ClientService } from '../domain/client-service';
import { InvoiceService } from '../domain/invoice-service';
import { PaymentService } from '../domain/payment-service';
import { partitaIvaCheckDigit } from '../domain/italian-ids';

export interface AssistantFixture {
  dir: string;
  database: Database;
  clients: ClientService;
  invoices: InvoiceService;
  payments: PaymentService;
  clientIds: Record<'rossi' | 'bianchi' | 'verdi' | 'neri', number>;
  close(): Promise<void>;
}

export function validPartitaIva(seed: number): string {
  const first10 = String(1_000_000_000 + seed * 7919).slice(-10);
  return first10 + partitaIvaCheckDigit(first10);
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function createAssistantFixture(today: string, options: { invoices?: number } = {}): Promise<AssistantFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-assistant-'));
  const database = openDatabase(path.join(dir, 'openfatture.db'));
  const clients = new ClientService(database.sqlite);
  const invoices = new InvoiceService(database.sqlite, clients);
  const payments = new PaymentService(database.sqlite, invoices);
  const mk = (denominazione: string, seed: number, paymentTermsDays: number, city: string) =>
    clients.create({ denominazione, partitaIva: validPartitaIva(seed), paymentTermsDays, city }).id;
  const clientIds = {
    rossi: mk('Rossi & Figli S.r.l.', 11, 30, 'Milano'),
    bianchi: mk('Bianchi Costruzioni SpA', 12, 60, 'Torino'),
    verdi: mk('Verdi Consulting Srl', 13, 30, 'Roma'),
    neri: mk('Studio Neri Design', 14, 90, 'Napoli'),
  };
  // Per-client payment behaviour: days paid relative to the due date.
  const lateness: Record<number, () => number> = {};
  const r = rng(42);
  lateness[clientIds.rossi] = () => Math.round(r() * 4 - 2);
  lateness[clientIds.bianchi] = () => Math.round(15 + r() * 30);
  lateness[clientIds.verdi] = () => Math.round(r() * 10);
  lateness[clientIds.neri] = () => Math.round(r() * 60 - 5);
  const ids = Object.values(clientIds);
  const n = options.invoices ?? 80;
  for (let k = 0; k < n; k++) {
    const clientId = ids[k % ids.length]!;
    // Spread over the last ~15 months, never on today itself.
    const issueDate = addDays(today, -1 - Math.floor(r() * 450));
    const lines = [
      { description: ['Consulenza software', 'Sviluppo sito web', 'Manutenzione impianto', 'Progettazione grafica'][k % 4]!, quantity: 1 + Math.floor(r() * 5), unitPriceCents: 10_000 + Math.floor(r() * 200_000), vatRate: 22 },
    ];
    const inv = invoices.create({ clientId, issueDate, lines, ritenutaRate: k % 5 === 0 ? 20 : 0, instalments: k % 7 === 0 ? 2 : 1 }).invoice;
    const paidOn = addDays(inv.due_date, lateness[clientId]!());
    const roll = r();
    if (paidOn < today && roll < 0.75) payments.record({ invoiceId: inv.id, date: paidOn < issueDate ? issueDate : paidOn });
    else if (paidOn < today && roll < 0.85) payments.record({ invoiceId: inv.id, date: paidOn < issueDate ? issueDate : paidOn, amountCents: Math.floor(inv.outstanding_cents / 3) });
  }
  // A draft and credit notes this month, to prove they are treated as such.
  const monthStart = `${today.slice(0, 7)}-01`;
  const thisMonth = monthStart < today ? monthStart : today;
  invoices.create({ clientId: clientIds.verdi, issueDate: thisMonth, status: 'draft', lines: [{ description: 'Bozza preventivo', quantity: 1, unitPriceCents: 50_000, vatRate: 22 }] });
  invoices.create({ clientId: clientIds.rossi, issueDate: thisMonth, documentType: 'TD04', lines: [{ description: 'Nota di credito reso', quantity: 1, unitPriceCents: 20_000, vatRate: 22 }] });
  // A simplified credit note (TD08) counts negative like an ordinary one.
  invoices.create({ clientId: clientIds.bianchi, issueDate: thisMonth, documentType: 'TD08', lines: [{ description: 'Nota di credito semplificata: sconto', quantity: 1, unitPriceCents: 7_500, vatRate: 22 }] });
  // Everything above was "created" when it was issued.
  database.sqlite.prepare("UPDATE invoices SET created_at = issue_date || 'T09:00:00.000Z'").run();
  return {
    dir,
    database,
    clients,
    invoices,
    payments,
    clientIds,
    async close() {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
