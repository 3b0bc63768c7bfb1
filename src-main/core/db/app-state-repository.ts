// app_state: small named values the app keeps across restarts and shares between processes (the
// auto-update pause switch, the running service's pid, the vector index generation and writer lock,
// the last retraining check, the last full reindex). One upsert for all of them.
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { SQL_NOW } from './sql-helpers';
import { qb, SqlRunner, template } from './sql-runner';

const Q = {
  get: template((p: { key: string }) => qb.selectFrom('app_state').select('value').where('key', '=', p.key)),
  set: template((p: { key: string; value: string }) =>
    qb
      .insertInto('app_state')
      .values({ key: p.key, value: p.value, updated_at: SQL_NOW })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') }))),
  ),
  setAt: template((p: { key: string; value: string; at: string }) =>
    qb
      .insertInto('app_state')
      .values({ key: p.key, value: p.value, updated_at: p.at })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') }))),
  ),
  deleteOwned: template((p: { key: string; pid: number }) => qb.deleteFrom('app_state').where('key', '=', p.key).where(sql`json_extract(value, '$.pid')`, '=', p.pid)),
};

export class AppStateRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  get(key: string): string | undefined {
    return this.sql.first(Q.get, { key })?.value;
  }

  /** The value parsed as JSON (the caller knows its shape), or undefined when absent. */
  getJson<T>(key: string): T | undefined {
    const v = this.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  set(key: string, value: string): void {
    this.sql.run(Q.set, { key, value });
  }

  /** Sets a value stamped with the caller's time (the app's clock) instead of SQLite's. */
  setAt(key: string, value: string, at: string): void {
    this.sql.run(Q.setAt, { key, value, at });
  }

  setJson(key: string, value: unknown): void {
    this.set(key, JSON.stringify(value));
  }

  /** Deletes a `{pid, …}` value only when this process wrote it (locks and "service running" markers). */
  deleteIfOwnedBy(key: string, pid: number): void {
    this.sql.run(Q.deleteOwned, { key, pid });
  }
}
