// The one place that turns queries into SQLite statements. Repositories build their queries with
// kysely from db/schema.ts (typed columns and rows); this runner compiles them for SQLite and runs
// them synchronously on the process's better-sqlite3 connection, so transactions stay synchronous
// (see docs/architecture.md, "Repositories: synchronous"). Statements are cached by their SQL text.
// A query of fixed shape is a `template`, compiled once per process with named placeholders:
// compiling (~60 µs) costs several times running a statement (~10 µs). Queries whose shape depends
// on the call (optional filters) are built and compiled per call.
import type BetterSqlite3 from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type Compilable,
  type RawBuilder,
} from 'kysely';
import type { DB } from './schema';
import { registerSqlFunctions } from './sql-functions';

/** A kysely query (builder or `sql` template) whose rows are `R`. */
export type Query<R> = Compilable<R> | RawBuilder<R>;

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

/** Compiles for SQLite without a connection: repositories build queries with it, the runner executes them. */
export const qb = new Kysely<DB>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

/** A named value in a template query, bound when the query runs. */
class Placeholder {
  constructor(readonly name: string) {}
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * A query compiled once per process, with named placeholders: `template((p: {id: number}) =>
 * qb.selectFrom('t').where('id', '=', p.id))`. The builder may only read properties of `p` (each read
 * becomes a parameter); lists go in as one JSON string (see inJson). Compiled on first use, so
 * defining templates at module level costs nothing at start-up.
 */
export class Template<P extends object, R> {
  private compiled: CompiledQuery<R> | null = null;

  constructor(private readonly build: (p: P) => Query<R>) {}

  /** The SQL and the parameter values for one call. */
  bind(params: P): { sql: string; values: unknown[] } {
    if (!this.compiled) {
      // The builder reads placeholders off this proxy: `p.id` becomes a parameter named "id".
      const proxy = new Proxy({}, { get: (_t, key) => new Placeholder(String(key)) }) as P;
      this.compiled = compileQuery(this.build(proxy));
    }
    const values = this.compiled.parameters.map((v) => {
      if (!(v instanceof Placeholder)) return v;
      const value = (params as Record<string, unknown>)[v.name];
      if (value === undefined) throw new Error(`query parameter "${v.name}" is missing (pass null for no value)`);
      return value;
    });
    return { sql: this.compiled.sql, values };
  }
}

export function template<P extends object, R>(build: (p: P) => Query<R>): Template<P, R> {
  return new Template(build);
}

/**
 * `{k: p.k}` for each key: a template's placeholders as a row for `values()` or `set()` (kysely
 * reads a row's own keys, which a placeholder object does not have).
 */
export function placeholders<P extends object, K extends keyof P>(p: P, keys: readonly K[]): Pick<P, K> {
  const row = {} as Pick<P, K>;
  for (const k of keys) row[k] = p[k];
  return row;
}

function compileQuery<R>(q: Query<R>): CompiledQuery<R> {
  return 'isRawBuilder' in q ? q.compile(qb) : q.compile();
}

function toRunResult(r: BetterSqlite3.RunResult): RunResult {
  return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
}

const runners = new WeakMap<BetterSqlite3.Database, SqlRunner>();

export class SqlRunner {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  private constructor(readonly connection: BetterSqlite3.Database) {
    registerSqlFunctions(connection);
  }

  /** The runner of a connection (one per connection, so its statement cache is shared by every repository). */
  static of(connection: BetterSqlite3.Database): SqlRunner {
    let r = runners.get(connection);
    if (!r) {
      r = new SqlRunner(connection);
      runners.set(connection, r);
    }
    return r;
  }

  /** The cached statement for a SQL text (least recently used ones are dropped beyond the cache size). */
  private statement(sqlText: string): BetterSqlite3.Statement {
    let st = this.statements.get(sqlText);
    if (st) {
      this.statements.delete(sqlText);
    } else {
      st = this.connection.prepare(sqlText);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sqlText, st);
    return st;
  }

  private bound<R>(q: Query<R> | Template<never, R>, params?: object): { st: BetterSqlite3.Statement; values: unknown[] } {
    if (q instanceof Template) {
      const b = q.bind((params ?? {}) as never);
      return { st: this.statement(b.sql), values: b.values };
    }
    const c = compileQuery(q);
    return { st: this.statement(c.sql), values: c.parameters as unknown[] };
  }

  all<P extends object, R>(q: Template<P, R>, params: P): R[];
  all<R>(q: Query<R>): R[];
  all<R>(q: Query<R> | Template<never, R>, params?: object): R[] {
    const { st, values } = this.bound(q, params);
    return st.all(...values) as R[];
  }

  first<P extends object, R>(q: Template<P, R>, params: P): R | undefined;
  first<R>(q: Query<R>): R | undefined;
  first<R>(q: Query<R> | Template<never, R>, params?: object): R | undefined {
    const { st, values } = this.bound(q, params);
    return st.get(...values) as R | undefined;
  }

  /**
   * Rows as arrays of column values, in the select's order (no object per row): for reads over a
   * whole history. The caller names the tuple type `T` to match the select.
   */
  tuples<T extends unknown[], P extends object>(q: Template<P, unknown>, params: P): T[];
  tuples<T extends unknown[]>(q: Query<unknown>): T[];
  tuples<T extends unknown[]>(q: Query<unknown> | Template<never, unknown>, params?: object): T[] {
    const { st, values } = this.bound(q, params);
    // The statement is shared through the cache: raw mode only for this call.
    st.raw(true);
    try {
      return st.all(...values) as T[];
    } finally {
      st.raw(false);
    }
  }

  /** Rows one at a time (exports of a million rows); finish iterating before running another statement. */
  iterate<P extends object, R>(q: Template<P, R>, params: P): IterableIterator<R>;
  iterate<R>(q: Query<R>): IterableIterator<R>;
  iterate<R>(q: Query<R> | Template<never, R>, params?: object): IterableIterator<R> {
    const { st, values } = this.bound(q, params);
    return st.iterate(...values) as IterableIterator<R>;
  }

  run<P extends object>(q: Template<P, unknown>, params: P): RunResult;
  run(q: Query<unknown>): RunResult;
  run(q: Query<unknown> | Template<never, unknown>, params?: object): RunResult {
    const { st, values } = this.bound(q, params);
    return toRunResult(st.run(...values));
  }

  /**
   * Runs `fn` in a transaction: committed when it returns, rolled back when it throws. `immediate`
   * takes the write lock up front (read-then-write transactions); nested calls become savepoints.
   */
  transaction<T>(fn: () => T, mode: 'deferred' | 'immediate' = 'deferred'): T {
    const tx = this.connection.transaction(fn);
    return this.connection.inTransaction ? tx() : mode === 'immediate' ? tx.immediate() : tx.deferred();
  }

  get inTransaction(): boolean {
    return this.connection.inTransaction;
  }
}
