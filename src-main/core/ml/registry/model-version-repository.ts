// model_versions: every trained version of every model (semver, status, metrics, artifact), the
// registry's source of truth. At most one version per model is active (a partial unique index).
// Shared by every registered model: nothing here knows one model from another.
import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { ModelVersionsTable } from '../../db/schema';
import { placeholders, qb, SqlRunner, template } from '../../db/sql-runner';

export type ModelVersionRow = Selectable<ModelVersionsTable>;

/** A version as registered. JSON columns are JSON text. */
export interface NewModelVersionRow {
  model_name: string;
  version: string;
  status: 'active' | 'rejected' | 'candidate';
  trigger_reasons: string;
  training_rows: number;
  training_cutoff: string | null;
  metrics: string;
  baseline_accuracy: number | null;
  baseline_sample: number | null;
  artifact_path: string;
  artifact_sha256: string;
  created_at: string;
  deployed_at: string | null;
  parent_version: string | null;
  dry_run: 0 | 1;
  notes: string | null;
  notes_messages: string | null;
}

const NEW_COLUMNS = [
  'model_name',
  'version',
  'status',
  'trigger_reasons',
  'training_rows',
  'training_cutoff',
  'metrics',
  'baseline_accuracy',
  'baseline_sample',
  'artifact_path',
  'artifact_sha256',
  'created_at',
  'deployed_at',
  'parent_version',
  'dry_run',
  'notes',
  'notes_messages',
] as const satisfies readonly (keyof NewModelVersionRow)[];

const Q = {
  active: template((p: { model: string }) =>
    qb.selectFrom('model_versions').select(['version', 'deployed_at', 'created_at']).where('model_name', '=', p.model).where('status', '=', 'active'),
  ),
  activeRow: template((p: { model: string }) => qb.selectFrom('model_versions').selectAll().where('model_name', '=', p.model).where('status', '=', 'active')),
  all: template((p: { model: string }) => qb.selectFrom('model_versions').selectAll().where('model_name', '=', p.model)),
  get: template((p: { model: string; version: string }) => qb.selectFrom('model_versions').selectAll().where('model_name', '=', p.model).where('version', '=', p.version)),
  pinned: template((p: { model: string }) =>
    qb.selectFrom('model_versions').selectAll().where('model_name', '=', p.model).where('pinned_at', 'is not', null).orderBy('pinned_at', 'desc').limit(1),
  ),
  // Every number ever given: versions, candidates of retrain runs (pruned versions) and the recorded highest.
  usedNumbers: template((p: { model: string; stateKey: string }) =>
    qb
      .selectFrom('model_versions')
      .select('version')
      .where('model_name', '=', p.model)
      .union(
        qb
          .selectFrom('retraining_runs')
          .select('candidate_version as version')
          .where('model_name', '=', p.model)
          .where('kind', '=', 'retrain')
          .where('candidate_version', 'is not', null)
          .$narrowType<{ version: string }>(),
      )
      .union(qb.selectFrom('app_state').select('value as version').where('key', '=', p.stateKey)),
  ),
  insert: template((p: NewModelVersionRow) => qb.insertInto('model_versions').values(placeholders(p, NEW_COLUMNS))),
  retireActive: template((p: { model: string }) => qb.updateTable('model_versions').set({ status: 'retired' }).where('model_name', '=', p.model).where('status', '=', 'active')),
  retireWithNotes: template((p: { model: string; version: string; notes: string }) =>
    qb.updateTable('model_versions').set({ status: 'retired', notes: p.notes, notes_messages: null }).where('model_name', '=', p.model).where('version', '=', p.version),
  ),
  makeActive: template((p: { model: string; version: string; at: string }) =>
    qb.updateTable('model_versions').set({ status: 'active', deployed_at: p.at }).where('model_name', '=', p.model).where('version', '=', p.version),
  ),
  unpinAll: template((p: { model: string }) => qb.updateTable('model_versions').set({ pinned_at: null }).where('model_name', '=', p.model).where('pinned_at', 'is not', null)),
  unpinOthers: template((p: { model: string; version: string }) =>
    qb.updateTable('model_versions').set({ pinned_at: null }).where('model_name', '=', p.model).where('version', '!=', p.version),
  ),
  pinOnly: template((p: { model: string; version: string; at: string }) =>
    qb
      .updateTable('model_versions')
      .set((eb) => ({ pinned_at: eb.case().when('version', '=', p.version).then(p.at).else(null).end() }))
      .where('model_name', '=', p.model),
  ),
  deleteUnpinnedInactive: template((p: { model: string; version: string }) =>
    qb.deleteFrom('model_versions').where('model_name', '=', p.model).where('version', '=', p.version).where('status', '!=', 'active').where('pinned_at', 'is', null),
  ),
  setNotes: template((p: { model: string; version: string; notes: string }) =>
    qb.updateTable('model_versions').set({ notes: p.notes }).where('model_name', '=', p.model).where('version', '=', p.version),
  ),
  modelNames: template(() => qb.selectFrom('model_versions').select('model_name').distinct()),
};

