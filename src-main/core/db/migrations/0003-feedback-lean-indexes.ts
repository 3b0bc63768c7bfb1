// Keeps the feedback insert path lean (issue 3: > 20k rows/s in batches): the index grouping
// corrected rows by answer text cost about as much per insert as all the other feedback indexes
// together, and "common issues" are now grouped by the corrected question instead.
import type { Migration } from './types';

export const migration0003: Migration = {
  id: 3,
  name: '0003-feedback-lean-indexes',
  up(db) {
    db.exec('DROP INDEX IF EXISTS user_feedback_corrected_r;');
  },
};
