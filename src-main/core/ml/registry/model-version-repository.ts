// model_versions: every trained version of every model (semver, status, metrics, artifact), the
// registry's source of truth. At most one version per model is active (a partial unique index).
import type BetterSqlite3 from 'better-sqlite3';
import { qb, SqlRunner, template } from '../../db/sql-runner';

const Q = {
  active: template((p: { model: string }) =>
    qb.selectFrom('model_versions').select(['version', 'deployed_at', 'created_at']).where('model_name', '=', p.model).where('status', '=', 'active'),
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

  /** The active version of a model, if any. */
  active(model: string): { version: string; deployed_at: string | null; created_at: string } | undefined {
    return this.sql.first(Q.active, { model });
  }

  setNotes(model: string, version: string, notes: string): void {
    this.sql.run(Q.setNotes, { model, version, notes });
  }

  /** Every model that has at least one version. */
  modelNames(): string[] {
    return this.sql.all(Q.modelNames, {}).map((r) => r.model_name);
  }
}
