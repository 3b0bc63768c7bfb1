// retraining_runs: the audit trail of every trigger check, retrain and rollback ("what was live
// when"), written by the evaluator, the retrainer and the registry, read by the Models page.
import type BetterSqlite3 from 'better-sqlite3';
import type { RetrainingRunsTable, RetrainOutcome } from '../../db/schema';
import { sql, type Selectable } from 'kysely';
import { qb, SqlRunner, template } from '../../db/sql-runner';

export type RetrainingRunRow = Selectable<RetrainingRunsTable>;

/** A retrain run as it starts ('running'). JSON columns are JSON text. */
export interface NewRetrainRun {
  model: string;
  startedAt: string;
  reasons: string;
  activeVersion: string | null;
  notes: string | null;
  notesMessages: string;
}

/** How a retrain run ended. JSON columns are JSON text; `notes` is appended to the run's notes. */
export interface RetrainRunEnd {
  id: number;
  outcome: RetrainOutcome;
  finishedAt: string;
  candidateVersion: string | null;
  activeMetrics: string | null;
  candidateMetrics: string | null;
  improvement: number | null;
  notes: string;
  notesMessages: string;
}

/** A trigger check as recorded (fired or not). JSON columns are JSON text. */
export interface NewCheckRun {
  model: string;
  startedAt: string;
  finishedAt: string;
  fired: boolean;
  reasons: string;
  triggerValues: string;
  outcome: 'not-triggered' | null;
  activeVersion: string | null;
  notes: string | null;
  notesMessages: string | null;
}

/** A rollback (manual or automatic fall-back) from one version to another. */
export interface NewRollbackRun {
  model: string;
  at: string;
  from: string | null;
  to: string;
  error: string | null;
  notes: string;
  notesMessages: string;
}

/** Marks a run failed: when, the error in English and in structured form (JSON text, or null). */
export interface RunFailure {
  finishedAt: string;
  error: string;
  errorMessages: string | null;
}

