// retrain_locks: one row per model while a retrain of it runs (owner, pid, when taken, expiry),
// shared by every process on the database. The rules (who may take over a lock) are retrain-lock.ts's.
import type BetterSqlite3 from 'better-sqlite3';
import { qb, SqlRunner, template } from '../../db/sql-runner';

export interface RetrainLockRow {
  owner: string;
  pid: number;
  acquired_at: string;
  expires_at: string;
}

const Q = {
  get: template((p: { model: string }) => qb.selectFrom('retrain_locks').select(['owner', 'pid', 'acquired_at', 'expires_at']).where('model_name', '=', p.model)),
  put: template((p: RetrainLockRow & { model: string }) =>
    qb
      .insertInto('retrain_locks')
      .values({ model_name: p.model, owner: p.owner, pid: p.pid, acquired_at: p.acquired_at, expires_at: p.expires_at })
      .onConflict((oc) =>
        oc.column('model_name').doUpdateSet((eb) => ({
          owner: eb.ref('excluded.owner'),
          pid: eb.ref('excluded.pid'),
          acquired_at: eb.ref('excluded.acquired_at'),
          expires_at: eb.ref('excluded.expires_at'),
        })),
      ),
  ),
  extend: template((p: { model: string; owner: string; expiresAt: string }) =>
    qb.updateTable('retrain_locks').set({ expires_at: p.expiresAt }).where('model_name', '=', p.model).where('owner', '=', p.owner),
  ),
  remove: template((p: { model: string; owner: string }) => qb.deleteFrom('retrain_locks').where('model_name', '=', p.model).where('owner', '=', p.owner)),
};

export class RetrainLockRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** Runs `fn` holding the database's write lock (IMMEDIATE), so a look and a take cannot interleave with another process's. */
  exclusively<T>(fn: () => T): T {
    return this.sql.transaction(fn, 'immediate');
  }

  /** The lock row of a model, live or not. */
  get(model: string): RetrainLockRow | undefined {
    return this.sql.first(Q.get, { model });
  }

  /** Writes the model's lock row, replacing any previous holder. */
  put(model: string, row: RetrainLockRow): void {
    this.sql.run(Q.put, { ...row, model });
  }

  /** Moves the expiry of a lock this owner holds. */
  extend(model: string, owner: string, expiresAt: string): void {
    this.sql.run(Q.extend, { model, owner, expiresAt });
  }

  /** Deletes the lock row if this owner still holds it. */
  remove(model: string, owner: string): void {
    this.sql.run(Q.remove, { model, owner });
  }
}
