// Predictions and their outcomes: prediction_log (every forecast served) and
// model_prediction_feedback (a user's verdict on a prediction, or the outcome resolved automatically
// when the invoice is paid). Accuracy by version reads through the mpf_accuracy index (INDEXED BY:
// raw SQL, named below).
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Selectable } from 'kysely';
import type { ModelPredictionFeedbackTable, PredictionLogTable } from '../db/schema';
import { placeholders, qb, SqlRunner, template } from '../db/sql-runner';

export type StoredPredictionFeedback = Omit<Selectable<ModelPredictionFeedbackTable>, never>;

export interface PredictionFeedbackWrite {
  model_name: string;
  model_version: string | null;
  entity_type: string | null;
  entity_id: number | null;
  /** JSON text. */
  prediction: string;
  /** JSON text. */
  actual_outcome: string | null;
  was_accurate: 0 | 1 | null;
  error_days: number | null;
  source: 'user' | 'auto-outcome';
  prediction_log_id: number | null;
  consumed_by_version: string | null;
  created_at: string;
}

export type ServedPrediction = Selectable<PredictionLogTable>;

export interface ServedPredictionWrite {
  model_name: string;
  model_version: string;
  invoice_id: number;
  predicted_days: number;
  predicted_date: string;
  p10_date: string | null;
  p90_date: string | null;
  amount_cents: number;
  created_at: string;
}

export interface AccuracyGroup {
  model_name: string;
  model_version: string | null;
  source: 'user' | 'auto-outcome';
  total: number;
  evaluated: number;
  accurate: number;
  mae: number | null;
}

const COLUMNS = [
  'id',
  'created_at',
  'model_name',
  'model_version',
  'entity_type',
  'entity_id',
  'prediction',
  'actual_outcome',
  'was_accurate',
  'error_days',
  'source',
  'prediction_log_id',
  'consumed_by_version',
] as const;

const WRITE_COLUMNS = [
  'model_name',
  'model_version',
  'entity_type',
  'entity_id',
  'prediction',
  'actual_outcome',
  'was_accurate',
  'error_days',
  'source',
  'prediction_log_id',
  'consumed_by_version',
  'created_at',
] as const satisfies readonly (keyof PredictionFeedbackWrite)[];

const SERVED_COLUMNS = [
  'model_name',
  'model_version',
  'invoice_id',
  'predicted_days',
  'predicted_date',
  'p10_date',
  'p90_date',
  'amount_cents',
  'created_at',
] as const satisfies readonly (keyof ServedPredictionWrite)[];

/** Rows created before `cutoff`; unless `force`, not those a version that was ever deployed consumed (its audit trail). */
function expired(cutoff: string, force: boolean) {
  let q = qb.selectFrom('model_prediction_feedback as f').where('f.created_at', '<', cutoff);
  if (!force) {
    q = q.where((eb) =>
      eb.or([
        eb('f.consumed_by_version', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('model_versions as v')
              .select(sql.lit(1).as('one'))
              .whereRef('v.model_name', '=', 'f.model_name')
              .whereRef('v.version', '=', 'f.consumed_by_version')
              .where((v) => v.or([v('v.deployed_at', 'is not', null), v('v.status', '=', 'active')])),
          ),
        ),
      ]),
    );
  }
  return q;
}

