// The as-of property of every feature: recomputed on the history truncated at an invoice's issue
// date (invoices issued later deleted, payments made on or after it undone), each feature of that
// invoice has exactly the value it has in the training set built from the whole history. A feature
// that peeked at anything known only later (a payment, a later invoice, the client's future
// behaviour) would differ. Checked on a generated history with drifting clients, disputes, credit
// notes, partial payments and new clients every month.
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../dates';
import { openDatabase, type Database } from '../../db/database';
import { FEATURE_NAMES, featureIndex, type FeatureName } from './feature-catalog';
import { planReceivables, writeReceivables } from './receivables-simulator';
import { buildTrainingSet, featuresKnownBefore, type TrainingRow } from './training-set';

let full: Database;
let samples: { row: TrainingRow; truncated: Float64Array; later: Float64Array }[] = [];

/** A copy of the database as it was at the start of `day`. */
function truncatedAt(image: Buffer, day: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(image);
  db.prepare('DELETE FROM payments WHERE invoice_id IN (SELECT id FROM invoices WHERE issue_date > ?)').run(day);
  db.prepare('DELETE FROM invoice_lines WHERE invoice_id IN (SELECT id FROM invoices WHERE issue_date > ?)').run(day);
  db.prepare('DELETE FROM invoices WHERE issue_date > ?').run(day);
  db.prepare('UPDATE payments SET paid_date = NULL, paid_amount_cents = 0, method = NULL WHERE paid_date >= ?').run(day);
  db.prepare("UPDATE invoices SET status = 'issued' WHERE status IN ('paid', 'partially_paid') AND id NOT IN (SELECT invoice_id FROM payments WHERE paid_date IS NOT NULL)").run();
  return db;
}

beforeAll(() => {
  full = openDatabase(':memory:');
  writeReceivables(full.sqlite, planReceivables({ seed: 77, start: '2023-01-02', months: 15, initialClients: 20, newClientsPerMonth: 2, invoicesPerMonth: 60 }));
  const rows = buildTrainingSet(full.sqlite);
  const image = full.sqlite.serialize();
  // 60 invoices spread over the history (skipping the first weeks, where most clients are new).
  const eligible = rows.filter((r) => r.issueDate >= '2023-02-15');
  const step = Math.floor(eligible.length / 60);
  samples = Array.from({ length: 60 }, (_, k) => eligible[k * step]!).map((row) => {
    const db = truncatedAt(image, row.issueDate);
    try {
      const truncated = featuresKnownBefore(db, row.issueDate, [row.invoiceId]).get(row.invoiceId)!;
      // The same invoice described 60 days later on the full history: what a leak would look like.
      const later = featuresKnownBefore(full.sqlite, addDays(row.issueDate, 60), [row.invoiceId]).get(row.invoiceId)!;
      return { row, truncated, later };
    } finally {
      db.close();
    }
  });
});
afterAll(() => full?.close());

describe('every cash-flow feature is known at the issue date', () => {
  it('samples invoices of old and new clients, some disputed, across the whole history', () => {
    expect(samples).toHaveLength(60);
    expect(new Set(samples.map((s) => s.row.clientId)).size).toBeGreaterThan(15);
    expect(samples.some((s) => s.row.features[featureIndex('client_is_new')] === 1)).toBe(true);
    expect(samples.some((s) => s.row.features[featureIndex('client_paid_count')]! >= 10)).toBe(true);
  });

  it.each(FEATURE_NAMES.map((n) => [n]))('%s: the same on the history truncated at the issue date', (name) => {
    const j = featureIndex(name as FeatureName);
    const mismatches = samples.filter((s) => !Object.is(s.row.features[j], s.truncated[j])).map((s) => `invoice ${s.row.invoiceId} (${s.row.issueDate}): ${s.row.features[j]} vs ${s.truncated[j]}`);
    expect(mismatches).toEqual([]);
  });

  it('the truncation removes what a leaking feature would see: 60 days later the history features differ', () => {
    const history = ['client_paid_count', 'client_mean_days', 'client_open_count', 'global_mean_late'] as const;
    for (const name of history) {
      const j = featureIndex(name);
      const changed = samples.filter((s) => s.row.features[j] !== s.later[j]).length;
      expect(changed, name).toBeGreaterThan(samples.length / 3);
    }
  });
});
