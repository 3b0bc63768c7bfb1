import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database';
import { daysBetween } from '../dates';
import { InputError } from '../errors';
import { isValidPartitaIva } from '../domain/italian-ids';
import { checkDomainConsistency } from './demo-consistency';
import { generateDemo, type DemoOptions } from './generate-demo';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function freshDb(): Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-demo-'));
  dirs.push(dir);
  return openDatabase(path.join(dir, 'openfatture.db'));
}

function domainHash(db: Database): string {
  const h = crypto.createHash('sha256');
  for (const t of ['clients', 'products', 'invoices', 'invoice_lines', 'payments']) {
    const cols = t === 'products' ? 'code, description, unit_price_cents, vat_rate, unit, category, is_service' : '*';
    for (const row of db.sqlite.prepare(`SELECT ${cols} FROM ${t} ORDER BY 1, 2`).all()) h.update(JSON.stringify(row));
  }
  return h.digest('hex');
}

async function generate(options: DemoOptions): Promise<{ db: Database; summary: ReturnType<typeof generateDemo> }> {
  const db = freshDb();
  return { db, summary: generateDemo(db.sqlite, options) };
}

interface PaidRow {
  client_id: number;
  issue_date: string;
  due_date: string;
  paid: string;
  disputed: number;
}

function paidRows(db: Database): PaidRow[] {
  return db.sqlite
    .prepare(
      `SELECT i.client_id, i.issue_date, i.due_date, MAX(p.paid_date) AS paid, i.disputed
       FROM invoices i JOIN payments p ON p.invoice_id = i.id WHERE i.status = 'paid' GROUP BY i.id ORDER BY i.issue_date, i.id`,
    )
    .all() as PaidRow[];
}

