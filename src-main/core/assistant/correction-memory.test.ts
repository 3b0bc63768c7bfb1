import { describe, expect, it } from 'vitest';
import { conflictingReadings, contentTokens, cosine, jaccard, sameReading } from './correction-memory';
import { parseIntent } from './parse-intent';

const TODAY = '2026-11-26';
const read = (q: string) => parseIntent(q, TODAY);

describe('correction similarity helpers', () => {
  it('keeps content words only, folding accents, possessives and plurals', () => {
    expect([...contentTokens("What's my revenue this month?")].sort()).toEqual(['month', 'revenue']);
    expect([...contentTokens('How much revenue did I make this month?')].sort()).toEqual(['month', 'revenue']);
    expect([...contentTokens('Quali fatture sono già scadute?')].sort()).toEqual(['fatture', 'gia', 'scadute']);
    expect(contentTokens('Which invoices are overdue?')).toEqual(new Set(['invoice', 'overdue']));
  });

  it('scores Jaccard and cosine', () => {
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3);
    expect(jaccard(new Set(), new Set())).toBe(0);
    expect(cosine([1, 0], [1, 0])).toBe(1);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([0, 0], [1, 0])).toBe(0);
  });

  it('tells the same business question from a different one, across languages', () => {
    const seed = read("What's my revenue this month?");
    expect(sameReading(read('How much revenue did I make this month?'), seed)).toBe(true);
    expect(sameReading(read('Quanto ho fatturato questo mese?'), seed)).toBe(true);
    expect(conflictingReadings(read('What was my revenue last month?'), seed)).toBe(true);
    expect(conflictingReadings(read('Which invoices are overdue?'), seed)).toBe(true);
    // A free search never conflicts: only the embeddings decide.
    expect(conflictingReadings(read('consulenza software Milano'), seed)).toBe(false);
    expect(sameReading(read('consulenza software'), read('consulenza software'))).toBe(false);
  });
});
