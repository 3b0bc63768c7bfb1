import { describe, expect, it } from 'vitest';
import { conflictingReadings, contentTokens, cosine, sameReading } from './correction-memory';
import { conceptSimilarity, questionConcepts } from './question-concepts';
import { readQuestion } from './question-reading';
import { detectLanguage } from './parse-intent';

const TODAY = '2026-11-26';
const CLIENTS = [
  { id: 1, denominazione: 'Rossi & Figli S.r.l.', partita_iva: '01234567897', codice_fiscale: null },
  { id: 2, denominazione: 'Bianchi Costruzioni SpA', partita_iva: null, codice_fiscale: null },
  { id: 3, denominazione: 'Pagano Trasporti Snc', partita_iva: null, codice_fiscale: null },
];
const read = (q: string) => readQuestion(q, TODAY, CLIENTS, detectLanguage(q));
const concepts = (a: string, b: string) => conceptSimilarity(questionConcepts(a, detectLanguage(a)), questionConcepts(b, detectLanguage(b)));

describe('correction similarity helpers', () => {
  it('keeps content words only, folding accents, possessives and plurals', () => {
    expect([...contentTokens("What's my revenue this month?")].sort()).toEqual(['month', 'revenue']);
    expect([...contentTokens('Quali fatture sono già scadute?')].sort()).toEqual(['fatture', 'gia', 'scadute']);
    expect(contentTokens('Which invoices are overdue?')).toEqual(new Set(['invoice', 'overdue']));
  });

  it('scores cosine', () => {
    expect(cosine([1, 0], [1, 0])).toBe(1);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([0, 0], [1, 0])).toBe(0);
  });

  it('tells the same business question from a different one, across languages and wordings', () => {
    const seed = read("What's my revenue this month?");
    expect(sameReading(read('How much revenue did I make this month?'), seed)).toBe(true);
    expect(sameReading(read('Quanto ho fatturato questo mese?'), seed)).toBe(true);
    // Revenue with no period named is this month's.
    expect(sameReading(read('Quanto ho fatturato?'), seed)).toBe(true);
    expect(conflictingReadings(read('What was my revenue last month?'), seed)).toBe(true);
    expect(conflictingReadings(read('Which invoices are overdue?'), seed)).toBe(true);
    // A common noun after "di" is not a client: the same question as the plain average.
    const average = read("Qual è l'importo medio delle fatture?");
    expect(sameReading(read("Dimmi l'importo medio di una fattura"), average)).toBe(true);
    expect(sameReading(read('What is the average invoice amount?'), average)).toBe(true);
    expect(conflictingReadings(read("Importo medio delle fatture pagate"), average)).toBe(true);
    // The client is the one in the table, however it is written; another client is another question.
    const rossi = read('Storico pagamenti di Rossi');
    expect(sameReading(read('Come paga Rossi & Figli?'), rossi)).toBe(true);
    expect(sameReading(read('How does 01234567897 pay?'), rossi)).toBe(true);
    expect(conflictingReadings(read('Storico del cliente Bianchi'), rossi)).toBe(true);
    // A free search never conflicts: only its meaning decides.
    expect(conflictingReadings(read('consulenza software Milano'), seed)).toBe(false);
    expect(sameReading(read('consulenza software'), read('consulenza software'))).toBe(false);
  });

  it('compares knowledge questions by their concepts, across languages', () => {
    const vat = "Entro quando devo versare l'IVA trimestrale?";
    expect(concepts(vat, "Quando scade il pagamento dell'IVA del trimestre?")).toBeGreaterThan(0.8);
    expect(concepts(vat, 'When is the quarterly VAT payment due?')).toBeGreaterThan(0.8);
    expect(concepts(vat, 'Quando arriva il rimborso IVA?')).toBeLessThan(0.5);
    expect(concepts('Cos’è lo split payment?', 'Come funziona la scissione dei pagamenti?')).toBe(1);
    expect(concepts('Che cos’è il reverse charge nell’edilizia?', 'Do I charge VAT to a client in another EU country?')).toBe(0);
  });
});
