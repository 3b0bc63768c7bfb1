import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromDayNumber, isIsoDate, toDayNumber, weekday } from '../../dates';
import { isoToDay, weekdayOfDay } from './day-numbers';

describe('day numbers', () => {
  it('agree with the Date-based helpers on every day from 1900 to 2199', () => {
    fc.assert(
      fc.property(fc.integer({ min: toDayNumber('1900-01-01'), max: toDayNumber('2199-12-31') }), (day) => {
        const iso = fromDayNumber(day);
        expect(isoToDay(iso)).toBe(day);
        expect(weekdayOfDay(day)).toBe(weekday(iso));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects what isIsoDate rejects', () => {
    for (const s of ['2025-02-29', '2024-02-30', '2025-13-01', '2025-00-10', '2025-1-01', 'x', '2025-04-31']) {
      expect(isoToDay(s)).toBeNull();
      expect(isIsoDate(s)).toBe(false);
    }
    expect(isoToDay('2024-02-29')).toBe(toDayNumber('2024-02-29'));
  });
});
