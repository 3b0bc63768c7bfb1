// The payment matcher's feedback rows as the registry reads them: the user's confirmations,
// corrections, rejections and undos (model_prediction_feedback, model payment_matcher, source user),
// with their recorded candidates and outcome.
import type BetterSqlite3 from 'better-sqlite3';
import { qb, SqlRunner, template } from '../db/sql-runner';
import { inJson } from '../db/sql-helpers';

export interface MatcherFeedbackRow {
  id: number;
  created_at: string;
  prediction: string;
  actual_outcome: string | null;
}

const Q = {
  all: template((p: { model: string }) =>
    qb
      .selectFrom('model_prediction_feedback')
      .select(['id', 'created_at', 'prediction', 'actual_outcome'])
      .where('model_name', '=', p.model)
      .where('source', '=', 'user')
      .orderBy('created_at')
      .orderBy('id'),
  ),
  byIds: template((p: { model: string; ids: string }) =>
    qb
      .selectFrom('model_prediction_feedback')
      .select(['id', 'created_at', 'prediction', 'actual_outcome'])
      .where('model_name', '=', p.model)
      .where('id', 'in', inJson<number>(p.ids))
      .orderBy('id'),
  ),
};

export class MatcherFeedbackRepository {
  private readonly sql: SqlRunner;

  constructor(
    connection: BetterSqlite3.Database,
    private readonly model: string,
  ) {
    this.sql = SqlRunner.of(connection);
  }

  all(): MatcherFeedbackRow[] {
    return this.sql.all(Q.all, { model: this.model });
  }

  byIds(ids: readonly number[]): MatcherFeedbackRow[] {
    if (!ids.length) return [];
    return this.sql.all(Q.byIds, { model: this.model, ids: JSON.stringify(ids) });
  }
}
