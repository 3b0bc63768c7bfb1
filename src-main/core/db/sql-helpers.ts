// Small SQL fragments repositories share, typed for kysely.
import { sql, type RawBuilder } from 'kysely';

/** `(SELECT value FROM json_each(?))`: a list bound as one JSON parameter, so one cached statement serves any list length. */
export function inJson<T extends number | string>(json: string): RawBuilder<T> {
  return sql<T>`(SELECT value FROM json_each(${json}))`;
}

/** The current time as an ISO UTC timestamp with milliseconds, computed by SQLite (the format of every *_at column). */
export const SQL_NOW = sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ','now')`;
