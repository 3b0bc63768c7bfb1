import { describe, expect, it } from 'vitest';
import { ClientNameIndex, InvoiceNumberIndex, nameTokens, sequenceOf } from './remittance-text';

const invoices = [
  { id: 1, number: '12', year: 2025 },
  { id: 2, number: '12', year: 2024 },
  { id: 3, number: '2025/A/0007', year: 2025 },
  { id: 4, number: 'FPR 45/2025', year: 2025 },
  { id: 5, number: '140', year: 2025 },
];
const score = (text: string, id: number) => new InvoiceNumberIndex(invoices).find(text).find((m) => m.invoiceId === id)?.score ?? 0;

describe('InvoiceNumberIndex', () => {
  it('reads the sequence of every number style', () => {
    expect(sequenceOf('12', 2025)).toBe('12');
    expect(sequenceOf('2025/A/0007', 2025)).toBe('7');
    expect(sequenceOf('FPR 45/2025', 2025)).toBe('45');
  });

  it('names an invoice fully by number and year, and tells the years apart', () => {
    expect(score('Saldo fattura n. 12/2025 del 15/01/2025', 1)).toBe(1);
    expect(score('Saldo fattura n. 12/2025 del 15/01/2025', 2)).toBeLessThan(0.2);
    expect(score('SALDO FT 2025/A/0007', 3)).toBe(1);
    expect(score('rif. fpr 45-2025', 4)).toBe(1);
  });

  it('gives a number after an invoice word less weight than a full one, and bare digits less still', () => {
    const withWord = score('pagamento fatt. 7', 3);
    const bare = score('bonifico 7 pezzi', 3);
    expect(withWord).toBeGreaterThanOrEqual(0.8);
    expect(bare).toBeLessThan(withWord);
  });

  it('does not read the day of a date as an invoice number', () => {
    expect(score('pagamento del 12/03/2025', 1)).toBeLessThan(0.3);
  });

  it('finds a mistyped number only with its year or an invoice word, with little weight', () => {
    const typo = score('Saldo fattura 14/2025', 5);
    expect(typo).toBeGreaterThan(0);
    expect(typo).toBeLessThan(0.8);
    expect(score('bonifico 1400 euro', 5)).toBe(0);
    // The number as written is an open invoice: not a typo of its neighbour.
    expect(score('Saldo fattura 12/2025', 5)).toBe(0);
  });
});

describe('ClientNameIndex', () => {
  const clients = [
    { id: 1, name: 'Bianchi Automazioni S.r.l.' },
    { id: 2, name: 'Studio Legale Bianchi' },
    { id: 3, name: 'Caffè Ànfora di Lucà Snc' },
    { id: 4, name: 'Ferri Logistica SpA' },
  ];
  const index = new ClientNameIndex(clients);

  it('ignores legal forms and payment words', () => {
    expect(nameTokens('Rossi & Figli S.r.l.')).toEqual(['rossi']);
    expect(index.find('BONIFICO SALDO FATTURA SRL')).toEqual([]);
  });

  it('finds names folded for case and accents, and with one typo', () => {
    expect(index.find('CAFFE ANFORA DI LUCA')[0]).toMatchObject({ clientId: 3 });
    expect(index.find('Ferri Logisitca')[0]!.clientId).toBe(4);
    expect(index.find('Ferri Logisitca')[0]!.score).toBeLessThan(1);
  });

  it('weights the rarer word: "Automazioni" names one client, "Bianchi" two', () => {
    const found = index.find('Bianchi Automazioni');
    expect(found[0]!.clientId).toBe(1);
    expect(found[0]!.score).toBeCloseTo(1, 5);
    const onlySurname = index.find('Bianchi', 0);
    expect(onlySurname.map((m) => m.clientId).sort()).toEqual([1, 2]);
    expect(onlySurname.every((m) => m.score < 0.5)).toBe(true);
    expect(index.find('STUDIO LEGALE BIANCHI')[0]).toMatchObject({ clientId: 2 });
  });
});
