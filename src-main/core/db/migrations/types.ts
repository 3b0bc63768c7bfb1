import type BetterSqlite3 from 'better-sqlite3';

/** A numbered, synchronous migration; the runner wraps each one in its own transaction. */
export interface Migration {
  id: number;
  name: string;
  /**
   * Rebuilds a table that other tables reference (SQLite's documented 12-step procedure): the runner
   * turns foreign keys off around the transaction (the pragma is a no-op inside one), checks
   * `PRAGMA foreign_key_check` before committing and turns them back on. Without it, dropping the
   * old table would cascade into its children.
   */
  rebuildsTables?: boolean;
  up(db: BetterSqlite3.Database): void;
}
