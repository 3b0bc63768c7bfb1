// Opens the one writer connection of a process: WAL, busy_timeout, foreign keys, synchronous FULL
// (a finance app must not lose a committed row), then runs pending migrations. Queries go through
// the repositories (SqlRunner.of(connection)): kysely compiles them, this connection runs them
// synchronously (docs/architecture.md).
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrate, type MigrationReport } from './migrator';

export interface Database {
  /** The connection; repositories query through it (SqlRunner.of), services open transactions on it. */
  sqlite: BetterSqlite3.Database;
  path: string;
  migration: MigrationReport;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Skip running migrations (diagnostics only). */
  migrate?: boolean;
  readonly?: boolean;
  busyTimeoutMs?: number;
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file, { readonly: options.readonly ?? false });
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  if (!options.readonly) {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
  }
  sqlite.pragma('foreign_keys = ON');
  const migration: MigrationReport =
    options.migrate === false || options.readonly ? { applied: [], current: 0, latest: 0 } : migrate(sqlite);
  let closed = false;
  return {
    sqlite,
    path: file,
    migration,
    async close() {
      if (closed) return;
      closed = true;
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Now as an ISO UTC timestamp, the format of every *_at column. */
export function nowIso(): string {
  return new Date().toISOString();
}
