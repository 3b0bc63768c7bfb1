// Due dates from Italian payment terms as the invoice service applies them (dueDateFor):
// "30 gg data fattura", "60 gg fine mese", rimessa diretta, month ends and leap years.
import { describe, expect, it } from 'vitest';
import { dueDateFor } from '../dates';

describe('due dates from payment terms', () => {
  it('plain days count from the issue date', () => {
    expect(dueDateFor('2025-01-15', 30, false)).toBe('2025-02-14');
    expect(dueDateFor('2025-11-20', 90, false)).toBe('2026-02-18');
    expect(dueDateFor('2025-03-10', 0, false)).toBe('2025-03-10'); // rimessa diretta
  });
  it('"fine mese" moves to the end of the month the days land in', () => {
    expect(dueDateFor('2025-01-15', 30, true)).toBe('2025-02-28');
    expect(dueDateFor('2024-01-15', 30, true)).toBe('2024-02-29');
    expect(dueDateFor('2025-01-31', 30, true)).toBe('2025-03-31'); // 31 Jan + 30 = 2 Mar
    expect(dueDateFor('2025-11-03', 60, true)).toBe('2026-01-31');
    expect(dueDateFor('2025-12-31', 0, true)).toBe('2025-12-31');
  });
});
