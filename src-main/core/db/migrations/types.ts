import type BetterSqlite3 from 'better-sqlite3';

/** A numbered, synchronous migration; the runner wraps each one in its own transaction. */
export interface Migration {
  id: number;
  name: string;
  up(db: BetterSqlite3.Database): void;
}
