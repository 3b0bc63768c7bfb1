// request_keys: the page's create/record requests and what each made (see request-keys.ts).
import type BetterSqlite3 from 'better-sqlite3';
import { qb, SqlRunner, template } from '../db/sql-runner';

export interface RequestKeyRow {
  kind: string;
  args_hash: string;
  entity_id: number;
  applied_cents: number | null;
}

const Q = {
  find: template((p: { key: string }) => qb.selectFrom('request_keys').select(['kind', 'args_hash', 'entity_id', 'applied_cents']).where('key', '=', p.key)),
  insert: template((p: { key: string; kind: string; argsHash: string; entityId: number; appliedCents: number | null; now: string }) =>
    qb.insertInto('request_keys').values({ key: p.key, kind: p.kind, args_hash: p.argsHash, entity_id: p.entityId, applied_cents: p.appliedCents, created_at: p.now }),
  ),
  prune: template((p: { before: string }) => qb.deleteFrom('request_keys').where('created_at', '<', p.before)),
};

export class RequestKeyRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  find(key: string): RequestKeyRow | undefined {
    return this.sql.first(Q.find, { key });
  }

  insert(key: string, kind: string, argsHash: string, entityId: number, appliedCents: number | null, now: string): void {
    this.sql.run(Q.insert, { key, kind, argsHash, entityId, appliedCents, now });
  }

  prune(before: string): void {
    this.sql.run(Q.prune, { before });
  }

  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn, 'immediate');
  }
}
