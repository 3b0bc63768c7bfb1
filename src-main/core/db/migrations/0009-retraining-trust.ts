// What the retraining loop needs to be trusted over a year:
// - retraining_runs.outcomes_through_id: the highest model_prediction_feedback id a retrain had when
//   it evaluated a candidate, so the feedback trigger counts outcomes since the last evaluation (not
//   since the last deployment) and no retrain runs without new outcomes;
// - retraining_runs.new_outcomes: how many of those were new at that run (shown, and checked by tests);
// - model_versions.pinned_at: set by a rollback, automatic deploys wait until the user unpins;
// - model_versions.baseline_sample: how many holdout predictions the baseline accuracy rests on.
// Existing evaluations get the high-water mark of the outcomes recorded before they started, and
// existing versions the holdout size recorded in their metrics.
import type { Migration } from './types';

export const migration0009: Migration = {
  id: 9,
  name: '0009-retraining-trust',
  up(db) {
    db.exec(`
ALTER TABLE retraining_runs ADD COLUMN outcomes_through_id INTEGER;
ALTER TABLE retraining_runs ADD COLUMN new_outcomes INTEGER;
ALTER TABLE model_versions ADD COLUMN pinned_at TEXT;
ALTER TABLE model_versions ADD COLUMN baseline_sample INTEGER;
UPDATE retraining_runs
   SET outcomes_through_id = (SELECT MAX(f.id) FROM model_prediction_feedback f
                               WHERE f.model_name = retraining_runs.model_name AND f.created_at <= retraining_runs.started_at)
 WHERE kind = 'retrain' AND outcome IN ('deployed', 'kept-current', 'rejected', 'dry-run');
UPDATE model_versions
   SET baseline_sample = CAST(json_extract(metrics, '$.holdoutRows') AS INTEGER)
 WHERE json_valid(metrics) AND json_type(metrics, '$.holdoutRows') = 'integer';
CREATE INDEX retraining_runs_evaluations ON retraining_runs(model_name, kind, outcome, id);
`);
  },
};
