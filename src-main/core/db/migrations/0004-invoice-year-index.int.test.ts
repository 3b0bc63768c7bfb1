import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { MIGRATIONS } from './index';

describe('migration 0004-invoice-year-index', () => {
  it('upgrades a database holding invoices and makes the next-number query use the index', () => {
    const db = new BetterSqlite3(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-m4-')), 'x.db'));
    migrate(db, MIGRATIONS.filter((m) => m.id < 4));
    db.prepare("INSERT INTO clients(id, denominazione) VALUES (1, 'Rossi Srl')").run();
    const ins = db.prepare("INSERT INTO invoices(number, year, client_id, issue_date, due_date) VALUES (?, ?, 1, '2025-01-01', '2025-02-01')");
    for (let i = 1; i <= 50; i++) ins.run(i, 2024 + (i % 2));
    migrate(db, MIGRATIONS.filter((m) => m.id <= 4));
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT MAX(number) FROM invoices WHERE year = ?').all(2025) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/invoices_year_number/);
    expect(db.prepare('SELECT MAX(number) AS n FROM invoices WHERE year = 2025').get()).toEqual({ n: 49 });
    expect((db.prepare('SELECT COUNT(*) AS n FROM invoices').get() as { n: number }).n).toBe(50);
    db.close();
  });
});