const Q = {
  insertRetrain: template((p: NewRetrainRun) =>
    qb.insertInto('retraining_runs').values({
      model_name: p.model,
      kind: 'retrain',
      started_at: p.startedAt,
      fired: 1,
      reasons: p.reasons,
      outcome: 'running',
      active_version: p.activeVersion,
      notes: p.notes,
      notes_messages: p.notesMessages,
    }),
  ),
  insertCheck: template((p: Omit<NewCheckRun, 'fired'> & { fired: 0 | 1 }) =>
    qb.insertInto('retraining_runs').values({
      model_name: p.model,
      kind: 'check',
      started_at: p.startedAt,
      finished_at: p.finishedAt,
      fired: p.fired,
      reasons: p.reasons,
      trigger_values: p.triggerValues,
      outcome: p.outcome,
      active_version: p.activeVersion,
      notes: p.notes,
      notes_messages: p.notesMessages,
    }),
  ),
  insertRollback: template((p: NewRollbackRun) =>
    qb.insertInto('retraining_runs').values({
      model_name: p.model,
      kind: 'rollback',
      started_at: p.at,
      finished_at: p.at,
      fired: 0,
      reasons: '[]',
      outcome: 'rolled-back',
      active_version: p.from,
      candidate_version: p.to,
      error: p.error,
      notes: p.notes,
      notes_messages: p.notesMessages,
    }),
  ),
  finishRetrain: template((p: RetrainRunEnd) =>
    qb
      .updateTable('retraining_runs')
      .set({
        outcome: p.outcome,
        finished_at: p.finishedAt,
        candidate_version: p.candidateVersion,
        active_metrics: p.activeMetrics,
        candidate_metrics: p.candidateMetrics,
        improvement: p.improvement,
        notes: sql<string>`COALESCE(notes || '; ', '') || ${p.notes}`,
        notes_messages: p.notesMessages,
      })
      .where('id', '=', p.id),
  ),
  fail: template((p: RunFailure & { id: number }) =>
    qb.updateTable('retraining_runs').set({ outcome: 'failed', finished_at: p.finishedAt, error: p.error, error_messages: p.errorMessages }).where('id', '=', p.id),
  ),
  failIfRunning: template((p: RunFailure & { id: number }) =>
    qb
      .updateTable('retraining_runs')
      .set({ outcome: 'failed', finished_at: p.finishedAt, error: p.error, error_messages: p.errorMessages })
      .where('id', '=', p.id)
      .where('outcome', '=', 'running'),
  ),
  failAllRunning: template((p: RunFailure & { model: string }) =>
    qb
      .updateTable('retraining_runs')
      .set({ outcome: 'failed', finished_at: p.finishedAt, error: p.error, error_messages: p.errorMessages })
      .where('model_name', '=', p.model)
      .where('outcome', '=', 'running'),
  ),
  notesMessages: template((p: { id: number }) => qb.selectFrom('retraining_runs').select('notes_messages').where('id', '=', p.id)),
  modelsRunning: template(() => qb.selectFrom('retraining_runs').select('model_name').distinct().where('outcome', '=', 'running').orderBy('model_name')),
  lastAutomaticFallback: template((p: { model: string }) =>
    qb
      .selectFrom('retraining_runs')
      .select(['started_at', 'active_version', 'candidate_version', 'error'])
      .where('model_name', '=', p.model)
      .where('kind', '=', 'rollback')
      .where('notes', 'like', 'automatic fall-back%')
      .orderBy('id', 'desc')
      .limit(1),
  ),
  lastRetrainOrRollback: template((p: { model: string }) =>
    qb
      .selectFrom('retraining_runs')
      .select(['kind', sql<string>`COALESCE(finished_at, started_at)`.as('at'), 'outcome', 'candidate_version', 'error', 'notes'])
      .where('model_name', '=', p.model)
      .where('kind', '!=', 'check')
      .orderBy('id', 'desc')
      .limit(1),
  ),
};

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

  /** Runs `fn` in an IMMEDIATE transaction: no other process writes between its reads and its writes. */
  exclusively<T>(fn: () => T): T {
    return this.sql.transaction(fn, 'immediate');
  }

  /** Records a retrain as it starts ('running'); returns its id. */
  insertRetrain(run: NewRetrainRun): number {
    return this.sql.run(Q.insertRetrain, run).lastInsertRowid;
  }

  /** Records a trigger check; returns its id. */
  insertCheck(run: NewCheckRun): number {
    return this.sql.run(Q.insertCheck, { ...run, fired: run.fired ? 1 : 0 }).lastInsertRowid;
  }

  /** Records a rollback from `from` to `to` (finished when it starts). */
  insertRollback(run: NewRollbackRun): void {
    this.sql.run(Q.insertRollback, run);
  }

  /** Ends a retrain run with its outcome, appending `notes` to the notes it had. */
  finishRetrain(end: RetrainRunEnd): void {
    this.sql.run(Q.finishRetrain, end);
  }

  /** Marks a run failed, whatever its state. */
  markFailed(id: number, failure: RunFailure): void {
    this.sql.run(Q.fail, { ...failure, id });
  }

  /** Marks a run failed if it is still 'running'. */
  markFailedIfRunning(id: number, failure: RunFailure): void {
    this.sql.run(Q.failIfRunning, { ...failure, id });
  }

  /** Marks every 'running' run of a model failed; returns how many there were. */
  markAllRunningFailed(model: string, failure: RunFailure): number {
    return this.sql.run(Q.failAllRunning, { ...failure, model }).changes;
  }

  /** A run's structured notes (JSON text), null when it has none or does not exist. */
  notesMessages(id: number): string | null {
    return this.sql.first(Q.notesMessages, { id })?.notes_messages ?? null;
  }

  /** The models with at least one run still 'running', by name. */
  modelsWithRunningRuns(): string[] {
    return this.sql.all(Q.modelsRunning, {}).map((r) => r.model_name);
  }

  /** Ids of a model's 'running' runs, oldest first; only those started before `before` when given. */
  runningIds(model: string, before: string | null): number[] {
    let q = qb.selectFrom('retraining_runs').select('id').where('model_name', '=', model).where('outcome', '=', 'running');
    if (before !== null) q = q.where('started_at', '<', before);
    return this.sql.all(q.orderBy('id')).map((r) => r.id);
  }

  /** The model's latest automatic fall-back (a rollback the registry made on a broken artifact). */
  lastAutomaticFallback(model: string): { started_at: string; active_version: string | null; candidate_version: string | null; error: string | null } | undefined {
    return this.sql.first(Q.lastAutomaticFallback, { model });
  }

  /** The model's latest retrain or rollback (checks left out), with when it finished (or started). */
  lastRetrainOrRollback(
    model: string,
  ): { kind: RetrainingRunRow['kind']; at: string; outcome: RetrainOutcome | null; candidate_version: string | null; error: string | null; notes: string | null } | undefined {
    return this.sql.first(Q.lastRetrainOrRollback, { model });
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
