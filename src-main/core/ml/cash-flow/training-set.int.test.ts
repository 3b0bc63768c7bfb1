import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/database';
import { buildForecastRows, buildTrainingSet, FEATURE_COUNT, FEATURE_NAMES, featureIndex } from './training-set';
import { writeSyntheticHistory } from './synthetic-history';

let database: Database | null = null;
afterEach(async () => {
  await database?.close();
  database = null;
});

function open(): Database {
  database = openDatabase(':memory:');
  return database;
}

function addClient(d: Database, name: string): number {
  return Number(d.sqlite.prepare(`INSERT INTO clients (denominazione) VALUES (?)`).run(name).lastInsertRowid);
}

function addInvoice(d: Database, n: number, clientId: number, issue: string, due: string, totalCents: number, paid?: string): number {
  const id = Number(
    d.sqlite
      .prepare(`INSERT INTO invoices (number, year, client_id, issue_date, due_date, total_cents, status) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(String(n), Number(issue.slice(0, 4)), clientId, issue, due, totalCents, paid ? 'paid' : 'issued').lastInsertRowid,
  );
  d.sqlite
    .prepare(`INSERT INTO payments (invoice_id, due_date, amount_cents, paid_date, paid_amount_cents) VALUES (?, ?, ?, ?, ?)`)
    .run(id, due, totalCents, paid ?? null, paid ? totalCents : 0);
  return id;
}

describe('buildTrainingSet', () => {
  it('computes the target and client history from payments made before the issue date only', () => {
    const d = open();
    const c = addClient(d, 'Rossi');
    addInvoice(d, 1, c, '2024-01-10', '2024-02-09', 10_000, '2024-02-19'); // 40 days, 10 late
    addInvoice(d, 2, c, '2024-02-01', '2024-03-02', 10_000, '2024-03-22'); // 50 days, 20 late
    addInvoice(d, 3, c, '2024-03-01', '2024-03-31', 10_000, '2024-04-05'); // issued before #2 is paid
    addInvoice(d, 4, c, '2024-04-01', '2024-05-01', 10_000, '2024-05-01');
    const rows = buildTrainingSet(d.sqlite);
    expect(rows.map((r) => r.target)).toEqual([40, 50, 35, 30]);
    const f = (i: number, name: (typeof FEATURE_NAMES)[number]) => rows[i]!.features[featureIndex(name)];
    expect(rows.every((r) => r.features.length === FEATURE_COUNT)).toBe(true);
    // #1: new client → falls back to global stats, which are empty at that date.
    expect(f(0, 'client_is_new')).toBe(1);
    // #3 (2024-03-01): only #1 was paid before → count 1, mean late 10; #2 is open.
    expect(f(2, 'client_paid_count')).toBe(1);
    expect(f(2, 'client_mean_late')).toBe(10);
    expect(f(2, 'client_open_count')).toBe(1);
    // #4 (2024-04-01): #1 and #2 paid before; #3 paid after.
    expect(f(3, 'client_paid_count')).toBe(2);
    expect(f(3, 'client_mean_late')).toBe(15);
    expect(f(3, 'client_median_late')).toBe(15);
    expect(f(3, 'client_share_late')).toBe(1);
    expect(f(3, 'client_tenure_days')).toBe(82);
    expect(f(3, 'terms_days')).toBe(30);
    // #4: #3 (issued 2024-03-01, €100) is open and past its due date (03-31) on 04-01.
    expect(f(3, 'client_open_count')).toBe(1);
    expect(f(3, 'client_open_amount')).toBeCloseTo(Math.log1p(100), 10);
    expect(f(3, 'client_overdue_count')).toBe(1);
    expect(f(3, 'client_last3_days')).toBe(45);
    expect(f(3, 'client_typical_amount')).toBeCloseTo(Math.log1p(100), 10);
    expect(f(3, 'amount_vs_typical')).toBeCloseTo(0, 10);
    expect(f(3, 'client_invoices_90d')).toBe(3);
  });

  it('new clients fall back to the global statistics known at their issue date', () => {
    const d = open();
    const a = addClient(d, 'A');
    const b = addClient(d, 'B');
    addInvoice(d, 1, a, '2024-01-01', '2024-01-31', 10_000, '2024-02-10');
    addInvoice(d, 2, b, '2024-03-01', '2024-03-31', 10_000, '2024-03-31');
    const rows = buildTrainingSet(d.sqlite);
    const newB = rows[1]!.features;
    expect(newB[featureIndex('client_is_new')]).toBe(1);
    expect(newB[featureIndex('client_paid_count')]).toBe(0);
    expect(newB[featureIndex('client_mean_late')]).toBe(10);
    expect(newB[featureIndex('client_mean_days')]).toBe(40);
  });

  it('has no leakage: changing any later invoice of the same client does not change earlier features', () => {
    const d = open();
    writeSyntheticHistory(d.sqlite, { invoices: 300, clients: 4, seed: 3 });
    const before = buildTrainingSet(d.sqlite);
    const target = before[150]!;
    const later = d.sqlite
      .prepare(`SELECT id FROM invoices WHERE client_id = ? AND issue_date > ? ORDER BY issue_date`)
      .all(target.clientId, target.issueDate) as { id: number }[];
    expect(later.length).toBeGreaterThan(5);
    // Rewrite every later invoice of the client: amounts, payment dates, disputes, lines.
    d.sqlite.transaction(() => {
      for (const { id } of later) {
        d.sqlite.prepare(`UPDATE invoices SET total_cents = total_cents * 3, disputed = 1 WHERE id = ?`).run(id);
        d.sqlite.prepare(`UPDATE payments SET amount_cents = amount_cents * 3, paid_amount_cents = paid_amount_cents * 3, paid_date = date(paid_date, '+90 days') WHERE invoice_id = ? AND paid_date IS NOT NULL`).run(id);
        d.sqlite.prepare(`INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price_cents, vat_rate, net_cents, vat_cents, total_cents) VALUES (?, 9, 'x', 1, 1, 0, 1, 0, 1)`).run(id);
      }
    })();
    const after = buildTrainingSet(d.sqlite);
    const mine = (rows: typeof before) => rows.filter((r) => r.clientId === target.clientId && r.issueDate <= target.issueDate);
    expect(mine(after).map((r) => r.features)).toEqual(mine(before).map((r) => r.features));
    // …and the change is visible on the later invoices themselves (the test can fail).
    const changed = after.find((r) => r.invoiceId === later[0]!.id)!;
    const was = before.find((r) => r.invoiceId === later[0]!.id)!;
    expect(changed.features).not.toEqual(was.features);
  });

  it('filters by payment cutoff, issue window and client', () => {
    const d = open();
    const [c1] = writeSyntheticHistory(d.sqlite, { invoices: 200, clients: 5, seed: 5 });
    const all = buildTrainingSet(d.sqlite);
    const before = buildTrainingSet(d.sqlite, { paidBefore: '2023-06-01' });
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(all.length);
    expect(before.every((r) => r.paidDate < '2023-06-01')).toBe(true);
    const from = buildTrainingSet(d.sqlite, { issuedFrom: '2023-06-01', issuedBefore: '2024-01-01' });
    expect(from.every((r) => r.issueDate >= '2023-06-01' && r.issueDate < '2024-01-01')).toBe(true);
    const one = buildTrainingSet(d.sqlite, { clientId: c1 });
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((r) => r.clientId === c1)).toBe(true);
    // Same features as in the full set: the client filter does not change the global fallback.
    const full = new Map(all.map((r) => [r.invoiceId, r.features]));
    expect(one.every((r) => JSON.stringify(full.get(r.invoiceId)) === JSON.stringify(r.features))).toBe(true);
    expect(() => buildTrainingSet(d.sqlite, { paidBefore: '2023-13-01' })).toThrow(/paidBefore/);
  });

  it('builds 10,000 invoices in well under a second', () => {
    const d = open();
    writeSyntheticHistory(d.sqlite, { invoices: 10_000, clients: 120, seed: 11 });
    // CPU time, not wall time: the test machine may be shared with other work.
    const c0 = process.cpuUsage();
    const rows = buildTrainingSet(d.sqlite);
    const cpu = process.cpuUsage(c0);
    expect(rows.length).toBe(10_000);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(1000);
  });
});

describe('buildForecastRows', () => {
  it('lists open invoices with outstanding amounts and history known at the forecast date', () => {
    const d = open();
    const c = addClient(d, 'Rossi');
    addInvoice(d, 1, c, '2024-01-10', '2024-02-09', 10_000, '2024-02-19');
    const open2 = addInvoice(d, 2, c, '2024-02-01', '2024-03-02', 20_000);
    d.sqlite.prepare(`UPDATE payments SET paid_amount_cents = 5000, paid_date = '2024-03-05' WHERE invoice_id = ?`).run(open2);
    addInvoice(d, 3, c, '2024-04-01', '2024-05-01', 10_000); // issued after asOf: not listed
    const rows = buildForecastRows(d.sqlite, '2024-03-10');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ invoiceId: open2, outstandingCents: 15_000, amountCents: 20_000, daysElapsed: 38 });
    expect(rows[0]!.features[featureIndex('client_paid_count')]).toBe(1);
    expect(rows[0]!.features[featureIndex('client_open_count')]).toBe(0);
    // Before #1 was paid the client had no history.
    expect(buildForecastRows(d.sqlite, '2024-02-15')[1]!.features[featureIndex('client_is_new')]).toBe(1);
  });
});
