// Checks on the database file itself, named so no caller writes PRAGMA text: integrity, foreign
// keys, the change counter other connections bump, and row counts of tables (backup manifests).
import type BetterSqlite3 from 'better-sqlite3';
import type { DB } from './schema';
import { qb, SqlRunner } from './sql-runner';

/** PRAGMA integrity_check: ['ok'] for a healthy file, else the problems it lists. */
export function integrityCheck(connection: BetterSqlite3.Database): string[] {
  return (connection.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
}

/** PRAGMA foreign_key_check: how many rows reference a missing row. */
export function foreignKeyViolations(connection: BetterSqlite3.Database): number {
  return (connection.pragma('foreign_key_check') as unknown[]).length;
}

/** PRAGMA data_version: changes when another connection commits (a cheap "did anything change?"). */
export function dataVersion(connection: BetterSqlite3.Database): number {
  return connection.pragma('data_version', { simple: true }) as number;
}

/** Row counts of the given tables. */
export function tableRowCounts<T extends keyof DB & string>(connection: BetterSqlite3.Database, tables: readonly T[]): Record<T, number> {
  const sql = SqlRunner.of(connection);
  const out = {} as Record<T, number>;
  // Typed as one table for kysely's overloads; any table of the schema compiles to the same COUNT(*).
  for (const t of tables) out[t] = sql.first(qb.selectFrom(t as 'clients').select((eb) => eb.fn.countAll<number>().as('n')))!.n;
  return out;
}