export class ModelVersionRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** Runs `fn` in an IMMEDIATE transaction (the registry's read-then-write changes). */
  exclusively<T>(fn: () => T): T {
    return this.sql.transaction(fn, 'immediate');
  }

  /** The active version of a model, if any. */
  active(model: string): { version: string; deployed_at: string | null; created_at: string } | undefined {
    return this.sql.first(Q.active, { model });
  }

  /** The active version's whole row. */
  activeRow(model: string): ModelVersionRow | undefined {
    return this.sql.first(Q.activeRow, { model });
  }

  /** Every version of a model, in no particular order. */
  all(model: string): ModelVersionRow[] {
    return this.sql.all(Q.all, { model });
  }

  get(model: string, version: string): ModelVersionRow | undefined {
    return this.sql.first(Q.get, { model, version });
  }

  /** The most recently pinned version of a model. */
  pinned(model: string): ModelVersionRow | undefined {
    return this.sql.first(Q.pinned, { model });
  }

  /**
   * Every version number a model has used: its versions, the candidates its retrain runs named
   * (versions since pruned) and the value stored under the app_state key `stateKey` (the highest given).
   */
  usedNumbers(model: string, stateKey: string): string[] {
    return this.sql.all(Q.usedNumbers, { model, stateKey }).map((r) => r.version);
  }

  insert(row: NewModelVersionRow): void {
    this.sql.run(Q.insert, row);
  }

  /** The model's active version becomes retired. */
  retireActive(model: string): void {
    this.sql.run(Q.retireActive, { model });
  }

  /** Retires a version with notes replacing its own (its structured notes are cleared). */
  retireWithNotes(model: string, version: string, notes: string): void {
    this.sql.run(Q.retireWithNotes, { model, version, notes });
  }

  /** Marks a version active, deployed at `at` (retire the previous one first). */
  makeActive(model: string, version: string, at: string): void {
    this.sql.run(Q.makeActive, { model, version, at });
  }

  /** No version of the model stays pinned. */
  unpinAll(model: string): void {
    this.sql.run(Q.unpinAll, { model });
  }

  /** Only `version` may keep its pin. */
  unpinOthers(model: string, version: string): void {
    this.sql.run(Q.unpinOthers, { model, version });
  }

  /** Pins `version` at `at` and unpins every other version of the model. */
  pinOnly(model: string, version: string, at: string): void {
    this.sql.run(Q.pinOnly, { model, version, at });
  }

  /** Deletes a version unless it is active or pinned. */
  deleteUnlessLiveOrPinned(model: string, version: string): void {
    this.sql.run(Q.deleteUnpinnedInactive, { model, version });
  }

  setNotes(model: string, version: string, notes: string): void {
    this.sql.run(Q.setNotes, { model, version, notes });
  }

  /** Every model that has at least one version. */
  modelNames(): string[] {
    return this.sql.all(Q.modelNames, {}).map((r) => r.model_name);
  }
}
