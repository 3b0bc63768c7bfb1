// Property-based: the readers of free text the assistant runs on every question and every stored
// correction — intent and period parsing, client matching (with typos), concepts, correction rules —
// take any text a user can send (up to the 2,000 characters the contract allows, any unicode, the
// words and punctuation that drive their patterns, repeated) without throwing and in bounded time,
// so a hostile or unlucky question cannot stall the assistant (no catastrophic regex backtracking).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRestriction } from '../../src-main/core/assistant/correction-rules';
import { detectLanguage } from '../../src-main/core/assistant/parse-intent';
import { conceptSimilarity, questionConcepts } from '../../src-main/core/assistant/question-concepts';
import { readQuestion } from '../../src-main/core/assistant/question-reading';
import { fuzzRuns, recordFuzz } from './fuzz-counter';

const TODAY = '2026-11-26';
const CLIENTS = Array.from({ length: 60 }, (_, i) => ({ id: i + 1, denominazione: `${['Rossi', 'Bianchi', 'Pagano', 'Conti', 'Studio Medico'][i % 5]} ${i} S.r.l.`, partita_iva: null, codice_fiscale: null }));
// Fragments that drive the patterns: intent words, period words, cues, separators.
const WORDS = [
  'how', 'does', 'pay', 'mean', 'what', 'come', 'pagano', 'in ritardo', 'medio', 'fattura', 'fatture', 'solo', 'only', 'escludi', 'senza iva',
  'quest\u2019anno', "l'anno scorso", 'marzo 2025', 'Q1', 'ultimi 30 giorni', 'next 30 days', 'di', 'per', 'cliente', 'Rossi', '12/2025',
  '2025/A/0007', '01234567897', '€', '12.500', '?', ' ', '  ', '-', '/', "'", 'è', 'più', 'should be', 'net of vat', 'top', 'classifica',
];
const text = fc.oneof(
  fc.string({ maxLength: 2000 }),
  fc.string({ unit: 'grapheme', maxLength: 400 }),
  fc.array(fc.constantFrom(...WORDS), { maxLength: 400 }).map((ws) => ws.join(' ').slice(0, 2000)),
  fc.tuple(fc.constantFrom(...WORDS), fc.nat({ max: 600 })).map(([w, n]) => `${w} `.repeat(n).slice(0, 2000)),
);

describe('question readers on any text', () => {
  it('never throw and stay fast', () => {
    const runs = fuzzRuns(300);
    let slowest = 0;
    fc.assert(
      fc.property(text, (q) => {
        const t0 = performance.now();
        const lang = detectLanguage(q);
        const r = readQuestion(q, TODAY, CLIENTS, lang);
        const c = questionConcepts(q, lang);
        const s = conceptSimilarity(c, questionConcepts('Entro quando devo versare l’IVA trimestrale?', 'it'));
        readRestriction(q, TODAY, CLIENTS);
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        expect(r.intent).toBeTypeOf('string');
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        // Generous for a loaded 2-core machine; catastrophic backtracking takes seconds.
        expect(ms).toBeLessThan(500);
      }),
      { numRuns: runs },
    );
    recordFuzz(`assistant question readers (slowest ${slowest.toFixed(1)} ms)`, runs);
  });
});
