// retraining_runs: the audit trail of every trigger check, retrain and rollback ("what was live
// when"), written by the evaluator, the retrainer and the registry, read by the Models page.
import type BetterSqlite3 from 'better-sqlite3';
import type { RetrainingRunsTable, RetrainOutcome } from '../../db/schema';
import { sql, type Selectable } from 'kysely';
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

  /** The model's latest retrain that evaluated a candidate (one of `outcomes`): id, when, the last outcome id it had seen. */
  lastEvaluation(model: string, outcomes: readonly RetrainOutcome[]): { id: number; at: string; outcomes_through_id: number | null } | undefined {
    return this.sql.first(
      qb
        .selectFrom('retraining_runs')
        .select(['id', sql<string>`COALESCE(finished_at, started_at)`.as('at'), 'outcomes_through_id'])
        .where('model_name', '=', model)
        .where('kind', '=', 'retrain')
        .where('outcome', 'in', [...outcomes])
        .orderBy('id', 'desc')
        .limit(1),
    );
  }

  /** Records on a retrain run what it had seen when it started evaluating. */
  recordOutcomesSeen(runId: number, throughId: number, newOutcomes: number): void {
    this.sql.run(qb.updateTable('retraining_runs').set({ outcomes_through_id: throughId, new_outcomes: newOutcomes }).where('id', '=', runId));
  }

  /** The highest outcome (model_prediction_feedback) id of a model; 0 when there is none. */
  latestOutcomeId(model: string): number {
    return this.sql.first(qb.selectFrom('model_prediction_feedback').select(sql<number>`COALESCE(MAX(id), 0)`.as('id')).where('model_name', '=', model))!.id;
  }

  /** Outcomes and feedback of a model recorded after the id `throughId`. */
  outcomesAfter(model: string, throughId: number): number {
    return this.sql.first(qb.selectFrom('model_prediction_feedback').select(sql<number>`COUNT(*)`.as('n')).where('model_name', '=', model).where('id', '>', throughId))!.n;
  }

  /** The resolved predictions (was_accurate known) of one version, newest first, at most `limit`. */
  latestResolvedOfVersion(model: string, version: string, limit: number): { was_accurate: number }[] {
    return this.sql.all(
      qb
        .selectFrom('model_prediction_feedback')
        .select(sql<number>`was_accurate`.as('was_accurate'))
        .where('model_name', '=', model)
        .where('model_version', '=', version)
        .where('was_accurate', 'is not', null)
        .orderBy('id', 'desc')
        .limit(limit),
    );
  }
}
