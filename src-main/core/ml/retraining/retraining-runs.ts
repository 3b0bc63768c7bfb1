// What the triggers and the retrainer read of retraining_runs and of the outcomes they count (the
// SQL is in retraining-run-repository.ts): when a model was last evaluated (a retrain that compared
// a candidate, whatever it decided), which outcomes it had seen, and how many arrived since. The
// feedback trigger and the "no retrain without new outcomes" rule read these, never the deployment
// history.
import type BetterSqlite3 from 'better-sqlite3';
import { RetrainingRunRepository } from './retraining-run-repository';

/** Outcomes of a retrain that evaluated a candidate (a failed run evaluated nothing). */
export const EVALUATED_OUTCOMES = ['deployed', 'kept-current', 'rejected', 'dry-run'] as const;

export interface LastEvaluation {
  runId: number;
  at: string;
  /** Highest outcome id it had seen (null: none existed). */
  outcomesThroughId: number | null;
}

/** The model's latest retrain that evaluated a candidate. */
export function lastEvaluation(sqlite: BetterSqlite3.Database, model: string): LastEvaluation | null {
  const row = new RetrainingRunRepository(sqlite).lastEvaluation(model, EVALUATED_OUTCOMES);
  return row ? { runId: row.id, at: row.at, outcomesThroughId: row.outcomes_through_id } : null;
}

/** The highest outcome (model_prediction_feedback) id of a model; 0 when there is none. */
export function latestOutcomeId(sqlite: BetterSqlite3.Database, model: string): number {
  return new RetrainingRunRepository(sqlite).latestOutcomeId(model);
}

/** Outcomes and feedback of a model recorded after `throughId` (all of them when null). */
export function outcomesAfter(sqlite: BetterSqlite3.Database, model: string, throughId: number | null): number {
  return new RetrainingRunRepository(sqlite).outcomesAfter(model, throughId ?? 0);
}

/** Outcomes new since the model's last evaluation, with that evaluation. */
export function outcomesSinceLastEvaluation(sqlite: BetterSqlite3.Database, model: string): { count: number; last: LastEvaluation | null } {
  const last = lastEvaluation(sqlite, model);
  return { count: outcomesAfter(sqlite, model, last?.outcomesThroughId ?? null), last };
}

/** Records on a retrain run what it had seen when it started evaluating. */
export function recordOutcomesSeen(sqlite: BetterSqlite3.Database, runId: number, throughId: number, newOutcomes: number): void {
  new RetrainingRunRepository(sqlite).recordOutcomesSeen(runId, throughId, newOutcomes);
}

/** The resolved predictions (was_accurate known) of one version, newest first, at most `limit`. */
export function latestResolvedOfVersion(sqlite: BetterSqlite3.Database, model: string, version: string, limit: number): { was_accurate: number }[] {
  return new RetrainingRunRepository(sqlite).latestResolvedOfVersion(model, version, limit);
}
