// Must fail lint: an adapter (IPC handler, CLI command, browser host) that writes SQL itself.
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src-main/core/db/schema';

export function unpaidCount(sqlite: BetterSqlite3.Database): number {
  return (sqlite.prepare("SELECT count(*) AS n FROM invoices WHERE status = 'issued'").get() as { n: number }).n;
}

export function clientNames(db: Kysely<DB>) {
  return db.selectFrom('clients').select('denominazione').compile();
}

export const raw = sql`SELECT 1`;
export const lit = sql.lit(1);
