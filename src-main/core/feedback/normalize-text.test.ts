import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize-text';

describe('normalizeText', () => {
  it('ignores case, accents, punctuation and spacing', () => {
    expect(normalizeText("  What's my REVENUE   this month?? ")).toBe('what s my revenue this month');
    expect(normalizeText('Perché la fattura è scaduta?')).toBe('perche la fattura e scaduta');
    expect(normalizeText('Fatturato marzo 2025: €12.500')).toBe('fatturato marzo 2025 €12 500');
  });
  it('keeps different questions apart and caps the length', () => {
    expect(normalizeText('unpaid invoices')).not.toBe(normalizeText('paid invoices'));
    expect(normalizeText('a '.repeat(1000)).length).toBeLessThanOrEqual(300);
  });
});
