import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkCodiceFiscale,
  checkPartitaIva,
  codiceFiscaleCheckChar,
  isValidCap,
  isValidCodiceDestinatario,
  isValidEmail,
  isValidPartitaIva,
  isValidProvince,
  normalizePartitaIva,
  partitaIvaCheckDigit,
} from './italian-ids';

describe('partita IVA', () => {
  it('accepts real registered numbers', () => {
    expect(isValidPartitaIva('00159560366')).toBe(true); // Ferrari S.p.A.
    expect(isValidPartitaIva('01234567897')).toBe(true); // the textbook example
    expect(isValidPartitaIva('IT 00159560366')).toBe(true);
  });

  it('rejects a wrong check digit and says which digit was expected', () => {
    const r = checkPartitaIva('00159560367');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toContain('expected last digit 6');
  });

  it('rejects wrong lengths, letters and all-zero registration numbers', () => {
    expect(checkPartitaIva('1234567890').ok).toBe(false);
    expect(checkPartitaIva('0015956036A').ok).toBe(false);
    expect(checkPartitaIva('00000000000').ok).toBe(false);
  });

  it('detects every single-digit typo', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{9}$/), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 9 }), (first10, pos, delta) => {
        const valid = first10 + partitaIvaCheckDigit(first10);
        expect(isValidPartitaIva(valid)).toBe(true);
        const d = (Number(valid[pos]) + delta) % 10;
        const typo = valid.slice(0, pos) + d + valid.slice(pos + 1);
        expect(isValidPartitaIva(typo)).toBe(false);
      }),
    );
  });

  it('normalises spaces and the IT prefix', () => {
    expect(normalizePartitaIva(' it 0015 9560 366 ')).toBe('00159560366');
  });
});

describe('codice fiscale', () => {
  it('validates a person code with its check letter', () => {
    expect(codiceFiscaleCheckChar('RSSMRA85T10A562')).toBe('S');
    expect(checkCodiceFiscale('RSSMRA85T10A562S').ok).toBe(true);
    expect(checkCodiceFiscale('rssmra85t10a562s').ok).toBe(true);
    expect(checkCodiceFiscale('RSSMRA85T10A562T').ok).toBe(false);
  });
  it('accepts a company code (11 digits, P.IVA rules) and rejects malformed ones', () => {
    expect(checkCodiceFiscale('00159560366').ok).toBe(true);
    expect(checkCodiceFiscale('RSSMRA85').ok).toBe(false);
    expect(checkCodiceFiscale('1SSMRA85T10A562S').ok).toBe(false);
  });
});

describe('contact formats', () => {
  it('e-mail and PEC', () => {
    expect(isValidEmail('info@rossi-impianti.it')).toBe(true);
    expect(isValidEmail('rossi@pec.it')).toBe(true);
    expect(isValidEmail('rossi@pec')).toBe(false);
    expect(isValidEmail('rossi at pec.it')).toBe(false);
    expect(isValidEmail('a..b@pec.it')).toBe(false);
  });
  it('CAP, province, codice destinatario', () => {
    expect(isValidCap('20121')).toBe(true);
    expect(isValidCap('2012')).toBe(false);
    expect(isValidProvince('MI')).toBe(true);
    expect(isValidProvince('MIL')).toBe(false);
    expect(isValidCodiceDestinatario('0000000')).toBe(true);
    expect(isValidCodiceDestinatario('M5UXCR1')).toBe(true);
    expect(isValidCodiceDestinatario('M5UXCR')).toBe(false);
  });
});
