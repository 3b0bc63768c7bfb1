// Feedback analytics at scale (issue 3): normalised question/answer columns so similar corrections
// group through an index, a per-day rollup of chat feedback kept exact by triggers (totals, ratings,
// thumbs, corrections and weekly trends over any period without scanning a million rows), and
// covering indexes for prediction accuracy and retention.
import type { Migration } from './types';

/**
 * The feedback normaliser as it was when this migration was written (feedback/normalize-text.ts at
 * the time), frozen here: a migration must do today what it did then, whatever later changes the
 * service's normaliser. A database migrated before such a change and one migrated after it then hold
 * the same backfilled keys.
 */
function normalizeTextAt0002(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}€%]+/gu, ' ')
    .trim()
    .slice(0, 300)
    .trimEnd();
}

export const migration0002: Migration = {
  id: 2,
  name: '0002-feedback-analytics',
  up(db) {
    db.exec(`
ALTER TABLE user_feedback ADD COLUMN question_norm TEXT;
ALTER TABLE user_feedback ADD COLUMN response_norm TEXT;
`);
    // Backfill with the normaliser the service used at insert time when this migration was written.
    const rows = db.prepare('SELECT id, user_input, ai_response FROM user_feedback').iterate() as IterableIterator<{ id: number; user_input: string; ai_response: string }>;
    const set = db.prepare('UPDATE user_feedback SET question_norm = ?, response_norm = ? WHERE id = ?');
    const updates: [string, string, number][] = [];
    for (const r of rows) updates.push([normalizeTextAt0002(r.user_input), normalizeTextAt0002(r.ai_response), r.id]);
    for (const u of updates) set.run(...u);

    db.exec(`
CREATE INDEX user_feedback_corrected_q ON user_feedback(question_norm, created_at) WHERE user_correction IS NOT NULL;
CREATE INDEX user_feedback_corrected_r ON user_feedback(response_norm, created_at) WHERE user_correction IS NOT NULL;
CREATE INDEX user_feedback_low_rated ON user_feedback(question_norm, created_at, rating) WHERE rating <= 2;
CREATE INDEX user_feedback_consumed ON user_feedback(consumed_by_version) WHERE consumed_by_version IS NOT NULL;
CREATE INDEX mpf_accuracy ON model_prediction_feedback(model_name, model_version, source, created_at, was_accurate, error_days);
CREATE INDEX mpf_created ON model_prediction_feedback(created_at);
CREATE INDEX mpf_consumed ON model_prediction_feedback(consumed_by_version) WHERE consumed_by_version IS NOT NULL;

-- Writers that do not go through FeedbackService still get a (simpler) grouping key.
CREATE TRIGGER user_feedback_norm_fallback AFTER INSERT ON user_feedback
WHEN new.question_norm IS NULL OR new.response_norm IS NULL BEGIN
  UPDATE user_feedback SET question_norm = coalesce(new.question_norm, lower(trim(new.user_input))),
                           response_norm = coalesce(new.response_norm, lower(trim(new.ai_response)))
  WHERE id = new.id;
END;

CREATE TABLE feedback_daily (
  day TEXT NOT NULL,
  agent_type TEXT NOT NULL,
  total INTEGER NOT NULL DEFAULT 0,
  rating_sum INTEGER NOT NULL DEFAULT 0,
  rating_count INTEGER NOT NULL DEFAULT 0,
  thumbs_up INTEGER NOT NULL DEFAULT 0,
  thumbs_down INTEGER NOT NULL DEFAULT 0,
  corrections INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, agent_type)
) WITHOUT ROWID;

INSERT INTO feedback_daily(day, agent_type, total, rating_sum, rating_count, thumbs_up, thumbs_down, corrections)
SELECT substr(created_at, 1, 10), agent_type, count(*), coalesce(sum(rating), 0), count(rating),
       sum(thumb IS 'up'), sum(thumb IS 'down'), sum(user_correction IS NOT NULL)
FROM user_feedback GROUP BY 1, 2;

CREATE TRIGGER user_feedback_daily_ai AFTER INSERT ON user_feedback BEGIN
  INSERT INTO feedback_daily(day, agent_type, total, rating_sum, rating_count, thumbs_up, thumbs_down, corrections)
  VALUES (substr(new.created_at, 1, 10), new.agent_type, 1, coalesce(new.rating, 0), new.rating IS NOT NULL,
          new.thumb IS 'up', new.thumb IS 'down', new.user_correction IS NOT NULL)
  ON CONFLICT(day, agent_type) DO UPDATE SET
    total = total + 1, rating_sum = rating_sum + excluded.rating_sum, rating_count = rating_count + excluded.rating_count,
    thumbs_up = thumbs_up + excluded.thumbs_up, thumbs_down = thumbs_down + excluded.thumbs_down,
    corrections = corrections + excluded.corrections;
END;

CREATE TRIGGER user_feedback_daily_ad AFTER DELETE ON user_feedback BEGIN
  UPDATE feedback_daily SET
    total = total - 1, rating_sum = rating_sum - coalesce(old.rating, 0), rating_count = rating_count - (old.rating IS NOT NULL),
    thumbs_up = thumbs_up - (old.thumb IS 'up'), thumbs_down = thumbs_down - (old.thumb IS 'down'),
    corrections = corrections - (old.user_correction IS NOT NULL)
  WHERE day = substr(old.created_at, 1, 10) AND agent_type = old.agent_type;
  DELETE FROM feedback_daily WHERE day = substr(old.created_at, 1, 10) AND agent_type = old.agent_type AND total <= 0;
END;

CREATE TRIGGER user_feedback_daily_au AFTER UPDATE OF agent_type, rating, thumb, user_correction, created_at ON user_feedback BEGIN
  UPDATE feedback_daily SET
    total = total - 1, rating_sum = rating_sum - coalesce(old.rating, 0), rating_count = rating_count - (old.rating IS NOT NULL),
    thumbs_up = thumbs_up - (old.thumb IS 'up'), thumbs_down = thumbs_down - (old.thumb IS 'down'),
    corrections = corrections - (old.user_correction IS NOT NULL)
  WHERE day = substr(old.created_at, 1, 10) AND agent_type = old.agent_type;
  DELETE FROM feedback_daily WHERE day = substr(old.created_at, 1, 10) AND agent_type = old.agent_type AND total <= 0;
  INSERT INTO feedback_daily(day, agent_type, total, rating_sum, rating_count, thumbs_up, thumbs_down, corrections)
  VALUES (substr(new.created_at, 1, 10), new.agent_type, 1, coalesce(new.rating, 0), new.rating IS NOT NULL,
          new.thumb IS 'up', new.thumb IS 'down', new.user_correction IS NOT NULL)
  ON CONFLICT(day, agent_type) DO UPDATE SET
    total = total + 1, rating_sum = rating_sum + excluded.rating_sum, rating_count = rating_count + excluded.rating_count,
    thumbs_up = thumbs_up + excluded.thumbs_up, thumbs_down = thumbs_down + excluded.thumbs_down,
    corrections = corrections + excluded.corrections;
END;
`);
  },
};
