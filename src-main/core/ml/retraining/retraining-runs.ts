// The queries of retraining_runs and of the outcomes they count, as small named functions: when a
// model was last evaluated (a retrain that compared a candidate, whatever it decided), which
// outcomes it had seen, and how many arrived since. The feedback trigger and the "no retrain
// without new outcomes" rule read these, never the deployment history.
import type BetterSqlite3 from 'better-sqlite3';

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
  const row = sqlite
    .prepare(
      `SELECT id, COALESCE(finished_at, started_at) AS at, outcomes_through_id FROM retraining_runs
        WHERE model_name = ? AND kind = 'retrain' AND outcome IN (${EVALUATED_OUTCOMES.map(() => '?').join(', ')})
        ORDER BY id DESC LIMIT 1`,
    )
    .get(model, ...EVALUATED_OUTCOMES) as { id: number; at: string; outcomes_through_id: number | null } | undefined;
  return row ? { runId: row.id, at: row.at, outcomesThroughId: row.outcomes_through_id } : null;
}

/** The highest outcome (model_prediction_feedback) id of a model; 0 when there is none. */
export function latestOutcomeId(sqlite: BetterSqlite3.Database, model: string): number {
  const row = sqlite.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM model_prediction_feedback WHERE model_name = ?').get(model) as { id: number };
  return row.id;
}

/** Outcomes and feedback of a model recorded after `throughId` (all of them when null). */
export function outcomesAfter(sqlite: BetterSqlite3.Database, model: string, throughId: number | null): number {
  const row = sqlite.prepare('SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE model_name = ? AND id > ?').get(model, throughId ?? 0) as { n: number };
  return row.n;
}

/** Outcomes new since the model's last evaluation, with that evaluation. */
export function outcomesSinceLastEvaluation(sqlite: BetterSqlite3.Database, model: string): { count: number; last: LastEvaluation | null } {
  const last = lastEvaluation(sqlite, model);
  return { count: outcomesAfter(sqlite, model, last?.outcomesThroughId ?? null), last };
}

/** Records on a retrain run what it had seen when it started evaluating. */
export function recordOutcomesSeen(sqlite: BetterSqlite3.Database, runId: number, throughId: number, newOutcomes: number): void {
  sqlite.prepare('UPDATE retraining_runs SET outcomes_through_id = ?, new_outcomes = ? WHERE id = ?').run(throughId, newOutcomes, runId);
}

/** The resolved predictions (was_accurate known) of one version, newest first, at most `limit`. */
export function latestResolvedOfVersion(sqlite: BetterSqlite3.Database, model: string, version: string, limit: number): { was_accurate: number }[] {
  return sqlite
    .prepare(
      `SELECT was_accurate FROM model_prediction_feedback
        WHERE model_name = ? AND model_version = ? AND was_accurate IS NOT NULL
        ORDER BY id DESC LIMIT ?`,
    )
    .all(model, version, limit) as { was_accurate: number }[];
}
