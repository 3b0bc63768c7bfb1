// Retraining texts (a run's notes and error, a version's notes) were stored as English sentences
// only. The structured form — a JSON array of {code, params} — is stored next to them so the UI can
// show them in its own language. Rows written before this migration keep NULL there and are shown
// with their English text.
import type { Migration } from './types';

export const migration0006: Migration = {
  id: 6,
  name: '0006-retraining-messages',
  up(db) {
    db.exec(`
ALTER TABLE retraining_runs ADD COLUMN notes_messages TEXT;
ALTER TABLE retraining_runs ADD COLUMN error_messages TEXT;
ALTER TABLE model_versions ADD COLUMN notes_messages TEXT;
`);
  },
};
