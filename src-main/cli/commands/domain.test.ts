import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors';
import { parseLineFlag } from './domain';

describe('--riga parsing', () => {
  it('reads description, quantity, price in euro and VAT', () => {
    expect(parseLineFlag('Consulenza tecnica;2,5;1.234,50;22', 0)).toEqual({ description: 'Consulenza tecnica', quantity: 2.5, unitPriceCents: 123450, vatRate: 22 });
    expect(parseLineFlag('Libri;3;12.90;4%', 0)).toEqual({ description: 'Libri', quantity: 3, unitPriceCents: 1290, vatRate: 4 });
    expect(parseLineFlag('Sviluppo;1;450', 0).vatRate).toBe(22);
  });
  it('names the line and the problem', () => {
    const fails = (text: string, msg: RegExp) => {
      expect(() => parseLineFlag(text, 1)).toThrow(InputError);
      expect(() => parseLineFlag(text, 1)).toThrow(msg);
    };
    fails('Consulenza;-1;85;22', /^--riga 2: quantity must be greater than 0/);
    fails('Consulenza;due;85;22', /^--riga 2: quantity must be a number, got "due"/);
    fails('Consulenza;1;ottanta;22', /^--riga 2 \(price\): expected an amount in euro/);
    fails('Consulenza;1;-85;22', /^--riga 2: price must not be negative/);
    fails('Consulenza;1;85;21', /^--riga 2: VAT rate must be one of 0, 4, 5, 10, 22/);
    fails('Consulenza', /^--riga 2: expected "Descrizione;quantità;prezzo;iva"/);
    fails(' ;1;85;22', /^--riga 2: description must not be empty/);
  });
});