const Q = {
  insert: template((p: PredictionFeedbackWrite) => qb.insertInto('model_prediction_feedback').values(placeholders(p, WRITE_COLUMNS))),
  // A NULL id lets SQLite assign the next one.
  insertStored: template((p: PredictionFeedbackWrite & { id: number | null }) =>
    qb.insertInto('model_prediction_feedback').values({ ...placeholders(p, WRITE_COLUMNS), id: p.id as number }),
  ),
  insertOutcome: template((p: PredictionFeedbackWrite) =>
    qb
      .insertInto('model_prediction_feedback')
      .values(placeholders(p, WRITE_COLUMNS))
      .onConflict((oc) => oc.column('prediction_log_id').doNothing()),
  ),
  byId: template((p: { id: number }) => qb.selectFrom('model_prediction_feedback').select(COLUMNS).where('id', '=', p.id)),
  logLink: template((p: { logId: number }) =>
    qb.selectNoFrom((eb) => [
      eb.selectFrom('prediction_log').select(sql<number>`1`.as('x')).where('id', '=', p.logId).as('present'),
      eb.selectFrom('model_prediction_feedback').select(sql<number>`1`.as('x')).where('prediction_log_id', '=', p.logId).as('taken'),
    ]),
  ),
  accuracy: template((p: { from: string; to: string }) =>
    sql<AccuracyGroup>`SELECT model_name, model_version, source, count(*) AS total, count(was_accurate) AS evaluated,
            coalesce(sum(was_accurate), 0) AS accurate, avg(abs(error_days)) AS mae
       FROM model_prediction_feedback INDEXED BY mpf_accuracy
      WHERE created_at >= ${p.from} AND created_at < ${p.to}
      GROUP BY model_name, model_version, source ORDER BY model_name, model_version, source`,
  ),
  unconsumed: template((p: { model: string; since: string }) =>
    qb
      .selectFrom('model_prediction_feedback')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('model_name', '=', p.model)
      .where('consumed_by_version', 'is', null)
      .where('created_at', '>=', p.since),
  ),
  countSince: template((p: { since: string }) => qb.selectFrom('model_prediction_feedback').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '>=', p.since)),
  rowsSince: template((p: { since: string }) => qb.selectFrom('model_prediction_feedback').select(COLUMNS).where('created_at', '>=', p.since).orderBy('created_at').orderBy('id')),
  countOlderThan: template((p: { cutoff: string }) => qb.selectFrom('model_prediction_feedback').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '<', p.cutoff)),
  countExpired: template((p: { cutoff: string }) => expired(p.cutoff, false).select((eb) => eb.fn.countAll<number>().as('n'))),
  countExpiredForced: template((p: { cutoff: string }) => expired(p.cutoff, true).select((eb) => eb.fn.countAll<number>().as('n'))),
  deleteExpired: template((p: { cutoff: string }) => qb.deleteFrom('model_prediction_feedback').where('id', 'in', expired(p.cutoff, false).select('f.id'))),
  deleteExpiredForced: template((p: { cutoff: string }) => qb.deleteFrom('model_prediction_feedback').where('id', 'in', expired(p.cutoff, true).select('f.id'))),
  consume: template((p: { model: string; version: string; throughId: number }) =>
    qb
      .updateTable('model_prediction_feedback')
      .set({ consumed_by_version: p.version })
      .where('model_name', '=', p.model)
      .where('consumed_by_version', 'is', null)
      .where('id', '<=', p.throughId),
  ),
  // Served predictions.
  serve: template((p: ServedPredictionWrite) => qb.insertInto('prediction_log').values(placeholders(p, SERVED_COLUMNS))),
  latestServed: template((p: { invoiceId: number }) =>
    qb
      .selectFrom('prediction_log as l')
      .leftJoin('invoices as i', 'i.id', 'l.invoice_id')
      .selectAll('l')
      .select('i.issue_date')
      .where('l.invoice_id', '=', p.invoiceId)
      .orderBy('l.created_at', 'desc')
      .orderBy('l.id', 'desc')
      .limit(1),
  ),
  unresolve: template((p: { invoiceId: number }) => qb.updateTable('prediction_log').set({ resolved_at: null }).where('invoice_id', '=', p.invoiceId)),
  deleteOutcomes: template((p: { invoiceId: number }) =>
    qb
      .deleteFrom('model_prediction_feedback')
      .where('entity_type', '=', 'invoice')
      .where('entity_id', '=', p.invoiceId)
      .where('source', '=', 'auto-outcome')
      .where('consumed_by_version', 'is', null),
  ),
  resolve: template((p: { invoiceId: number; at: string }) => qb.updateTable('prediction_log').set({ resolved_at: p.at }).where('invoice_id', '=', p.invoiceId).where('resolved_at', 'is', null)),
};

