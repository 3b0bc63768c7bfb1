import { describe, expect, it } from 'vitest';
import { fullLevel, hiddenAt, leadColumn, nextLevel, shownAt } from './table-columns';

// The invoices table of the Data page: identity, status and actions must survive any width.
const invoices = [
  { id: 'number', priority: 1 },
  { id: 'client', priority: 2 },
  { id: 'issue', priority: 4 },
  { id: 'due', priority: 3 },
  { id: 'total', priority: 3 },
  { id: 'outstanding', priority: 2 },
  { id: 'status', priority: 1 },
  { id: 'actions', priority: 1 },
];

describe('column priorities', () => {
  it('shows every column at the full level and keeps their order', () => {
    expect(fullLevel(invoices)).toBe(4);
    expect(shownAt(invoices, 4).map((c) => c.id)).toEqual(invoices.map((c) => c.id));
    expect(hiddenAt(invoices, 4)).toEqual([]);
  });

  it('hides the highest numbers first and never status or actions', () => {
    expect(hiddenAt(invoices, 3).map((c) => c.id)).toEqual(['issue']);
    expect(hiddenAt(invoices, 2).map((c) => c.id)).toEqual(['issue', 'due', 'total']);
    expect(shownAt(invoices, 1).map((c) => c.id)).toEqual(['number', 'status', 'actions']);
  });

  it('steps down one used level at a time while the table overflows, and stops at 1', () => {
    expect(nextLevel(invoices, 4, true)).toBe(3);
    expect(nextLevel(invoices, 3, true)).toBe(2);
    expect(nextLevel(invoices, 2, true)).toBe(1);
    expect(nextLevel(invoices, 1, true)).toBe(1);
    expect(nextLevel(invoices, 3, false)).toBe(3);
    // Gaps in the numbering are skipped: 5 → 2 when nothing uses 3 or 4.
    expect(nextLevel([{ id: 'a' }, { id: 'b', priority: 2 }, { id: 'c', priority: 5 }], 5, true)).toBe(2);
  });

  it('puts the hidden values under the first always-shown column', () => {
    expect(leadColumn(invoices)?.id).toBe('number');
    expect(leadColumn([{ id: 'x', priority: 2 }, { id: 'y' }])?.id).toBe('y');
    // No priorities at all: every column is priority 1 and nothing is ever hidden.
    expect(fullLevel([{ id: 'a' }, { id: 'b' }])).toBe(1);
  });
});
