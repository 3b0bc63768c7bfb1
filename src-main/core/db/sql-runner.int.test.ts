import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AppStateRepository } from './app-state-repository';
import { openDatabase, type Database } from './database';
import { qb, SqlRunner, template } from './sql-runner';

let d: Database | null = null;
afterEach(async () => {
  await d?.close();
  d = null;
});

describe('SqlRunner', () => {
  it('runs kysely queries synchronously and returns typed rows', () => {
    d = openDatabase(':memory:');
    const r = SqlRunner.of(d.sqlite);
    const ins = r.run(qb.insertInto('clients').values({ denominazione: 'Rossi Srl', city: 'Milano' }));
    expect(ins.changes).toBe(1);
    const row = r.first(qb.selectFrom('clients').select(['id', 'denominazione', 'city']).where('id', '=', ins.lastInsertRowid));
    expect(row).toEqual({ id: ins.lastInsertRowid, denominazione: 'Rossi Srl', city: 'Milano' });
    expect(r.all(sql<{ n: number }>`SELECT count(*) AS n FROM clients`)).toEqual([{ n: 1 }]);
  });

  it('binds template placeholders by name on every call, and says which one is missing', () => {
    d = openDatabase(':memory:');
    const r = SqlRunner.of(d.sqlite);
    const insert = template((p: { name: string; city: string | null }) => qb.insertInto('clients').values({ denominazione: p.name, city: p.city }));
    const byCity = template((p: { city: string; limit: number }) => qb.selectFrom('clients').select('denominazione').where('city', '=', p.city).orderBy('id').limit(p.limit));
    for (const [name, city] of [['A', 'Roma'], ['B', 'Roma'], ['C', null], ['D', 'Roma']] as const) r.run(insert, { name, city });
    expect(r.all(byCity, { city: 'Roma', limit: 2 }).map((x) => x.denominazione)).toEqual(['A', 'B']);
    expect(r.all(byCity, { city: 'Roma', limit: 10 }).map((x) => x.denominazione)).toEqual(['A', 'B', 'D']);
    expect(() => r.all(byCity, { city: 'Roma' } as { city: string; limit: number })).toThrow(/"limit" is missing/);
  });

  it('returns rows as arrays in the select order for whole-history reads, and the same statement as objects afterwards', () => {
    d = openDatabase(':memory:');
    const r = SqlRunner.of(d.sqlite);
    for (const [name, city] of [['Rossi Srl', 'Milano'], ['Bianchi SpA', null]] as const) r.run(qb.insertInto('clients').values({ denominazione: name, city }));
    const names = template(() => qb.selectFrom('clients').select(['city', 'denominazione', 'id']).orderBy('id'));
    expect(r.tuples<[string | null, string, number], object>(names, {})).toEqual([
      ['Milano', 'Rossi Srl', 1],
      [null, 'Bianchi SpA', 2],
    ]);
    // The cached statement is shared: raw mode ends with the call.
    expect(r.first(names, {})).toEqual({ city: 'Milano', denominazione: 'Rossi Srl', id: 1 });
  });

  it('rolls a transaction back when its function throws, and one runner serves each connection', () => {
    d = openDatabase(':memory:');
    const r = SqlRunner.of(d.sqlite);
    expect(SqlRunner.of(d.sqlite)).toBe(r);
    expect(() =>
      r.transaction(() => {
        r.run(qb.insertInto('clients').values({ denominazione: 'Lost' }));
        throw new Error('boom');
      }, 'immediate'),
    ).toThrow('boom');
    expect(r.first(qb.selectFrom('clients').select((eb) => eb.fn.countAll<number>().as('n')))!.n).toBe(0);
    // The trigger-written outbox row rolled back with it.
    expect(r.first(qb.selectFrom('rag_changes').select((eb) => eb.fn.countAll<number>().as('n')))!.n).toBe(0);
  });
});

describe('AppStateRepository', () => {
  it('upserts values and deletes an owned marker only for its own pid', () => {
    d = openDatabase(':memory:');
    const state = new AppStateRepository(d.sqlite);
    expect(state.get('k')).toBeUndefined();
    state.set('k', 'one');
    state.set('k', 'two');
    expect(state.get('k')).toBe('two');
    state.setJson('svc', { pid: 4242, startedAt: 'x' });
    state.deleteIfOwnedBy('svc', 1);
    expect(state.getJson<{ pid: number }>('svc')?.pid).toBe(4242);
    state.deleteIfOwnedBy('svc', 4242);
    expect(state.get('svc')).toBeUndefined();
  });
});
