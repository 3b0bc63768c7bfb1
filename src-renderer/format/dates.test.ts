import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, formatDate, formatRelative, formatShortDate, formatTimestamp, isIsoDate } from './dates';

describe('date formatting', () => {
  it('shows ISO dates as dd/mm/yyyy in Italian and "5 Mar 2025" in English', () => {
    expect(formatDate('2025-03-05', 'it')).toBe('05/03/2025');
    expect(formatDate('2025-03-05', 'en')).toBe('5 Mar 2025');
    expect(formatDate('2025-12-31', 'it')).toBe('31/12/2025');
  });

  it('never shifts a calendar date with the time zone', () => {
    expect(formatDate('2025-01-01', 'it')).toBe('01/01/2025');
    expect(formatShortDate('2025-01-01', 'it')).toBe('01/01');
  });

  it('shows missing and malformed values without throwing', () => {
    expect(formatDate(null, 'it')).toBe('—');
    expect(formatDate('2025-02-30', 'it')).toBe('2025-02-30');
    expect(formatDate('soon', 'en')).toBe('soon');
  });

  it('accepts timestamps with and without a zone designator', () => {
    expect(formatTimestamp('2025-03-05 10:00:00', 'it')).toMatch(/05\/03\/2025/);
    expect(formatTimestamp('2025-03-05T10:00:00Z', 'en')).toMatch(/5 Mar 2025/);
    expect(formatTimestamp(null, 'en')).toBe('—');
  });

  it('validates real calendar dates and does date arithmetic in whole days', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(daysBetween('2025-01-30', '2025-03-01')).toBe(30);
    expect(addDays('2025-12-30', 3)).toBe('2026-01-02');
  });

  it('describes recent times relatively in both languages', () => {
    const now = Date.parse('2025-03-05T12:00:00Z');
    expect(formatRelative('2025-03-05T11:57:00Z', 'en', now)).toBe('3 minutes ago');
    expect(formatRelative('2025-03-05T11:57:00Z', 'it', now)).toBe('3 minuti fa');
    expect(formatRelative('2025-03-06T12:00:00Z', 'en', now)).toBe('tomorrow');
  });
});
