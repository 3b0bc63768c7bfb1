// Requests a page may send twice. A page stopped from getting its answer (the app was stopped after
// the invoice or payment committed, the connection dropped) sends the same request again with the
// same key: the key is remembered in the transaction that made the invoice or payment, so the second
// request returns what the first made instead of making another. A key sent with other content
// (the form was changed in between) is refused, naming what the key already made.
import crypto from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from '../db/database';
import { InputError } from '../errors';
import { RequestKeyRepository, type RequestKeyRow } from './request-key-repository';

/** Keys older than this are forgotten: a page retries within minutes, not months. */
export const REQUEST_KEY_RETENTION_DAYS = 30;

/** The same content gives the same hash whatever the order of its object keys. */
export function contentHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)])) : v;
  return crypto.createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

export interface Made<T> {
  entityId: number;
  appliedCents?: number;
  value: T;
}

export class RequestKeys {
  private readonly rows: RequestKeyRepository;

  constructor(connection: BetterSqlite3.Database) {
    this.rows = new RequestKeyRepository(connection);
  }

  /**
   * Runs `make` (which writes in its own transaction, nested here as a savepoint) once per key; a
   * repeat with the same content returns `replay` of what the first made. Without a key, just `make`.
   */
  once<T>(key: string | undefined, kind: string, args: unknown, make: () => Made<T>, replay: (prior: RequestKeyRow) => T, describe: (prior: RequestKeyRow) => string): T {
    if (key === undefined) return make().value;
    const hash = contentHash(args);
    return this.rows.transaction(() => {
      const prior = this.rows.find(key);
      if (prior) {
        if (prior.kind !== kind) throw new InputError(`requestKey: already used by another kind of request (${prior.kind})`, 'requestKey');
        if (prior.args_hash !== hash) throw new InputError(`requestKey: this form was already saved as ${describe(prior)}, with other values; reload it to make another`, 'requestKey');
        return replay(prior);
      }
      const made = make();
      const now = nowIso();
      this.rows.insert(key, kind, hash, made.entityId, made.appliedCents ?? null, now);
      this.rows.prune(new Date(Date.parse(now) - REQUEST_KEY_RETENTION_DAYS * 86_400_000).toISOString());
      return made.value;
    });
  }
}