export class PredictionRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** Stores a verdict on a prediction; returns its id. */
  insertFeedback(row: PredictionFeedbackWrite): number {
    return this.sql.run(Q.insert, row).lastInsertRowid;
  }

  /** Re-inserts an exported row: under its own id, or a new one when `id` is null. */
  insertStored(row: PredictionFeedbackWrite & { id: number | null }): void {
    this.sql.run(Q.insertStored, row);
  }

  /** Stores an automatic outcome unless its prediction_log row already has one; returns the new id, or null. */
  insertOutcome(row: PredictionFeedbackWrite): number | null {
    const r = this.sql.run(Q.insertOutcome, row);
    return r.changes === 0 ? null : r.lastInsertRowid;
  }

  byId(id: number): StoredPredictionFeedback | undefined {
    return this.sql.first(Q.byId, { id });
  }

  /** Whether a prediction_log row exists here, and whether an outcome already points at it. */
  logLink(logId: number): { present: boolean; taken: boolean } {
    const r = this.sql.first(Q.logLink, { logId })!;
    return { present: r.present != null, taken: r.taken != null };
  }

  /** Per model, version and source: rows, rows judged, accurate ones and mean absolute error, from `from` to before `to`. */
  accuracy(from: string, to: string): AccuracyGroup[] {
    return this.sql.all(Q.accuracy, { from, to });
  }

  /** Prediction feedback of a model no training run consumed yet, created since `since`. */
  unconsumedCount(model: string, since: string): number {
    return this.sql.first(Q.unconsumed, { model, since })!.n;
  }

  countSince(since: string): number {
    return this.sql.first(Q.countSince, { since })!.n;
  }

  /** Rows created since `since`, oldest first, streamed. */
  rowsSince(since: string): IterableIterator<StoredPredictionFeedback> {
    return this.sql.iterate(Q.rowsSince, { since });
  }

  countOlderThan(cutoff: string): number {
    return this.sql.first(Q.countOlderThan, { cutoff })!.n;
  }

  countExpired(cutoff: string, force: boolean): number {
    return this.sql.first(force ? Q.countExpiredForced : Q.countExpired, { cutoff })!.n;
  }

  deleteExpired(cutoff: string, force: boolean): number {
    return this.sql.run(force ? Q.deleteExpiredForced : Q.deleteExpired, { cutoff }).changes;
  }

  /** Marks a model's unconsumed feedback up to id `throughId` as consumed by `version` (the version that learnt from it). */
  consumeFeedback(model: string, version: string, throughId: number): void {
    this.sql.run(Q.consume, { model, version, throughId });
  }

  /** Logs a served forecast prediction. */
  recordServed(row: ServedPredictionWrite): number {
    return this.sql.run(Q.serve, row).lastInsertRowid;
  }

  /** The latest prediction served for an invoice, with the invoice's issue date (null when the invoice is gone). */
  latestServed(invoiceId: number): (ServedPrediction & { issue_date: string | null }) | undefined {
    return this.sql.first(Q.latestServed, { invoiceId });
  }

  /** Undoes an automatic outcome not yet used for training: its feedback rows go, the invoice's served forecasts are open again. Returns the rows removed. */
  reopenOutcome(invoiceId: number): number {
    const removed = this.sql.run(Q.deleteOutcomes, { invoiceId }).changes;
    this.sql.run(Q.unresolve, { invoiceId });
    return removed;
  }

  /** Marks every unresolved prediction of an invoice resolved at `at`. */
  resolveServed(invoiceId: number, at: string): void {
    this.sql.run(Q.resolve, { invoiceId, at });
  }
}
