import { describe, expect, it } from 'vitest';
import { CREDIT_NOTE_TYPES, isCreditNote, signedCents } from './document-types';

describe('credit notes', () => {
  it('TD04 and TD08 count negative, every other type positive', () => {
    expect(CREDIT_NOTE_TYPES).toEqual(['TD04', 'TD08']);
    expect(['TD01', 'TD04', 'TD07', 'TD08', 'TD24'].map((t) => signedCents(t, 1_000))).toEqual([1_000, -1_000, 1_000, -1_000, 1_000]);
    expect(isCreditNote('TD08')).toBe(true);
    expect(isCreditNote('TD05')).toBe(false);
  });
});
