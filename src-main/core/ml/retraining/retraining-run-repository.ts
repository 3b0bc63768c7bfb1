// retraining_runs: the audit trail of every trigger check, retrain and rollback ("what was live
// when"), written by the evaluator, the retrainer and the registry, read by the Models page.
import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { RetrainingRunsTable } from '../../db/schema';
import { qb, SqlRunner } from '../../db/sql-runner';

export type RetrainingRunRow = Selectable<RetrainingRunsTable>;

export class RetrainingRunRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /**
   * The run history, newest first: retrains, rollbacks and the checks that fired (a check that did
   * not fire is the scheduler's heartbeat, not history). All models, or one.
   */
  history(model: string | undefined, limit: number): RetrainingRunRow[] {
    let q = qb.selectFrom('retraining_runs').selectAll();
    if (model) q = q.where('model_name', '=', model);
    q = q.where((eb) => eb.or([eb('kind', '!=', 'check'), eb('fired', '=', 1)]));
    return this.sql.all(q.orderBy('id', 'desc').limit(limit));
  }
}