describe('demo data generator', () => {
  it('is deterministic for a seed and different for another', async () => {
    const a = await generate({ clients: 20, invoices: 300, seed: 7, today: '2025-06-30' });
    const b = await generate({ clients: 20, invoices: 300, seed: 7, today: '2025-06-30' });
    const c = await generate({ clients: 20, invoices: 300, seed: 8, today: '2025-06-30' });
    expect(domainHash(a.db)).toBe(domainHash(b.db));
    expect(domainHash(a.db)).not.toBe(domainHash(c.db));
    for (const x of [a, b, c]) await x.db.close();
  });

  it('produces consistent, realistic Italian data with open and overdue invoices at today', async () => {
    const { db, summary } = await generate({ clients: 30, invoices: 600, seed: 1, today: '2025-11-20' });
    expect(summary.invoices).toBe(600);
    expect(checkDomainConsistency(db.sqlite)).toEqual({ integrity: 'ok', invoices: 600, problems: [] });
    const clients = db.sqlite.prepare('SELECT * FROM clients').all() as { partita_iva: string; cap: string; province: string; payment_terms_days: number; payment_terms_eom: number }[];
    expect(clients.every((c) => isValidPartitaIva(c.partita_iva) && /^\d{5}$/.test(c.cap) && /^[A-Z]{2}$/.test(c.province))).toBe(true);
    expect(new Set(clients.map((c) => `${c.payment_terms_days}${c.payment_terms_eom ? 'fm' : ''}`)).size).toBeGreaterThanOrEqual(3);
    expect(summary.open).toBeGreaterThan(0);
    expect(summary.overdue).toBeGreaterThan(0);
    expect(summary.disputed).toBeGreaterThan(0);
    expect(summary.paid).toBeGreaterThan(summary.open);
    expect(daysBetween(summary.firstIssueDate!, summary.lastIssueDate!)).toBeGreaterThan(2 * 365);
    expect(summary.lastIssueDate! <= '2025-11-20').toBe(true);
    const partial = db.sqlite.prepare("SELECT COUNT(DISTINCT invoice_id) AS n FROM payments WHERE paid_date IS NOT NULL GROUP BY invoice_id HAVING COUNT(*) > 1").all();
    expect(partial.length).toBeGreaterThan(0);
    // August slowdown: fewer payments are credited in August than in an average month.
    const byMonth = db.sqlite.prepare("SELECT substr(paid_date, 6, 2) AS m, COUNT(*) AS n FROM payments WHERE paid_date IS NOT NULL GROUP BY m").all() as { m: string; n: number }[];
    const aug = byMonth.find((r) => r.m === '08')?.n ?? 0;
    const avg = byMonth.reduce((s, r) => s + r.n, 0) / 12;
    expect(aug).toBeLessThan(avg * 0.6);
    await db.close();
  });

  it('has a learnable signal: the client history beats the global mean, which beats nothing', async () => {
    const { db } = await generate({ clients: 60, invoices: 2000, seed: 42, today: '2025-11-20' });
    const rows = paidRows(db);
    const cut = Math.floor(rows.length * 0.8);
    const days = (r: PaidRow) => daysBetween(r.issue_date, r.paid);
    const train = rows.slice(0, cut);
    const test = rows.slice(cut);
    const globalMean = train.reduce((s, r) => s + days(r), 0) / train.length;
    const byClient = new Map<number, number[]>();
    for (const r of train) byClient.set(r.client_id, [...(byClient.get(r.client_id) ?? []), days(r)]);
    const mae = (f: (r: PaidRow) => number) => test.reduce((s, r) => s + Math.abs(days(r) - f(r)), 0) / test.length;
    const maeGlobal = mae(() => globalMean);
    const maeClient = mae((r) => {
      const h = byClient.get(r.client_id);
      return h ? h.reduce((a, b) => a + b, 0) / h.length : globalMean;
    });
    const maeDue = mae((r) => daysBetween(r.issue_date, r.due_date));
    expect(maeClient).toBeLessThan(maeGlobal * 0.85);
    expect(maeClient).toBeLessThan(maeDue);
    await db.close();
  });

  it('drift: the chosen client pays later from the drift date', async () => {
    const base = await generate({ clients: 20, invoices: 800, seed: 3, today: '2025-11-20' });
    const drifted = await generate({ clients: 20, invoices: 800, seed: 3, today: '2025-11-20', driftClient: 'largest', driftDays: 40, driftFrom: '2025-03-01' });
    const d = drifted.summary.drift!;
    expect(d.invoicesAffected).toBeGreaterThan(10);
    const lateness = (db: Database, after: boolean) => {
      const rows = paidRows(db).filter((r) => r.client_id === d.clientId && (r.issue_date >= '2025-03-01') === after && !r.disputed);
      return rows.reduce((s, r) => s + daysBetween(r.due_date, r.paid), 0) / rows.length;
    };
    expect(lateness(drifted.db, true) - lateness(base.db, true)).toBeGreaterThan(30);
    expect(Math.abs(lateness(drifted.db, false) - lateness(base.db, false))).toBeLessThan(1);
    await base.db.close();
    await drifted.db.close();
  });

  it('rejects bad options by name before writing anything', async () => {
    const db = freshDb();
    expect(() => generateDemo(db.sqlite, { invoices: -1 })).toThrow(/invoices: must be between 0/);
    expect(() => generateDemo(db.sqlite, { today: '2025-13-01' })).toThrow(InputError);
    expect(() => generateDemo(db.sqlite, { clients: 5, driftClient: 'nobody-such', driftDays: 40 })).toThrow(/driftClient: no generated client matches/);
    expect(() => generateDemo(db.sqlite, { driftDays: 40 })).toThrow(/driftClient: is required to apply a payment drift/);
    expect((db.sqlite.prepare('SELECT COUNT(*) AS n FROM clients').get() as { n: number }).n).toBe(0);
    await db.close();
  });

  it('appends to an existing database, continuing the numbering', async () => {
    const db = freshDb();
    generateDemo(db.sqlite, { clients: 5, invoices: 50, seed: 1, today: '2025-06-30' });
    // The same seed again: names and P.IVAs must not collide with the first run's.
    generateDemo(db.sqlite, { clients: 5, invoices: 50, seed: 1, today: '2025-06-30' });
    expect(checkDomainConsistency(db.sqlite).problems).toEqual([]);
    expect((db.sqlite.prepare('SELECT COUNT(*) AS n FROM invoices').get() as { n: number }).n).toBe(100);
    const dupes = db.sqlite.prepare('SELECT denominazione FROM clients GROUP BY denominazione HAVING COUNT(*) > 1').all();
    expect(dupes).toEqual([]);
    await db.close();
  });
});
