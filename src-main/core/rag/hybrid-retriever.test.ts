import { describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { toFtsQuery } from './hybrid-retriever';

describe('toFtsQuery', () => {
  it('quotes every word and keeps identifiers as phrases', () => {
    expect(toFtsQuery('Fattura 12/2025 di Rossi')).toBe('"fattura" OR "12 2025" OR "rossi"');
    expect(toFtsQuery('FT-12')).toBe('"ft 12"');
  });

  it('drops stopwords and returns null when nothing is left', () => {
    expect(toFtsQuery('di the a')).toBeNull();
    expect(toFtsQuery('   ')).toBeNull();
  });

  it('never lets FTS syntax through: hostile input is still a valid, harmless query', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2'); INSERT INTO t VALUES ('perché città caffè');");
    for (const q of ['"unterminated', 'a AND OR NOT', 'col:value', 'x* NEAR(y z)', '^start', '(((', "l'attività", 'città -- DROP TABLE t']) {
      const fts = toFtsQuery(q);
      if (fts) expect(() => db.prepare('SELECT * FROM t WHERE t MATCH ?').all(fts)).not.toThrow();
    }
    // Diacritics are folded by the tokenizer: "citta" finds "città".
    expect(db.prepare('SELECT * FROM t WHERE t MATCH ?').all(toFtsQuery('citta')!)).toHaveLength(1);
  });
});
