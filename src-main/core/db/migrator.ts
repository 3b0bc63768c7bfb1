// Runs pending migrations, each in its own transaction together with its bookkeeping row, so a
// process killed mid-migration leaves the database either before or after that migration.
import type BetterSqlite3 from 'better-sqlite3';
import { faultPoint } from '../faults';
import { MIGRATIONS } from './migrations/index';
import type { Migration } from './migrations/types';

export interface MigrationReport {
  applied: string[];
  current: number;
  latest: number;
}

export function currentSchemaVersion(sqlite: BetterSqlite3.Database): number {
  ensureTable(sqlite);
  const row = sqlite.prepare('SELECT MAX(id) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

export function latestSchemaVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.reduce((max, m) => Math.max(max, m.id), 0);
}

export function migrate(sqlite: BetterSqlite3.Database, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  ensureTable(sqlite);
  const done = new Set(
    (sqlite.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
  );
  const applied: string[] = [];
  for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
    if (done.has(m.id)) continue;
    const foreignKeys = sqlite.pragma('foreign_keys', { simple: true }) === 1;
    if (m.rebuildsTables && foreignKeys) sqlite.pragma('foreign_keys = OFF');
    try {
      // IMMEDIATE: take the write lock up front so two processes cannot both apply the same migration.
      sqlite.transaction(() => {
        const again = sqlite.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').get(m.id);
        if (again) return;
        m.up(sqlite);
        if (m.rebuildsTables) {
          const broken = sqlite.prepare('PRAGMA foreign_key_check').all() as { table: string; parent: string }[];
          if (broken.length) throw new Error(`${m.name}: ${broken.length} row(s) would break a foreign key (first: ${broken[0]!.table} → ${broken[0]!.parent})`);
        }
        faultPoint(`migration:${m.name}`);
        sqlite
          .prepare("INSERT INTO schema_migrations(id, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))")
          .run(m.id, m.name);
        applied.push(m.name);
      }).immediate();
    } finally {
      if (m.rebuildsTables && foreignKeys) sqlite.pragma('foreign_keys = ON');
    }
  }
  return { applied, current: currentSchemaVersion(sqlite), latest: latestSchemaVersion(migrations) };
}

function ensureTable(sqlite: BetterSqlite3.Database): void {
  sqlite.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
}
